#!/usr/bin/env bats
# Accounts end to end: sign-up, login, logout, wrong passwords and login throttling, through nginx and MariaDB.

load helpers

@test "sign-up creates the account with an argon2id hash, consent and an audit row, and logs in" {
	signup a
	assert_equal "$(cookie a sid | wc -c)" 44 # 43 characters of base64url and the newline
	run sql "SELECT password_hash LIKE '\$argon2id\$%', consent_version, consent_at > NOW() - INTERVAL 5 MINUTE,
	                organization_id = $(org_id), full_name, phone, position
	         FROM person WHERE id = $USER_ID"
	assert_output $'1\t2026-01\t1\t1\tТестова Анна Игоревна\t+7 900 000-00-00\tМетодист'
	run sql "SELECT COUNT(*), MAX(detail) FROM audit_log WHERE action = 'signup' AND object_type = 'person' AND object_id = $USER_ID"
	assert_output $'1\tconsent 2026-01'
	run sql "SELECT COUNT(*) FROM web_session WHERE person_id = $USER_ID"
	assert_output 1

	get a /me
	assert_equal "$code" 200
	assert_output --partial 'Тестова Анна Игоревна'
	assert_output --partial 'Тестовой Анне Игоревне'
	assert_output --partial "$EMAIL"
	assert_output --partial 'МБОУ СОШ № 2 г. Усмани'
}

@test "sign-up stores the e-mail in lower case and refuses the same address again with 409" {
	local email fields
	email=$(new_email)
	signup a "${email^^}"
	run sql "SELECT email FROM person WHERE id = $USER_ID"
	assert_output "$email"

	local before
	before=$(counts)
	mapfile -t fields < <(signup_fields "$email")
	post b /signup "${fields[@]}"
	assert_equal "$code" 409
	assert_output --partial 'Этот адрес электронной почты уже зарегистрирован'
	assert_equal "$(cookie b sid)" ''
	run sql "SELECT COUNT(*) FROM person WHERE email = $(sql_str "$email")"
	assert_output 1
	# The refused attempt counts against the sign-up limit (rate_limit row); nothing else is written.
	assert_equal "$(counts | cut -f1-4)" "$(cut -f1-4 <<<"$before")"
}

@test "sign-up without a required field answers 400 naming the field and writes nothing" {
	local email fields f before
	email=$(new_email)
	before=$(counts)
	for f in full_name consent organization_id password2; do
		mapfile -t fields < <(signup_fields "$email" | grep -v "^$f=")
		post a /signup "${fields[@]}"
		assert_equal "$code" 400
		case $f in
		full_name) assert_output --partial 'Заполните поле «ФИО».' ;;
		consent) assert_output --partial 'Заполните поле «Согласие на обработку персональных данных».' ;;
		organization_id) assert_output --partial 'Заполните поле «Организация».' ;;
		password2) assert_output --partial 'Заполните поле «Пароль ещё раз».' ;;
		esac
		# The form is shown again with what was typed, never with the password.
		assert_output --partial "value=\"$email\""
		refute_output --partial "$PASSWORD"
	done
	assert_equal "$(counts)" "$before"
	assert_equal "$(cookie a sid)" ''
}

@test "sign-up refuses a short password, mismatched passwords and an organisation not in the register" {
	local email fields before
	email=$(new_email)
	before=$(counts)
	mapfile -t fields < <(signup_fields "$email" | grep -v '^password')
	post a /signup "${fields[@]}" password=1234567 password2=1234567
	assert_equal "$code" 400
	assert_output --partial 'Пароль должен быть не короче 8 символов.'

	post a /signup "${fields[@]}" password=long-enough-1 password2=long-enough-2
	assert_equal "$code" 400
	assert_output --partial 'Пароли не совпадают.'
	assert_equal "$(counts)" "$before"

	mapfile -t fields < <(signup_fields "$email" | grep -v '^organization_id')
	post a /signup "${fields[@]}" organization_id=2147483647
	assert_equal "$code" 400
	assert_output --partial 'Выбранной организации нет в реестре'
	run sql "SELECT COUNT(*) FROM person WHERE email = $(sql_str "$email")"
	assert_output 0
	assert_equal "$(cookie a sid)" ''
}

@test "login sets an HttpOnly SameSite=Lax session cookie, goes to /me and is audited" {
	signup a
	post b /login "email=$EMAIL" "password=$PASSWORD"
	assert_equal "$code" 303
	assert_equal "$location" /me
	run header Set-Cookie
	assert_output --regexp '^sid=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Lax; Max-Age=[0-9]+$'
	get b /me
	assert_equal "$code" 200
	assert_output --partial "$EMAIL"
	run sql "SELECT COUNT(*) FROM audit_log WHERE action = 'login' AND object_id = $USER_ID"
	assert_output 1
}

