#!/usr/bin/env bats
# Online attendance end to end: the rotating six-digit code of a running session (computed here independently
# from the stack's key), the participant's code entry with its refusals and throttling, the presenter screen,
# the ways in to the code entry (cabinet, seminar page) and to the certificate look-up (every page's footer),
# and the attendance journal (everyone expected, present or not) on screen, as XLSX and as PDF.

load helpers

# online_seminar [COLUMN=SQL ...]: a published hybrid seminar (see seminar_sql) with one session running now:
# started 10 minutes ago, ends in an hour. Sets SEMINAR_ID, SEMINAR_TITLE and SESSION_ID.
online_seminar() {
	seminar_sql starts_at="NOW() - INTERVAL 10 MINUTE" ends_at="NOW() + INTERVAL 1 HOUR" "$@"
	SESSION_ID=$(sql "SELECT id FROM seminar_session WHERE seminar_id = $SEMINAR_ID")
	[[ $SESSION_ID =~ ^[0-9]+$ ]] || fail "online_seminar: no session of seminar $SEMINAR_ID"
}

# participant JAR [MODE]: a new account with a confirmed registration (online by default) for SEMINAR_ID.
# Sets USER_ID and REG_ID.
participant() {
	signup "$1"
	register "$1" "$SEMINAR_ID" "${2:-online}"
	[[ $code == 200 && $REG_STATUS == confirmed ]] || fail "sign-up of $1: HTTP $code, status '$REG_STATUS'"$'\n'"$output"
}

# send_code JAR CODE: the participant's code form. Sets what req sets.
send_code() { post "$1" /checkin/code "c=$2"; }

