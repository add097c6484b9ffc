#!/usr/bin/env bats
# The coverage reports read the replica (db_read_*): once it has caught up they show what the primary holds, and
# the page says the time its data are from and the lag; a replica that falls behind shows it.

load helpers

setup_file() { cluster_ready; }

# caught_up: waits until the replica has applied everything the primary has written.
caught_up() {
	run on "$REPLICA" "SELECT MASTER_GTID_WAIT('$(on "$PRIMARY" 'SELECT @@gtid_binlog_pos')', 30)"
	assert_output 0
}

# report PATH: the report as JSON through nginx (the reports program, reading the replica), and the same from the
# primary: the reports program run once (CGI) without db_read_*; sets FROM_REPLICA and FROM_PRIMARY (without the parts
# that differ by design: the replica's time, the CSRF token).
report() {
	local conf=$BATS_TEST_TMPDIR/primary.conf strip='del(.replica, .csrf, .user)'
	get_json r "$1"
	assert_equal "$code" 200
	REPLICA_JSON=$output
	FROM_REPLICA=$(jq -S "$strip" <<<"$output")
	grep -v -e listen -e '^db_read_' "$CLUSTER/app1/app.conf" >"$conf"
	FROM_PRIMARY=$(REQUEST_METHOD=GET REQUEST_URI=$1 DOCUMENT_URI=${1%%\?*} QUERY_STRING=${1#*\?} \
		HTTP_ACCEPT=application/json HTTP_COOKIE="sid=$(cookie r sid)" SEM_CONFIG=$conf "$ROOT/bin/reports" |
		sed '1,/^\r\?$/d' | jq -S "$strip")
}

@test "the coverage report from the replica equals the primary's once caught up, and says how old it is" {
	login_demo r reviewer
	caught_up
	report "/reports/coverage?region=48"
	assert_equal "$(jq -r '.rows | length' <<<"$FROM_REPLICA")" "$(jq -r '.rows | length' <<<"$FROM_PRIMARY")"
	[[ $(jq -r '.rows | length' <<<"$FROM_REPLICA") -gt 0 ]] || fail "no rows: $FROM_REPLICA"
	assert_equal "$FROM_REPLICA" "$FROM_PRIMARY"
	# The time its data are from (the primary's heartbeat, every second) and a lag of a second or two.
	run jq -r '.replica | "\(.asof) \(.lag_s)"' <<<"$REPLICA_JSON"
	[[ $output =~ ^[0-9]{2}\.[0-9]{2}\.[0-9]{4}\ [0-9:]{8}\ [0-2]$ ]] || fail "replica: $output"
	get r "/reports/coverage?region=48"
	assert_output --partial 'Отчёт построен по копии базы данных: данные на'
	# One district's page too.
	report "/reports/coverage/districts/16?region=48"
	assert_equal "$FROM_REPLICA" "$FROM_PRIMARY"
}

@test "a replica that falls behind: the report shows its older time and the lag, then catches up" {
	local lag
	login_demo r reviewer
	on "$REPLICA" "STOP SLAVE SQL_THREAD"
	sleep 4
	get_json r "/reports/coverage?region=48"
	on "$REPLICA" "START SLAVE SQL_THREAD"
	assert_equal "$code" 200
	lag=$(jq -r .replica.lag_s <<<"$output")
	((lag >= 3)) || fail "lag $lag s after 4 s without applying"
	caught_up
	sleep 1.5
	get_json r "/reports/coverage?region=48"
	lag=$(jq -r .replica.lag_s <<<"$output")
	((lag <= 2)) || fail "lag $lag s after catching up"
}