@test "login follows next to a local page, and refuses next pointing at another site" {
	signup a
	# A guest sent to the login page comes back where they were going.
	get b /me
	assert_equal "$code" 303
	assert_regex "$location" '^/login\?next=(/|%2F)me$'
	get b "$location"
	assert_equal "$code" 200
	assert_output --partial 'name="next" value="/me"'
	post b /login "email=$EMAIL" "password=$PASSWORD" next=/admin/users
	assert_equal "$code" 303
	assert_equal "$location" /admin/users

	local next
	for next in //evil.example/ 'https://evil.example/' '/\evil.example'; do
		post c /login "email=$EMAIL" "password=$PASSWORD" "next=$next"
		assert_equal "$code" 400
		assert_output --partial 'Поле «Адрес возврата»'
		assert_equal "$location" ''
		assert_equal "$(cookie c sid)" ''
	done
}

@test "login gives a new session: the session id changes and the old one stops working" {
	signup a
	local old
	old=$(cookie a sid)
	login a "$EMAIL"
	assert_not_equal "$(cookie a sid)" "$old"
	get a /me
	assert_equal "$code" 200
	get - /me -H "Cookie: sid=$old"
	assert_equal "$code" 303
	run sql "SELECT COUNT(*) FROM web_session WHERE person_id = $USER_ID"
	assert_output 1
}

@test "logout ends the session: the old sid no longer works" {
	signup a
	local sid
	sid=$(cookie a sid)
	get - /me -H "Cookie: sid=$sid"
	assert_equal "$code" 200

	post a /logout
	assert_equal "$code" 303
	assert_equal "$location" /
	run header Set-Cookie
	assert_output --partial 'sid=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0'
	run sql "SELECT COUNT(*) FROM web_session WHERE person_id = $USER_ID"
	assert_output 0
	run sql "SELECT COUNT(*) FROM audit_log WHERE action = 'logout' AND object_id = $USER_ID"
	assert_output 1

	# Replaying the old cookie, as a browser that did not drop it would.
	get - /me -H "Cookie: sid=$sid"
	assert_equal "$code" 303
	assert_regex "$location" '^/login\?next='
	get_json - /me -H "Cookie: sid=$sid"
	assert_equal "$code" 401
	get a /me
	assert_equal "$code" 303
}

@test "wrong password or unknown e-mail: 401 with the same message, no session, audited" {
	signup a
	post b /login "email=$EMAIL" password=not-the-password
	assert_equal "$code" 401
	assert_output --partial 'Неверный адрес электронной почты или пароль.'
	assert_output --partial "value=\"$EMAIL\""
	assert_equal "$(cookie b sid)" ''
	run sql "SELECT COUNT(*) FROM audit_log WHERE action = 'login.fail' AND object_id = $USER_ID"
	assert_output 1

	post b /login "email=$(new_email)" password=whatever-it-is
	assert_equal "$code" 401
	assert_output --partial 'Неверный адрес электронной почты или пароль.'
	assert_equal "$(cookie b sid)" ''

	get_json b /me
	assert_equal "$code" 401
	assert_equal "$(jq -r .status <<<"$output")" 401
}

@test "login throttling: 429 after 5 failures for one e-mail, even with the right password; another e-mail is not blocked" {
	signup a
	local victim=$EMAIL victim_id=$USER_ID i
	signup z
	local other=$EMAIL

	for i in 1 2 3 4 5; do
		post b /login "email=$victim" password=wrong-password-$i
		assert_equal "$code" 401
	done
	post b /login "email=$victim" "password=$PASSWORD"
	assert_equal "$code" 429
	assert_output --partial 'Слишком много неудачных попыток входа'
	assert_equal "$(cookie b sid)" ''
	# The limit is by e-mail: a fresh visitor is refused as well.
	post c /login "email=$victim" "password=$PASSWORD"
	assert_equal "$code" 429
	run sql "SELECT hits FROM rate_limit WHERE bucket = $(sql_str "login:e:$victim")"
	assert_output 5
	run sql "SELECT COUNT(*) FROM web_session WHERE person_id = $victim_id"
	assert_output 1 # only the session of the sign-up

	post b /login "email=$other" "password=$PASSWORD"
	assert_equal "$code" 303
	assert_equal "$location" /me
}

@test "a successful login clears the failure count of that e-mail" {
	signup a
	local i
	for i in 1 2 3 4; do
		post b /login "email=$EMAIL" password=wrong-password-$i
		assert_equal "$code" 401
	done
	login b "$EMAIL"
	run sql "SELECT COUNT(*) FROM rate_limit WHERE bucket = $(sql_str "login:e:$EMAIL")"
	assert_output 0
	for i in 1 2 3 4 5; do
		post c /login "email=$EMAIL" password=wrong-again-$i
		assert_equal "$code" 401
	done
}
