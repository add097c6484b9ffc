#!/usr/bin/env bats
# Coverage upkeep end to end: the summary tables follow door scans, undos, online codes, cancellations and the
# organiser's changes in the same transaction (the C hooks and the procedures of sql/procedures/).
# (1) A small data set of its own region equals a table checked by hand, kept current and recomputed alike.
# (2) After hundreds of parallel sign-ups, scans, codes, undos, cancellations, mode switches and rule changes
# scripts/coverage.sh check finds no difference; a damaged row is found, and a recompute repairs it.
# (3) Check-ins made while recomputes run one after another are all counted (none lost in a swap).
#
# The people are made in the database with signed-in sessions (web_sessions in helpers.bash); everything they and
# the organiser do goes through the HTTP APIs as a browser or a door device sends it.

load helpers

setup_file() {
	local run="cov-$$-${EPOCHREALTIME/[.,]/}" dir=$BATS_FILE_TMPDIR h
	h=$(demo_hash)
	[[ -n $h ]] || return 1
	echo "$run" >"$dir/run"
	# A region of its own with districts А and Б. In А: schools А1 and А2, the house of culture А3 and the school
	# А4, gone from the register; in Б: the school Б1. p1 and p2 work at А1, p3 and p6 at А2, p4 at А3, p5 and p7
	# at Б1; "org" organises seminars in the region.
	sql "SET @r = (SELECT MIN(seq) FROM seq_100_to_9999 WHERE seq NOT IN (SELECT id FROM region));
	     INSERT INTO region (id, name) VALUES (@r, 'Регион $run');
	     INSERT INTO district (region_id, name) VALUES (@r, 'Район А'), (@r, 'Район Б');
	     SET @a = (SELECT id FROM district WHERE region_id = @r AND name = 'Район А'),
	         @b = (SELECT id FROM district WHERE region_id = @r AND name = 'Район Б');
	     INSERT INTO organization (district_id, sector_id, name, short_name, active) VALUES
	       (@a, 1, 'МБОУ А1 $run', 'А1', TRUE), (@a, 1, 'МБОУ А2 $run', 'А2', TRUE),
	       (@a, 3, 'МБУК А3 $run', 'А3', TRUE), (@a, 1, 'МБОУ А4 $run', 'А4', FALSE),
	       (@b, 1, 'МБОУ Б1 $run', 'Б1', TRUE);
	     CALL register_recount(@a);
	     CALL register_recount(@b);
	     INSERT INTO person (email, password_hash, full_name, full_name_dat, position, organization_id, consent_at,
	                         consent_version)
	     SELECT CONCAT('$run-', x.n, '@example.test'), $h, CONCAT('Охватова ', x.n), CONCAT('Охватовой ', x.n),
	            'Администратор госпаблика', o.id, NOW(), '2026-01'
	     FROM (SELECT 'p1' n, 'А1' o UNION ALL SELECT 'p2', 'А1' UNION ALL SELECT 'p3', 'А2'
	           UNION ALL SELECT 'p4', 'А3' UNION ALL SELECT 'p5', 'Б1' UNION ALL SELECT 'p6', 'А2'
	           UNION ALL SELECT 'p7', 'Б1') x
	     JOIN organization o ON o.short_name = x.o AND o.district_id IN (@a, @b);
	     INSERT INTO person (email, password_hash, full_name, full_name_dat, position, consent_at, consent_version)
	     VALUES ('$run-org@example.test', $h, 'Организаторова Нина', 'Организаторовой Нине', 'Организатор', NOW(),
	             '2026-01');
	     INSERT INTO role_grant (person_id, role, region_id)
	     SELECT id, 'organizer', @r FROM person WHERE email = '$run-org@example.test';
	     SELECT @r, @a, @b" >"$dir/region"
	sql "SELECT SUBSTRING_INDEX(SUBSTRING_INDEX(email, '@', 1), '-', -1), id FROM person
	     WHERE email LIKE '$run-%' ORDER BY id" | web_sessions "$dir/people"
	[[ $(wc -l <"$dir/people") == 8 ]]
}

# The seminars of this file leave the catalogue through the organiser's API (so their coverage follows).
teardown_file() {
	[[ -r $BATS_FILE_TMPDIR/region ]] || return 0
	setup
	finish_seminars "$R"
}

