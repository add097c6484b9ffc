#!/usr/bin/env bats
# Mail end to end through the stack's own SMTP server: confirmation, reset, invitation, password change, the outbox
# surviving a stopped server, a permanent failure on /admin/mail.

load helpers

# statuses KIND EMAIL: the statuses of the messages of that kind to EMAIL, oldest first, comma-separated.
statuses() { sql "SELECT GROUP_CONCAT(status ORDER BY id) FROM mail_message WHERE recipient = $(sql_str "$2") AND kind = '$1'"; }

@test "sign-up mails the address confirmation: recipient, subject, headers, both parts, a base_url link that works once" {
	signup a
	run sql "SELECT email_confirmed_at IS NULL FROM person WHERE id = $USER_ID"
	assert_output 1
	get a /me
	assert_output --partial 'Подтвердите адрес электронной почты'

	mail_wait "$EMAIL" 'Подтвердите адрес электронной почты'
	assert_equal "$(mail_get to)" "Тестова Анна Игоревна <$EMAIL>"
	assert_equal "$(mail_get auto-submitted)" auto-generated
	[[ $(mail_get message-id) =~ ^\<address_confirm\.[A-Za-z0-9_-]+@seminars\.local\>$ ]]
	[[ -n $(mail_get date) ]]
	run mail_get text
	assert_output --partial 'Здравствуйте, Тестова Анна Игоревна!'
	assert_output --partial "$BASE_URL/confirm/"
	refute_output --partial '<p>'
	local path
	path=$(mail_path)
	run mail_get html
	assert_output --partial "<a href=\"$BASE_URL$path\">"
	# The row is the message: sent, with the Message-ID the server got and the server's answer.
	run sql "SELECT status, CONCAT('<', message_id, '>') = $(sql_str "$(mail_get message-id)"), last_answer LIKE '250 %'
	         FROM mail_message WHERE person_id = $USER_ID AND kind = 'address_confirm'"
	assert_output $'sent\t1\t1'

	get - "$path"
	assert_equal "$code" 200
	assert_output --partial 'Адрес подтверждён'
	run sql "SELECT email_confirmed_at IS NOT NULL FROM person WHERE id = $USER_ID"
	assert_output 1
	get a /me
	refute_output --partial 'Подтвердите адрес электронной почты'
	get - "$path"
	assert_equal "$code" 410
}

@test "password reset: one answer for known and unknown addresses, a single-use link, every other session ended" {
	local path unknown known hash
	signup a
	post b /password/forgot "email=nobody-$RANDOM-$$@example.test"
	assert_equal "$code" 200
	unknown=$output
	post b /password/forgot "email=$EMAIL"
	assert_equal "$code" 200
	known=$output
	assert_equal "${known//$TOKEN/}" "${unknown//$TOKEN/}"
	assert_output --partial 'Если адрес зарегистрирован'

	mail_wait "$EMAIL" 'Смена пароля'
	path=$(mail_path)
	[[ $path =~ ^/password/reset/[A-Za-z0-9_-]{43}$ ]]
	# Stored as its BLAKE2b-256 only, for an hour.
	hash=$(python3 -c 'import hashlib, sys; print(hashlib.blake2b(sys.argv[1].encode(), digest_size=32).hexdigest())' "${path##*/}")
	run sql "SELECT COUNT(*) FROM account_token WHERE person_id = $USER_ID AND purpose = 'reset' AND HEX(token_hash) = UPPER('$hash')
	         AND expires_at BETWEEN NOW() + INTERVAL 59 MINUTE AND NOW() + INTERVAL 61 MINUTE"
	assert_output 1

	get c "$path"
	assert_equal "$code" 200
	assert_output --partial "$EMAIL"
	post c "$path" password=new-secret-1 password2=new-secret-2
	assert_equal "$code" 400
	assert_output --partial 'Пароли не совпадают.'
	post c "$path" password=new-secret-1 password2=new-secret-1
	assert_equal "$code" 303
	assert_equal "$location" /me
	get c /me
	assert_equal "$code" 200
	# The session the person had before is gone; the old password no longer works, the new one does.
	get a /me
	assert_equal "$code" 303
	post d /login "email=$EMAIL" "password=$PASSWORD"
	assert_equal "$code" 401
	login d "$EMAIL" new-secret-1
	run sql "SELECT COUNT(*) FROM audit_log WHERE action = 'password.reset' AND object_id = $USER_ID"
	assert_output 1

	get e "$path"
	assert_equal "$code" 410
	post e "$path" password=other-secret-1 password2=other-secret-1
	assert_equal "$code" 410
	login f "$EMAIL" new-secret-1
}

@test "a reset link stops working when it expires" {
	signup a
	post b /password/forgot "email=$EMAIL"
	mail_wait "$EMAIL" 'Смена пароля'
	sql "UPDATE account_token SET expires_at = NOW() - INTERVAL 1 SECOND WHERE person_id = $USER_ID AND purpose = 'reset'"
	get b "$(mail_path)"
	assert_equal "$code" 410
	assert_output --partial 'Ссылка недействительна'
	post b "$(mail_path)" password=new-secret-1 password2=new-secret-1
	assert_equal "$code" 410
	login c "$EMAIL"
}

@test "reset requests are limited per address: the fourth in an hour answers 429 and makes no letter" {
	local i
	signup a
	for i in 1 2 3; do
		post b /password/forgot "email=$EMAIL"
		assert_equal "$code" 200
	done
	post b /password/forgot "email=$EMAIL"
	assert_equal "$code" 429
	run sql "SELECT COUNT(*) FROM mail_message WHERE person_id = $USER_ID AND kind = 'password_reset'"
	assert_output 3
}

