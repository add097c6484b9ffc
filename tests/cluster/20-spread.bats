#!/usr/bin/env bats
# Two app servers behind one nginx: sign-ups and door scans spread over both; app server 1 killed with SIGKILL in
# the middle of a burst, and still every acknowledged sign-up and scan is in the database once, clients see only
# answers (nginx passes what the dead server held on to the other one: deploy/README.md, «Retries»); the
# background workers of both servers never do one job twice (certificates, mail).

load helpers

setup_file() {
	cluster_ready
	echo "Кластер $$-${EPOCHREALTIME/[.,]/}" >"$BATS_FILE_TMPDIR/run"
	people "cluster-$$-${EPOCHREALTIME/[.,]/}" 300
}

setup() { sessions_load "$BATS_FILE_TMPDIR/people"; }

# App server 1 is back whatever happened (the later files need both).
teardown() { "$CLUSTER_SH" app-start 1 >/dev/null; }

# signups SEMINAR FROM TO: the config of sign-ups of people pFROM..pTO, each with its own idempotency key.
signups() {
	local n
	for ((n = $2; n <= $3; n++)); do
		entry "p$n" "/seminars/$1/register" "mode=in_person&idem=$(idem_key)-$n" "reg-$n"
	done
}

# served PROGRAM PATTERN: how many requests whose line matches PATTERN each app server's PROGRAM logged ("N M").
served() {
	local n c out=
	for n in 1 2; do
		c=$(grep -c -- "$2" "$CLUSTER/app$n/log/$1.log" || true)
		out+="${out:+ }$c"
	done
	echo "$out"
}

# registered SEMINAR: "id person" of each registration of the seminar.
registered() { sql "SELECT id, person_id FROM registration WHERE seminar_id = $1 ORDER BY id"; }

@test "sign-ups and scans spread over both app servers; one killed mid-burst: every acknowledged one is there once" {
	local a b n conf=$BATS_TEST_TMPDIR/burst.conf session codes=() ok t0
	# Seminar A: 60 people signed up before the burst, whose tickets are scanned during it.
	seminar_sql "title=$(sql_str "$(cat "$BATS_FILE_TMPDIR/run") A")" "format='in_person'" cap_in_person=100
	a=$SEMINAR_ID
	signups "$a" 1 60 >"$conf.a"
	t0=$EPOCHREALTIME
	run fire "$conf.a"
	rate "sign-ups at once through both app servers" 60 "$t0"
	assert_equal "$(grep -c '^200 ' <<<"$output")" 60
	session=$(sql "SELECT id FROM seminar_session WHERE seminar_id = $a")
	mapfile -t codes < <(sql "SELECT ticket_code FROM registration WHERE seminar_id = $a ORDER BY id")
	assert_equal "${#codes[@]}" 60
	# Seminar B: 180 sign-ups, and the 60 scans of A, at once.
	seminar_sql "title=$(sql_str "$(cat "$BATS_FILE_TMPDIR/run") B")" "format='in_person'" cap_in_person=500
	b=$SEMINAR_ID
	rm -rf "$BATS_TEST_TMPDIR/answers"
	# A scan after every three sign-ups, so both kinds are under way when the server dies.
	for n in "${!codes[@]}"; do
		signups "$b" $((61 + 3 * n)) $((63 + 3 * n))
		entry org "/checkin/$a/scan" "code=${codes[$n]}&session_id=$session&client_scan_id=cluster-$a-$n&device_id=dev-$((n % 3))&method=qr" "scan-$n"
	done >"$conf"
	fire "$conf" >"$BATS_TEST_TMPDIR/codes" &
	ok=$!
	sleep 1
	"$CLUSTER_SH" app-kill 1
	wait "$ok"

	# Every client heard an answer, and it was the success: what app server 1 held went to app server 2.
	run grep -vc '^200 ' "$BATS_TEST_TMPDIR/codes"
	assert_output 0
	assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/codes")" 240
	# Each acknowledged sign-up is one registration, of its person; no person twice.
	for n in $(seq 61 240); do
		jq -r '[.registration.id, .registration.status] | @tsv' "$BATS_TEST_TMPDIR/answers/reg-$n"
	done | sort -n >"$BATS_TEST_TMPDIR/acked"
	assert_equal "$(cut -f2 "$BATS_TEST_TMPDIR/acked" | sort -u)" confirmed
	assert_equal "$(registered "$b" | cut -f1)" "$(cut -f1 "$BATS_TEST_TMPDIR/acked")"
	run sql "SELECT person_id FROM registration WHERE seminar_id = $b GROUP BY person_id HAVING COUNT(*) > 1"
	assert_output ''
	run sql "SELECT taken_in_person FROM seminar WHERE id = $b"
	assert_output 180
	# Each scan one scan_event row (a retried one found its first) and one attendance row per ticket.
	run sql "SELECT COUNT(*), COUNT(DISTINCT client_scan_id) FROM scan_event WHERE seminar_id = $a"
	assert_output $'60\t60'
	run sql "SELECT COUNT(*) FROM attendance a JOIN registration r ON r.id = a.registration_id WHERE r.seminar_id = $a"
	assert_output 60
	for n in "${!codes[@]}"; do jq -r .result "$BATS_TEST_TMPDIR/answers/scan-$n"; done | sort | uniq -c >"$BATS_TEST_TMPDIR/results"
	run awk '$2 != "ok" && $2 != "already"' "$BATS_TEST_TMPDIR/results"
	assert_output ''
	run reconcile
	assert_output ''
	# Both app servers served sign-ups and scans (each logs every request at log_level debug).
	read -r n ok < <(served portal "POST /seminars/$b/register 200")
	((n > 0 && ok > 0)) || fail "sign-ups served by app server 1 and 2: $n and $ok"
	read -r n ok < <(served checkin "POST /checkin/$a/scan 200")
	((n > 0 && ok > 0)) || fail "scans served by app server 1 and 2: $n and $ok"
}

