#!/usr/bin/env bats
# A person's data under 152-FZ: consent as a versioned document, accepting a new text, /me/data and its exports,
# erasure (on request, on withdrawal, by an administrator) that leaves every count as it was.

load helpers

# new_consent VERSION: a new text in force from a second ago (removed by the test's teardown).
new_consent() {
	sql "INSERT INTO consent_document (version, in_force_from, title, body)
	     VALUES ('$1', NOW() - INTERVAL 1 SECOND, 'Согласие на обработку персональных данных', 'Новая редакция $1.')"
}

teardown() {
	sql "DELETE a FROM consent_acceptance a JOIN consent_document d ON d.version = a.version WHERE d.version LIKE 't%';
	     DELETE FROM consent_document WHERE version LIKE 't%'" || true
}

@test "the consent is its own page, linked from sign-up; the accepted version, time and address are recorded" {
	get - /consent
	assert_equal "$code" 200
	assert_output --partial 'Согласие на обработку персональных данных'
	assert_output --partial 'Федерального закона от 27.07.2006 № 152-ФЗ'
	get_json - /consent
	assert_equal "$(jq -r '.document | .version, .current' <<<"$output")" $'2026-01\n1'
	get_json - "/consent?consent_version=1999-01"
	assert_equal "$code" 404
	get - /signup
	assert_output --partial 'href="/consent"'
	assert_output --partial 'name="consent_version" value="2026-01"'
	signup p
	assert_equal "$(sql "SELECT version, ip IS NOT NULL, at > NOW() - INTERVAL 5 MINUTE, withdrawn FROM consent_acceptance
	                     WHERE person_id = $USER_ID")" $'2026-01\t1\t1\t0'
	# A version that does not exist: 400, no account.
	local fields before
	before=$(sql "SELECT COUNT(*) FROM person")
	mapfile -t fields < <(signup_fields "$(new_email)")
	post q /signup "${fields[@]}" consent_version=1999-01
	assert_equal "$code" 400
	post q /signup "${fields[@]}" "consent_version=$(printf 'x%.0s' {1..40})"
	assert_equal "$code" 400
	assert_equal "$(sql "SELECT COUNT(*) FROM person")" "$before"
}

@test "when the text changes, a signed-in person accepts the new version before going on" {
	signup p
	new_consent t2
	get p /me
	assert_equal "$code" 303
	assert_equal "$location" "/consent/accept?next=/me"
	get_json p /me
	assert_equal "$code" 403
	get p "/consent/accept?next=/me"
	assert_equal "$code" 200
	assert_output --partial 'Новая редакция t2.'
	# Their data stay open to them meanwhile.
	get p /me/data
	assert_equal "$code" 200
	# Bad acceptances: without the tick, an unknown version, an older version; nothing written.
	local before
	before=$(sql "SELECT COUNT(*) FROM consent_acceptance WHERE person_id = $USER_ID")
	post p /consent/accept consent_version=t2
	assert_equal "$code" 400
	post p /consent/accept consent_version=t9 consent=1
	assert_equal "$code" 400
	post p /consent/accept consent_version=2026-01 consent=1
	assert_equal "$code" 409
	post p /consent/accept "consent_version=t2$(printf '\001')" consent=1
	assert_equal "$code" 400
	assert_equal "$(sql "SELECT COUNT(*) FROM consent_acceptance WHERE person_id = $USER_ID")" "$before"
	post p /consent/accept consent_version=t2 consent=1 next=/me
	assert_equal "$code" 303
	assert_equal "$location" /me
	assert_equal "$(sql "SELECT version FROM consent_acceptance WHERE person_id = $USER_ID ORDER BY id DESC LIMIT 1")" t2
	get p /me
	assert_equal "$code" 200
}

