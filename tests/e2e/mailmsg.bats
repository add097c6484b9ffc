#!/usr/bin/env bats
# Mail about registrations through the local SMTP server: sign-up confirmation with the calendar and the ticket link,
# the waiting list and promotion, cancellation, reminders exactly once, a seminar's changes and cancellation.

load helpers

# The reader of the Maildir (tests/e2e/mail.py), with the system's python: no version manager's shims on every call.
mail_py() { /usr/bin/python3 "$ROOT/tests/e2e/mail.py" "$@"; }

# person JAR: a new account with a confirmed address, signed in, its address confirmation letter read and
# removed. Sets EMAIL and USER_ID.
person() {
	signup "$1"
	sql "UPDATE person SET email_confirmed_at = NOW() WHERE id = $USER_ID"
	mail_wait "$EMAIL" 1
	rm "$LAST"
}

# mail_wait ADDRESS N: waits (up to 20 s) until ADDRESS has N messages; fails when it has another number.
# Sets LAST to the newest message's file.
mail_wait() {
	local n end=$((SECONDS + 20))
	while n=$(mail_py count "$VAR/mail" "$1") && ((n < $2 && SECONDS < end)); do
		sleep 0.2
	done
	[[ $n == "$2" ]] || fail "$1 has $n messages, expected $2"
	LAST=$(mail_py last "$VAR/mail" "$1")
}

# mail_get WHAT: a part of the message LAST (see tests/e2e/mail.py).
mail_get() { mail_py get "$LAST" "$1"; }

