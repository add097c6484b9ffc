#!/usr/bin/env bats
# The demo story of `make run` (scripts/demo.sh, sql/demo/): loaded into a stack of its own, every demo account's main pages have content, the data reconcile, and a second load changes nothing.
#
# setup_file waits for the demo stack tests/run.sh started in the background (tests/demo-stack.sh; state in
# var/test-demo, a free port; shared with tests/browser/a11y.mjs, which runs later), or run alone starts it; the shared
# test stack never gets the story. The tests talk to the demo stack: VAR, PORT and BASE_URL are exported to point at
# it, so helpers.bash's requests and SQL go there.

load helpers

DEMO_VAR=${TEST_DEMO_VAR:-${ROOT:?}/var/test-demo}

setup_file() {
	export SHARED_VAR=$VAR
	[[ -n ${TEST_DEMO_VAR:-} ]] || "$ROOT/tests/demo-stack.sh" start "$DEMO_VAR" || true
	BASE_URL=$("$ROOT/tests/demo-stack.sh" wait "$DEMO_VAR" 2>&3) || return 1
	export VAR=$DEMO_VAR PORT=${BASE_URL##*:} BASE_URL
}

# Run alone, the stack is this file's own.
teardown_file() { [[ -n ${TEST_DEMO_VAR:-} ]] || "$ROOT/tests/demo-stack.sh" stop "$DEMO_VAR" >/dev/null 2>&1 || true; }

# rows: a line with the number of rows of every table the story writes.
rows() {
	sql "SELECT CONCAT_WS(' ', (SELECT COUNT(*) FROM organization), (SELECT COUNT(*) FROM person),
	     (SELECT COUNT(*) FROM seminar), (SELECT COUNT(*) FROM seminar_session), (SELECT COUNT(*) FROM registration),
	     (SELECT COUNT(*) FROM scan_event), (SELECT COUNT(*) FROM attendance), (SELECT COUNT(*) FROM certificate),
	     (SELECT COUNT(*) FROM certificate_job), (SELECT COUNT(*) FROM audit_log WHERE action <> 'login'),
	     (SELECT COUNT(*) FROM coverage_fact))"
}

@test "demo: the shared test stack has no story, the demo stack has it, dated from today" {
	assert_equal "$(VAR=$SHARED_VAR "$STACK" psql -N -B -e "SELECT COUNT(*) FROM audit_log WHERE action = 'demo.load'")" 0
	assert_equal "$(sql "SELECT COUNT(*) FROM audit_log WHERE action = 'demo.load' AND detail LIKE CONCAT('%', CURDATE())")" 1
	# Upcoming stays upcoming: every published seminar is still ahead, every finished one behind.
	assert_equal "$(sql "SELECT COUNT(*) FROM seminar WHERE (status = 'published' AND starts_at < NOW())
		OR (status = 'finished' AND ends_at > NOW())")" 0
	# Калининградская область's register holds 367 educational organisations.
	assert_equal "$(sql "SELECT COUNT(*) FROM organization o JOIN district d ON d.id = o.district_id
		WHERE d.region_id = 39 AND o.sector_id = 1 AND o.active")" 367
}

@test "demo: the catalogue lists seminars of every format, one full in person with a waiting list" {
	get_json - /
	assert_equal "$code" 200
	(($(jq '.seminars | length' <<<"$output") >= 10))
	assert_equal "$(jq -r '[.seminars[].format] | unique | join(" ")' <<<"$output")" "hybrid in_person online"
	assert_equal "$(jq '[.seminars[].seats[] | select(.mode == "in_person" and .full)] | length' <<<"$output")" 1
	assert_equal "$(sql "SELECT COUNT(DISTINCT seminar_id) FROM registration r JOIN seminar s ON s.id = r.seminar_id
		WHERE r.status = 'waitlisted' AND s.status = 'published'")" 1
	# One seminar opened its sign-up today.
	assert_equal "$(sql "SELECT COUNT(*) FROM seminar WHERE reg_opens_at = CURDATE() AND status = 'published'")" 1
}