@test "/me/data shows and exports what is held, the journal entries about the person included" {
	seminar_sql
	signup p
	register p "$SEMINAR_ID" in_person
	login_demo o organizer
	get o "/manage/seminars/$SEMINAR_ID/participants"
	get_json p /me/data
	assert_equal "$code" 200
	assert_equal "$(jq -r '.profile[0] | .email, .full_name' <<<"$output")" "$EMAIL"$'\nТестова Анна Игоревна'
	assert_equal "$(jq -r '.registrations | length' <<<"$output")" 1
	assert_equal "$(jq -r '.registrations[0].seminar' <<<"$output")" "$SEMINAR_TITLE"
	assert_equal "$(jq -r '.consents[0].version' <<<"$output")" 2026-01
	assert_equal "$(jq -r '.access[0] | .who, .action, .object_id' <<<"$output")" \
		$'Соколов Андрей Викторович\nparticipants.view\n'"$SEMINAR_ID"
	assert_equal "$(jq -r '.sessions | length' <<<"$output")" "$(sql "SELECT COUNT(*) FROM web_session WHERE person_id = $USER_ID")"
	get p /me/data.json
	assert_equal "$code" 200
	assert_equal "$(jq -r '.profile[0].phone' "$BATS_TEST_TMPDIR/response.body")" "$(sql "SELECT phone FROM person WHERE id = $USER_ID")"
	get p /me/data.xlsx
	assert_equal "$code" 200
	cp "$BATS_TEST_TMPDIR/response.body" "$BATS_TEST_TMPDIR/d.xlsx"
	run /usr/bin/python3 -c '
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
print("\n".join("|".join(str(c) for c in row) for row in ws.iter_rows(min_row=3, values_only=True)))' "$BATS_TEST_TMPDIR/d.xlsx"
	assert_line "Профиль|1|email|$EMAIL"
	assert_line "Записи на семинары|1|seminar|$SEMINAR_TITLE"
	assert_line "Кто просматривал мои данные|1|action|participants.view"
	get - /me/data
	assert_equal "$code" 303
}