@test "the background workers of both app servers: each certificate rendered once, each letter sent once" {
	local s n regs
	seminar_sql "title=$(sql_str "$(cat "$BATS_FILE_TMPDIR/run") C")" "format='in_person'" cap_in_person=100 \
		attendance_rule="'either'"
	s=$SEMINAR_ID
	signups "$s" 241 300 >"$BATS_TEST_TMPDIR/c.conf"
	run fire "$BATS_TEST_TMPDIR/c.conf"
	assert_equal "$(grep -c '^200 ' <<<"$output")" 60
	regs=$(sql "SELECT GROUP_CONCAT(id) FROM registration WHERE seminar_id = $s")
	sql "INSERT INTO attendance (registration_id, session_id, mode, scan_id, at)
	     SELECT r.id, ss.id, 'in_person', 0, NOW() FROM registration r
	     JOIN seminar_session ss ON ss.seminar_id = r.seminar_id WHERE r.seminar_id = $s"
	for n in ${regs//,/ }; do echo "CALL coverage_touch($n);"; done | on "$PRIMARY"
	login_demo o organizer
	settings
	post o "/certificates/seminars/$s/issue"
	assert_equal "$code" 303
	wait_job "$s"
	run sql "SELECT COUNT(*), SUM(f.version = 1) FROM certificate c JOIN certificate_file f ON f.certificate_id = c.id
	         WHERE c.seminar_id = $s"
	assert_output $'60\t60'
	# The letters of this seminar (sign-ups, certificates): every one sent, and each arrived once.
	for ((n = 0; n < 150; n++)); do
		[[ $(sql "SELECT COUNT(*) FROM mail_message m JOIN registration r ON r.id = m.registration_id
		          WHERE r.seminar_id = $s AND m.status <> 'sent'") == 0 ]] && break
		sleep 0.2
	done
	run sql "SELECT m.recipient, COUNT(*) FROM mail_message m JOIN registration r ON r.id = m.registration_id
	         WHERE r.seminar_id = $s GROUP BY m.recipient"
	assert_equal "${#lines[@]}" 60
	local line addr want
	for line in "${lines[@]}"; do
		read -r addr want <<<"$line"
		assert_equal "$addr $(/usr/bin/python3 "$ROOT/tests/e2e/mail.py" count "$VAR/mail" "$addr")" "$addr $want"
	done
}
