#!/usr/bin/env bats
# Sign-up under concurrency: hundreds of parallel sign-ups for 20 places, parallel retries of one request,
# parallel cancellations; never more confirmed than places, one row per retried request, queue order kept.
#
# The people are made in the database (one INSERT) with signed-in sessions (web_session rows), as
# fcgi/core/auth.c makes them: the cookie is sid=<43 characters of base64url>, the table keeps its
# BLAKE2b-256, and the CSRF token is base64url(HMAC-SHA256(secret key, "csrf:" + sid)).

load helpers

PEOPLE=231 # 200 distinct sign-ups, the retried person, and spares

setup_file() {
	local run="conc-$$-${EPOCHREALTIME/[.,]/}" dir=$BATS_FILE_TMPDIR org h
	org=$(sql "SELECT id FROM organization WHERE inn = '$DEMO_ORG_INN' AND active")
	h=$(demo_hash)
	[[ -n $org && -n $h ]] || return 1
	echo "Нагрузка $run" >"$dir/run"
	sql "INSERT INTO person (email, password_hash, full_name, full_name_dat, phone, position, organization_id,
	                         consent_at, consent_version)
	     SELECT CONCAT('$run-', seq, '@example.test'), $h, CONCAT('Участникова Ирина № ', seq),
	            CONCAT('Участниковой Ирине № ', seq), NULL, 'Методист', $org, NOW(), '2026-01'
	     FROM seq_1_to_$PEOPLE"
	sql "SELECT id FROM person WHERE email LIKE '$run-%' ORDER BY id" >"$dir/ids"
	[[ $(wc -l <"$dir/ids") == "$PEOPLE" ]] || return 1
	# One signed-in session per person: "person_id <TAB> sid <TAB> csrf" in $dir/people.
	python3 -c '
import base64, hashlib, hmac, os, sys
key = bytes.fromhex(open(sys.argv[1]).read().strip())
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
rows = []
with open(sys.argv[2], "w") as out:
    for line in sys.stdin:
        pid = int(line)
        sid = b64(os.urandom(32))
        tok = b64(hmac.new(key, b"csrf:" + sid.encode(), hashlib.sha256).digest())
        rows.append("(UNHEX(\"%s\"), %d, NOW() + INTERVAL 2 HOUR)" % (hashlib.blake2b(sid.encode(), digest_size=32).hexdigest(), pid))
        out.write("%d\t%s\t%s\n" % (pid, sid, tok))
print("INSERT INTO web_session (id_hash, person_id, expires_at) VALUES " + ", ".join(rows))
' "$VAR/secret.key" "$dir/people" <"$dir/ids" >"$dir/sessions.sql"
	"$STACK" psql <"$dir/sessions.sql"
}

# The seminars of this file leave the catalogue when it ends (tests that run later expect their own catalogue).
teardown_file() {
	sql "UPDATE seminar SET status = 'finished' WHERE title LIKE $(sql_str "$(cat "$BATS_FILE_TMPDIR/run") %")" || true
}

# concurrency_seminar: a published in-person seminar with 20 places, named after this run of the file.
concurrency_seminar() {
	seminar_sql "title=$(sql_str "$(cat "$BATS_FILE_TMPDIR/run") ${BATS_TEST_NUMBER}")" "format='in_person'" cap_in_person=20
}

# person N: sets PID, SID and CSRF of the N-th person (1-based) of setup_file.
person() { IFS=$'\t' read -r PID SID CSRF < <(sed -n "${1}p" "$BATS_FILE_TMPDIR/people"); }

# request_entry NAME METHOD-PATH DATA: one transfer of a curl config (-K) as the current person, its
# answer in $dir/NAME and "<code> NAME" on curl's output.
request_entry() {
	printf 'url = "%s%s"\nheader = "Accept: application/json"\nheader = "Cookie: sid=%s"\n' "$BASE_URL" "$1" "$SID"
	printf 'header = "X-CSRF-Token: %s"\ndata = "%s"\noutput = "%s"\nwrite-out = "%%{http_code} %s\\n"\nnext\n' \
		"$CSRF" "$2" "$BATS_TEST_TMPDIR/answers/$3" "$3"
}