@test "erasure keeps the coverage report byte-identical, hides the name on the verification page, ends sessions; a second request is harmless" {
	local s1 before_report after_report number code_v pdf
	seminar_sql "title=$(sql_str "Стирание $RANDOM$RANDOM")"
	s1=$(sql "SELECT id FROM seminar_session WHERE seminar_id = $SEMINAR_ID")
	signup p
	register p "$SEMINAR_ID" in_person
	sql "INSERT INTO attendance (registration_id, session_id, mode, scan_id, at) VALUES ($REG_ID, $s1, 'in_person', 0, NOW());
	     CALL coverage_touch($REG_ID)"
	number="48-E-$RANDOM$RANDOM"
	code_v=$(sql "SELECT SUBSTRING(REPLACE(REPLACE(TO_BASE64(RANDOM_BYTES(16)), '+', '-'), '/', '_'), 1, 22)")
	sql "INSERT INTO certificate (registration_id, seminar_id, person_id, number, verify_code, template_id, full_name,
	       full_name_dat, seminar_title, dates, format, issuer, signatory, issued_at)
	     VALUES ($REG_ID, $SEMINAR_ID, $USER_ID, '$number', '$code_v',
	       (SELECT MIN(id) FROM certificate_template), 'Тестова Анна Игоревна', 'Тестовой Анне Игоревне',
	       'Стирание', '1 декабря 2026 г.', 'очно', 'ЦУР', 'Директор', NOW())"
	pdf=$(stored_file "%PDF-erasure Тестова Анна Игоревна $RANDOM$RANDOM")
	sql "INSERT INTO certificate_file (certificate_id, version, sha256) SELECT id, 1, '$pdf' FROM certificate
	     WHERE number = '$number'"
	get p "/certificates/$number.pdf"
	assert_equal "$code" 200
	assert_output --partial '%PDF-erasure Тестова'
	login_demo v reviewer
	get_json v "/reports/coverage?region=48&period=all"
	assert_equal "$code" 200
	before_report=$output
	get - "/certificates/verify/$code_v"
	assert_output --partial 'Тестова Анна Игоревна'
	local places
	places=$(sql "SELECT taken_in_person, taken_online FROM seminar WHERE id = $SEMINAR_ID")

	# Without the confirmation: 400, nothing written.
	post p /me/erase
	assert_equal "$code" 400
	assert_equal "$(sql "SELECT erased_at IS NULL FROM person WHERE id = $USER_ID")" 1
	post p /me/erase confirm=1
	assert_equal "$code" 200
	assert_output --partial 'Данные удалены'
	assert_equal "$(sql "SELECT full_name, email LIKE 'erased-%', phone IS NULL, position IS NULL, erased_at IS NOT NULL
	                     FROM person WHERE id = $USER_ID")" $'Данные удалены по требованию владельца\t1\t1\t1\t1'
	assert_equal "$(sql "SELECT COUNT(*) FROM web_session WHERE person_id = $USER_ID")" 0
	assert_equal "$(sql "SELECT COUNT(*) FROM person WHERE full_name LIKE '%Тестова Анна Игоревна%' AND id = $USER_ID")" 0
	assert_equal "$(sql "SELECT COUNT(*) FROM certificate WHERE person_id = $USER_ID AND full_name LIKE '%Тестова%'")" 0
	assert_equal "$(sql "SELECT COUNT(*) FROM audit_log WHERE action = 'person.erase' AND object_id = $USER_ID")" 1
	# The certificate's PDF (it holds the name) is unreachable at once: no row refers to its file any more, and the
	# retention run removes the file once it is a day old (its daily sweep of unreferenced files).
	assert_equal "$(sql "SELECT COUNT(*) FROM certificate_file f JOIN certificate c ON c.id = f.certificate_id
	                     WHERE c.person_id = $USER_ID")" 0
	touch -d '2 days ago' "$VAR/files/${pdf:0:2}/${pdf:2}"
	run "$ROOT/bin/portal" -c "$SEM_CONFIG" retention
	assert_success
	[[ ! -e $VAR/files/${pdf:0:2}/${pdf:2} ]] || fail "the erased person's certificate PDF is still on disk"
	# Counts as they were.
	get_json v "/reports/coverage?region=48&period=all"
	after_report=$output
	assert_equal "$after_report" "$before_report"
	assert_equal "$(sql "SELECT taken_in_person, taken_online FROM seminar WHERE id = $SEMINAR_ID")" "$places"
	assert_equal "$(sql "SELECT COUNT(*) FROM attendance WHERE registration_id = $REG_ID")" 1
	# The verification page confirms the certificate without the destroyed name.
	get - "/certificates/verify/$code_v"
	assert_equal "$code" 200
	refute_output --partial 'Тестова'
	assert_output --partial "$number"
	assert_output --partial 'Данные удалены по требованию владельца'
	# The old session is gone; a second request is harmless.
	get_json p /me
	assert_equal "$code" 401
	post p /me/erase confirm=1
	[[ $code == 401 || $code == 403 ]] || fail "second erasure: HTTP $code"
	assert_equal "$(sql "SELECT COUNT(*) FROM audit_log WHERE action = 'person.erase' AND object_id = $USER_ID")" 1
	# The e-mail is free again and the old password opens nothing.
	post p /login "email=$EMAIL" "password=$PASSWORD"
	assert_equal "$code" 401
}

@test "withdrawing consent erases; a forged erasure of someone else is refused and writes nothing" {
	local victim before
	signup victim
	victim=$USER_ID
	signup p
	before=$(sql "SELECT full_name, email, IFNULL(erased_at, '-'), (SELECT COUNT(*) FROM audit_log
	              WHERE object_type = 'person' AND object_id = $victim) FROM person WHERE id = $victim")
	post p "/admin/users/$victim/erase" confirm=1
	assert_equal "$code" 403
	assert_equal "$(sql "SELECT full_name, email, IFNULL(erased_at, '-'), (SELECT COUNT(*) FROM audit_log
	              WHERE object_type = 'person' AND object_id = $victim) FROM person WHERE id = $victim")" "$before"
	post p /me/consent/withdraw confirm=1
	assert_equal "$code" 200
	assert_equal "$(sql "SELECT withdrawn FROM consent_acceptance WHERE person_id = $USER_ID ORDER BY id DESC LIMIT 1")" 1
	assert_equal "$(sql "SELECT erased_at IS NOT NULL FROM person WHERE id = $USER_ID")" 1
	assert_equal "$(sql "SELECT erased_at IS NULL FROM person WHERE id = $victim")" 1
	# An administrator erases on a written request; again: nothing more.
	login_demo a admin
	post a "/admin/users/$victim/erase" confirm=1
	assert_equal "$code" 303
	post a "/admin/users/$victim/erase" confirm=1
	assert_equal "$code" 303
	assert_equal "$(sql "SELECT COUNT(*) FROM audit_log WHERE action = 'person.erase' AND object_id = $victim")" 1
}