@test "demo: the full seminar's waiting list puts schools never trained in education first, and says so" {
	local id
	id=$(sql "SELECT id FROM seminar WHERE untrained_first AND status = 'published'")
	[[ $id =~ ^[0-9]+$ ]] || fail "one published seminar with the priority option expected, got '$id'"
	login_demo o organizer
	get_json o "/manage/seminars/$id/participants?status=waitlisted"
	assert_equal "$code" 200
	# Both groups wait, the first one first.
	[[ $(jq -r '[.participants[].first_group] | map(tostring) | join(" ")' <<<"$output") =~ ^1( 1)*( 0)+$ ]] ||
		fail "groups of the waiting list: $(jq -c '[.participants[].first_group]' <<<"$output")"
	get - "/seminars/$id"
	assert_output --partial 'сначала получают организации, ещё не проходившие обучение'
}

@test "demo: the participant has tickets, a past seminar and a valid certificate that verifies and downloads" {
	login_demo p participant
	get_json p /me
	assert_equal "$code" 200
	assert_equal "$(jq '[.registrations.upcoming[] | select(.status == "confirmed" and .ticket_url != null)] | length' <<<"$output")" 2
	(($(jq '.registrations.past | length' <<<"$output") >= 1))
	assert_equal "$(jq '[.certificates[] | select(.revoked | not)] | length' <<<"$output")" 1
	local me=$output ticket pdf verify
	ticket=$(jq -r '.registrations.upcoming[0].ticket_url' <<<"$me")
	get p "$ticket"
	assert_equal "$code" 200
	pdf=$(jq -r '.certificates[0].pdf_url' <<<"$me")
	verify=$(jq -r '.certificates[0].verify_url' <<<"$me")
	get p "$pdf"
	assert_equal "$code" 200
	assert_equal "${output:0:5}" "%PDF-"
	get - "$verify"
	assert_equal "$code" 200
	assert_output --partial "Иванова Мария Петровна"
	assert_output --partial "действителен"
}

