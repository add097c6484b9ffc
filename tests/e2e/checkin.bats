#!/usr/bin/env bats
# Door check-in end to end: scans of valid, repeated, foreign, cancelled, waitlisted, forged and truncated tickets,
# the URL form of a code, who may use the door, an offline batch uploaded three times at once from three devices,
# undo, the ticket list for offline checks, search by name.
#
# The people are made in the database with signed-in sessions, as in concurrency.bats (the cookie is
# sid=<43 characters of base64url>, web_session keeps its BLAKE2b-256, the CSRF token is
# base64url(HMAC-SHA256(secret key, "csrf:" + sid))); each test makes its own seminars and signs people up
# through the API. A scan is POST /checkin/{seminar}/scan as a door device sends it (Accept: application/json,
# X-CSRF-Token).

load helpers

PEOPLE=30 # p1..p30: participants; "org", "admin": the demo organiser (region 48) and admin; "alien": an organiser of region 23

setup_file() {
	local run="checkin-$$-${EPOCHREALTIME/[.,]/}" dir=$BATS_FILE_TMPDIR org h
	org=$(sql "SELECT id FROM organization WHERE inn = '$DEMO_ORG_INN' AND active")
	h=$(grep -o "'\$argon2id\$[^']*'" "${STACK%/scripts/stack.sh}/sql/seed/920-demo-accounts.sql" | head -1)
	[[ -n $org && -n $h ]] || return 1
	echo "Дверь $run" >"$dir/run"
	sql "INSERT INTO person (email, password_hash, full_name, full_name_dat, phone, position, organization_id,
	                         consent_at, consent_version)
	     SELECT CONCAT('$run-', seq, '@example.test'), $h, CONCAT('Гостева-', seq, ' Ирина'),
	            CONCAT('Гостевой-', seq, ' Ирине'), NULL, 'Методист', $org, NOW(), '2026-01'
	     FROM seq_1_to_$PEOPLE;
	     INSERT INTO person (email, password_hash, full_name, full_name_dat, position, consent_at, consent_version)
	     VALUES ('$run-alien@example.test', $h, 'Кубанский Олег Павлович', 'Кубанскому Олегу Павловичу', 'Организатор',
	             NOW(), '2026-01');
	     INSERT INTO role_grant (person_id, role, region_id) SELECT id, 'organizer', 23 FROM person
	     WHERE email = '$run-alien@example.test'"
	{
		sql "SELECT CONCAT('p', SUBSTRING_INDEX(SUBSTRING_INDEX(email, '@', 1), '-', -1)), id FROM person
		     WHERE email LIKE '$run-%' ORDER BY id"
		sql "SELECT 'org', id FROM person WHERE email = 'organizer@demo.local'"
		sql "SELECT 'admin', id FROM person WHERE email = 'admin@demo.local'"
	} | sed 's/^palien/alien/' >"$dir/ids"
	[[ $(wc -l <"$dir/ids") == $((PEOPLE + 3)) ]] || return 1
	# One signed-in session each: "name <TAB> person_id <TAB> sid <TAB> csrf" in $dir/people.
	web_sessions "$dir/people" <"$dir/ids"
}

# The seminars of this file leave the catalogue when it ends.
teardown_file() {
	sql "UPDATE seminar SET status = 'finished' WHERE title LIKE $(sql_str "$(cat "$BATS_FILE_TMPDIR/run") %")" || true
}