@test "a signed-in person changes the password: the current one is checked, other sessions end, this one stays" {
	signup a
	login b "$EMAIL"
	post a /me/password current_password=wrong-one-1 password=changed-pw-1 password2=changed-pw-1
	assert_equal "$code" 400
	assert_output --partial 'Текущий пароль введён неверно.'
	post a /me/password "current_password=$PASSWORD" password=changed-pw-1 password2=changed-pw-1
	assert_equal "$code" 200
	assert_output --partial 'Пароль изменён'
	get a /me
	assert_equal "$code" 200
	get b /me
	assert_equal "$code" 303
	login c "$EMAIL" changed-pw-1
}

@test "invitation: a person added by an organiser gets a link that sets the password and confirms the address; /signup sends it again" {
	local email=invited-$RANDOM-$$@example.test first fields
	login_demo org organizer
	seminar_sql
	post org "/manage/seminars/$SEMINAR_ID/participants" "email=$email" 'full_name=Приглашённая Ольга Павловна' \
		'full_name_dat=Приглашённой Ольге Павловне' "organization_id=$(org_id)" mode=in_person
	assert_equal "$code" 303
	mail_wait "$email" 'Приглашение на сайт семинаров ЦУР'
	run mail_get text
	assert_output --partial 'Соколов Андрей Викторович создал(а) для вас учётную запись'
	assert_output --partial "«$SEMINAR_TITLE»"
	first=$(mail_path)
	[[ $first =~ ^/invite/ ]]
	run sql "SELECT password_hash, email_confirmed_at IS NULL FROM person WHERE email = $(sql_str "$email")"
	assert_output $'!\t1'

	# Signing up with the address offers the invitation again instead of «taken».
	mapfile -t fields < <(signup_fields "$email")
	post b /signup "${fields[@]}"
	assert_equal "$code" 200
	assert_output --partial 'Приглашение отправлено'
	mail_wait "$email" 'Приглашение на сайт семинаров ЦУР' 2
	assert_equal "$(mail_count "$email")" 2

	get c "$(mail_path)"
	assert_equal "$code" 200
	post c "$(mail_path)" password=invited-pw-1 password2=invited-pw-1
	assert_equal "$code" 303
	run sql "SELECT password_hash LIKE '\$argon2id\$%', email_confirmed_at IS NOT NULL FROM person WHERE email = $(sql_str "$email")"
	assert_output $'1\t1'
	login d "$email" invited-pw-1
	# Taking one link spends the older one too.
	get e "$first"
	assert_equal "$code" 410
}

@test "the SMTP server stopped during a burst of sign-ups: they go on, the outbox keeps every letter, all delivered once when it returns" {
	local i emails=() e n
	"$STACK" smtp-stop
	for i in $(seq 1 12); do
		signup "b$i"
		emails+=("$EMAIL")
	done
	# Nothing is lost meanwhile: every letter is queued, tried, and the sender's error is on record.
	sleep 2
	for e in "${emails[@]}"; do
		assert_equal "$(statuses address_confirm "$e")" queued
	done
	run sql "SELECT COUNT(*) FROM mail_message WHERE kind = 'address_confirm' AND status = 'queued' AND attempts > 0 AND last_answer IS NOT NULL"
	((output >= 1))
	run sql "SELECT last_error IS NOT NULL AND last_error_at > NOW() - INTERVAL 1 MINUTE FROM mail_sender"
	assert_output 1

	"$STACK" smtp-start
	for e in "${emails[@]}"; do
		mail_wait "$e" 'Подтвердите адрес электронной почты'
	done
	sleep 1
	for e in "${emails[@]}"; do
		assert_equal "$(mail_count "$e")" 1
		assert_equal "$(statuses address_confirm "$e")" sent
	done
}

@test "a permanent 5xx marks the letter failed with the server's answer on /admin/mail; an administrator resends it" {
	local email=bounce-$RANDOM-$$@reject.test id i
	signup a "$email"
	for ((i = 0; i < 100; i++)); do
		[[ $(statuses address_confirm "$email") == failed ]] && break
		sleep 0.2
	done
	assert_equal "$(statuses address_confirm "$email")" failed
	id=$(sql "SELECT id FROM mail_message WHERE recipient = $(sql_str "$email")")
	run sql "SELECT attempts, last_answer FROM mail_message WHERE id = $id"
	assert_output --partial $'1\t550 5.1.1'

	login_demo adm admin
	get adm /admin/mail
	assert_equal "$code" 200
	assert_output --partial "$email"
	assert_output --partial '550 5.1.1'
	assert_output --partial 'reject.test'
	assert_output --partial "/admin/mail/$id/resend"

	post adm "/admin/mail/$id/resend"
	assert_equal "$code" 303
	run sql "SELECT COUNT(*) FROM audit_log WHERE action = 'mail.resend' AND object_id = $id"
	assert_output 1
	for ((i = 0; i < 100; i++)); do
		[[ $(sql "SELECT status = 'failed' AND attempts = 1 AND last_answer LIKE '550 %' FROM mail_message WHERE id = $id") == 1 ]] && break
		sleep 0.2
	done
	run sql "SELECT status, attempts FROM mail_message WHERE id = $id"
	assert_output $'failed\t1'
	# Only failed letters are resent.
	id=$(sql "SELECT id FROM mail_message WHERE status = 'sent' LIMIT 1")
	post adm "/admin/mail/$id/resend"
	assert_equal "$code" 409
	get a /admin/mail
	assert_equal "$code" 403
}
