#!/usr/bin/env bats
# The national data set's loader (tests/load/national.sh) refuses every database but a fresh bench or test one, before writing.

load helpers

national() { run "$ROOT/tests/load/national.sh"; }

@test "national.sh: without VAR, or with the make run stack's VAR or another name, it refuses" {
	VAR= national
	assert_failure
	assert_output --partial "set VAR to the state dir of a running bench or test stack"
	VAR=$ROOT/var national
	assert_failure
	assert_output --partial "is not a bench or test stack"
	VAR=$BATS_TEST_TMPDIR/prod national
	assert_failure
	assert_output --partial "is not a bench or test stack"
}

@test "national.sh: a bench-named state dir without a running stack is refused" {
	VAR=$BATS_TEST_TMPDIR/bench-none national
	assert_failure
	assert_output --partial "no running stack in $BATS_TEST_TMPDIR/bench-none"
}

@test "national.sh: bad sizes are refused" {
	VAR=$VAR NATIONAL_PEOPLE=lots national
	assert_failure
	assert_output --partial "NATIONAL_PEOPLE must be a positive number"
	VAR=$VAR NATIONAL_REGIONS=120 national
	assert_failure
	assert_output --partial "NATIONAL_REGIONS must be at most 99"
}

@test "national.sh: a database with more territory than the data set is refused and left as it was" {
	local before
	before=$("$STACK" psql -N -B -e "SELECT COUNT(*), (SELECT COUNT(*) FROM person), (SELECT COUNT(*) FROM information_schema.TABLES
		WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'bench_national') FROM district")
	VAR=$VAR NATIONAL_DISTRICTS=5 national
	assert_failure
	assert_output --partial "more than the data set's"
	assert_equal "$("$STACK" psql -N -B -e "SELECT COUNT(*), (SELECT COUNT(*) FROM person), (SELECT COUNT(*) FROM information_schema.TABLES
		WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'bench_national') FROM district")" "$before"
}