setup() {
	declare -gA PID_OF SID_OF CSRF_OF NUM_OF CODE REG STATUS
	local name pid sid tok
	while IFS=$'\t' read -r name pid sid tok; do
		PID_OF[$name]=$pid SID_OF[$name]=$sid CSRF_OF[$name]=$tok
		[[ $name == p* ]] && NUM_OF[$pid]=${name#p}
	done <"$BATS_FILE_TMPDIR/people"
	ORG_NAME='Соколов Андрей Викторович'
	DAY=$(in_days 30)
}

# door_seminar [COLUMN=SQL ...]: a published hybrid seminar of region 48 (see seminar_sql) named after this run.
door_seminar() { seminar_sql "title=$(sql_str "$(cat "$BATS_FILE_TMPDIR/run") ${BATS_TEST_NUMBER} $RANDOM")" "$@"; }

# call WHO METHOD PATH [curl args...]: a request of WHO's signed-in session with their CSRF token, JSON accepted.
call() {
	local who=$1
	req - "$2" "$3" -H 'Accept: application/json' -H "Cookie: sid=${SID_OF[$who]}" -H "X-CSRF-Token: ${CSRF_OF[$who]}" \
		"${@:4}"
}

# new_key: a fresh client_scan_id (base64url).
new_key() { echo "k${EPOCHREALTIME/[.,]/}-${RANDOM}_${RANDOM}"; }

# scan WHO SEMINAR CODE [name=value | -name ...]: a door scan by WHO; defaults: a fresh client_scan_id, device
# dev-1, device time $DAY 10:02:33, method qr. Sets what req sets, and KEY (the client_scan_id sent), RESULT,
# SCAN_ID from a JSON answer.
scan() {
	local who=$1 sem=$2 a args=() fields
	mapfile -t fields < <(form_merge "$(printf '%s\n' "code=$3" "client_scan_id=$(new_key)" device_id=dev-1 \
		"device_time=${DAY}T10:02:33" method=qr)" "${@:4}")
	KEY=
	for a in "${fields[@]}"; do
		args+=(--data-urlencode "$a")
		[[ $a == client_scan_id=* ]] && KEY=${a#*=}
	done
	call "$who" POST "/checkin/$sem/scan" "${args[@]}"
	RESULT= SCAN_ID=
	[[ $code == 200 ]] && read -r RESULT SCAN_ID < <(jq -r '[.result, .scan_id] | @tsv' <<<"$output")
	return 0
}

# undo WHO SEMINAR SCAN_ID [CLIENT_SCAN_ID]: takes a scan back. Sets what req sets, and RESULT.
undo() {
	call "$1" POST "/checkin/$2/undo" --data-urlencode "scan_id=$3" --data-urlencode "client_scan_id=${4:-$(new_key)}" \
		--data-urlencode device_id=dev-1
	RESULT=
	[[ $code == 200 ]] && RESULT=$(jq -r .result <<<"$output")
	return 0
}

# enrol SEMINAR MODE N...: people pN... sign up for the seminar at once (the API of the seminar page); sets
# CODE[N], REG[N] and STATUS[N] of every person signed up for it so far.
enrol() {
	local sem=$1 mode=$2 n conf=$BATS_TEST_TMPDIR/enrol.conf out pid rid tc st
	shift 2
	: >"$conf"
	for n in "$@"; do
		printf 'url = "%s/seminars/%s/register"\nheader = "Accept: application/json"\nheader = "Cookie: sid=%s"\n' \
			"$BASE_URL" "$sem" "${SID_OF[p$n]}"
		printf 'header = "X-CSRF-Token: %s"\ndata = "mode=%s&idem=%s"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\nnext\n' \
			"${CSRF_OF[p$n]}" "$mode" "$(idem_key)-$n"
	done >>"$conf"
	sed -i '${/^next$/d}' "$conf"
	out=$(curl -sS --no-progress-meter --max-time 30 --parallel --parallel-immediate --parallel-max 100 -K "$conf")
	[[ $(grep -c '^200$' <<<"$out") == "$#" ]] || fail "sign-ups for seminar $sem: $out"
	while IFS=$'\t' read -r pid rid tc st; do
		n=${NUM_OF[$pid]}
		REG[$n]=$rid CODE[$n]=$tc STATUS[$n]=$st
	done < <(sql "SELECT person_id, id, ticket_code, status FROM registration WHERE seminar_id = $sem")
	for n in "$@"; do
		[[ ${CODE[$n]} =~ ^[A-Za-z0-9_-]{22}$ ]] || fail "p$n has no ticket code for seminar $sem: '${CODE[$n]}'"
	done
}

# cancel N: pN cancels their registration REG[N].
cancel() {
	call "p$1" POST "/registrations/${REG[$1]}/cancel"
	[[ $code == 200 ]] || fail "cancellation of registration ${REG[$1]}: HTTP $code $output"
	STATUS[$1]=$(sql "SELECT status FROM registration WHERE id = ${REG[$1]}")
}

# door_counts SEMINAR: "registered present_in_person present_online" of the seminar's current session (scanner page).
door_counts() {
	call org GET "/checkin/$1"
	[[ $code == 200 ]] || fail "scanner page of seminar $1: HTTP $code"
	jq -r '.counts | "\(.registered) \(.present_in_person) \(.present_online)"' <<<"$output"
}

# js FILTER: jq -r FILTER on the last answer.
js() { jq -r "$1" <<<"$output"; }

# session_of SEMINAR: the id of the seminar's first session.
session_of() { sql "SELECT MIN(id) FROM seminar_session WHERE seminar_id = $1"; }

# ---------------------------------------------------------------------------- scans

@test "a valid ticket: ok, a welcome with the name, one scan_event and one attendance row, counts go up" {
	door_seminar cap_in_person=3
	local id=$SEMINAR_ID session
	session=$(session_of "$id")
	enrol "$id" in_person 1 2 3
	assert_equal "$(door_counts "$id")" '3 0 0'

	scan org "$id" "${CODE[2]}"
	assert_equal "$code" 200
	assert_equal "$RESULT" ok
	assert_equal "$(js '[.message, .name, .organization, .at, .by, .conflict, .replay] | @tsv')" \
		"Добро пожаловать, Гостева-2 Ирина!"$'\t'"Гостева-2 Ирина"$'\t'"МБОУ СОШ № 2 г. Усмани"$'\t'"10:02"$'\t'"$ORG_NAME"$'\tfalse\tfalse'
	assert_equal "$(js '.counts | [.registered, .present_in_person, .present_online] | @tsv')" $'3\t1\t0'
	[[ $SCAN_ID =~ ^[0-9]+$ ]] || fail "scan_id '$SCAN_ID'"

	run sql "SELECT id, client_scan_id, seminar_id, session_id, registration_id, code, method, device_id, operator_id,
	                device_time, result, conflict, IFNULL(undoes, '-') FROM scan_event WHERE seminar_id = $id"
	assert_output "$SCAN_ID"$'\t'"$KEY"$'\t'"$id"$'\t'"$session"$'\t'"${REG[2]}"$'\t'"${CODE[2]}"$'\tqr\tdev-1\t'"${PID_OF[org]}"$'\t'"$DAY 10:02:33.000"$'\tok\t0\t-'
	run sql "SELECT registration_id, session_id, mode, scan_id, at, device_id, operator_id, IFNULL(undone_at, '-')
	         FROM attendance WHERE registration_id IN (${REG[1]}, ${REG[2]}, ${REG[3]})"
	assert_output "${REG[2]}"$'\t'"$session"$'\tin_person\t'"$SCAN_ID"$'\t'"$DAY 10:02:33.000"$'\tdev-1\t'"${PID_OF[org]}"$'\t-'
	assert_equal "$(door_counts "$id")" '3 1 0'

	# Typed by hand at the door: the same answer.
	scan org "$id" "${CODE[3]}" method=manual
	assert_equal "$RESULT" ok
	assert_equal "$(js '.counts.present_in_person')" 2
	run sql "SELECT method FROM scan_event WHERE id = $SCAN_ID"
	assert_output manual
}

@test "a second scan of a ticket: «already» with the time and who let them in; on another device a conflict; a retried upload is a replay" {
	door_seminar cap_in_person=2
	local id=$SEMINAR_ID first first_key
	enrol "$id" in_person 1 2

	# The administrator lets p1 in at 09:58 on dev-1.
	scan admin "$id" "${CODE[1]}" "device_time=${DAY}T09:58:10"
	assert_equal "$RESULT" ok
	first=$SCAN_ID first_key=$KEY

	# The organiser scans the same ticket again on the same device.
	scan org "$id" "${CODE[1]}" "device_time=${DAY}T10:05:00"
	assert_equal "$code" 200
	assert_equal "$RESULT" already
	assert_equal "$(js '[.name, .at, .by, .conflict, .replay] | @tsv')" $'Гостева-1 Ирина\t09:58\tАдминистратор Системы\tfalse\tfalse'
	assert_equal "$(js .message)" 'Гостева-1 Ирина уже отмечен(а) в 09:58, отметил(а) Администратор Системы'
	assert_equal "$(js .counts.present_in_person)" 1

	# ... and on another device: the same, flagged as a conflict.
	scan org "$id" "${CODE[1]}" device_id=dev-2 "device_time=${DAY}T10:06:00"
	assert_equal "$RESULT" already
	assert_equal "$(js '[.at, .by, .conflict] | @tsv')" $'09:58\tАдминистратор Системы\ttrue'
	assert_equal "$(js .message)" 'Гостева-1 Ирина уже отмечен(а) в 09:58, отметил(а) Администратор Системы — на другом устройстве'

	# The first upload retried: the first answer again, nothing new written.
	scan admin "$id" "${CODE[1]}" "client_scan_id=$first_key" "device_time=${DAY}T09:58:10"
	assert_equal "$RESULT" ok
	assert_equal "$SCAN_ID" "$first"
	assert_equal "$(js '[.replay, .name] | @tsv')" $'true\tГостева-1 Ирина'

	run sql "SELECT result, conflict, device_id FROM scan_event WHERE seminar_id = $id ORDER BY id"
	assert_output $'ok\t0\tdev-1\nalready\t0\tdev-1\nalready\t1\tdev-2'
	run sql "SELECT COUNT(*), MIN(scan_id), MIN(at) FROM attendance WHERE registration_id = ${REG[1]}"
	assert_output "1"$'\t'"$first"$'\t'"$DAY 09:58:10.000"
	assert_equal "$(door_counts "$id")" '2 1 0'
}

@test "a scan while another device's check-in of the same ticket is being committed waits for it: «already», with when and who" {
	door_seminar cap_in_person=1
	local id=$SEMINAR_ID session
	session=$(session_of "$id")
	enrol "$id" in_person 1
	# The other device's upload, as scan_tx writes it, held open for a second.
	sql "START TRANSACTION;
	     INSERT INTO scan_event (client_scan_id, seminar_id, session_id, registration_id, code, method, device_id, operator_id,
	                             device_time, result)
	     VALUES ('$(new_key)', $id, $session, ${REG[1]}, '${CODE[1]}', 'qr', 'dev-9', ${PID_OF[admin]}, '$DAY 09:41:00', 'ok');
	     INSERT INTO attendance (registration_id, session_id, mode, scan_id, at, device_id, operator_id)
	     VALUES (${REG[1]}, $session, 'in_person', LAST_INSERT_ID(), '$DAY 09:41:00', 'dev-9', ${PID_OF[admin]});
	     SELECT SLEEP(1); COMMIT" >/dev/null &
	sleep 0.3
	scan org "$id" "${CODE[1]}"
	wait
	assert_equal "$code" 200
	assert_equal "$(js '[.result, .at, .by, .conflict] | @tsv')" $'already\t09:41\tАдминистратор Системы\ttrue'
	run sql "SELECT COUNT(*) FROM attendance WHERE registration_id = ${REG[1]}"
	assert_output 1
	run sql "SELECT result, conflict FROM scan_event WHERE client_scan_id = '$KEY'"
	assert_output $'already\t1'
}

@test "tickets of another seminar, cancelled and waitlisted registrations are refused, recorded, and let nobody in" {
	door_seminar cap_in_person=1
	local id=$SEMINAR_ID other
	enrol "$id" in_person 1
	enrol "$id" in_person 2 # no place left: waitlisted
	enrol "$id" online 3
	cancel 3
	assert_equal "${STATUS[1]} ${STATUS[2]} ${STATUS[3]}" 'confirmed waitlisted cancelled'
	door_seminar cap_in_person=1
	other=$SEMINAR_ID
	enrol "$other" in_person 4

	scan org "$id" "${CODE[4]}"
	assert_equal "$code" 200
	assert_equal "$RESULT" other_seminar
	assert_equal "$(js .message)" 'Это билет на другой семинар.'
	# Nothing about a person of another seminar is told.
	assert_equal "$(js '[.name, .organization, .at, .by] | map(. // "-") | @tsv')" $'-\t-\t-\t-'

	scan org "$id" "${CODE[3]}"
	assert_equal "$RESULT" cancelled
	assert_equal "$(js '[.message, .name] | @tsv')" $'Запись отменена — билет недействителен.\tГостева-3 Ирина'

	scan org "$id" "${CODE[2]}"
	assert_equal "$RESULT" waitlisted
	assert_equal "$(js '[.message, .name] | @tsv')" $'Участник в листе ожидания: подтверждённого места нет.\tГостева-2 Ирина'
	assert_equal "$(js '.counts | [.registered, .present_in_person] | @tsv')" $'1\t0'

	run sql "SELECT result, IFNULL(registration_id, '-'), code FROM scan_event WHERE seminar_id = $id ORDER BY id"
	assert_output "other_seminar"$'\t-\t'"${CODE[4]}"$'\ncancelled\t'"${REG[3]}"$'\t'"${CODE[3]}"$'\nwaitlisted\t'"${REG[2]}"$'\t'"${CODE[2]}"
	run sql "SELECT COUNT(*) FROM attendance WHERE registration_id IN (${REG[2]}, ${REG[3]}, ${REG[4]})"
	assert_output 0
	run sql "SELECT COUNT(*) FROM scan_event WHERE seminar_id = $other"
	assert_output 0

	# The foreign ticket is still good at its own seminar.
	scan org "$other" "${CODE[4]}"
	assert_equal "$RESULT" ok
}

@test "forged, truncated and non-ASCII codes are invalid: recorded as read, no name, nobody let in" {
	door_seminar cap_in_person=1
	local id=$SEMINAR_ID forged truncated longer
	enrol "$id" in_person 1
	forged=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | cut -c1-22)
	truncated=${CODE[1]:0:21}
	longer=${CODE[1]}x

	local c
	# The last: a letter that is not ASCII (a ticket code is), which the code column cannot even hold.
	for c in "$forged" "$truncated" "$longer" "${CODE[1],,}" "${CODE[1]^^}" "${truncated}Ж"; do
		[[ $c == "${CODE[1]}" ]] && continue # a code without letters of one case
		scan org "$id" "$c"
		assert_equal "$code" 200
		assert_equal "$RESULT" invalid
		assert_equal "$(js '[.message, .name // "-", .by // "-", .counts.present_in_person] | @tsv')" \
			$'Неверный код: такого билета нет.\t-\t-\t0'
	done
	run sql "SELECT result, IFNULL(registration_id, '-'), code FROM scan_event WHERE seminar_id = $id ORDER BY id LIMIT 3"
	assert_output "invalid"$'\t-\t'"$forged"$'\ninvalid\t-\t'"$truncated"$'\ninvalid\t-\t'"$longer"
	run sql "SELECT COUNT(*) FROM attendance WHERE registration_id = ${REG[1]}"
	assert_output 0

	# The real code still works.
	scan org "$id" "${CODE[1]}"
	assert_equal "$RESULT" ok
}

@test "the full URL of a ticket is read as its code" {
	door_seminar cap_in_person=3
	local id=$SEMINAR_ID
	enrol "$id" in_person 1 2 3

	scan org "$id" "$BASE_URL/t/${CODE[1]}"
	assert_equal "$code" 200
	assert_equal "$(js '[.result, .name] | @tsv')" $'ok\tГостева-1 Ирина'
	scan org "$id" "https://seminars.example.org/t/${CODE[2]}?utm_source=qr#top"
	assert_equal "$(js '[.result, .name] | @tsv')" $'ok\tГостева-2 Ирина'
	# A URL with a forged code is no better than the code.
	scan org "$id" "$BASE_URL/t/${CODE[3]:0:21}"
	assert_equal "$RESULT" invalid

	run sql "SELECT result, code FROM scan_event WHERE seminar_id = $id ORDER BY id"
	assert_output "ok"$'\t'"${CODE[1]}"$'\nok\t'"${CODE[2]}"$'\ninvalid\t'"${CODE[3]:0:21}"
	run sql "SELECT COUNT(*) FROM attendance WHERE registration_id IN (${REG[1]}, ${REG[2]}, ${REG[3]}) AND undone_at IS NULL"
	assert_output 2
}

# ---------------------------------------------------------------------------- who may use the door

@test "only organisers of the seminar's region (and admins) use the door: a participant and an organiser of another region get 403, guests 401; nothing is written" {
	door_seminar cap_in_person=2
	local id=$SEMINAR_ID who scan_id
	enrol "$id" in_person 1 2
	# A scan of the organiser, for the undo attempts.
	scan org "$id" "${CODE[2]}"
	assert_equal "$RESULT" ok
	scan_id=$SCAN_ID

	for who in p1 alien; do
		scan "$who" "$id" "${CODE[1]}"
		assert_equal "$code" 403
		assert_equal "$(js .error)" 'Недостаточно прав: это действие доступно только для вашей роли и территории.'
		scan "$who" "$id" "${CODE[1]}" "-client_scan_id" # and without a client id
		assert_equal "$code" 403
		undo "$who" "$id" "$scan_id"
		assert_equal "$code" 403
		call "$who" GET "/checkin/$id/tickets"
		assert_equal "$code" 403
		refute_output --partial "${CODE[1]}"
		call "$who" GET "/checkin/$id/search?q=%D0%93%D0%BE%D1%81%D1%82%D0%B5%D0%B2%D0%B0"
		assert_equal "$code" 403
		refute_output --partial 'Гостева'
		call "$who" GET "/checkin/$id"
		assert_equal "$code" 403
		req - GET "/checkin/$id" -H "Cookie: sid=${SID_OF[$who]}"
		assert_equal "$code" 403
	done

	# Guests: 401 for a script, the login page for a browser.
	csrf g
	req g POST "/checkin/$id/scan" -H 'Accept: application/json' -H "X-CSRF-Token: $TOKEN" \
		--data-urlencode "code=${CODE[1]}" --data-urlencode "client_scan_id=$(new_key)"
	assert_equal "$code" 401
	req g POST "/checkin/$id/undo" -H 'Accept: application/json' -H "X-CSRF-Token: $TOKEN" --data-urlencode "scan_id=$scan_id"
	assert_equal "$code" 401
	get_json - "/checkin/$id/tickets"
	assert_equal "$code" 401
	refute_output --partial "${CODE[1]}"
	get_json - "/checkin/$id/search?q=x"
	assert_equal "$code" 401
	get - "/checkin/$id"
	assert_equal "$code" 303
	assert_equal "$location" "/login?next=/checkin/$id"

	# The organiser with another visitor's token (or none): refused before anything is read.
	req - POST "/checkin/$id/scan" -H 'Accept: application/json' -H "Cookie: sid=${SID_OF[org]}" \
		-H "X-CSRF-Token: ${CSRF_OF[p1]}" --data-urlencode "code=${CODE[1]}" --data-urlencode "client_scan_id=$(new_key)"
	assert_equal "$code" 403
	req - POST "/checkin/$id/scan" -H 'Accept: application/json' -H "Cookie: sid=${SID_OF[org]}" \
		--data-urlencode "code=${CODE[1]}" --data-urlencode "client_scan_id=$(new_key)"
	assert_equal "$code" 403

	# Nothing was written: the organiser's scan is the only event, its attendance stands, no audit rows.
	run sql "SELECT id, result, registration_id FROM scan_event WHERE seminar_id = $id"
	assert_output "$scan_id"$'\tok\t'"${REG[2]}"
	run sql "SELECT COUNT(*), COUNT(undone_at) FROM attendance WHERE registration_id IN (${REG[1]}, ${REG[2]})"
	assert_output $'1\t0'
	run sql "SELECT (SELECT COUNT(*) FROM access_journal WHERE action = 'tickets.download' AND object_id = $id)
	         + (SELECT COUNT(*) FROM audit_log WHERE action = 'checkin.undo' AND object_id = $scan_id)"
	assert_output 0

	# An administrator may.
	call admin GET "/checkin/$id/tickets"
	assert_equal "$code" 200
	scan admin "$id" "${CODE[1]}"
	assert_equal "$RESULT" ok
}

# ---------------------------------------------------------------------------- offline devices

@test "an offline batch uploaded three times at once from three devices: each scan stored once, one attendance per person, double entries flagged" {
	local id session d j r n conf=$BATS_TEST_TMPDIR/batch.conf dir=$BATS_TEST_TMPDIR/answers
	door_seminar cap_in_person=25
	id=$SEMINAR_ID
	session=$(session_of "$id")
	enrol "$id" in_person $(seq 1 25)
	# dev-1 scans p1..p10, dev-2 p8..p17, dev-3 p16..p25: p8, p9, p10, p16, p17 come in through two doors, at
	# opening. The transfers go in the order scan, upload, device: the copies of a scan, and the scans of one
	# ticket on two devices, reach the server together.
	local -A list=([1]='8 9 10 1 2 3 4 5 6 7' [2]='8 9 10 16 17 11 12 13 14 15' [3]='16 17 18 19 20 21 22 23 24 25') key who
	for d in 1 2 3; do
		j=0
		for n in ${list[$d]}; do
			key[$d.$j]="b$$-${BATS_TEST_NUMBER}-$id-dev$d-$j" who[$d.$j]=$n
			j=$((j + 1))
		done
	done
	mkdir -p "$dir"
	: >"$conf"
	for ((j = 0; j < 10; j++)); do
		for r in 1 2 3; do
			for d in 1 2 3; do
				printf 'url = "%s/checkin/%s/scan"\nheader = "Accept: application/json"\nheader = "Cookie: sid=%s"\n' \
					"$BASE_URL" "$id" "${SID_OF[org]}"
				printf 'header = "X-CSRF-Token: %s"\ndata = "code=%s&client_scan_id=%s&device_id=dev-%s&device_time=%sT10:%02d:%02d&method=qr"\n' \
					"${CSRF_OF[org]}" "${CODE[${who[$d.$j]}]}" "${key[$d.$j]}" "$d" "$DAY" "$j" "$((d * 10))"
				printf 'output = "%s/d%s-s%s-r%s"\nwrite-out = "%%{http_code}\\n"\nnext\n' "$dir" "$d" "$j" "$r"
			done
		done
	done >>"$conf"
	sed -i '${/^next$/d}' "$conf"
	run curl -sS --no-progress-meter --max-time 30 --parallel --parallel-immediate --parallel-max 90 -K "$conf"
	assert_equal "${#lines[@]}" 90
	run grep -vc '^200$' <<<"$output"
	assert_output 0

	# Each scan once in the log, under its own client id; the three answers to its uploads agree, one of them first.
	run sql "SELECT COUNT(*), COUNT(DISTINCT client_scan_id), SUM(client_scan_id LIKE 'b$$-%') FROM scan_event WHERE seminar_id = $id"
	assert_output $'30\t30\t30'
	local answers
	answers=$(cd "$dir" && for f in d*; do jq -r --arg f "$f" '[($f | sub("-r[0-9]$"; "")), .scan_id, .result, .conflict, .replay, .at // "-", .by // "-"] | @tsv' "$f"; done)
	assert_equal "$(wc -l <<<"$answers")" 90
	assert_equal "$(cut -f1-4 <<<"$answers" | sort -u | wc -l)" 30
	assert_equal "$(awk -F'\t' '$5 == "false"' <<<"$answers" | wc -l)" 30
	assert_equal "$(awk -F'\t' '$5 == "false" {print $1}' <<<"$answers" | sort -u | wc -l)" 30
	for d in 1 2 3; do
		for ((j = 0; j < 10; j++)); do
			assert_equal "$(sql "SELECT registration_id, device_id FROM scan_event WHERE client_scan_id = '${key[$d.$j]}'")" \
				"${REG[${who[$d.$j]}]}"$'\t'"dev-$d"
		done
	done
	# Every «already» answer says when and by whom the person was let in.
	run grep -c $'\talready\t' <<<"$answers"
	assert_output 15
	run grep -c $'\talready\ttrue\t[^\t]*\t[0-9][0-9]:[0-9][0-9]\t'"$ORG_NAME"'$' <<<"$answers"
	assert_output 15

	# One attendance row per person, each made by the first (accepted) scan of that person.
	run sql "SELECT COUNT(*), COUNT(DISTINCT registration_id), COUNT(undone_at), MIN(session_id) = MAX(session_id), MIN(session_id)
	         FROM attendance WHERE registration_id IN (SELECT id FROM registration WHERE seminar_id = $id)"
	assert_output $'25\t25\t0\t1\t'"$session"
	run sql "SELECT COUNT(*) FROM attendance a JOIN scan_event e ON e.id = a.scan_id
	         WHERE e.seminar_id = $id AND e.result = 'ok' AND e.registration_id = a.registration_id AND e.conflict = 0"
	assert_output 25
	# The people let in by two devices: the earlier event accepted, the later one «already» with conflict=1.
	run sql "SELECT registration_id, GROUP_CONCAT(CONCAT(result, ':', conflict) ORDER BY id), COUNT(DISTINCT device_id)
	         FROM scan_event WHERE seminar_id = $id GROUP BY registration_id HAVING COUNT(*) > 1 ORDER BY registration_id"
	local want=
	for n in 8 9 10 16 17; do want+="${REG[$n]}"$'\tok:0,already:1\t2\n'; done
	assert_output "$(sort -n <<<"${want%$'\n'}")"
	run sql "SELECT COUNT(*) FROM scan_event WHERE seminar_id = $id AND (result <> 'ok' OR conflict <> 0)"
	assert_output 5
	assert_equal "$(door_counts "$id")" '25 25 0'
}

# ---------------------------------------------------------------------------- undo

@test "undo: the attendance is marked undone, an 'undo' event and an audit row are written, counts go down; a second undo finds nothing; a new scan lets in again" {
	door_seminar cap_in_person=2
	local id=$SEMINAR_ID session first undo_key attendance second
	session=$(session_of "$id")
	enrol "$id" in_person 1 2
	scan org "$id" "${CODE[1]}"
	assert_equal "$RESULT" ok
	first=$SCAN_ID
	scan org "$id" "${CODE[2]}"
	assert_equal "$(door_counts "$id")" '2 2 0'
	attendance=$(sql "SELECT id FROM attendance WHERE registration_id = ${REG[1]}")

	undo_key=$(new_key)
	undo org "$id" "$first" "$undo_key"
	assert_equal "$code" 200
	assert_equal "$(js '[.result, .message] | @tsv')" $'undone\tОтметка отменена.'
	run sql "SELECT id, scan_id, undone_at IS NOT NULL, undone_at > NOW() - INTERVAL 1 MINUTE FROM attendance WHERE registration_id = ${REG[1]}"
	assert_output "$attendance"$'\t'"$first"$'\t1\t1'
	run sql "SELECT client_scan_id, method, result, undoes, registration_id, session_id, operator_id, IFNULL(code, '-')
	         FROM scan_event WHERE seminar_id = $id AND id > $first AND method = 'undo'"
	assert_output "$undo_key"$'\tundo\tundone\t'"$first"$'\t'"${REG[1]}"$'\t'"$session"$'\t'"${PID_OF[org]}"$'\t-'
	run sql "SELECT person_id, object_type, detail FROM audit_log WHERE action = 'checkin.undo' AND object_id = $first"
	assert_output "${PID_OF[org]}"$'\tscan_event\tseminar='"$id"
	assert_equal "$(door_counts "$id")" '2 1 0'
	# The original scan stays in the log as it was.
	run sql "SELECT result, conflict FROM scan_event WHERE id = $first"
	assert_output $'ok\t0'

	# Undone already: a second undo (another request) finds nothing and writes nothing.
	local before
	before=$(sql "SELECT (SELECT COUNT(*) FROM scan_event WHERE seminar_id = $id), (SELECT COUNT(*) FROM audit_log WHERE action = 'checkin.undo')")
	undo org "$id" "$first"
	assert_equal "$code" 200
	assert_equal "$(js '[.result, .message] | @tsv')" $'not_found\tНечего отменять: отметка не найдена или уже отменена.'
	# Nor do an unknown scan or an undo event.
	undo org "$id" 999999999
	assert_equal "$RESULT" not_found
	undo org "$id" "$(sql "SELECT id FROM scan_event WHERE client_scan_id = '$undo_key'")"
	assert_equal "$RESULT" not_found
	assert_equal "$(sql "SELECT (SELECT COUNT(*) FROM scan_event WHERE seminar_id = $id), (SELECT COUNT(*) FROM audit_log WHERE action = 'checkin.undo')")" "$before"
	assert_equal "$(door_counts "$id")" '2 1 0'

	# Scanned again after the undo: welcome, not «already»; the same attendance row comes back.
	scan org "$id" "${CODE[1]}" device_id=dev-2 "device_time=${DAY}T11:15:00"
	assert_equal "$(js '[.result, .conflict, .at] | @tsv')" $'ok\tfalse\t11:15'
	second=$SCAN_ID
	assert_equal "$(js '.counts.present_in_person')" 2
	run sql "SELECT id, scan_id, IFNULL(undone_at, '-'), device_id, at FROM attendance WHERE registration_id = ${REG[1]}"
	assert_output "$attendance"$'\t'"$second"$'\t-\tdev-2\t'"$DAY 11:15:00.000"
	# The old scan cannot take back the new check-in.
	undo org "$id" "$first"
	assert_equal "$RESULT" not_found
	assert_equal "$(door_counts "$id")" '2 2 0'
	# «already» scans are not undoable; the new one is.
	scan org "$id" "${CODE[1]}"
	assert_equal "$RESULT" already
	undo org "$id" "$SCAN_ID"
	assert_equal "$RESULT" not_found
	undo org "$id" "$second"
	assert_equal "$RESULT" undone
	assert_equal "$(door_counts "$id")" '2 1 0'
}

@test "a retried undo (the same client_scan_id) answers «undone» again and is recorded once: one undo event, one audit row" {
	door_seminar cap_in_person=1
	local id=$SEMINAR_ID scan_id undo_key
	enrol "$id" in_person 1
	scan org "$id" "${CODE[1]}"
	assert_equal "$RESULT" ok
	scan_id=$SCAN_ID
	undo_key=$(new_key)
	undo org "$id" "$scan_id" "$undo_key"
	assert_equal "$RESULT" undone
	undo org "$id" "$scan_id" "$undo_key"
	assert_equal "$code" 200
	assert_equal "$RESULT" undone
	run sql "SELECT COUNT(*) FROM scan_event WHERE undoes = $scan_id"
	assert_output 1
	# A replay is not a second action (as a retried sign-up writes no second audit row).
	run sql "SELECT COUNT(*) FROM audit_log WHERE action = 'checkin.undo' AND object_id = $scan_id"
	assert_output 1
}

# ---------------------------------------------------------------------------- ticket list, search, sessions

@test "the ticket list for offline checks holds the confirmed people only, and its download is audited" {
	door_seminar cap_in_person=2
	local id=$SEMINAR_ID
	enrol "$id" in_person 1 2
	enrol "$id" in_person 3 # waitlisted
	enrol "$id" online 4 5
	cancel 5
	assert_equal "${STATUS[1]} ${STATUS[2]} ${STATUS[3]} ${STATUS[4]} ${STATUS[5]}" 'confirmed confirmed waitlisted confirmed cancelled'

	call org GET "/checkin/$id/tickets"
	assert_equal "$code" 200
	assert_equal "$(js .seminar_id)" "$id"
	assert_equal "$(js '.tickets[] | [.code, .name, .organization, .mode] | @tsv' | sort)" "$(sort <<<"${CODE[1]}"$'\tГостева-1 Ирина\tМБОУ СОШ № 2 г. Усмани\tin_person\n'"${CODE[2]}"$'\tГостева-2 Ирина\tМБОУ СОШ № 2 г. Усмани\tin_person\n'"${CODE[4]}"$'\tГостева-4 Ирина\tМБОУ СОШ № 2 г. Усмани\tonline')"
	refute_output --partial "${CODE[3]}"
	refute_output --partial "${CODE[5]}"
	run sql "SELECT person_id, object_id FROM access_journal WHERE action = 'tickets.download' AND object_type = 'seminar' AND object_id = $id"
	assert_output "${PID_OF[org]}"$'\t'"$id"

	# A seminar nobody signed up for: an empty list.
	door_seminar
	call org GET "/checkin/$SEMINAR_ID/tickets"
	assert_equal "$code" 200
	assert_equal "$(js '.tickets | length')" 0
}

@test "search finds the seminar's people by part of the name, in any case, and tells who is present" {
	door_seminar cap_in_person=3
	local id=$SEMINAR_ID
	enrol "$id" in_person 1 2 12
	scan org "$id" "${CODE[2]}"

	call org GET "/checkin/$id/search" --get --data-urlencode 'q=Гостева-2 '
	assert_equal "$code" 200
	assert_equal "$(js '.people[] | [.registration_id, .name, .organization, .code, .status, .mode, .present] | @tsv')" \
		"${REG[2]}"$'\tГостева-2 Ирина\tМБОУ СОШ № 2 г. Усмани\t'"${CODE[2]}"$'\tconfirmed\tin_person\t1'
	call org GET "/checkin/$id/search" --get --data-urlencode 'q=гостева-1'
	assert_equal "$(js '[.people[] | "\(.name):\(.present)"] | join(",")')" 'Гостева-1 Ирина:0,Гостева-12 Ирина:0'
	call org GET "/checkin/$id/search" --get --data-urlencode 'q=ирина'
	assert_equal "$(js '.people | length')" 3
	# By the organisation too.
	call org GET "/checkin/$id/search" --get --data-urlencode 'q=СОШ № 2'
	assert_equal "$(js '.people | length')" 3
	# People of other seminars are not found; LIKE wildcards are plain characters.
	call org GET "/checkin/$id/search" --get --data-urlencode 'q=Гостева-3'
	assert_equal "$(js '.people | length')" 0
	call org GET "/checkin/$id/search" --get --data-urlencode 'q=%'
	assert_equal "$(js '.people | length')" 0
	call org GET "/checkin/$id/search" --get --data-urlencode 'q=Гостева_1'
	assert_equal "$(js '.people | length')" 0
	call org GET "/checkin/$id/search"
	assert_equal "$code" 200
	assert_equal "$(js '.people | length')" 0
}

@test "sessions: a scan goes to the session asked for; a session of another seminar, no session, bad fields: 400 and nothing written" {
	door_seminar cap_in_person=2
	local id=$SEMINAR_ID s1 s2 other
	s1=$(session_of "$id")
	s2=$(sql "INSERT INTO seminar_session (seminar_id, starts_at, ends_at)
	          VALUES ($id, CURDATE() + INTERVAL 31 DAY + INTERVAL 10 HOUR, CURDATE() + INTERVAL 31 DAY + INTERVAL 13 HOUR);
	          SELECT LAST_INSERT_ID()")
	enrol "$id" in_person 1 2

	# No session given: the next one (the first day).
	scan org "$id" "${CODE[1]}"
	assert_equal "$RESULT" ok
	scan org "$id" "${CODE[1]}" "session_id=$s2" "device_time=$(in_days 31)T09:55:00"
	assert_equal "$(js '[.result, .at, .counts.present_in_person] | @tsv')" $'ok\t09:55\t1'
	scan org "$id" "${CODE[1]}" "session_id=$s2"
	assert_equal "$RESULT" already
	run sql "SELECT session_id FROM attendance WHERE registration_id = ${REG[1]} ORDER BY session_id"
	assert_output "$s1"$'\n'"$s2"

	local before
	before=$(sql "SELECT COUNT(*) FROM scan_event WHERE seminar_id = $id")
	door_seminar
	other=$SEMINAR_ID
	scan org "$id" "${CODE[2]}" "session_id=$(session_of "$other")"
	assert_equal "$code" 400
	assert_equal "$(js .error)" 'Такого занятия у семинара нет.'
	door_seminar sessions=0
	scan org "$SEMINAR_ID" "${CODE[2]}"
	assert_equal "$code" 400
	run sql "SELECT COUNT(*) FROM scan_event WHERE seminar_id = $SEMINAR_ID"
	assert_output 0
	scan org 999999999 "${CODE[2]}"
	assert_equal "$code" 404

	local bad
	for bad in client_scan_id=short "client_scan_id=bad key!!" "client_scan_id=$(printf 'a%.0s' {1..65})" method=photo \
		session_id=abc -code "device_id=$(printf 'd%.0s' {1..65})"; do
		scan org "$id" "${CODE[2]}" "$bad"
		assert_equal "$code" 400
		[[ $(js .error) == *?* ]] || fail "no reason for $bad: $output"
	done
	assert_equal "$(sql "SELECT COUNT(*) FROM scan_event WHERE seminar_id = $id")" "$before"
	run sql "SELECT COUNT(*) FROM attendance WHERE registration_id = ${REG[2]}"
	assert_output 0
}

@test "a device clock that is no real time is not a server error: the scan is kept without it, or refused with 400" {
	door_seminar cap_in_person=3
	local id=$SEMINAR_ID n=0 t
	enrol "$id" in_person 1 2 3
	for t in 2026-13-45T99:99:99 2026-02-30T10:00:00 0000-00-00T00:00:00; do
		n=$((n + 1))
		scan org "$id" "${CODE[$n]}" "device_time=$t"
		case $code in
		200)
			assert_equal "$RESULT" ok
			run sql "SELECT IFNULL(device_time, '-') FROM scan_event WHERE client_scan_id = '$KEY'"
			assert_output -- -
			;;
		400)
			run sql "SELECT COUNT(*) FROM scan_event WHERE client_scan_id = '$KEY'"
			assert_output 0
			;;
		*) fail "device_time=$t: HTTP $code $output" ;;
		esac
	done
}
