#!/usr/bin/env bats
# Bad input end to end: oversized bodies, broken encodings, invalid UTF-8, over-long fields; 4xx, no partial write, workers live on.

load helpers

# signup_body JAR EMAIL: a valid URL-encoded sign-up body with the visitor's CSRF token.
signup_body() {
	csrf "$1"
	{
		echo "csrf=$TOKEN"
		signup_fields "$2"
	} | jq -Rr 'capture("^(?<k>[^=]*)=(?<v>.*)$") | "\(.k)=\(.v | @uri)"' | paste -sd '&'
}

# before: remembers the row counts and the portal workers; after: checks that nothing was
# written, that no worker died, and that the next request is served.
before() {
	BEFORE_COUNTS=$(counts)
	BEFORE_WORKERS=$(workers portal)
}
after() {
	assert_equal "$(counts)" "$BEFORE_COUNTS"
	assert_equal "$(workers portal)" "$BEFORE_WORKERS"
	get - /
	assert_equal "$code" 200
	get - /healthz
	assert_equal "$code" 200
}

# post_signup JAR BODY: posts a raw sign-up body.
post_signup() { post_raw "$1" /signup "$2"; }

@test "a body over 1 MiB is refused with 413 (nginx) and nothing is written; exactly 1 MiB goes through" {
	local email body f=$BATS_TEST_TMPDIR/big
	email=$(new_email)
	body=$(signup_body a "$email")
	# The valid form followed by an unknown field (ignored) that brings the body to 1 MiB + 1.
	{
		printf '%s&pad=' "$body"
		head -c $((1024 * 1024 + 1 - ${#body} - 5)) /dev/zero | tr '\0' x
	} >"$f"
	assert_equal "$(stat -c %s "$f")" $((1024 * 1024 + 1))
	before
	req a POST /signup -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "@$f"
	assert_equal "$code" 413
	after
	run sql "SELECT COUNT(*) FROM person WHERE email = $(sql_str "$email")"
	assert_output 0

	# One byte less is within the limit: the same form signs up.
	truncate -s $((1024 * 1024)) "$f"
	req a POST /signup -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "@$f"
	assert_equal "$code" 303
	run sql "SELECT COUNT(*) FROM person WHERE email = $(sql_str "$email")"
	assert_output 1
}

@test "the application itself refuses a body over 1 MiB with 413 and a Russian message" {
	# nginx lets 2 MiB through to the certificates program (template uploads), so the
	# program's own limit answers here.
	local f=$BATS_TEST_TMPDIR/big
	head -c $((1536 * 1024)) /dev/zero | tr '\0' x >"$f"
	before
	req - POST /certificates/healthz -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "@$f"
	assert_equal "$code" 413
	assert_output --partial 'Слишком большой запрос: не более 1024 КБ.'
	assert_equal "$(header X-Content-Type-Options)" nosniff
	req - POST /certificates/healthz -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "@$f" \
		-H 'Accept: application/json'
	assert_equal "$code" 413
	assert_equal "$(jq -r .status <<<"$output")" 413
	after
	get - /certificates/healthz
	assert_equal "$code" 200
}

@test "a form with broken percent-encoding is refused with 400 and nothing is written" {
	local email body bad
	email=$(new_email)
	body=$(signup_body a "$email")
	before
	for bad in 'full_name=%zz' 'full_name=%4' 'full_name=abc%' 'x%g1=1' 'password=%%41'; do
		post_signup a "$body&$bad"
		assert_equal "$code" 400
		assert_output --partial 'Неверно закодированные данные формы.'
	done
	get_json - '/?q=%zz'
	assert_equal "$code" 400
	assert_equal "$(jq -r .error <<<"$output")" 'Неверно закодированные данные формы.'
	after
	run sql "SELECT COUNT(*) FROM person WHERE email = $(sql_str "$email")"
	assert_output 0
	# The control: the same form without the broken part signs up. (A fresh visitor: the error
	# pages above may have replaced visitor a's cookie, see access.bats.)
	post_signup b "$(signup_body b "$email")"
	assert_equal "$code" 303
}

@test "invalid UTF-8 is refused with 400 naming the field, nothing is written" {
	local email body bad
	email=$(new_email)
	body=$(signup_body a "$email")
	before
	# A lone continuation byte, a truncated sequence, an overlong '/', a surrogate, a byte
	# that is never UTF-8, a code point past U+10FFFF, and a NUL.
	for bad in '%80' 'ab%D0' '%C0%AF' '%ED%A0%80' '%FF' '%F4%90%80%80' 'a%00b'; do
		post_signup a "${body/full_name=/full_name=$bad}"
		assert_equal "$code" 400
		assert_output --partial 'Поле «ФИО»: недопустимые символы'
	done
	post_signup a "${body/position=/position=%C3%28}"
	assert_equal "$code" 400
	assert_output --partial 'Поле «Должность»: недопустимые символы'
	# Raw bytes, not percent-encoded, as a broken client would send them.
	local raw=$'\xff\xfe'
	post_signup a "${body/full_name=/full_name=$raw}"
	assert_equal "$code" 400
	assert_output --partial 'Поле «ФИО»'
	get_json - '/?q=%FF'
	assert_equal "$code" 400
	assert_equal "$(jq -r .error <<<"$output")" 'Поле «Поиск»: недопустимые символы (текст должен быть в кодировке UTF-8).'
	get - '/%FF'
	assert_equal "$code" 400
	assert_output --partial 'Неверный адрес страницы.'
	after
	run sql "SELECT COUNT(*) FROM person WHERE email = $(sql_str "$email")"
	assert_output 0
}

@test "over-long fields are refused with 400 naming the field; 200 Cyrillic letters fit the 200 limit" {
	local email body long200 long201
	email=$(new_email)
	body=$(signup_body a "$email")
	long200=$(printf 'Ж%.0s' {1..200})
	long201=${long200}Ж
	before
	post_signup a "full_name=$long201&$body"
	assert_equal "$code" 400
	assert_output --partial 'Поле «ФИО»: слишком длинное значение.'
	post_signup a "position=$long201&$body"
	assert_equal "$code" 400
	assert_output --partial 'Поле «Должность»: слишком длинное значение.'
	post_signup a "$body&phone=$(printf '1%.0s' {1..33})"
	assert_equal "$code" 400
	assert_output --partial 'Поле «Телефон»: слишком длинное значение.'
	post_signup a "${body/email=/email=$(printf 'a%.0s' {1..250})}"
	assert_equal "$code" 400
	assert_output --partial 'Поле «Электронная почта»: слишком длинное значение.'
	csrf l
	req l POST /login -H 'Accept: application/json' --data-urlencode "csrf=$TOKEN" \
		--data-urlencode "email=$email" --data-urlencode "password=$(printf 'p%.0s' {1..129})"
	assert_equal "$code" 400
	assert_equal "$(jq -r .error <<<"$output")" 'Поле «Пароль»: слишком длинное значение.'
	after
	run sql "SELECT COUNT(*) FROM person WHERE email = $(sql_str "$email")"
	assert_output 0

	# The limit counts letters, not bytes: 200 Cyrillic letters (400 bytes) are accepted. The
	# first full_name of a form is the one taken.
	post_signup b "full_name=$long200&$(signup_body b "$email")"
	assert_equal "$code" 303
	run sql "SELECT CHAR_LENGTH(full_name) FROM person WHERE email = $(sql_str "$email")"
	assert_output 200
}

@test "other malformed requests: unknown content type 415, broken JSON and multipart 400, too many fields 400" {
	local body many
	body=$(signup_body a "$(new_email)")
	before
	post_raw a /signup "$body" text/plain
	assert_equal "$code" 415
	post_raw a /signup '{"email": "x@y.zz",' application/json
	assert_equal "$code" 400
	assert_output --partial 'Неверный JSON'
	post_raw a /signup '["a"]' application/json
	assert_equal "$code" 400
	post_raw a /signup $'--XX\r\nContent-Disposition: form-data; name="email"\r\n\r\nx@y.zz' \
		'multipart/form-data; boundary=XX'
	assert_equal "$code" 400
	assert_output --partial 'Неверный формат составной формы'
	post_raw a /signup 'email=x@y.zz' multipart/form-data
	assert_equal "$code" 400
	many=$(printf 'q=a&%.0s' {1..201})
	post_raw a /signup "$body&${many%&}"
	assert_equal "$code" 400
	assert_output --partial 'Слишком много полей в запросе.'
	after
}
