#!/usr/bin/env bash
# Loads the national data set of DESIGN.md section 8 into a running bench or test stack, then builds the coverage tables.
#
# Usage: VAR=<state dir of a running bench or test stack> tests/load/national.sh
# Environment:
#   VAR                      required: the stack's state dir; its last part must be bench, bench-*,
#                            test, test-* or h-* (the helpers' stacks), never the `make run` stack var/
#   NATIONAL_REGIONS, NATIONAL_DISTRICTS
#                            totals of regions and districts; defaults 89 and 2,500 (the seed's 89
#                            regions; its three with districts keep them, the others get made-up ones)
#   NATIONAL_ORGS, NATIONAL_PEOPLE, NATIONAL_SEMINARS, NATIONAL_REGISTRATIONS
#                            added: active organisations of the register, people, seminars (with 1-3
#                            sessions), registrations; defaults 250,000, 500,000, 20,000, 2,000,000
# The rows are generated inside MariaDB by tests/load/national.sql (set-based, no round trip per row);
# then CALL coverage_recompute() builds the summary tables. Every step prints its time.
# A marker table, bench_national, records the load: a second run with the same numbers does nothing
# (exit 0), with other numbers or after an interrupted load it refuses (start from an empty database).
# It also sets the server's buffer pool to 2 GB and its redo log to 1 GB (until the server restarts;
# deploy/mariadb.cnf has 4 GB): the data set takes about 1 GB, and a national database is not run on
# the 256 MB of a development stack. That is done on every run that finds or loads the data set.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
REGIONS=${NATIONAL_REGIONS:-89}
DISTRICTS=${NATIONAL_DISTRICTS:-2500}
ORGS=${NATIONAL_ORGS:-250000}
PEOPLE=${NATIONAL_PEOPLE:-500000}
SEMINARS=${NATIONAL_SEMINARS:-20000}
REGISTRATIONS=${NATIONAL_REGISTRATIONS:-2000000}
BUFFER_POOL=$((2 * 1024 * 1024 * 1024))
REDO_LOG=$((1024 * 1024 * 1024))

die() {
    echo "national: $*" >&2
    exit 1
}
say() { echo "national: $*" >&2; }

[[ -n ${VAR:-} ]] || die "set VAR to the state dir of a running bench or test stack"
[[ $VAR == /* ]] || VAR=$PWD/$VAR
while [[ $VAR == */ && $VAR != / ]]; do VAR=${VAR%/}; done
case ${VAR##*/} in
bench | bench-* | test | test-* | h-*) ;;
*) die "VAR '$VAR' is not a bench or test stack (its last part must be bench, bench-*, test, test-* or h-*)" ;;
esac
[[ $VAR != "$ROOT/var" ]] || die "VAR is the stack of make run; refusing"
[[ -r $VAR/app.conf && -S $VAR/run/mysqld.sock ]] || die "no running stack in $VAR (start it: VAR=$VAR scripts/stack.sh start)"
for v in REGIONS DISTRICTS ORGS PEOPLE SEMINARS REGISTRATIONS; do
    [[ ${!v} =~ ^[1-9][0-9]{0,7}$ ]] || die "NATIONAL_$v must be a positive number below 10^8, got '${!v}'"
done
((REGIONS <= 99)) || die "NATIONAL_REGIONS must be at most 99 (two-digit region codes)"
((REGISTRATIONS >= SEMINARS)) || die "NATIONAL_REGISTRATIONS must be at least NATIONAL_SEMINARS"

sql() { VAR=$VAR "$ROOT/scripts/stack.sh" psql -N -B "$@"; }
server_settings() {
    sql -e "SET GLOBAL innodb_buffer_pool_size = GREATEST(@@innodb_buffer_pool_size, $BUFFER_POOL);
        SET GLOBAL innodb_log_file_size = GREATEST(@@innodb_log_file_size, $REDO_LOG)" ||
        die "setting the buffer pool and the redo log failed"
}
# The seconds since T0 (a ${EPOCHREALTIME} value), one decimal.
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
# The CPU seconds the server has used so far (user and system): on a shared machine a step's wall time
# includes its waits for a CPU, this not.
server_cpu() {
    local stat
    { read -r stat <"/proc/$(<"$VAR/run/mysqld.pid")/stat"; } 2>/dev/null || { echo 0; return 0; }
    stat=${stat##*) }
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($12 + $13) / hz }' <<<"$stat"
}
# The CPU seconds since C0 (a server_cpu value).
cpu_since() { awk -v a="$1" -v b="$(server_cpu)" 'BEGIN { printf "%.1f", b - a }'; }

PARAMS="regions=$REGIONS districts=$DISTRICTS orgs=$ORGS people=$PEOPLE seminars=$SEMINARS registrations=$REGISTRATIONS"
marker=$(sql -e "SELECT CONCAT_WS('|', state, params, started_at, IFNULL(seconds, '')) FROM bench_national" 2>/dev/null) || marker=""
if [[ -n $marker ]]; then
    IFS='|' read -r state params started seconds <<<"$marker"
    [[ $state == loaded ]] ||
        die "a load started at $started did not finish; start from an empty database (stop the stack, remove $VAR/db)"
    [[ $params == "$PARAMS" ]] ||
        die "this database holds another data set ($params); start from an empty database (remove $VAR/db)"
    server_settings
    say "the national data set is already loaded ($params, at $started in $seconds s)"
    exit 0
fi

