#!/usr/bin/env bats
# Operations end to end: health checks, security headers, JSON contexts, 404 and 405 pages, workers replaced after SIGKILL,
# the stored routines of sql/procedures/.

load helpers

# security_headers: the last response carries each security header exactly once.
security_headers() {
	local csp
	assert_equal "$(header X-Content-Type-Options)" nosniff
	assert_equal "$(header X-Frame-Options)" DENY
	csp=$(header Content-Security-Policy)
	assert_equal "$(wc -l <<<"$csp")" 1
	assert_regex "$csp" "(^|; )frame-ancestors 'none'(;|$)"
	assert_regex "$csp" "(^|; )default-src 'self'(;|$)"
	assert_regex "$csp" "(^|; )script-src 'self'(;|$)"
	assert_regex "$csp" "(^|; )object-src 'none'(;|$)"
	refute_regex "$csp" "unsafe-inline|unsafe-eval"
}

@test "/healthz of every program answers 200 {\"status\":\"ok\"}" {
	local path
	for path in /healthz /checkin/healthz /certificates/healthz /reports/healthz; do
		get - "$path"
		assert_equal "$code" 200
		assert_equal "$output" '{"status":"ok"}'
		assert_equal "$(header Content-Type)" application/json
		security_headers
	done
}

@test "security headers on pages, redirects, errors and JSON; every cookie is HttpOnly and SameSite=Lax" {
	get a /
	assert_equal "$code" 200
	security_headers
	get g /login
	assert_equal "$code" 200
	security_headers
	run header Set-Cookie
	assert_output --regexp '^aid=[A-Za-z0-9_-]{24}; Path=/; HttpOnly; SameSite=Lax; Max-Age=[0-9]+$'
	get - /me
	assert_equal "$code" 303
	security_headers
	get - /no-such-page
	assert_equal "$code" 404
	security_headers
	req - POST /login -d email=a@b.cd -d password=12345678
	assert_equal "$code" 403
	security_headers
	get_json - /
	assert_equal "$code" 200
	security_headers
	get - /checkin/no-such-page
	assert_equal "$code" 404
	security_headers

	# The cookies of a sign-up and a logout.
	local fields c
	mapfile -t fields < <(signup_fields "$(new_email)")
	post b /signup "${fields[@]}"
	assert_equal "$code" 303
	security_headers
	c=$(header Set-Cookie)
	assert_regex "$c" '^sid=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Lax; Max-Age=[0-9]+$'
	post b /logout
	assert_equal "$code" 303
	security_headers
	c=$(header Set-Cookie)
	assert_regex "$c" '^sid=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0$'
}

@test "the home page answers Accept: application/json with its data context" {
	get_json - /
	assert_equal "$code" 200
	assert_equal "$(header Content-Type)" application/json
	assert_equal "$(jq -r '.sectors | type, length' <<<"$output")" $'array\n6'
	assert_equal "$(jq -r '.regions | type' <<<"$output")" array
	assert_equal "$(jq -c '.sectors[] | select(.id == 1) | .name' <<<"$output")" '"Образование"'
	assert_equal "$(jq -c '.regions[] | select(.id == 48) | .name' <<<"$output")" '"Липецкая область"'
	assert_equal "$(jq -c '[(.seminars | type), .user, .title]' <<<"$output")" '["array",null,"Семинары для администраторов госпабликов"]'
	# No CSRF token in JSON: it is for HTML forms.
	assert_equal "$(jq -c 'has("csrf")' <<<"$output")" false

	# A filter comes back in the context; a logged-in user is in it.
	signup a
	get_json a '/?sector_id=3&region_id=48&q=%D1%81%D0%BC%D0%BC'
	assert_equal "$code" 200
	assert_equal "$(jq -c '.filter | [.q, .sector_id, .region_id, .district_id, .format]' <<<"$output")" '["смм",3,48,0,null]'
	assert_equal "$(jq -c '[.user.id, .user.email, .user.is_admin]' <<<"$output")" "[$USER_ID,\"$EMAIL\",false]"

	# A browser that accepts both gets HTML.
	get - / -H 'Accept: text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8'
	assert_equal "$code" 200
	assert_regex "$(header Content-Type)" '^text/html'
	assert_output --partial '<option value="48">Липецкая область</option>'
}