setup() {
	sessions_load "$BATS_FILE_TMPDIR"/people "$BATS_FILE_TMPDIR"/crowd
	read -r R DA DB <"$BATS_FILE_TMPDIR/region"
	RUN=$(cat "$BATS_FILE_TMPDIR/run")
	COVERAGE=${STACK%/stack.sh}/coverage.sh
}

# cov_seminar [COLUMN=SQL ...]: a published seminar of the organiser in district А (see seminar_sql), 20 places.
cov_seminar() {
	seminar_sql "title=$(sql_str "Охват $RUN $RANDOM")" "region_id=$R" "district_id=$DA" "organizer_id=${PID_OF[org]}" \
		cap_in_person=20 "$@"
	SESSION_ID=$(sql "SELECT MIN(id) FROM seminar_session WHERE seminar_id = $SEMINAR_ID")
}

# sign_up WHO SEMINAR MODE: a confirmed registration through the sign-up API; sets REG_ID.
sign_up() {
	call "$1" POST "/seminars/$2/register" --data-urlencode "mode=$3" --data-urlencode "idem=$(idem_key)"
	[[ $code == 200 ]] || fail "sign-up of $1 to $2: HTTP $code $output"
	REG_ID=$(jq -r '.registration.id' <<<"$output")
	[[ $(jq -r '.registration.status' <<<"$output") == confirmed ]] || fail "sign-up of $1 to $2: $output"
}

# online WHO SESSION: the participant types the session's code from the broadcast.
online() {
	call "$1" POST /checkin/code --data-urlencode "c=$(session_code "$2")"
	[[ $code == 200 ]] || fail "online code of $1 for session $2: HTTP $code $output"
}

# as_user WHO: the curl arguments of a request of WHO's signed-in session, for a line of requests (see parallel).
as_user() { printf "%s " -H "'Cookie: sid=${SID_OF[$1]}'" -H "'X-CSRF-Token: ${CSRF_OF[$1]}'" -H "'Accept: application/json'"; }

# parallel FILE [N]: runs the requests of FILE (curl arguments, one request a line) N (8) at a time in random
# order; fails on an answer that is not 2xx, 3xx or 4xx, or a request without an answer.
parallel() {
	shuf "$1" | xargs -P "${2:-8}" -L 1 curl -sS --max-time 30 -o /dev/null -w '%{http_code}\n' >"$1.codes" || true
	[[ $(wc -l <"$1.codes") == $(wc -l <"$1") ]] || fail "$1: $(wc -l <"$1.codes") answers to $(wc -l <"$1") requests"
	! grep -qv '^[234]' "$1.codes" || fail "$1: $(sort "$1.codes" | uniq -c | tr '\n' ' ')"
}

# counted REG: 1 when the registration counts (has a fact), else 0.
counted() { coverage_settled && sql "SELECT COUNT(*) FROM coverage_fact WHERE registration_id = $1"; }

# cells: the coverage cells of the region, "period district sector orgs people in_person online" a line.
cells() {
	coverage_settled || return 1
	sql "SELECT c.period, IF(c.district_id = $DA, 'А', 'Б'), c.sector_id, c.orgs_covered, c.people, c.people_door,
	            c.people_online
	     FROM coverage_cell c JOIN district d ON d.id = c.district_id WHERE d.region_id = $R
	     ORDER BY c.period, 2, c.sector_id" | tr '\t' ' '
}

