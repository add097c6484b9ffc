#!/usr/bin/env bats
# The per-worker cache of signed-in users (fcgi/core/authcache.h): every change to a session, a grant or a
# consent holds for the next request on every worker of every program at once; a change by hand, within the TTL.

load helpers

# burst SID PATH: 16 requests of PATH with the session cookie SID, 8 at a time so that every worker of the
# program answers some; prints the statuses with their counts ("200x16").
burst() {
	local args=() i
	for ((i = 0; i < 16; i++)); do args+=(-o /dev/null "$BASE_URL$2"); done
	curl -sS --max-time 20 -Z --parallel-max 8 -w '%{http_code}\n' -H "Cookie: sid=$1" "${args[@]}" |
		sort | uniq -c | awk '{ printf "%s%s%sx%s", sep, $2, "", $1; sep = " " }'
}

@test "a logged-out cookie is refused by the next request on every worker" {
	signup a
	sid=$(cookie a sid)
	assert_equal "$(burst "$sid" /me)" 200x16
	post a /logout
	assert_equal "$(burst "$sid" /me)" 303x16
}

@test "sessions ended from the sessions list, by a password change or by a consent withdrawal are refused at once" {
	signup a
	login b "$EMAIL"
	login c "$EMAIL"
	sb=$(cookie b sid) sc=$(cookie c sid)
	assert_equal "$(burst "$sb" /me)" 200x16
	assert_equal "$(burst "$sc" /me)" 200x16
	post a /me/sessions/end-others
	assert_equal "$(burst "$sb" /me)" 303x16
	assert_equal "$(burst "$(cookie a sid)" /me)" 200x16

	login b "$EMAIL"
	sb=$(cookie b sid)
	assert_equal "$(burst "$sb" /me)" 200x16
	post a /me/password "current_password=$PASSWORD" password=changed-pw-1 password2=changed-pw-1
	assert_equal "$(burst "$sb" /me)" 303x16

	login b "$EMAIL" changed-pw-1
	sb=$(cookie b sid)
	assert_equal "$(burst "$sb" /me)" 200x16
	post a /me/consent/withdraw confirm=1
	assert_equal "$(burst "$sb" /me)" 303x16
}

@test "a grant given or revoked holds at once in another program" {
	login_demo admin admin
	signup v
	sid=$(cookie v sid)
	assert_equal "$(burst "$sid" /reports/coverage)" 403x16
	post admin "/admin/users/$USER_ID/grants" role=reviewer region_id=48
	assert_equal "$(burst "$sid" /reports/coverage)" 200x16
	gid=$(sql "SELECT id FROM role_grant WHERE person_id = $USER_ID")
	post admin "/admin/grants/$gid/revoke"
	assert_equal "$(burst "$sid" /reports/coverage)" 403x16
}

@test "a session deleted by hand, with no word to the programs, is refused within the cache's 5 seconds" {
	signup a
	sid=$(cookie a sid)
	assert_equal "$(burst "$sid" /me)" 200x16
	# Not through sql(), which tells the programs (auth-epoch): as another app server's change would be.
	"$STACK" psql -e "DELETE FROM web_session WHERE person_id = $USER_ID"
	sleep 5.5
	assert_equal "$(burst "$sid" /me)" 303x16
}
