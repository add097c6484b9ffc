#!/usr/bin/env bats
# Failover: the primary killed in the middle of a sign-up burst, the replica promoted by scripts/failover.sh and the
# app servers pointed at it. Every sign-up acknowledged before the kill is on the new primary (semi-synchronous
# replication: a commit is acknowledged once the replica has it), the places reconcile, clients that got no
# answer retry with their key and get one outcome, and the app carries on; the old primary rejoins as a replica.

load helpers

setup_file() {
	cluster_ready
	echo "Отказ $$-${EPOCHREALTIME/[.,]/}" >"$BATS_FILE_TMPDIR/run"
	people "failover-$$-${EPOCHREALTIME/[.,]/}" 200
}

setup() { sessions_load "$BATS_FILE_TMPDIR/people"; }

# signup_entry N SEMINAR: the curl config of person pN's sign-up, with the key failover-<SEMINAR>-N; its answer in answers/N.
signup_entry() { entry "p$1" "/seminars/$2/register" "mode=in_person&idem=failover-$2-$1" "$1"; }

@test "the primary killed mid-burst, the replica promoted: every acknowledged sign-up is there, and the app carries on" {
	local s old=$PRIMARY new=$REPLICA n conf=$BATS_TEST_TMPDIR/burst.conf pid acked t0
	seminar_sql "title=$(sql_str "$(cat "$BATS_FILE_TMPDIR/run")")" "format='in_person'" cap_in_person=150
	s=$SEMINAR_ID
	for ((n = 1; n <= 200; n++)); do signup_entry "$n" "$s"; done >"$conf"
	fire "$conf" >"$BATS_TEST_TMPDIR/codes" &
	pid=$!
	sleep 1.5
	"$CLUSTER_SH" db-kill "$old"
	wait "$pid"
	acked=$(grep -c '^200 ' "$BATS_TEST_TMPDIR/codes" || true)
	((acked > 0)) || fail "no sign-up was acknowledged before the kill: $(sort "$BATS_TEST_TMPDIR/codes" | cut -c1-3 | uniq -c)"
	# The rest had an answer that says try again (the database is gone), none a false success.
	run grep -v -e '^200 ' -e '^503 ' "$BATS_TEST_TMPDIR/codes"
	assert_output ''

	t0=$EPOCHREALTIME
	run "$CLUSTER_SH" failover
	assert_success
	rate "failover (the replica promoted, both app servers restarted on it)" 1 "$t0"
	assert_equal "$(on "$new" 'SELECT @@read_only')" 0

	# Every acknowledged sign-up is on the new primary, as acknowledged.
	for n in $(awk '$1 == 200 { print $2 }' "$BATS_TEST_TMPDIR/codes"); do
		jq -r '"\(.registration.id) \(.registration.status)"' "$BATS_TEST_TMPDIR/answers/$n"
	done | sort >"$BATS_TEST_TMPDIR/acked"
	assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/acked")" "$acked"
	on "$new" "SELECT id, status FROM registration WHERE seminar_id = $s" | tr '\t' ' ' | sort >"$BATS_TEST_TMPDIR/there"
	run comm -23 "$BATS_TEST_TMPDIR/acked" "$BATS_TEST_TMPDIR/there"
	assert_output ''
	run on "$new" <"$ROOT/sql/checks/reconcile-places.sql"
	assert_output ''

	# The app carries on: the clients without an answer try again with their keys and get exactly one outcome.
	: >"$conf"
	for n in $(awk '$1 != 200 { print $2 }' "$BATS_TEST_TMPDIR/codes"); do
		signup_entry "$n" "$s"
	done >"$conf"
	if [[ -s $conf ]]; then
		run fire "$conf"
		run grep -vc '^200 ' <<<"$output"
		assert_output 0
	fi
	run on "$new" "SELECT COUNT(*), COUNT(DISTINCT person_id), SUM(status = 'confirmed') FROM registration WHERE seminar_id = $s"
	assert_output $'200\t200\t150'
	run on "$new" "SELECT taken_in_person FROM seminar WHERE id = $s"
	assert_output 150
	run on "$new" <"$ROOT/sql/checks/reconcile-places.sql"
	assert_output ''
	get - /healthz
	assert_equal "$code" 200
	# The reports read the new primary while there is no replica (the page says nothing of a copy).
	call r GET "/reports/coverage?region=48"
	assert_equal "$code" 200
	assert_equal "$(jq -c .replica <<<"$output")" null
}

@test "the old primary rejoins as a replica of the new one: read-only, caught up, and the reports read it again" {
	# The first test failed over: the new primary is PRIMARY now, and the old one is to be REPLICA.
	local new=$PRIMARY old=$REPLICA
	run "$CLUSTER_SH" rejoin
	assert_success
	assert_equal "$(on "$old" 'SELECT @@read_only')" 1
	run on "$old" "SELECT MASTER_GTID_WAIT('$(on "$new" 'SELECT @@gtid_binlog_pos')', 30)"
	assert_output 0
	assert_equal "$(on "$old" 'SELECT COUNT(*) FROM registration')" "$(on "$new" 'SELECT COUNT(*) FROM registration')"
	# Semi-synchronous again: the new primary waits for its replica.
	run on "$new" "SHOW STATUS LIKE 'Rpl_semi_sync_master_clients'"
	assert_output $'Rpl_semi_sync_master_clients\t1'
	sleep 6
	call r GET "/reports/coverage?region=48"
	assert_equal "$code" 200
	[[ $(jq -r .replica.asof <<<"$output") != null ]] || fail "the report does not read the replica: $output"
}