# A fresh database only: the seed's territory, at most a demo register and a few test rows.
read -r n_regions n_districts n_orgs n_regs < <(sql -e "SELECT (SELECT COUNT(*) FROM region),
    (SELECT COUNT(*) FROM district), (SELECT COUNT(*) FROM organization), (SELECT COUNT(*) FROM registration)")
((n_regions <= REGIONS && n_districts <= DISTRICTS)) ||
    die "the database has $n_regions regions and $n_districts districts, more than the data set's $REGIONS and $DISTRICTS"
((n_orgs <= 10000 && n_regs <= 100000)) ||
    die "the database already holds $n_orgs organisations and $n_regs registrations: not a fresh bench or test database"
if ((n_regions < REGIONS && DISTRICTS - n_districts < REGIONS - n_regions)); then
    die "$((DISTRICTS - n_districts)) new districts are too few for $((REGIONS - n_regions)) new regions"
fi

server_settings
say "loading into $VAR: $PARAMS"
t_all=$EPOCHREALTIME
c_all=$(server_cpu)
sql -e "CREATE TABLE bench_national (
        id TINYINT UNSIGNED PRIMARY KEY,
        state ENUM('loading', 'loaded') NOT NULL,
        params VARCHAR(200) NOT NULL,
        started_at DATETIME NOT NULL,
        seconds DECIMAL(8, 1) NULL
    ) ENGINE=InnoDB COMMENT 'tests/load/national.sh: the national data set of DESIGN.md section 8';
    INSERT INTO bench_national (id, state, params, started_at) VALUES (1, 'loading', '$PARAMS', NOW())" ||
    die "creating the marker table failed (is another load running?)"

# The generator prints "step<TAB>name<TAB>seconds<TAB>rows" after each step (--unbuffered: as it ends);
# ANALYZE's table is dropped.
steps() {
    local tag name secs rows c=$c_all
    while IFS=$'\t' read -r tag name secs rows; do
        [[ $tag == step ]] || continue
        printf 'national: %-22s %7s s  %9s rows  (MariaDB CPU %s s)\n' "$name" "$secs" "$rows" "$(cpu_since "$c")" >&2
        c=$(server_cpu)
    done
    return 0
}
{
    echo "SET @n_regions = $REGIONS, @n_districts = $DISTRICTS, @n_orgs = $ORGS, @n_people = $PEOPLE,"
    echo "    @n_seminars = $SEMINARS, @n_regs = $REGISTRATIONS;"
    cat "$ROOT/tests/load/national.sql"
} | sql --unbuffered | steps || die "the generator failed (tests/load/national.sql)"

# Checks of the generator: UNIQUE keys were not checked during the load, and the places add up.
t=$EPOCHREALTIME
dups=$(sql -e "SELECT CONCAT_WS(' ',
    (SELECT COUNT(*) FROM (SELECT 1 FROM registration GROUP BY seminar_id, person_id HAVING COUNT(*) > 1) x),
    (SELECT COUNT(*) FROM (SELECT 1 FROM registration WHERE ticket_code IS NOT NULL
                           GROUP BY ticket_code HAVING COUNT(*) > 1) x),
    (SELECT COUNT(*) FROM (SELECT 1 FROM person GROUP BY email HAVING COUNT(*) > 1) x),
    (SELECT COUNT(*) FROM (SELECT 1 FROM organization WHERE inn IS NOT NULL GROUP BY inn HAVING COUNT(*) > 1) x),
    (SELECT COUNT(*) FROM (SELECT 1 FROM district WHERE oktmo IS NOT NULL GROUP BY oktmo HAVING COUNT(*) > 1) x),
    (SELECT COUNT(*) FROM (SELECT 1 FROM attendance GROUP BY registration_id, session_id HAVING COUNT(*) > 1) x))")
[[ $dups == "0 0 0 0 0 0" ]] ||
    die "duplicate keys (registration per person, ticket, e-mail, INN, OKTMO, attendance per session): $dups"
rec=$(sql <"$ROOT/sql/checks/reconcile-places.sql")
[[ -z $rec ]] || die "sql/checks/reconcile-places.sql: $(head -n 3 <<<"$rec" | tr '\t\n' ' ;')"
printf 'national: %-22s %7s s\n' "checks" "$(since "$t")" >&2

read -r c_regions c_districts c_orgs c_people c_seminars c_regs c_att < <(sql -e "SELECT
    (SELECT COUNT(*) FROM region), (SELECT COUNT(*) FROM district),
    (SELECT COUNT(*) FROM organization WHERE active AND status = 'register'), (SELECT COUNT(*) FROM person),
    (SELECT COUNT(*) FROM seminar), (SELECT COUNT(*) FROM registration), (SELECT COUNT(*) FROM attendance)")
say "in the database: $c_regions regions, $c_districts districts, $c_orgs organisations of the register, $c_people people, $c_seminars seminars, $c_regs registrations, $c_att attendance rows"

t=$EPOCHREALTIME
c=$(server_cpu)
sql -e "CALL coverage_recompute()" >/dev/null || die "CALL coverage_recompute() failed"
printf 'national: %-22s %7s s  (MariaDB CPU %s s)\n' "coverage_recompute()" "$(since "$t")" "$(cpu_since "$c")" >&2
read -r facts cells < <(sql -e "SELECT (SELECT COUNT(*) FROM coverage_fact), (SELECT COUNT(*) FROM coverage_cell)")
say "$facts registrations count ($(awk -v a="$facts" -v b="$c_regs" 'BEGIN { printf "%.0f", 100 * a / b }') %), $cells coverage cells"

total=$(since "$t_all")
sql -e "UPDATE bench_national SET state = 'loaded', seconds = $total WHERE id = 1"
say "loaded in $total s (MariaDB CPU $(cpu_since "$c_all") s)"