@test "demo: the misspelt certificate was revoked, corrected and re-issued as version 2" {
	local number code
	read -r number code < <(sql "SELECT c.number, c.verify_code FROM certificate c JOIN person p ON p.id = c.person_id
		WHERE p.email = 'olga.sergeeva@demo.local' AND c.version = 2 AND c.revoked_at IS NULL
		AND c.full_name = 'Сергеева Ольга Николаевна'")
	[[ -n $number ]] || fail "no re-issued certificate of olga.sergeeva@demo.local"
	assert_equal "$(sql "SELECT GROUP_CONCAT(a.action ORDER BY a.id) FROM audit_log a JOIN certificate c ON c.id = a.object_id
		WHERE a.object_type = 'certificate' AND c.number = '$number'")" "certificate.revoke,certificate.reissue"
	assert_equal "$(sql "SELECT f.version FROM certificate_file f JOIN certificate c ON c.id = f.certificate_id
		WHERE c.number = '$number'")" 2
	get - "/certificates/verify/$code"
	assert_equal "$code" 200
	assert_output --partial "Сергеева Ольга Николаевна"
	assert_output --partial "переоформлен"
}

@test "demo: the organiser's seminars are in every state" {
	login_demo o organizer
	get_json o /manage/seminars
	assert_equal "$code" 200
	assert_equal "$(jq -r '[.seminars[].status] | unique | join(" ")' <<<"$output")" "cancelled draft finished published"
}

@test "demo: the head of the participant's school sees its seminars, staff, sign-ups with tickets and a certificate" {
	login_demo h head
	get_json h /head
	assert_equal "$code" 200
	assert_equal "$(jq -r '.organization.short_name' <<<"$output")" "МБОУ СОШ № 2 г. Усмани"
	(($(jq '.seminars | length' <<<"$output") >= 2))
	(($(jq '.staff | length' <<<"$output") >= 3))
	# The participant's tickets and certificate, and the two teachers the head signed up (accounts without a password).
	(($(jq '[.registrations[] | select(.ticket_url != null)] | length' <<<"$output") >= 4))
	(($(jq '[.registrations[] | select(.cert_number != null)] | length' <<<"$output") >= 1))
	assert_equal "$(jq -r '[.registrations[] | select(.source == "head") | .full_name] | sort | join(", ")' <<<"$output")" \
		"Белов Иван Андреевич, Котова Анна Сергеевна"
	assert_equal "$(sql "SELECT COUNT(*) FROM person WHERE email IN ('kotova.anna@demo.local', 'belov.ivan@demo.local')
		AND password_hash = '!'")" 2
	local seminar
	seminar=$(jq -r '[.registrations[] | select(.source == "head")][0].seminar_url' <<<"$output")
	get_json h "$seminar"
	assert_equal "$code" 200
	assert_equal "$(jq '[.registrations[] | select(.source == "head")] | length' <<<"$output")" 2
	get h /head
	assert_output --partial "Котова Анна Сергеевна"
	# The organiser sees the head among the heads of the region.
	login_demo o organizer
	get_json o /manage/heads
	assert_equal "$(jq -r '[.heads[] | select(.email == "head@demo.local") | .status] | join(" ")' <<<"$output")" confirmed
}

@test "demo: the participant has a briefing to acknowledge; its journal lists who did and who did not" {
	local t='Инструктаж: правила ведения официальных страниц госорганизаций' id
	login_demo p participant
	get_json p /me
	id=$(jq -r --arg t "$t" '.briefings_waiting[] | select(.title == $t) | .id' <<<"$output")
	[[ $id =~ ^[0-9]+$ ]] || fail "no briefing awaiting the participant: $(jq -c .briefings_waiting <<<"$output")"
	login_demo o organizer
	get_json o "/manage/briefings/$id/journal"
	assert_equal "$code" 200
	(($(jq '[.rows[] | select(.acked_at != null)] | length' <<<"$output") >= 10))
	(($(jq '[.rows[] | select(.acked_at == null)] | length' <<<"$output") >= 5))
	assert_equal "$(jq -r '[.summary[].district] | unique | join(",")' <<<"$output")" "Усманский район"
}

@test "demo: the reviewer's coverage matrix has covered districts and districts never trained" {
	login_demo r reviewer
	get_json r /reports/coverage
	assert_equal "$code" 200
	(($(jq '[.rows[].cells[] | select(.covered > 0)] | length' <<<"$output") >= 3))
	(($(jq '[.rows[].cells[] | select(.none_covered)] | length' <<<"$output") >= 3))
	# Усманский район: most of its schools, houses of culture and settlements came to the intensive.
	jq -e '[.rows[] | select(.name == "Усманский район") | .total.pct] | first >= 60' <<<"$output" >/dev/null
}

@test "demo: places reconcile, coverage is consistent, ticket codes are the ticket module's" {
	run reconcile
	assert_success
	assert_output ""
	run env VAR="$DEMO_VAR" "$ROOT/scripts/coverage.sh" check
	assert_success
	assert_output "coverage: consistent"
	assert_equal "$(sql "SELECT COUNT(*) FROM registration WHERE ticket_code IS NULL
		OR ticket_code NOT REGEXP '^[A-Za-z0-9_-]{22}\$'")" 0
	# A door check-in is its scan: the same registration, session and device.
	assert_equal "$(sql "SELECT COUNT(*) FROM attendance a LEFT JOIN scan_event e ON e.id = a.scan_id
		WHERE e.registration_id IS NULL OR e.registration_id <> a.registration_id OR e.session_id <> a.session_id
		OR NOT e.device_id <=> a.device_id OR e.result <> 'ok'")" 0
}

@test "demo: loading it again changes nothing" {
	local before
	before=$(rows)
	run "$ROOT/scripts/demo.sh"
	assert_success
	assert_output --partial "already loaded"
	assert_equal "$(rows)" "$before"
	run reconcile
	assert_output ""
}