@test "an unknown path answers 404 with a Russian page, or JSON; a wrong method 405" {
	get - /no-such-page
	assert_equal "$code" 404
	assert_regex "$(header Content-Type)" '^text/html; charset=utf-8'
	assert_output --partial '<html lang="ru">'
	assert_output --partial 'Страница не найдена. Проверьте адрес или вернитесь на главную.'
	get_json - /no-such-page
	assert_equal "$code" 404
	assert_equal "$(jq -c . <<<"$output")" '{"status":404,"error":"Страница не найдена. Проверьте адрес или вернитесь на главную."}'

	local path
	for path in /admin /admin/users/ /me/ /checkin/no-such-page /certificates/no-such-page \
		/reports/no-such-page /healthz/x; do
		get - "$path"
		assert_equal "$code" 404
		assert_output --partial 'Страница не найдена.'
	done

	# An id that is no id, seen by someone allowed to see the page.
	login_demo admin admin
	for path in /admin/users/abc /admin/users/0 /admin/users/01 /admin/users/99999999999; do
		get admin "$path"
		assert_equal "$code" 404
	done

	req - PUT /login
	assert_equal "$code" 405
	assert_output --partial 'Этот метод запроса здесь не поддерживается.'
	req - DELETE /me
	assert_equal "$code" 405
	get - /healthz
	assert_equal "$code" 200
}

# wait_replaced PROGRAM OLD_PIDS KILLED_PIDS: polls /healthz for up to 30 s until the program has
# as many workers as before, none of the killed ones, and 10 requests in a row answered 200.
# Sets CODES (every status seen, in order) and NEW (the worker pids at the end).
wait_replaced() {
	local program=$1 old=$2 killed=$3 path=$4 deadline=$((SECONDS + 30)) ok=0 pid gone
	CODES=
	while ((SECONDS < deadline)); do
		get - "$path"
		CODES+="$code "
		if [[ $code == 200 ]]; then ok=$((ok + 1)); else ok=0; fi
		NEW=$(workers "$program")
		gone=1
		for pid in $killed; do grep -qx "$pid" <<<"$NEW" && gone=0; done
		((ok >= 10 && gone)) && [[ $(wc -l <<<"$NEW") == $(wc -l <<<"$old") ]] && return 0
		sleep 0.05
	done
	return 1
}

@test "a portal worker killed with SIGKILL is replaced and the next requests succeed" {
	local master old victim
	master=$(cat "$VAR/run/portal.pid")
	old=$(workers portal)
	assert [ -n "$old" ]
	victim=$(head -n 1 <<<"$old")
	kill -KILL "$victim"

	wait_replaced portal "$old" "$victim" / || fail "not replaced within 30 s; statuses: $CODES; workers: $NEW"
	# A new pid, the same master.
	assert [ -n "$(comm -13 <(echo "$old") <(echo "$NEW"))" ]
	assert_equal "$(cat "$VAR/run/portal.pid")" "$master"
	kill -0 "$master"
	# Every request after the kill was served (the other worker takes them meanwhile).
	refute_regex "$CODES" '(^| )[^2]'

	# The replacement serves pages that need the database and sessions.
	signup a
	get a /me
	assert_equal "$code" 200
}

@test "all portal workers killed at once are replaced and the requests that waited are served" {
	local old
	old=$(workers portal)
	assert [ -n "$old" ]
	# shellcheck disable=SC2086
	kill -KILL $old

	wait_replaced portal "$old" "$old" /healthz || fail "not replaced within 30 s; statuses: $CODES; workers: $NEW"
	assert_equal "$(comm -12 <(echo "$old") <(echo "$NEW"))" ''
	get - /
	assert_equal "$code" 200
}

# db_routines: the stored routines and views of the database, "KIND name" a line, sorted.
db_routines() {
	sql "SELECT CONCAT(ROUTINE_TYPE, ' ', ROUTINE_NAME) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()
	     UNION ALL SELECT CONCAT('VIEW ', TABLE_NAME) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()" | sort
}

@test "the database holds exactly the routines and views of sql/procedures/, none defined in a migration" {
	local root=${STACK%/scripts/stack.sh} files f
	run grep -lE '^CREATE (DEFINER|FUNCTION|PROCEDURE|VIEW|OR REPLACE)' "$root"/sql/migrations/*.sql
	assert_failure
	files=$(sed -nE 's/^CREATE OR REPLACE (SQL SECURITY [A-Z]+ )?(FUNCTION|PROCEDURE|VIEW) ([a-z_]+).*/\2 \3/p' \
		"$root"/sql/procedures/*.sql | sort)
	assert_regex "$files" "FUNCTION attendance_qualifies"
	assert_regex "$files" "VIEW coverage_candidate"
	assert_equal "$(db_routines)" "$files"
	# What every start does again: the same set afterwards.
	for f in "$root"/sql/procedures/*.sql; do
		"$STACK" psql <"$f"
	done
	assert_equal "$(db_routines)" "$files"
}