@test "a script signs up and in through JSON alone: the guest JSON of /signup and /login carries the CSRF token" {
	local fields token email
	email=$(new_email)
	get_json s /signup
	assert_equal "$code" 200
	token=$(jq -r .csrf <<<"$output")
	[[ ${#token} -ge 40 ]] || fail "no token in the sign-up JSON: $output"
	mapfile -t fields < <(signup_fields "$email")
	local args=() f
	for f in "${fields[@]}"; do args+=(--data-urlencode "$f"); done
	req s POST /signup -H 'Accept: application/json' -H "X-CSRF-Token: $token" "${args[@]}"
	[[ $code == 303 || $code == 200 ]] || fail "sign-up through JSON: HTTP $code $output"
	get_json l /login
	token=$(jq -r .csrf <<<"$output")
	[[ ${#token} -ge 40 ]] || fail "no token in the login JSON: $output"
	req l POST /login -H 'Accept: application/json' -H "X-CSRF-Token: $token" \
		--data-urlencode "email=$email" --data-urlencode "password=$PASSWORD"
	[[ $code == 303 || $code == 200 ]] || fail "login through JSON: HTTP $code $output"
	get_json l /me
	assert_equal "$code" 200
	# Someone else's token is refused.
	req m POST /login -H 'Accept: application/json' -H "X-CSRF-Token: $token" \
		--data-urlencode "email=$email" --data-urlencode "password=$PASSWORD"
	assert_equal "$code" 403
}

@test "the active sessions list names the device; one is ended, and nobody else's" {
	local handle pid
	signup p
	pid=$USER_ID
	login p2 "$EMAIL"
	login p3 "$EMAIL"
	get_json p /me/sessions
	assert_equal "$code" 200
	assert_equal "$(jq '.sessions | length' <<<"$output")" 3
	assert_equal "$(jq '[.sessions[] | select(.current == 1)] | length' <<<"$output")" 1
	assert_equal "$(jq -r '.sessions[0].user_agent | startswith("curl/")' <<<"$output")" true
	handle=$(jq -r '[.sessions[] | select(.current == 0)][0].handle' <<<"$output")
	# Bad handles: 400 or 404, nothing ended.
	post p /me/sessions/end handle=zz
	assert_equal "$code" 400
	post p /me/sessions/end handle=0000000000000000
	assert_equal "$code" 404
	assert_equal "$(sql "SELECT COUNT(*) FROM web_session WHERE person_id = $pid")" 3
	# Another person cannot end these.
	signup q
	post q /me/sessions/end "handle=$handle"
	assert_equal "$code" 404
	assert_equal "$(sql "SELECT COUNT(*) FROM web_session WHERE person_id = $pid")" 3
	post p /me/sessions/end "handle=$handle"
	assert_equal "$code" 303
	assert_equal "$(sql "SELECT COUNT(*) FROM web_session WHERE person_id = $pid")" 2
}

@test "ending every other session keeps this one" {
	signup p
	login p2 "$EMAIL"
	post p /me/sessions/end-others
	assert_equal "$code" 303
	assert_equal "$(sql "SELECT COUNT(*) FROM web_session WHERE person_id = $USER_ID")" 1
	get_json p /me
	assert_equal "$code" 200
	get_json p2 /me
	assert_equal "$code" 401
}
