#!/usr/bin/env bats
# The read replica setting of the reports (db_read_*, fcgi/core/dbconf.c): the reports program run once (CGI) with
# the stack's own database named as the replica reads it and says the time its data are from (the heartbeat of
# migration 022) and the lag; with a replica that does not answer it reads the primary and says nothing of a copy.
# (make cluster tests a real replica over TLS.)

load helpers

# report [SETTING ...]: GET /reports/coverage?region=48 as the reviewer, from the reports program in CGI mode with the
# stack's app.conf (without its listeners) and the settings given; sets code and output (the JSON body).
report() {
	local conf=$BATS_TEST_TMPDIR/reports.conf a answer
	grep -v 'listen' "$SEM_CONFIG" >"$conf"
	for a in "$@"; do echo "$a" >>"$conf"; done
	answer=$(REQUEST_METHOD=GET REQUEST_URI='/reports/coverage?region=48' DOCUMENT_URI=/reports/coverage \
		QUERY_STRING=region=48 HTTP_ACCEPT=application/json HTTP_COOKIE="sid=$(cookie v sid)" SEM_CONFIG=$conf \
		"$ROOT/bin/reports" 2>"$BATS_TEST_TMPDIR/log")
	code=000
	[[ $answer =~ Status:\ ([0-9]{3}) ]] && code=${BASH_REMATCH[1]}
	output=$(sed '1,/^\r\{0,1\}$/d' <<<"$answer")
}

setup() { login_demo v reviewer; }

@test "without db_read_*: the report reads the primary and names no copy" {
	report
	assert_equal "$code" 200
	assert_equal "$(jq -c .replica <<<"$output")" null
}

@test "with db_read_socket: the report reads the replica and shows the time of its data and the lag" {
	local beat
	sql "UPDATE replication_heartbeat SET beat = NOW(6) - INTERVAL 42 SECOND WHERE id = 1"
	beat=$(sql "SELECT DATE_FORMAT(beat, '%d.%m.%Y %H:%i:%s') FROM replication_heartbeat WHERE id = 1")
	report "db_read_socket = $VAR/run/mysqld.sock"
	assert_equal "$code" 200
	assert_equal "$(jq -r .replica.asof <<<"$output")" "$beat"
	run jq -r .replica.lag_s <<<"$output"
	((output >= 42 && output <= 45)) || fail "lag $output s for a heartbeat 42 s old"
	# The rows are the primary's (here: the same server).
	report "db_read_socket = $VAR/run/mysqld.sock"
	local replica=$output
	report
	assert_equal "$(jq -S '.rows' <<<"$replica")" "$(jq -S '.rows' <<<"$output")"
}

@test "a replica that does not answer: the report reads the primary" {
	report "db_read_host = 127.0.0.1" "db_read_port = 1"
	assert_equal "$code" 200
	assert_equal "$(jq -c .replica <<<"$output")" null
	run grep -c 'read replica does not answer' "$BATS_TEST_TMPDIR/log"
	assert_output 1
}