# fire CONFIG: all transfers of CONFIG at once (up to 300 connections); prints "<code> NAME" per transfer.
fire() {
	mkdir -p "$BATS_TEST_TMPDIR/answers"
	# Entries end with "next"; one after the last would start a transfer without a URL.
	sed '${/^next$/d}' "$1" >"$1.k"
	curl -sS --no-progress-meter --max-time 50 --parallel --parallel-immediate --parallel-max 300 -K "$1.k" 2>"$1.err"
}

# answers: "NAME <TAB> outcome <TAB> registration id <TAB> status" of every JSON answer.
answers() {
	python3 -c '
import json, os, sys
d = sys.argv[1]
for n in sorted(os.listdir(d)):
    try:
        a = json.load(open(os.path.join(d, n)))
        r = a.get("registration") or {}
        print("%s\t%s\t%s\t%s" % (n, a.get("outcome"), r.get("id"), r.get("status")))
    except Exception as e:
        print("%s\tunreadable\t-\t-" % n)
' "$BATS_TEST_TMPDIR/answers"
}

@test "200 parallel sign-ups for 20 places and 30 parallel retries: 20 confirmed, one row for the retry" {
	local id i k=0 retry_key conf=$BATS_TEST_TMPDIR/signups.conf retry_pid
	concurrency_seminar
	id=$SEMINAR_ID
	retry_key=$(idem_key)
	person 201
	retry_pid=$PID
	: >"$conf"
	# 200 distinct people, with the 30 copies of one request spread over the first 120 transfers.
	for ((i = 1; i <= 200; i++)); do
		if ((i % 4 == 0 && k < 30)); then
			k=$((k + 1))
			person 201
			request_entry "/seminars/$id/register" "mode=in_person&idem=$retry_key" "retry-$k" >>"$conf"
		fi
		person "$i"
		request_entry "/seminars/$id/register" "mode=in_person&idem=$(idem_key)-$i" "person-$i-$PID" >>"$conf"
	done
	assert_equal "$k" 30

	run fire "$conf"
	assert_equal "${#lines[@]}" 230
	# Every answer is a 200: no 5xx, no refusal.
	run grep -vc '^200 ' <<<"$output"
	assert_output 0

	run sql "SELECT status, COUNT(*) FROM registration WHERE seminar_id = $id GROUP BY status ORDER BY status"
	assert_output $'confirmed\t20\nwaitlisted\t181'
	run sql "SELECT taken_in_person, cap_in_person FROM seminar WHERE id = $id"
	assert_output $'20\t20'

	# The retried request: one row; every copy answered with its id and status, one of them first.
	local row
	row=$(sql "SELECT id, status FROM registration WHERE idem_key = '$retry_key'")
	[[ $row =~ ^[0-9]+$'\t'(confirmed|waitlisted)$ ]] || fail "rows of the retried key: '$row'"
	run sql "SELECT COUNT(*) FROM registration WHERE seminar_id = $id AND person_id = $retry_pid"
	assert_output 1
	local all
	all=$(answers)
	run grep -c $'^retry-[0-9]*\t' <<<"$all"
	assert_output 30
	run grep $'^retry-' <<<"$all"
	run cut -f3,4 <<<"$output"
	assert_equal "$(sort -u <<<"$output")" "$row"
	run grep -c $'^retry-[0-9]*\treplay\t' <<<"$all"
	assert_output 29

	# Each distinct person's answer is the row in the database.
	assert_equal "$(grep $'^person-' <<<"$all" | awk -F'\t' '{split($1, n, "-"); print n[3] "\t" $3 "\t" $4}' | sort)" \
		"$(sql "SELECT person_id, id, status FROM registration WHERE seminar_id = $id AND person_id <> $retry_pid" | sort)"
	run grep -c $'^person-[0-9-]*\t\\(confirmed\\|waitlisted\\)\t' <<<"$all"
	assert_output 200
	# The waiting list is one queue behind the confirmed places, with positions 1..181 once each.
	run sql "SELECT MIN(queued_at) >= (SELECT MAX(queued_at) FROM registration WHERE seminar_id = $id AND status = 'confirmed')
	         FROM registration WHERE seminar_id = $id AND status = 'waitlisted'"
	assert_output 1
	login_demo o organizer
	get_json o "/manage/seminars/$id/participants?status=waitlisted"
	assert_equal "$code" 200
	assert_equal "$(jq '[.participants[].queue_position] == [range(1; 182)]' <<<"$output")" true
	# One audit row per registration made, none for the replays.
	run sql "SELECT COUNT(*) FROM audit_log WHERE action = 'registration.create' AND detail LIKE 'seminar=$id %'"
	assert_output 201

	run reconcile
	assert_output ''
}