@test "coverage of a hand-checked data set: absent, online-only, door, one organisation twice, a year boundary" {
	local s1 s2 s3 ses1 ses3a ses3b r p1 p2 p6 p7 expected
	# S1, 31 December 2025, the door counts: p1 and p2 (one school) come, p3 is absent, p4 (house of culture, not
	# of the seminar's sector) comes, p6 comes but the check-in is undone.
	cov_seminar "starts_at='2025-12-31 10:00:00'" "ends_at='2025-12-31 13:00:00'" "attendance_rule='door'"
	s1=$SEMINAR_ID ses1=$SESSION_ID
	sign_up p1 "$s1" in_person && p1=$REG_ID
	sign_up p2 "$s1" in_person && p2=$REG_ID
	sign_up p3 "$s1" in_person && r=$REG_ID
	door "$s1" "$ses1" "$p1"
	door "$s1" "$ses1" "$p2"
	sign_up p4 "$s1" in_person && door "$s1" "$ses1" "$REG_ID"
	[[ $(counted "$REG_ID") == 0 ]] || fail "an organisation of another sector counted"
	sign_up p6 "$s1" in_person && p6=$REG_ID && door "$s1" "$ses1" "$p6"
	[[ $(counted "$p6") == 1 ]] || fail "the door scan of p6 did not count"
	call org POST "/checkin/$s1/undo" --data-urlencode "scan_id=$SCAN_ID"
	[[ $code == 200 && $(jq -r .result <<<"$output") == undone ]] || fail "undo: HTTP $code $output"
	[[ $(counted "$p6") == 0 && $(counted "$r") == 0 ]] || fail "an undone check-in or an absent person counted"

	# S2, 1 January 2026, door or online: p3 and p1 come; p1 tries to cancel afterwards and is refused (the
	# seminar is over), so the attendance still counts.
	cov_seminar "starts_at='2026-01-01 10:00:00'" "ends_at='2026-01-01 13:00:00'" "attendance_rule='either'"
	s2=$SEMINAR_ID
	sign_up p3 "$s2" in_person && door "$s2" "$SESSION_ID" "$REG_ID"
	sign_up p1 "$s2" in_person && p1=$REG_ID && door "$s2" "$SESSION_ID" "$p1"
	call p1 POST "/registrations/$p1/cancel"
	[[ $code == 409 ]] || fail "a cancel after the seminar: HTTP $code $output"
	[[ $(counted "$p1") == 1 ]] || fail "a refused late cancel took the attendance of p1 away"

	# S3, online only, codes in 60 % of the sessions: two sessions now; p5 (Б1) types both codes, p7 (Б1) one,
	# p2 none, p6 both and then cancels. Then the organiser adds a session on 10 June 2025: three sessions
	# (p5 2/3 = 67 %, p7 33 %), and the seminar is dated by its first session.
	cov_seminar "format='online'" "cap_in_person=0" "starts_at=NOW() - INTERVAL 1 HOUR" \
		"ends_at=NOW() + INTERVAL 2 HOUR" "attendance_rule='online'" online_min_percent=60
	s3=$SEMINAR_ID ses3a=$SESSION_ID
	ses3b=$(sql "INSERT INTO seminar_session (seminar_id, starts_at, ends_at)
	             VALUES ($s3, NOW() - INTERVAL 30 MINUTE, NOW() + INTERVAL 3 HOUR); SELECT LAST_INSERT_ID()")
	sql "UPDATE seminar SET ends_at = NOW() + INTERVAL 3 HOUR WHERE id = $s3"
	sign_up p5 "$s3" online && r=$REG_ID
	sign_up p7 "$s3" online && p7=$REG_ID
	sign_up p2 "$s3" online
	sign_up p6 "$s3" online && p6=$REG_ID
	window_fresh
	online p5 "$ses3a"
	online p5 "$ses3b"
	online p7 "$ses3a"
	online p6 "$ses3a"
	online p6 "$ses3b"
	[[ $(counted "$r") == 1 && $(counted "$p7") == 0 ]] || fail "online codes: p5 $(counted "$r"), p7 $(counted "$p7")"
	# p6 (А2) typed both codes, then cancels while the seminar runs: no longer counted.
	[[ $(counted "$p6") == 1 ]] || fail "the online codes of p6 did not count"
	call p6 POST "/registrations/$p6/cancel"
	[[ $code == 200 ]] || fail "cancel: HTTP $code $output"
	[[ $(counted "$p6") == 0 ]] || fail "a cancelled registration still counts"
	call org POST "/manage/seminars/$s3/sessions" --data-urlencode date=2025-06-10 --data-urlencode start=10:00 \
		--data-urlencode end=13:00
	[[ $code == 303 ]] || fail "session add: HTTP $code $output"
	coverage_settled
	[[ $(sql "SELECT held_on FROM coverage_fact WHERE registration_id = $r") == 2025-06-10 ]] ||
		fail "the online fact did not move to the seminar's new first day"

	# By hand: А counts А1 (p1, p2 on 31.12; p1 on 1.01) and А2 (p3 on 1.01); Б counts Б1 (p5 online, 10.06.2025).
	expected="2025 А 1 1 2 2 0
2025 Б 1 1 1 0 1
2025-06 Б 1 1 1 0 1
2025-12 А 1 1 2 2 0
2025-Q2 Б 1 1 1 0 1
2025-Q4 А 1 1 2 2 0
2026 А 1 2 2 2 0
2026-01 А 1 2 2 2 0
2026-Q1 А 1 2 2 2 0
all А 1 2 3 3 0
all Б 1 1 1 0 1"
	run cells
	assert_output "$expected"
	# The register: А has two schools (А4 left it) and a house of culture, Б one school.
	run sql "SELECT IF(district_id = $DA, 'А', 'Б'), sector_id, orgs FROM register_cell
	         WHERE district_id IN ($DA, $DB) ORDER BY 1, 2"
	assert_output "$(printf 'А\t1\t2\nА\t3\t1\nБ\t1\t1')"

	# A recompute from the raw data gives the same table.
	run "$COVERAGE" recompute
	assert_success
	run cells
	assert_output "$expected"
}

@test "coverage stays consistent through parallel sign-ups, scans, codes, undos, cancellations and rule changes" {
	local dir=$BATS_TEST_TMPDIR m1 m2 m3 m4 m sem ses who reg st mode line n facts i a1 a4 base=$BASE_URL
	local -a ms
	# Whatever other tests wrote behind the APIs' back is set right first.
	run "$COVERAGE" recompute
	assert_success

	# 42 people over seven organisations: schools and houses of culture in А and Б, a school proposed at
	# sign-up (not in the register) and one gone from it.
	sql "INSERT INTO organization (district_id, sector_id, name, short_name, active, status) VALUES
	       ($DA, 1, 'МБОУ Е1 $RUN', 'Е1', TRUE, 'register'), ($DA, 1, 'МБОУ Е2 $RUN', 'Е2', TRUE, 'register'),
	       ($DA, 3, 'МБУК К1 $RUN', 'К1', TRUE, 'register'), ($DA, 1, 'МБОУ П1 $RUN', 'П1', TRUE, 'proposed'),
	       ($DB, 1, 'МБОУ Е3 $RUN', 'Е3', TRUE, 'register'), ($DB, 3, 'МБУК К2 $RUN', 'К2', TRUE, 'register'),
	       ($DB, 1, 'МБОУ Х1 $RUN', 'Х1', FALSE, 'register');
	     CALL register_recount($DA);
	     CALL register_recount($DB);
	     INSERT INTO person (email, password_hash, full_name, full_name_dat, position, organization_id, consent_at,
	                         consent_version)
	     SELECT CONCAT('$RUN-q', s.seq, '@example.test'), p.password_hash, CONCAT('Толпина ', s.seq),
	            CONCAT('Толпиной ', s.seq), 'Методист', o.id, NOW(), '2026-01'
	     FROM seq_1_to_42 s
	     JOIN person p ON p.email = '$RUN-p1@example.test'
	     JOIN organization o ON o.district_id IN ($DA, $DB)
	      AND o.short_name = ELT(1 + s.seq % 7, 'Е1', 'Е2', 'К1', 'П1', 'Е3', 'К2', 'Х1')"
	sql "SELECT SUBSTRING_INDEX(SUBSTRING_INDEX(email, '@', 1), '-', -1), id FROM person
	     WHERE email LIKE '$RUN-q%' ORDER BY id" | web_sessions "$BATS_FILE_TMPDIR/crowd"
	setup
	# Four seminars running now with two sessions each and few places (people wait, places free up):
	# door / online 50 % / either / both, education or culture or both.
	for line in "door 1" "online 3" "either 1" "both 1"; do
		read -r st sem <<<"$line"
		cov_seminar "starts_at=NOW() - INTERVAL 1 HOUR" "ends_at=NOW() + INTERVAL 3 HOUR" "attendance_rule='$st'" \
			online_min_percent=50 cap_in_person=8 cap_online=6 "sector=$sem"
		sql "INSERT INTO seminar_session (seminar_id, starts_at, ends_at)
		     VALUES ($SEMINAR_ID, NOW() - INTERVAL 30 MINUTE, NOW() + INTERVAL 3 HOUR)"
		ms+=("$SEMINAR_ID")
	done
	m1=${ms[0]} m2=${ms[1]} m3=${ms[2]} m4=${ms[3]}
	sql "INSERT INTO seminar_sector (seminar_id, sector_id) VALUES ($m3, 3)"

	# Sign-ups: everyone to three of the four seminars, in person or online at random.
	for ((i = 1; i <= 42; i++)); do
		for m in "${ms[@]}"; do
			((m % 4 == i % 4)) && continue
			mode=$([[ $((RANDOM % 2)) == 0 ]] && echo in_person || echo online)
			echo "$(as_user "q$i") --data-urlencode mode=$mode --data-urlencode idem=$(idem_key) $base/seminars/$m/register"
		done
	done >"$dir/signups"
	parallel "$dir/signups"

	# Scans at both sessions (waiting and cancelled tickets among them), online codes of both sessions, a few
	# cancellations and mode switches by the participants, rule and sector changes by the organiser, a session
	# added in the past and a seminar finished, all at once.
	window_fresh 15
	sql "SELECT r.id, r.seminar_id, p.email, r.status, r.mode, r.ticket_code,
	            (SELECT GROUP_CONCAT(ss.id ORDER BY ss.id) FROM seminar_session ss WHERE ss.seminar_id = r.seminar_id)
	     FROM registration r JOIN person p ON p.id = r.person_id WHERE r.seminar_id IN ($m1, $m2, $m3, $m4)" |
		tr '\t' ' ' >"$dir/regs"
	(($(wc -l <"$dir/regs") >= 100)) || fail "$(wc -l <"$dir/regs") registrations"
	declare -A code_of
	for ses in $(sql "SELECT id FROM seminar_session WHERE seminar_id IN ($m1, $m2, $m3, $m4)"); do
		code_of[$ses]=$(session_code "$ses")
	done
	while read -r reg sem who st mode ticket ses; do
		who=${who%%@*} who=${who##*-}
		if ((RANDOM % 10 < 7)); then
			echo "$(as_user org) --data-urlencode code=$ticket --data-urlencode session_id=${ses%%,*} $base/checkin/$sem/scan"
		fi
		if ((RANDOM % 10 < 4)); then
			echo "$(as_user org) --data-urlencode code=$ticket --data-urlencode session_id=${ses##*,} $base/checkin/$sem/scan"
		fi
		if ((RANDOM % 10 < 4)); then
			echo "$(as_user "$who") --data-urlencode c=${code_of[${ses%%,*}]} $base/checkin/code"
		fi
		if ((RANDOM % 10 < 3)); then
			echo "$(as_user "$who") --data-urlencode c=${code_of[${ses##*,}]} $base/checkin/code"
		fi
		case $((RANDOM % 10)) in
		0) echo "$(as_user "$who") -X POST $base/registrations/$reg/cancel" ;;
		1) echo "$(as_user "$who") --data-urlencode mode=$([[ $mode == online ]] && echo in_person || echo online) $base/registrations/$reg/mode" ;;
		esac
	done <"$dir/regs" >"$dir/mixed"
	edit() {
		local id=$1 f
		shift
		echo -n "$(as_user org)"
		while IFS= read -r f; do
			printf -- "--data-urlencode '%s' " "$f"
		done < <(form_merge "$(seminar_fields)" "region_id=$R" "district_id=$DA" cap_in_person=8 cap_online=6 "$@")
		echo "$base/manage/seminars/$id"
	}
	{
		edit "$m1" attendance_rule=online online_min_percent=50 sector_id=1
		edit "$m3" attendance_rule=both online_min_percent=100 sector_id=1 sector_id=3
		echo "$(as_user org) --data-urlencode date=2025-09-01 --data-urlencode start=10:00 --data-urlencode end=12:00 $base/manage/seminars/$m2/sessions"
		echo "$(as_user org) --data-urlencode status=finished $base/manage/seminars/$m4/status"
	} >>"$dir/mixed"
	parallel "$dir/mixed"

	# Undos of a third of the check-ins at the door, sign-ups again after a cancellation, cancellations after
	# a check-in, more scans, and the rules changed back, at once.
	sql "SELECT id, seminar_id FROM scan_event WHERE seminar_id IN ($m1, $m2, $m3, $m4) AND method = 'qr'
	     AND result = 'ok' AND id % 3 = 0" | while read -r n sem; do
		echo "$(as_user org) --data-urlencode scan_id=$n $base/checkin/$sem/undo"
	done >"$dir/more"
	sql "SELECT r.seminar_id, p.email FROM registration r JOIN person p ON p.id = r.person_id
	     WHERE r.seminar_id IN ($m1, $m2, $m3) AND r.status = 'cancelled'" | while read -r sem who; do
		who=${who%%@*} who=${who##*-}
		echo "$(as_user "$who") --data-urlencode mode=online --data-urlencode idem=$(idem_key) $base/seminars/$sem/register"
	done >>"$dir/more"
	sql "SELECT DISTINCT r.id, p.email FROM registration r JOIN person p ON p.id = r.person_id
	     JOIN attendance a ON a.registration_id = r.id
	     WHERE r.seminar_id IN ($m1, $m2, $m3, $m4) AND r.status = 'confirmed' LIMIT 6" | while read -r reg who; do
		who=${who%%@*} who=${who##*-}
		echo "$(as_user "$who") -X POST $base/registrations/$reg/cancel"
	done >>"$dir/more"
	shuf -n 40 "$dir/regs" | while read -r reg sem who st mode ticket ses; do
		echo "$(as_user org) --data-urlencode code=$ticket --data-urlencode session_id=${ses##*,} $base/checkin/$sem/scan"
	done >>"$dir/more"
	{
		edit "$m1" attendance_rule=either online_min_percent=50 sector_id=1 sector_id=3
		edit "$m3" attendance_rule=door online_min_percent=50 sector_id=1 sector_id=3
	} >>"$dir/more"
	parallel "$dir/more"

	# The operations did count, and took counts back (undone check-ins, cancellations after check-ins).
	coverage_settled
	facts=$(sql "SELECT COUNT(*) FROM coverage_fact WHERE seminar_id IN ($m1, $m2, $m3, $m4)")
	((facts >= 5)) || fail "only $facts registrations count"
	[[ $(sql "SELECT COUNT(*) > 0 FROM attendance a JOIN registration r ON r.id = a.registration_id
	          WHERE r.seminar_id IN ($m1, $m2, $m3) AND a.undone_at IS NOT NULL") == 1 ]] || fail "nothing was undone"
	[[ $(sql "SELECT COUNT(*) > 0 FROM registration r WHERE r.seminar_id IN ($m1, $m2, $m3, $m4)
	          AND r.status = 'cancelled' AND EXISTS (SELECT 1 FROM attendance a WHERE a.registration_id = r.id)") == 1 ]] ||
		fail "no cancellation after a check-in"

	run "$COVERAGE" check
	assert_success
	assert_output "coverage: consistent"

	# A damaged cell is found, and so are a row missing and a row too many in one table (as many rows as a
	# recompute's); a recompute repairs them.
	a1=$(sql "SELECT MIN(organization_id) FROM coverage_org WHERE district_id = $DA AND sector_id = 1 AND period = 'all'")
	a4=$(sql "SELECT id FROM organization WHERE district_id = $DA AND short_name = 'А4'")
	sql "UPDATE coverage_cell SET orgs_covered = orgs_covered + 1 WHERE district_id = $DA AND sector_id = 1
	     AND period = 'all';
	     DELETE FROM coverage_org WHERE organization_id = $a1 AND sector_id = 1 AND period = 'all';
	     INSERT INTO coverage_org (organization_id, sector_id, period, district_id, n) VALUES ($a4, 1, '2001', $DA, 1)"
	run "$COVERAGE" check
	assert_failure 1
	assert_line --regexp "^coverage_cell +period=all district=$DA sector=1 +should be orgs=[0-9]+ .* is orgs=[0-9]+ "
	assert_line --regexp "^coverage_org +organization=$a1 sector=1 period=all +should be district=$DA n=[0-9]+ +is -$"
	assert_line --regexp "^coverage_org +organization=$a4 sector=1 period=2001 +should be - +is district=$DA n=1$"
	assert_line "coverage: 3 differences between the summary tables and a recompute from the raw data"
	run "$COVERAGE" recompute
	assert_success
	assert_output --regexp '^coverage: recomputed in [0-9.]+ s '
	run "$COVERAGE" check
	assert_success
	assert_output "coverage: consistent"
}

@test "a recompute while people are checked in at the door loses none of the check-ins" {
	local dir=$BATS_TEST_TMPDIR sem ses scans n=0
	cov_seminar "starts_at=NOW() - INTERVAL 1 HOUR" "ends_at=NOW() + INTERVAL 2 HOUR" "attendance_rule='door'" \
		cap_in_person=90
	sem=$SEMINAR_ID ses=$SESSION_ID
	# 90 people of the region's schools with confirmed registrations made in the database (nothing counts yet).
	sql "INSERT INTO person (email, password_hash, full_name, full_name_dat, position, organization_id, consent_at,
	                         consent_version)
	     SELECT CONCAT('$RUN-d', s.seq, '@example.test'), '!', CONCAT('Входова ', s.seq), CONCAT('Входовой ', s.seq),
	            'Методист', o.id, NOW(), '2026-01'
	     FROM seq_1_to_90 s JOIN organization o ON o.district_id IN ($DA, $DB)
	      AND o.short_name = ELT(1 + s.seq % 3, 'А1', 'А2', 'Б1');
	     INSERT INTO registration (seminar_id, person_id, organization_id, mode, status, queued_at, ticket_code)
	     SELECT $sem, id, organization_id, 'in_person', 'confirmed', NOW(6),
	            SUBSTR(REPLACE(REPLACE(TO_BASE64(RANDOM_BYTES(16)), '+', '-'), '/', '_'), 1, 22)
	     FROM person WHERE email LIKE '$RUN-d%';
	     UPDATE seminar SET taken_in_person = 90 WHERE id = $sem"
	sql "SELECT ticket_code FROM registration WHERE seminar_id = $sem" | while read -r code; do
		echo "$(as_user org) --data-urlencode code=$code --data-urlencode session_id=$ses $BASE_URL/checkin/$sem/scan"
	done >"$dir/scans"
	# The door lets them in two at a time while the tables are rebuilt again and again: a check-in that comes
	# while a recompute builds is applied again after the swap.
	parallel "$dir/scans" 2 &
	scans=$!
	while kill -0 "$scans" 2>/dev/null; do
		"$COVERAGE" recompute >/dev/null || fail "a recompute failed while check-ins went on"
		n=$((n + 1))
	done
	wait "$scans"
	((n >= 3)) || fail "only $n recomputes ran during the check-ins"
	[[ $(grep -c '^200$' "$dir/scans.codes") == 90 ]] || fail "scans: $(sort "$dir/scans.codes" | uniq -c | tr '\n' ' ')"
	coverage_settled
	[[ $(sql "SELECT COUNT(*) FROM coverage_fact WHERE seminar_id = $sem") == 90 ]]
	run "$COVERAGE" check
	assert_success
	assert_output "coverage: consistent"
	[[ $(sql "SELECT CONCAT(since IS NULL, ' ', (SELECT COUNT(*) FROM coverage_dirty)) FROM coverage_rebuild") == "1 0" ]]
}

# five_sessions RULE PERCENT [COLUMN=SQL ...]: a seminar of cov_seminar under way with that attendance rule and share
# and five sessions a minute apart, all under way (online codes are taken only during a session); sets SEMINAR_ID
# and SES to the five session ids in order.
five_sessions() {
	cov_seminar "starts_at=NOW() - INTERVAL 1 HOUR" "ends_at=NOW() + INTERVAL 2 HOUR" "attendance_rule='$1'" \
		"online_min_percent=$2" "${@:3}"
	sql "INSERT INTO seminar_session (seminar_id, starts_at, ends_at)
	     SELECT s.id, s.starts_at + INTERVAL n.seq MINUTE, s.ends_at FROM seminar s JOIN seq_1_to_4 n
	     WHERE s.id = $SEMINAR_ID"
	mapfile -t SES < <(sql "SELECT id FROM seminar_session WHERE seminar_id = $SEMINAR_ID ORDER BY starts_at, id")
	((${#SES[@]} == 5)) || fail "seminar $SEMINAR_ID has ${#SES[@]} sessions"
}

# dry_run SEMINAR REG: "qualifies<TAB>why" of the registration in the organiser's certificates dry run ("-": none).
dry_run() {
	call org GET "/certificates/seminars/$1"
	[[ $code == 200 ]] || fail "dry run of seminar $1: HTTP $code $output"
	jq -r --argjson r "$2" '.rows[] | select(.registration_id == $r) | [.qualifies, .why // "-"] | @tsv' <<<"$output"
}

# when SESSION...: the sessions' times as the dry run lists them.
when() {
	local IFS=,
	sql "SELECT GROUP_CONCAT(DATE_FORMAT(starts_at, '%d.%m.%Y %H:%i') ORDER BY starts_at, id SEPARATOR ', ')
	     FROM seminar_session WHERE id IN ($*)"
}

@test "attendance over many sessions: the share of sessions at the door, online and mixed, for certificates and coverage" {
	local d o m p1 p2 p3 p5 p6 p7 i
	# Door only, five days, 80 % (4 sessions): p1 comes on four days, p3 on the first only.
	five_sessions door 80
	d=$SEMINAR_ID
	sign_up p1 "$d" in_person && p1=$REG_ID
	sign_up p3 "$d" in_person && p3=$REG_ID
	for i in 0 1 2; do door "$d" "${SES[i]}" "$p1"; done
	door "$d" "${SES[0]}" "$p3"
	[[ $(counted "$p1") == 0 && $(counted "$p3") == 0 ]] || fail "door: 3 or 1 of 5 sessions counted"
	door "$d" "${SES[3]}" "$p1"
	[[ $(counted "$p1") == 1 && $(counted "$p3") == 0 ]] || fail "door: p1 (4/5) $(counted "$p1"), p3 (1/5) $(counted "$p3")"
	assert_equal "$(dry_run "$d" "$p1")" "true	-"
	assert_equal "$(dry_run "$d" "$p3")" \
		"false	засчитано 1 из 5 занятий — нужно не меньше 4 (80%); пропущены: $(when "${SES[@]:1}")"

	# Online only, 60 % (3 sessions): p5 types the codes of three sessions, p7 of two.
	five_sessions online 60 "format='online'" cap_in_person=0
	o=$SEMINAR_ID
	sign_up p5 "$o" online && p5=$REG_ID
	sign_up p7 "$o" online && p7=$REG_ID
	window_fresh 15
	for i in 0 2 4; do online p5 "${SES[i]}"; done
	online p7 "${SES[1]}"
	online p7 "${SES[2]}"
	[[ $(counted "$p5") == 1 && $(counted "$p7") == 0 ]] || fail "online: p5 (3/5) $(counted "$p5"), p7 (2/5) $(counted "$p7")"
	assert_equal "$(dry_run "$o" "$p5")" "true	-"
	assert_equal "$(dry_run "$o" "$p7")" \
		"false	засчитано 2 из 5 занятий — нужно не меньше 3 (60%); пропущены: $(when "${SES[0]}" "${SES[3]}" "${SES[4]}")"

	# Mixed, door or online, 80 %: p2 two days at the door and two online; p6 one at the door and two online.
	five_sessions either 80
	m=$SEMINAR_ID
	sign_up p2 "$m" in_person && p2=$REG_ID
	sign_up p6 "$m" in_person && p6=$REG_ID
	door "$m" "${SES[0]}" "$p2"
	door "$m" "${SES[1]}" "$p6"
	window_fresh 15
	online p2 "${SES[2]}"
	online p2 "${SES[3]}"
	online p6 "${SES[2]}"
	online p6 "${SES[4]}"
	[[ $(counted "$p2") == 0 ]] || fail "mixed: 3 of 5 sessions counted"
	door "$m" "${SES[1]}" "$p2"
	[[ $(counted "$p2") == 1 && $(counted "$p6") == 0 ]] || fail "mixed: p2 (4/5) $(counted "$p2"), p6 (3/5) $(counted "$p6")"
	assert_equal "$(dry_run "$m" "$p2")" "true	-"
	assert_equal "$(dry_run "$m" "$p6")" \
		"false	засчитано 3 из 5 занятий — нужно не меньше 4 (80%); пропущены: $(when "${SES[0]}" "${SES[3]}")"
	# The last door scan of p2 undone: three sessions again, the fact goes.
	call org POST "/checkin/$m/undo" --data-urlencode "scan_id=$SCAN_ID"
	[[ $code == 200 && $(jq -r .result <<<"$output") == undone ]] || fail "undo: HTTP $code $output"
	[[ $(counted "$p2") == 0 ]] || fail "mixed: 3 of 5 sessions counted after the undo"
	assert_equal "$(dry_run "$m" "$p2")" \
		"false	засчитано 3 из 5 занятий — нужно не меньше 4 (80%); пропущены: $(when "${SES[1]}" "${SES[4]}")"

	# The incremental upkeep and a recompute from the raw data agree.
	run "$COVERAGE" check
	assert_success
	assert_output "coverage: consistent"
}