# mail_subject ADDRESS SUBJECT: sets LAST to the one message to ADDRESS whose subject starts with SUBJECT.
mail_subject() {
	local f found=()
	while IFS= read -r f; do
		[[ $(mail_py get "$f" subject) == "$2"* ]] && found+=("$f")
	done < <(mail_py all "$VAR/mail" "$1")
	[[ ${#found[@]} == 1 ]] || fail "$1 has ${#found[@]} messages «$2…», expected one"
	LAST=${found[0]}
}

# calendar FILE: the DTSTART lines of the message's text/calendar attachment, after checking it is a calendar.
calendar() {
	/usr/bin/python3 - "$1" <<'PY'
import email, email.policy, sys
msg = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
cal = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
assert len(cal) == 1, "one calendar attachment expected"
lines = cal[0].get_payload(decode=True).decode().split("\r\n")
assert lines[0] == "BEGIN:VCALENDAR" and "END:VCALENDAR" in lines, lines
assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") >= 1, lines
print("\n".join(l for l in lines if l.startswith("DTSTART:")))
PY
}

@test "a confirmed place: the confirmation names the seminar, its place and date, links the ticket, whose QR code is the ticket's URL, and carries the calendar" {
	seminar_sql
	person a
	register a "$SEMINAR_ID" in_person
	[[ $REG_STATUS == confirmed ]] || fail "sign-up: $code $output"
	mail_wait "$EMAIL" 1
	assert_equal "$(mail_get subject)" "Вы записаны на семинар «$SEMINAR_TITLE»"
	text=$(mail_get text)
	assert_regex "$text" "Дом журналиста, г\. Усмань, ул\. Ленина, 1"
	assert_regex "$text" "Формат участия: очно"
	assert_regex "$text" "$(date -d '30 days' +%-d) "
	assert_regex "$text" "$BASE_URL/tickets/$REG_ID"
	[[ $text != *example.org/live* ]] || fail "an in-person participant got the broadcast link"
	run calendar "$LAST"
	assert_success
	assert_output "DTSTART:$(date -d '30 days' +%Y%m%d)T100000"
	# The ticket behind the link: its QR code decodes to the ticket's URL.
	curl -sS -b "$BATS_TEST_TMPDIR/a.jar" -o "$BATS_TEST_TMPDIR/t.png" "$BASE_URL/tickets/$REG_ID.png"
	assert_equal "$(qr "$BATS_TEST_TMPDIR/t.png")" "$BASE_URL/t/$(ticket_code "$REG_ID")"
	# A second try (refused: already registered) rolls back and sends nothing more.
	register a "$SEMINAR_ID" online
	sleep 1
	mail_wait "$EMAIL" 1
}

@test "an online place: the confirmation carries the broadcast link and no ticket; an unconfirmed address gets nothing" {
	seminar_sql
	person a
	register a "$SEMINAR_ID" online
	mail_wait "$EMAIL" 1
	text=$(mail_get text)
	assert_regex "$text" "Ссылка на трансляцию: https://example.org/live/e2e"
	assert_regex "$text" "Формат участия: онлайн"
	[[ $text != */tickets/* ]] || fail "an online participant got a ticket link"
	signup b
	register b "$SEMINAR_ID" online
	[[ $REG_STATUS == confirmed ]] || fail "sign-up: $code $output"
	sleep 1
	mail_wait "$EMAIL" 1
	assert_equal "$(mail_get subject)" "$(sql "SELECT subject FROM mail_message WHERE kind = 'address_confirm' AND person_id = $USER_ID")"
	assert_equal "$(sql "SELECT COUNT(*) FROM mail_message WHERE person_id = $USER_ID")" 1
}

@test "the waiting list: joined with the position; the person who cancels is told, the first waiting is promoted with the ticket" {
	seminar_sql cap_in_person=1
	person a
	register a "$SEMINAR_ID" in_person
	A=$EMAIL A_REG=$REG_ID
	person b
	register b "$SEMINAR_ID" in_person
	[[ $REG_STATUS == waitlisted ]] || fail "sign-up: $code $output"
	B=$EMAIL B_REG=$REG_ID
	mail_wait "$B" 1
	assert_equal "$(mail_get subject)" "Лист ожидания: «$SEMINAR_TITLE»"
	assert_regex "$(mail_get text)" "ваш номер в очереди — 1\."
	assert_equal "$(mail_get attachments)" ""
	post a "/registrations/$A_REG/cancel"
	mail_wait "$A" 2
	assert_equal "$(mail_get subject)" "Запись отменена: «$SEMINAR_TITLE»"
	[[ $(mail_get text) != *организатором* ]] || fail "the person cancelled, not an organiser"
	mail_wait "$B" 2
	assert_equal "$(mail_get subject)" "Место подтверждено: «$SEMINAR_TITLE»"
	assert_regex "$(mail_get text)" "$BASE_URL/tickets/$B_REG"
	run calendar "$LAST"
	assert_success
	# An organiser cancels on the person's behalf: the mail says so.
	login_demo org organizer
	post org "/registrations/$B_REG/cancel"
	mail_wait "$B" 3
	assert_regex "$(mail_get text)" "отменена организатором"
}

@test "reminders: the day before and the hour before each session, once each, even when the scheduler runs twice at once; not for who turned them off" {
	seminar_sql sessions=0 cap_in_person=5 "starts_at=NOW() + INTERVAL 30 MINUTE" "ends_at=NOW() + INTERVAL 20 HOUR"
	sql "INSERT INTO seminar_session (seminar_id, starts_at, ends_at) VALUES
	     ($SEMINAR_ID, NOW() + INTERVAL 30 MINUTE, NOW() + INTERVAL 90 MINUTE),
	     ($SEMINAR_ID, NOW() + INTERVAL 18 HOUR, NOW() + INTERVAL 20 HOUR)"
	person a
	register a "$SEMINAR_ID" in_person
	A=$EMAIL A_REG=$REG_ID
	person b
	sql "UPDATE person SET mail_reminders = FALSE WHERE id = $USER_ID"
	register b "$SEMINAR_ID" online
	B=$EMAIL
	# Two schedulers at once (the background workers run theirs every second too).
	"$STACK" psql -e "CALL mail_remind()" &
	"$STACK" psql -e "CALL mail_remind()" &
	wait
	mail_wait "$A" 3
	sleep 3
	mail_wait "$A" 3
	assert_equal "$(sql "SELECT kind, COUNT(*) FROM mail_message WHERE registration_id = $A_REG GROUP BY kind ORDER BY kind" | tr '\t\n' ': ')" \
		"reg_confirmed:1 remind_day:1 remind_hour:1 "
	mail_subject "$A" "Завтра: «$SEMINAR_TITLE»"
	mail_subject "$A" "Через час: «$SEMINAR_TITLE»"
	assert_regex "$(mail_get text)" "начнётся через час"
	assert_equal "$(mail_get list-unsubscribe-post)" "List-Unsubscribe=One-Click"
	assert_regex "$(mail_get list-unsubscribe)" "^<$BASE_URL/unsubscribe/[0-9]+/reminders/[A-Za-z0-9_-]+>$"
	assert_regex "$(mail_get text)" "Ваш билет с QR-кодом"
	link=$(mail_get list-unsubscribe)
	# b turned reminders off: only the confirmation.
	mail_wait "$B" 1
	# The one-click link (RFC 8058: a POST without a session or a CSRF token) turns a's reminders off; a forged one
	# does nothing.
	link=${link#<$BASE_URL}
	link=${link%>}
	req - POST "${link%?}x" --data-urlencode List-Unsubscribe=One-Click
	assert_equal "$code" 404
	assert_equal "$(sql "SELECT mail_reminders FROM person WHERE email = '$A'")" 1
	get - "$link"
	assert_equal "$code" 200
	assert_regex "$output" "Отписаться"
	req - POST "$link" --data-urlencode List-Unsubscribe=One-Click
	assert_equal "$code" 200
	assert_equal "$(sql "SELECT mail_reminders FROM person WHERE email = '$A'")" 0
}

@test "the cabinet turns reminders and organisers' messages off and on" {
	person a
	get a /me
	assert_regex "$output" 'name="reminders" value="1" checked'
	post a /me/mail organizer=1
	assert_equal "$code" 303
	assert_equal "$(sql "SELECT mail_reminders, mail_organizer FROM person WHERE id = $USER_ID")" "0	1"
	get a /me
	assert_regex "$output" 'name="reminders" value="1">'
	post a /me/mail reminders=1
	assert_equal "$(sql "SELECT mail_reminders, mail_organizer FROM person WHERE id = $USER_ID")" "1	0"
}

@test "a certificate issued: the holder is sent the links to its PDF and to the public verification page" {
	seminar_sql attendance_rule="'either'"
	person a
	register a "$SEMINAR_ID" in_person
	mail_wait "$EMAIL" 1
	attend "$REG_ID" "$(sql "SELECT id FROM seminar_session WHERE seminar_id = $SEMINAR_ID")" in_person
	login_demo o organizer
	settings
	post o "/certificates/seminars/$SEMINAR_ID/issue"
	[[ $code == 303 ]] || fail "issue: HTTP $code"$'\n'"$output"
	wait_job "$SEMINAR_ID"
	read -r number vcode < <(sql "SELECT number, verify_code FROM certificate WHERE registration_id = $REG_ID")
	mail_wait "$EMAIL" 2
	assert_equal "$(mail_get subject)" "Сертификат о прохождении семинара «$SEMINAR_TITLE»"
	text=$(mail_get text)
	assert_regex "$text" "$BASE_URL/certificates/$number\.pdf"
	assert_regex "$text" "$BASE_URL/certificates/verify/$vcode"
	get - "/certificates/verify/$vcode"
	assert_equal "$code" 200
}

@test "a published seminar changed: every registered person gets one notice listing what changed; cancelled: one notice" {
	login_demo org organizer
	seminar_create org
	[[ -n $SEMINAR_ID ]] || fail "create: $code $output"
	post org "/manage/seminars/$SEMINAR_ID/sessions" "date=$(in_days 10)" start=10:00 end=13:00
	post org "/manage/seminars/$SEMINAR_ID/status" status=published
	person a
	register a "$SEMINAR_ID" in_person
	mail_wait "$EMAIL" 1
	seminar_edit org "$SEMINAR_ID" "venue=Центр «Точка роста»" format=in_person -stream_url
	[[ $code == 303 ]] || fail "edit: $code $output"
	mail_wait "$EMAIL" 2
	assert_regex "$(mail_get subject)" "^Изменения в семинаре"
	text=$(mail_get text)
	assert_regex "$text" "Место: Центр «Точка роста», г\. Усмань, ул\. Ленина, 1"
	assert_regex "$text" "Формат: Очно"
	run calendar "$LAST"
	assert_success
	post org "/manage/seminars/$SEMINAR_ID/sessions" "date=$(in_days 11)" start=10:00 end=13:00
	mail_wait "$EMAIL" 3
	assert_regex "$(mail_get text)" "Расписание: .*; "
	post org "/manage/seminars/$SEMINAR_ID/status" status=cancelled
	mail_wait "$EMAIL" 4
	assert_regex "$(mail_get subject)" "^Семинар отменён"
}

@test "an organiser's message: a preview counts the recipients of the filter, sending queues one message each (not to who turned them off), audited and rate-limited" {
	seminar_sql cap_in_person=1
	person a
	register a "$SEMINAR_ID" in_person
	A=$EMAIL
	person b
	register b "$SEMINAR_ID" in_person
	B=$EMAIL
	person c
	register c "$SEMINAR_ID" online
	C=$EMAIL
	sql "UPDATE person SET mail_organizer = FALSE WHERE id = $USER_ID"
	mail_wait "$A" 1
	mail_wait "$B" 1
	login_demo o organizer
	get o "/manage/seminars/$SEMINAR_ID/message"
	assert_equal "$code" 200
	post o "/manage/seminars/$SEMINAR_ID/message" status=confirmed "subject=Возьмите ноутбук" "message=Первая строка.
Вторая строка."
	assert_equal "$code" 200
	assert_regex "$output" 'class="recipients">1<'
	post o "/manage/seminars/$SEMINAR_ID/message" "subject=Возьмите ноутбук" "message=Первая строка.
Вторая строка." send=1
	assert_equal "$code" 200
	mail_wait "$A" 2
	assert_equal "$(mail_get subject)" "Сообщение организатора семинара «$SEMINAR_TITLE»"
	text=$(mail_get text)
	assert_regex "$text" "Возьмите ноутбук"
	assert_regex "$text" "Вторая строка\."
	assert_regex "$(mail_get list-unsubscribe)" "/unsubscribe/[0-9]+/organizer/"
	mail_wait "$B" 2
	sleep 1
	mail_wait "$C" 1
	assert_equal "$(sql "SELECT COUNT(*) FROM audit_log WHERE action = 'mail.org_message' AND object_id = $SEMINAR_ID")" 1
	for i in 2 3; do
		post o "/manage/seminars/$SEMINAR_ID/message" "subject=Ещё $i" "message=Текст $i" status=waitlisted send=1
		assert_equal "$code" 200
	done
	post o "/manage/seminars/$SEMINAR_ID/message" "subject=Четвёртое" "message=Текст" send=1
	assert_equal "$code" 429
	mail_wait "$B" 4
}