@test "5 parallel cancellations promote exactly the first 5 waiting people, in queue order" {
	local id i conf=$BATS_TEST_TMPDIR/signups.conf
	concurrency_seminar
	id=$SEMINAR_ID
	: >"$conf"
	for ((i = 1; i <= 60; i++)); do
		person "$i"
		request_entry "/seminars/$id/register" "mode=in_person&idem=$(idem_key)-$i" "person-$i" >>"$conf"
	done
	run fire "$conf"
	run grep -vc '^200 ' <<<"$output"
	assert_output 0
	run sql "SELECT status, COUNT(*) FROM registration WHERE seminar_id = $id GROUP BY status ORDER BY status"
	assert_output $'confirmed\t20\nwaitlisted\t40'

	# Five confirmed people cancel at once, each with their own session.
	local first5 rest cancel=$BATS_TEST_TMPDIR/cancel.conf pid rid n=0
	first5=$(sql "SELECT id FROM registration WHERE seminar_id = $id AND status = 'waitlisted' ORDER BY queued_at, id LIMIT 5")
	rest=$(sql "SELECT id FROM registration WHERE seminar_id = $id AND status = 'waitlisted' ORDER BY queued_at, id LIMIT 100 OFFSET 5")
	: >"$cancel"
	local cancelled=()
	while IFS=$'\t' read -r pid rid; do
		i=$(grep -n "^$pid"$'\t' "$BATS_FILE_TMPDIR/people" | cut -d: -f1)
		person "$i"
		request_entry "/registrations/$rid/cancel" "" "cancel-$rid" >>"$cancel"
		cancelled+=("$rid")
	done < <(sql "SELECT person_id, id FROM registration WHERE seminar_id = $id AND status = 'confirmed' ORDER BY RAND() LIMIT 5")
	assert_equal "${#cancelled[@]}" 5
	rm -rf "$BATS_TEST_TMPDIR/answers"
	run fire "$cancel"
	assert_equal "${#lines[@]}" 5
	run grep -vc '^200 ' <<<"$output"
	assert_output 0
	run answers
	run cut -f2 <<<"$output"
	assert_equal "$output" $'cancelled\ncancelled\ncancelled\ncancelled\ncancelled'

	run sql "SELECT GROUP_CONCAT(status) FROM registration WHERE id IN ($(IFS=,; echo "${cancelled[*]}")) GROUP BY status"
	assert_output cancelled,cancelled,cancelled,cancelled,cancelled
	run sql "SELECT id FROM registration WHERE seminar_id = $id AND status = 'confirmed' AND id IN (${first5//$'\n'/,}) ORDER BY queued_at, id"
	assert_output "$first5"
	run sql "SELECT id FROM registration WHERE seminar_id = $id AND status = 'waitlisted' ORDER BY queued_at, id"
	assert_output "$rest"
	run sql "SELECT status, COUNT(*) FROM registration WHERE seminar_id = $id GROUP BY status ORDER BY status"
	assert_output $'confirmed\t20\nwaitlisted\t35\ncancelled\t5'
	run sql "SELECT COUNT(*) FROM audit_log WHERE action = 'registration.cancel' AND object_id IN ($(IFS=,; echo "${cancelled[*]}"))"
	assert_output 5
	run reconcile
	assert_output ''
}
