#!/usr/bin/env bash
# Rebuilds or checks the coverage summary tables of a running stack (the procedures of sql/procedures/).
#
# Usage: scripts/coverage.sh recompute|check
#   recompute  CALL coverage_recompute(): rebuilds coverage_* and register_cell from the raw data; prints the time
#   check      once the checkin program's queued upkeep is applied (coverage_queue, at most 10 s),
#              CALL coverage_check(): prints every difference between the summary tables and a recompute
#              from the raw data (table, row, what it should hold, what it holds) and exits 1 when there is
#              one; prints «coverage: consistent» and exits 0 otherwise
# Environment:
#   VAR   state dir of the stack; default <repo>/var
#   SHOW  differences printed by check (the count covers all of them); default 50
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
export VAR=${VAR:-$ROOT/var}
SHOW=${SHOW:-50}

die() {
    echo "coverage: $*" >&2
    exit 2
}

sql() { "$ROOT/scripts/stack.sh" psql -N -B "$@"; }

# The seconds since T0 (an ${EPOCHREALTIME} value), one decimal.
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

recompute() {
    local t=$EPOCHREALTIME counts
    sql -e "CALL coverage_recompute()" >/dev/null || die "CALL coverage_recompute() failed"
    counts=$(sql -e "SELECT CONCAT((SELECT COUNT(*) FROM coverage_fact), ' registrations count, ',
        (SELECT COUNT(*) FROM coverage_cell), ' cells, ', (SELECT COUNT(*) FROM register_cell), ' register cells')")
    echo "coverage: recomputed in $(since "$t") s ($counts)"
}

check() {
    local out n
    [[ $SHOW =~ ^[0-9]+$ ]] || die "SHOW must be a number, got '$SHOW'"
    [[ -d $VAR/tmp ]] || die "no stack in $VAR (start it: VAR=$VAR scripts/stack.sh start)"
    out=$VAR/tmp/coverage-check.tsv
    # The check-ins' upkeep waits in coverage_queue (migration 026) for the checkin program's runner, a
    # fraction of a second: the tables are compared once it is empty.
    for ((n = 0; n < 100; n++)); do
        [[ $(sql -e "SELECT COUNT(*) FROM coverage_queue") == 0 ]] && break
        sleep 0.1
    done
    ((n < 100)) || die "coverage_queue not applied within 10 s (is the checkin program running?)"
    sql --quick -e "CALL coverage_check()" >"$out" || die "CALL coverage_check() failed"
    n=$(wc -l <"$out")
    if ((n == 0)); then
        echo "coverage: consistent"
        return 0
    fi
    awk -F'\t' -v show="$SHOW" 'NR <= show { printf "%-15s %-52s should be %-36s is %s\n", $1, $2, $3, $4 }' "$out"
    ((n <= SHOW)) || echo "... and $((n - SHOW)) more (all of them: $out)"
    echo "coverage: $n differences between the summary tables and a recompute from the raw data"
    return 1
}

(($# == 1)) || {
    sed -n '4,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
    exit 2
}
case $1 in
recompute) recompute ;;
check) check ;;
*) die "unknown command '$1' (recompute or check)" ;;
esac
