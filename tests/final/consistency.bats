#!/usr/bin/env bats
# After every other test has written through every path (sign-ups, cancellations, check-ins, online
# codes, edits, imports, merges, certificates): the derived data still agree with the raw data. A
# write path that forgets to touch coverage (see fcgi/core/db_coverage.h) or a place counter fails here.

load ../e2e/helpers

@test "coverage summary tables equal a recompute from the raw data after the whole suite" {
	run env VAR="$VAR" "${STACK%/stack.sh}/coverage.sh" check
	assert_success
	assert_output 'coverage: consistent'
	# The suite did write: there is something to be consistent about.
	run sql "SELECT COUNT(*) > 0 FROM coverage_fact"
	assert_output 1
}

@test "place counters equal the confirmed registrations after the whole suite" {
	run reconcile
	assert_success
	assert_output ''
	run sql "SELECT COUNT(*) > 0 FROM registration WHERE status = 'confirmed'"
	assert_output 1
}

@test "present-counters equal the check-ins after the whole suite" {
	run "$STACK" psql -N -B <"${STACK%/scripts/stack.sh}/sql/checks/reconcile-presence.sql"
	assert_success
	assert_output ''
	run sql "SELECT COUNT(*) > 0 FROM attendance WHERE undone_at IS NULL"
	assert_output 1
}