# notice_text: the text of the notice alert of the last HTML answer.
notice_text() {
	[[ $output =~ alert--notice\"\>([^\<]*)\< ]] && printf '%s\n' "${BASH_REMATCH[1]}"
	return 0
}

# attendance_of REG: "mode session operator_is_owner undone" of every attendance row of a registration, one a line.
attendance_of() {
	sql "SELECT a.mode, a.session_id, a.operator_id = r.person_id, a.undone_at IS NOT NULL
	     FROM attendance a JOIN registration r ON r.id = a.registration_id WHERE a.registration_id = $1 ORDER BY a.id"
}

# not_a_code CODE...: a six-digit code that differs from every argument.
not_a_code() {
	local n=$((10#$1)) c
	while :; do
		n=$(((n + 123457) % 1000000))
		printf -v c '%06d' "$n"
		[[ " $* " != *" $c "* ]] && break
	done
	echo "$c"
}

@test "online code: this window's code marks the presence once; sending it again says «already»" {
	online_seminar
	participant a
	local reg=$REG_ID person=$USER_ID c
	window_fresh
	c=$(session_code "$SESSION_ID")
	send_code a "$c"
	assert_equal "$code" 200
	assert_equal "$(notice_text)" "Присутствие отмечено: «$SEMINAR_TITLE». Спасибо!"
	assert_equal "$(alert_text)" ''
	run attendance_of "$reg"
	assert_output "online"$'\t'"$SESSION_ID"$'\t1\t0'
	run sql "SELECT seminar_id, session_id, registration_id, method, result, operator_id, code IS NULL, device_id IS NULL
	         FROM scan_event WHERE registration_id = $reg"
	assert_output "$SEMINAR_ID"$'\t'"$SESSION_ID"$'\t'"$reg"$'\tonline_code\tok\t'"$person"$'\t1\t1'
	# The attendance row points at its scan.
	run sql "SELECT COUNT(*) FROM attendance a JOIN scan_event e ON e.id = a.scan_id AND e.result = 'ok' WHERE a.registration_id = $reg"
	assert_output 1

	send_code a "$c"
	assert_equal "$code" 200
	assert_equal "$(notice_text)" "Вы уже отмечены на этом занятии семинара «$SEMINAR_TITLE»."
	run attendance_of "$reg"
	assert_output "online"$'\t'"$SESSION_ID"$'\t1\t0'
	run sql "SELECT GROUP_CONCAT(result ORDER BY id) FROM scan_event WHERE registration_id = $reg AND method = 'online_code'"
	assert_output ok,already

	# The scanner's counters see one person online and nobody in person.
	login_demo o organizer
	get_json o "/checkin/$SEMINAR_ID?session_id=$SESSION_ID"
	assert_equal "$code" 200
	assert_equal "$(jq -c '[.counts.registered, .counts.present_in_person, .counts.present_online]' <<<"$output")" '[1,0,1]'
}

@test "online code: the previous window's code counts, one two windows old or a wrong one answers 400" {
	online_seminar
	participant a
	local reg_a=$REG_ID
	participant b
	local reg_b=$REG_ID w now prev old wrong
	window_fresh
	w=$(code_window)
	now=$(session_code "$SESSION_ID" "$w")
	prev=$(session_code "$SESSION_ID" $((w - 1)))
	old=$(session_code "$SESSION_ID" $((w - 2)))
	send_code a "$prev"
	assert_equal "$code" 200
	assert_equal "$(notice_text)" "Присутствие отмечено: «$SEMINAR_TITLE». Спасибо!"
	run attendance_of "$reg_a"
	assert_output "online"$'\t'"$SESSION_ID"$'\t1\t0'

	if [[ $old != "$now" && $old != "$prev" ]]; then
		send_code b "$old"
		assert_equal "$code" 400
		assert_equal "$(alert_text)" 'Код неверный или устарел: введите код, который сейчас на экране трансляции.'
	fi
	wrong=$(not_a_code "$now" "$prev" "$(session_code "$SESSION_ID" $((w + 1)))")
	send_code b "$wrong"
	assert_equal "$code" 400
	assert_equal "$(alert_text)" 'Код неверный или устарел: введите код, который сейчас на экране трансляции.'
	# The form keeps what was typed.
	assert_output --partial "value=\"$wrong\""
	run attendance_of "$reg_b"
	assert_output ''
	run sql "SELECT COUNT(*) FROM scan_event WHERE registration_id = $reg_b"
	assert_output 0

	# The code of another running session (of a seminar b is not in) does not count for b's session.
	local mine=$SESSION_ID
	online_seminar
	window_fresh
	send_code b "$(session_code "$SESSION_ID")"
	if [[ $(session_code "$SESSION_ID") != "$(session_code "$mine")" ]]; then
		assert_equal "$code" 400
	fi
	send_code b "$(session_code "$mine")"
	assert_equal "$code" 200
	run attendance_of "$reg_b"
	assert_output "online"$'\t'"$mine"$'\t1\t0'
}

@test "online code: refused without a registration, while waitlisted, outside the session, and for non-digits" {
	online_seminar
	local c msg='Сейчас не идёт ни одно занятие семинара, на который вы записаны. Код действует только во время занятия.'
	local people

	signup n
	people=$USER_ID
	window_fresh
	send_code n "$(session_code "$SESSION_ID")"
	assert_equal "$code" 409
	assert_equal "$(alert_text)" "$msg"

	# A full online seminar: the second person waits for a place.
	online_seminar format="'online'" cap_in_person=0 cap_online=1
	participant p1
	signup w
	people+=,$USER_ID
	register w "$SEMINAR_ID" online
	assert_equal "$code $REG_STATUS" "200 waitlisted"
	window_fresh
	send_code w "$(session_code "$SESSION_ID")"
	assert_equal "$code" 409
	assert_equal "$(alert_text)" "$msg"

	# A confirmed place at a seminar whose session is in 30 days (the default of seminar_sql).
	seminar_sql
	participant f
	people+=,$USER_ID
	local future
	future=$(sql "SELECT id FROM seminar_session WHERE seminar_id = $SEMINAR_ID")
	send_code f "$(session_code "$future")"
	assert_equal "$code" 409
	# Nor does a session that ended more than 15 minutes ago count.
	sql "UPDATE seminar_session SET starts_at = NOW() - INTERVAL 3 HOUR, ends_at = NOW() - INTERVAL 20 MINUTE WHERE id = $future"
	window_fresh
	send_code f "$(session_code "$future")"
	assert_equal "$code" 409
	# A session that ended 5 minutes ago still does (people type the code at the very end).
	sql "UPDATE seminar_session SET ends_at = NOW() - INTERVAL 5 MINUTE WHERE id = $future"
	window_fresh
	send_code f "$(session_code "$future")"
	assert_equal "$code" 200

	# Not six digits: refused before anything is looked up, and not counted against the tries.
	for c in 12a456 12345 1234567 '' ' 12345' '１２３４５６' '12345６'; do
		send_code f "$c"
		assert_equal "[$c] $code" "[$c] 400"
		assert_equal "$(alert_text)" 'Введите шесть цифр кода с экрана трансляции.'
	done
	run sql "SELECT hits FROM rate_limit WHERE bucket = CONCAT('code:', $USER_ID)"
	assert_output 3

	# Nothing written for n, w and f but f's one check-in.
	run sql "SELECT (SELECT COUNT(*) FROM attendance a JOIN registration r ON r.id = a.registration_id WHERE r.person_id IN ($people)),
	                (SELECT COUNT(*) FROM scan_event WHERE operator_id IN ($people))"
	assert_output $'1\t1'

	# A guest is sent to log in; a form without the CSRF token is refused.
	get - /checkin/code
	assert_equal "$code" 303
	[[ $location == /login\?next=* ]] || fail "Location: $location"
	post_raw f /checkin/code c=123456
	assert_equal "$code" 403
}

@test "online code: after 10 tries in 5 minutes the 11th answers 429, even with the right code" {
	online_seminar
	participant t
	local reg=$REG_ID i w good
	window_fresh 15
	w=$(code_window)
	good=$(session_code "$SESSION_ID" "$w")
	local wrong
	wrong=$(not_a_code "$good" "$(session_code "$SESSION_ID" $((w - 1)))" "$(session_code "$SESSION_ID" $((w + 1)))")
	for i in 1 2 3 4 5 6 7 8 9 10; do
		send_code t "$wrong"
		assert_equal "try $i: $code" "try $i: 400"
	done
	send_code t "$good"
	assert_equal "$code" 429
	assert_equal "$(alert_text)" 'Слишком много попыток. Подождите пять минут и введите код снова.'
	run attendance_of "$reg"
	assert_output ''
	# The limit is per person: another participant of the same session is not held up.
	participant u
	send_code u "$good"
	assert_equal "$code" 200
}

@test "online code: a check-in undone at the door is made again by the online code, not answered «already»" {
	online_seminar
	participant a
	local reg=$REG_ID scan
	# The organiser scans a's ticket at the door by mistake, then undoes the scan.
	login_demo o organizer
	csrf o "/checkin/$SEMINAR_ID"
	req o POST "/checkin/$SEMINAR_ID/scan" -H 'Accept: application/json' -H "X-CSRF-Token: $TOKEN" \
		--data-urlencode "code=$(ticket_code "$reg")" --data-urlencode "session_id=$SESSION_ID" \
		--data-urlencode "client_scan_id=on$$-${EPOCHREALTIME/[.,]/}-1"
	assert_equal "$code $(jq -r .result <<<"$output")" '200 ok'
	scan=$(jq -r .scan_id <<<"$output")
	req o POST "/checkin/$SEMINAR_ID/undo" -H 'Accept: application/json' -H "X-CSRF-Token: $TOKEN" \
		--data-urlencode "scan_id=$scan" --data-urlencode "client_scan_id=on$$-${EPOCHREALTIME/[.,]/}-2"
	assert_equal "$code $(jq -r .result <<<"$output")" '200 undone'
	run attendance_of "$reg"
	assert_output "in_person"$'\t'"$SESSION_ID"$'\t0\t1'

	# a then joins online and types the code: the presence must count.
	window_fresh
	send_code a "$(session_code "$SESSION_ID")"
	assert_equal "$code" 200
	assert_equal "$(notice_text)" "Присутствие отмечено: «$SEMINAR_TITLE». Спасибо!"
	run attendance_of "$reg"
	assert_output "online"$'\t'"$SESSION_ID"$'\t1\t0'
}

@test "ways in: the cabinet and the seminar page lead an online participant to the code entry while a session runs" {
	online_seminar
	participant a
	local id=$SEMINAR_ID
	get a /me
	assert_output --partial 'href="/checkin/code"'
	assert_output --partial 'Ввести код присутствия'
	assert_output --partial "href=\"/seminars/$id\""
	get_json a /me
	assert_equal "$(jq -c "[.code_url, [.live[] | select(.seminar_id == $id) | .seminar_url]]" <<<"$output")" \
		"[\"/checkin/code\",[\"/seminars/$id\"]]"
	get a "/seminars/$id"
	assert_output --partial 'href="/checkin/code"'

	# In person at the same session: no code to enter.
	participant b in_person
	get b /me
	refute_output --partial 'href="/checkin/code"'
	get b "/seminars/$id"
	refute_output --partial 'href="/checkin/code"'

	# Outside the session (it starts in an hour): neither page offers it.
	sql "UPDATE seminar_session SET starts_at = NOW() + INTERVAL 1 HOUR, ends_at = NOW() + INTERVAL 2 HOUR
	     WHERE seminar_id = $id"
	get a "/seminars/$id"
	refute_output --partial 'href="/checkin/code"'
	get_json a /me
	assert_equal "$(jq -c '[.code_url, .live]' <<<"$output")" '[null,[]]'
}

@test "ways in: every page's footer links the certificate look-up by number and surname" {
	local who path
	signup a
	# Pages of the four programs, for a guest and for a participant, error pages among them.
	for who in -:/ -:/login -:/signup -:/certificates/verify -:/seminars/999999999 a:/me a:/checkin/code \
		a:/reports/coverage; do
		path=${who#*:}
		get "${who%%:*}" "$path"
		[[ $output == *'<footer'*'href="/certificates/verify"'*'</footer>'* ]] ||
			fail "GET $path (HTTP $code): no look-up link in the footer"
	done
	get - /certificates/verify
	assert_output --partial 'name="number"'
	assert_output --partial 'name="surname"'
}

@test "presenter: the organiser's screen shows the code computed from the key; participants get 403" {
	online_seminar
	login_demo o organizer
	local w c prev
	get_json o "/checkin/$SEMINAR_ID/present?session_id=$SESSION_ID"
	w=$(code_window)
	assert_equal "$code" 200
	c=$(jq -r .code <<<"$output")
	prev=$(session_code "$SESSION_ID" $((w - 1)))
	if [[ $c != "$(session_code "$SESSION_ID" "$w")" ]]; then
		assert_equal "$c" "$prev"
		((w--))
	fi
	run jq -r --argjson s "$SESSION_ID" --argjson id "$SEMINAR_ID" \
		'[.session_id == $s, .seminar.id == $id, .seconds_left >= 1 and .seconds_left <= 45, .qr_url, .code_url] | @tsv' <<<"$output"
	assert_output "true"$'\t'"true"$'\t'"true"$'\t'"/checkin/$SEMINAR_ID/present.svg?session_id=$SESSION_ID&w=$w"$'\t'"$BASE_URL/checkin/code?c=$c"

	get o "/checkin/$SEMINAR_ID/present?session_id=$SESSION_ID"
	assert_equal "$code" 200
	assert_output --regexp "id=\"present-code\"[^>]*>($(session_code "$SESSION_ID")|$(session_code "$SESSION_ID" $(($(code_window) - 1))))<"
	get o "/checkin/$SEMINAR_ID/present.svg?session_id=$SESSION_ID"
	assert_equal "$code" 200
	assert_equal "$(header content-type)" image/svg+xml
	run xmllint --noout "$BATS_TEST_TMPDIR/response.body"
	assert_success
	get o "/checkin/$SEMINAR_ID/present?session_id=999999999"
	assert_equal "$code" 404

	participant a
	local p
	for p in present present.svg; do
		get a "/checkin/$SEMINAR_ID/$p?session_id=$SESSION_ID"
		assert_equal "$p $code" "$p 403"
		[[ $output != *present-code* && $output != *'<svg'* ]] || fail "the 403 of $p shows the code"
	done
	get_json - "/checkin/$SEMINAR_ID/present?session_id=$SESSION_ID"
	assert_equal "$code" 401
	# An organiser of another region neither.
	signup far
	sql "INSERT INTO role_grant (person_id, role, region_id) VALUES ($USER_ID, 'organizer', 23)"
	get_json far "/checkin/$SEMINAR_ID/present?session_id=$SESSION_ID"
	assert_equal "$code" 403

	# What the screen shows is what a participant types.
	window_fresh
	get_json o "/checkin/$SEMINAR_ID/present?session_id=$SESSION_ID"
	send_code a "$(jq -r .code <<<"$output")"
	assert_equal "$code" 200
}

@test "presenter: without ?session_id the screen shows the session running now, not a past one" {
	# Day 2 of a two-day seminar: yesterday's session is over, today's is running.
	online_seminar starts_at="NOW() - INTERVAL 1 DAY" ends_at="NOW() - INTERVAL 1 DAY + INTERVAL 2 HOUR"
	local past=$SESSION_ID today
	today=$(sql "INSERT INTO seminar_session (seminar_id, starts_at, ends_at)
	             VALUES ($SEMINAR_ID, NOW() - INTERVAL 10 MINUTE, NOW() + INTERVAL 1 HOUR); SELECT LAST_INSERT_ID()")
	sql "UPDATE seminar SET ends_at = NOW() + INTERVAL 1 HOUR WHERE id = $SEMINAR_ID"
	login_demo o organizer
	get_json o "/checkin/$SEMINAR_ID/present"
	assert_equal "$code" 200
	# The code on the screen must be one the participants of today's session can use.
	assert_equal "$(jq -r .session_id <<<"$output") (past session: $past)" "$today (past session: $past)"
}

@test "journal: every confirmed participant per session, present or «не отмечен(а)», on screen, in XLSX and PDF; audited" {
	online_seminar
	participant a
	local name='Тестова Анна Игоревна' absent='Неявкина Ольга Петровна' xlsx=$BATS_TEST_TMPDIR/journal.xlsx
	# b is confirmed and never types the code; c cancels (not expected, so not listed).
	participant b in_person
	sql "UPDATE person SET full_name = '$absent' WHERE id = $USER_ID"
	participant c
	sql "UPDATE person SET full_name = 'Отменина Вера' WHERE id = $USER_ID"
	post c "/registrations/$REG_ID/cancel"
	assert_equal "$code" 303
	window_fresh
	send_code a "$(session_code "$SESSION_ID")"
	assert_equal "$code" 200

	get a "/checkin/$SEMINAR_ID/journal"
	assert_equal "$code" 403
	get a "/checkin/$SEMINAR_ID/journal.xlsx"
	assert_equal "$code" 403
	run sql "SELECT COUNT(*) FROM audit_log WHERE object_type = 'seminar' AND object_id = $SEMINAR_ID AND action LIKE 'journal.%'"
	assert_output 0

	login_demo o organizer
	get o "/checkin/$SEMINAR_ID/journal"
	assert_equal "$code" 200
	assert_output --partial "<th scope=\"row\">$name</th>"
	assert_output --partial '<td>онлайн</td>'
	assert_output --partial "<th scope=\"row\">$absent</th>"
	assert_output --partial '<span class="badge badge--absent">не отмечен(а)</span>'
	refute_output --partial 'Отменина Вера'
	assert_output --partial 'Отметок: 1, не отмечено: 1'
	assert_output --partial "/checkin/$SEMINAR_ID/journal.xlsx"
	get_json o "/checkin/$SEMINAR_ID/journal"
	run jq -c '[.total, .absent, [.rows[] | [.full_name, .present, .mode, (.at != null)]]]' <<<"$output"
	assert_output "[1,1,[[\"$absent\",false,\"in_person\",false],[\"$name\",true,\"online\",true]]]"

	get o "/checkin/$SEMINAR_ID/journal.xlsx"
	assert_equal "$code" 200
	assert_equal "$(header content-type)" application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
	cp "$BATS_TEST_TMPDIR/response.body" "$xlsx"
	run /usr/bin/python3 - "$xlsx" "$name" "$absent" <<'PY'
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
rows = [[c for c in r] for r in ws.iter_rows(values_only=True)]
for who in sys.argv[2:]:
    hits = [r for r in rows if who in r]
    if len(hits) != 1:
        sys.exit("rows with %s: %r\nall rows: %r" % (who, hits, rows))
    print(who, "онлайн" in hits[0], "не отмечен(а)" in hits[0], hits[0][-1] is not None)
print("Формат" in [c for r in rows for c in r], "Отметка" in [c for r in rows for c in r])
PY
	assert_success
	assert_output "$name True False True
$absent False True False
True True"

	get o "/checkin/$SEMINAR_ID/journal.pdf"
	assert_equal "$code" 200
	cp "$BATS_TEST_TMPDIR/response.body" "$BATS_TEST_TMPDIR/journal.pdf"
	run pdftotext -q "$BATS_TEST_TMPDIR/journal.pdf" -
	assert_output --partial "$absent"
	assert_output --partial 'не отмечен(а)'
	refute_output --partial 'Отменина'

	run sql "SELECT person_id = (SELECT id FROM person WHERE email = 'organizer@demo.local'), query
	         FROM access_journal WHERE action = 'journal.export' AND object_type = 'seminar' AND object_id = $SEMINAR_ID
	         ORDER BY id"
	assert_output $'1\txlsx\n1\tpdf'
}
