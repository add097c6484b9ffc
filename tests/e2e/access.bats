#!/usr/bin/env bats
# Access end to end: login-only and admin-only pages, granting and revoking roles with scope, CSRF rejection.

load helpers

@test "a guest is sent to the login page from /me and the admin pages; JSON clients get 401" {
	local path
	for path in /me /admin/users /admin/users/1; do
		get a "$path"
		assert_equal "$code" 303
		# '/' may stay as it is in a query string or be encoded as %2F.
		local want=${path//\//(/|%2F)}
		assert_regex "$location" "^/login\\?next=$want\$"
	done
	get_json a /me
	assert_equal "$code" 401
	assert_equal "$(jq -c . <<<"$output")" '{"status":401,"error":"Войдите, чтобы продолжить."}'
}

@test "participant and reviewer get 403 on the admin pages, the administrator gets them" {
	signup p
	login_demo r reviewer
	local who path
	for who in p r; do
		for path in /admin/users "/admin/users/$USER_ID"; do
			get "$who" "$path"
			assert_equal "$code" 403
			assert_output --partial 'Эта страница доступна только администраторам.'
			get_json "$who" "$path"
			assert_equal "$code" 403
			assert_equal "$(jq -r '.status, .error' <<<"$output")" $'403\nЭта страница доступна только администраторам.'
			refute_output --partial "$EMAIL"
		done
	done

	login_demo admin admin
	get admin "/admin/users?q=$EMAIL"
	assert_equal "$code" 200
	assert_output --partial "$EMAIL"
	assert_output --partial "href=\"/admin/users/$USER_ID\""
	get_json admin "/admin/users/$USER_ID"
	assert_equal "$code" 200
	assert_equal "$(jq -r '.person.email, (.grants | length)' <<<"$output")" "$EMAIL"$'\n0'
}

@test "a participant cannot grant a role to itself or revoke someone's role" {
	signup p
	local before gid
	before=$(counts)
	post p "/admin/users/$USER_ID/grants" role=admin
	assert_equal "$code" 403
	gid=$(sql "SELECT g.id FROM role_grant g JOIN person p ON p.id = g.person_id WHERE p.email = 'admin@demo.local' LIMIT 1")
	post p "/admin/grants/$gid/revoke"
	assert_equal "$code" 403
	assert_equal "$(counts)" "$before"
	run sql "SELECT COUNT(*) FROM role_grant WHERE id = $gid"
	assert_output 1
	get p /admin/users
	assert_equal "$code" 403
}

@test "the administrator grants a reviewer role for a region and sector, then revokes it" {
	signup p
	local uid=$USER_ID admin_id gid
	admin_id=$(sql "SELECT id FROM person WHERE email = 'admin@demo.local'")
	login_demo admin admin

	get_json p /me
	assert_equal "$(jq -c .roles <<<"$output")" '[]'
	assert_equal "$(jq -c '.user.is_reviewer' <<<"$output")" false

	post admin "/admin/users/$uid/grants" role=reviewer region_id=48 sector_id=1
	assert_equal "$code" 303
	assert_equal "$location" "/admin/users/$uid"
	run sql "SELECT role, region_id, sector_id, granted_by FROM role_grant WHERE person_id = $uid"
	assert_output $'reviewer\t48\t1\t'"$admin_id"
	gid=$(sql "SELECT id FROM role_grant WHERE person_id = $uid")
	run sql "SELECT person_id, detail FROM audit_log WHERE action = 'role.grant' AND object_type = 'person' AND object_id = $uid"
	assert_output "$admin_id"$'\treviewer region=48 sector=1'

	get admin "/admin/users/$uid"
	assert_equal "$code" 200
	assert_output --partial 'представитель министерства'
	assert_output --partial "action=\"/admin/grants/$gid/revoke\""

	# The person's own cabinet shows the role with its territory, in the same session.
	get p /me
	assert_equal "$code" 200
	assert_output --partial 'представитель министерства'
	assert_output --partial 'Липецкая область; Образование'
	get_json p /me
	assert_equal "$(jq -c '.roles' <<<"$output")" '[{"role_name":"представитель министерства","scope":"Липецкая область; Образование"}]'
	assert_equal "$(jq -c '.user.is_reviewer' <<<"$output")" true
	# A reviewer is still no administrator.
	get p /admin/users
	assert_equal "$code" 403

	post admin "/admin/grants/$gid/revoke"
	assert_equal "$code" 303
	assert_equal "$location" "/admin/users/$uid"
	run sql "SELECT COUNT(*) FROM role_grant WHERE person_id = $uid"
	assert_output 0
	run sql "SELECT person_id, detail FROM audit_log WHERE action = 'role.revoke' AND object_type = 'person' AND object_id = $uid"
	assert_output "$admin_id"$'\tgrant='"$gid"

	get p /me
	assert_equal "$code" 200
	refute_output --partial 'представитель министерства'
	refute_output --partial 'Липецкая область; Образование'
	get_json p /me
	assert_equal "$(jq -c '[.roles, .user.is_reviewer]' <<<"$output")" '[[],false]'

	# Revoking it again finds nothing.
	post admin "/admin/grants/$gid/revoke"
	assert_equal "$code" 404
}

@test "an administrator role granted and revoked takes effect on the person's next request" {
	signup p
	local uid=$USER_ID gid
	login_demo admin admin
	post admin "/admin/users/$uid/grants" role=admin region_id=48 sector_id=1
	assert_equal "$code" 303
	# An administrator's rights have no territory.
	run sql "SELECT role, region_id IS NULL, sector_id IS NULL FROM role_grant WHERE person_id = $uid"
	assert_output $'admin\t1\t1'
	gid=$(sql "SELECT id FROM role_grant WHERE person_id = $uid")
	get p /admin/users
	assert_equal "$code" 200
	get_json p /me
	assert_equal "$(jq -c '.user.is_admin' <<<"$output")" true

	post admin "/admin/grants/$gid/revoke"
	assert_equal "$code" 303
	get p /admin/users
	assert_equal "$code" 403
}

@test "grants with a bad role or for an unknown person, and revoking an unknown grant, are refused and write nothing" {
	signup p
	local uid=$USER_ID before
	login_demo admin admin
	before=$(counts)

	post admin "/admin/users/$uid/grants" role=superuser region_id=48
	assert_equal "$code" 400
	assert_output --partial 'Поле «Роль»: недопустимое значение.'
	post admin "/admin/users/$uid/grants" region_id=48
	assert_equal "$code" 400
	assert_output --partial 'Поле «Роль»'
	post admin "/admin/users/$uid/grants" role=reviewer region_id=abc
	assert_equal "$code" 400
	assert_output --partial 'Поле «Регион»: ожидается целое число.'
	post admin "/admin/users/2147483647/grants" role=reviewer region_id=48 sector_id=1
	assert_equal "$code" 404
	post admin /admin/grants/2147483647/revoke
	assert_equal "$code" 404
	get admin /admin/users/2147483647
	assert_equal "$code" 404

	assert_equal "$(counts)" "$before"
}

@test "a grant for a region or sector that does not exist is refused with 400, not recorded as granted" {
	signup p
	local uid=$USER_ID before
	login_demo admin admin
	before=$(counts)

	post admin "/admin/users/$uid/grants" role=reviewer region_id=999 sector_id=1
	assert_equal "$code" 400
	assert_output --partial 'Такого региона или направления нет.'
	post admin "/admin/users/$uid/grants" role=reviewer region_id=48 sector_id=99
	assert_equal "$code" 400
	assert_output --partial 'Такого региона или направления нет.'

	run sql "SELECT COUNT(*) FROM audit_log WHERE action = 'role.grant' AND object_type = 'person' AND object_id = $uid"
	assert_output 0
	assert_equal "$(counts)" "$before"
}

@test "CSRF: a sign-up without a token, with a wrong token or with another visitor's token is refused; nothing is written" {
	local email fields before
	email=$(new_email)
	mapfile -t fields < <(signup_fields "$email")
	local args=() f
	for f in "${fields[@]}"; do args+=(--data-urlencode "$f"); done

	csrf a # visitor a gets its aid cookie and token
	local token_a=$TOKEN
	csrf b
	before=$(counts)

	req a POST /signup "${args[@]}"
	assert_equal "$code" 403
	assert_output --partial 'Форма устарела или отправлена с другого сайта.'
	req a POST /signup "${args[@]}" --data-urlencode "csrf=$(tr 'A-Za-z' 'N-ZA-Mn-za-m' <<<"$token_a")"
	assert_equal "$code" 403
	# A well-formed token that nobody was given.
	req a POST /signup "${args[@]}" --data-urlencode "csrf=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | cut -c1-43)"
	assert_equal "$code" 403
	req b POST /signup "${args[@]}" --data-urlencode "csrf=$token_a"
	assert_equal "$code" 403
	# A visitor with no cookie at all cannot post either, whatever token it brings.
	req - POST /signup "${args[@]}" --data-urlencode "csrf=$token_a"
	assert_equal "$code" 403
	req - POST /signup "${args[@]}" --data-urlencode "csrf=$token_a" -H 'Accept: application/json'
	assert_equal "$code" 403
	assert_equal "$(jq -r .status <<<"$output")" 403

	assert_equal "$(counts)" "$before"
	assert_equal "$(cookie a sid)$(cookie b sid)" ''
	run sql "SELECT COUNT(*) FROM person WHERE email = $(sql_str "$email")"
	assert_output 0

	# The same form with the visitor's own token goes through (the refusals above were CSRF only).
	req a POST /signup "${args[@]}" --data-urlencode "csrf=$token_a"
	assert_equal "$code" 303
}

@test "CSRF: a logged-in user's token is bound to the session; foreign and pre-login tokens are refused" {
	signup p
	local uid=$USER_ID guest_token admin_token before
	csrf admin
	guest_token=$TOKEN
	login_demo admin admin
	csrf admin
	admin_token=$TOKEN
	assert_not_equal "$admin_token" "$guest_token"
	csrf p
	before=$(counts)

	# The token from before the login, another user's token, and none at all.
	req admin POST "/admin/users/$uid/grants" --data-urlencode "csrf=$guest_token" -d role=admin
	assert_equal "$code" 403
	req admin POST "/admin/users/$uid/grants" --data-urlencode "csrf=$TOKEN" -d role=admin
	assert_equal "$code" 403
	req admin POST "/admin/users/$uid/grants" -d role=admin
	assert_equal "$code" 403
	req p POST /logout
	assert_equal "$code" 403
	req p POST /logout --data-urlencode "csrf=$admin_token"
	assert_equal "$code" 403
	assert_equal "$(counts)" "$before"
	get p /me
	assert_equal "$code" 200

	# Scripts read the token from any page's JSON and send it in the X-CSRF-Token header.
	get_json admin /
	assert_equal "$(jq -r .csrf <<<"$output")" "$admin_token"
	req admin POST "/admin/users/$uid/grants" -H "X-CSRF-Token: $admin_token" -d role=organizer -d region_id=48
	assert_equal "$code" 303
	run sql "SELECT role, region_id FROM role_grant WHERE person_id = $uid"
	assert_output $'organizer\t48'
}

@test "an error page keeps the guest's cookie, so a form open in another tab still posts" {
	local aid fields args=() f token
	csrf a
	aid=$(cookie a aid)
	token=$TOKEN
	assert_not_equal "$aid" ''
	mapfile -t fields < <(signup_fields "$(new_email)")
	for f in "${fields[@]}"; do args+=(--data-urlencode "$f"); done

	# The guest follows a broken link in another tab, and sends a broken form there; then
	# sends the sign-up form opened before.
	get a /no-such-page
	assert_equal "$code" 404
	assert_equal "$(cookie a aid)" "$aid"
	get a '/?q=%zz'
	assert_equal "$code" 400
	assert_equal "$(cookie a aid)" "$aid"

	req a POST /signup "${args[@]}" --data-urlencode "csrf=$token"
	assert_equal "$code" 303
}

@test "a logged-in user stays logged in on an error page" {
	signup a
	local sid
	sid=$(cookie a sid)
	get a /no-such-page
	assert_equal "$code" 404
	# The layout shows the user's menu (cabinet link and logout form), not the guest's.
	assert_output --partial 'href="/me"'
	assert_output --partial 'action="/logout"'
	refute_output --partial 'href="/signup"'
	assert_equal "$(header Set-Cookie)" ''
	assert_equal "$(cookie a sid)" "$sid"
}
