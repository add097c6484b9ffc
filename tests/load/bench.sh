#!/usr/bin/env bash
# Benchmarks the real programs against the baseline programs (hello, select, update) on a separate stack: `make bench`.
#
# Usage: tests/load/bench.sh   (after `make all` and the baselines build/tests/load/{hello,select,update})
# Environment:
#   BENCH_SECONDS      measured seconds per scenario; default 10
#   BENCH_WARMUP       warm-up seconds per scenario (not measured); default 2
#   BENCH_WORKERS      worker processes per program, real and baseline alike; default 4
#   BENCH_CONNECTIONS  wrk connections; default 64
#   BENCH_THREADS      wrk threads; default 2
#   BENCH_PEOPLE       signed-in people of the data set; default 20000 (the rush needs BENCH_RUSH_ATTEMPTS)
#   BENCH_RUSH_ATTEMPTS, BENCH_RUSH_PLACES, BENCH_RUSH_CONNECTIONS
#                      the rush on one seminar: sign-up attempts by distinct people, in-person places,
#                      wrk connections; defaults 20000, 1000, 128 (DESIGN.md section 8)
#   BENCH_SCAN_TICKETS, BENCH_SCAN_SEMINARS
#                      confirmed registrations with tickets for the scan API, and the seminars they are
#                      spread over; defaults 60000 (at most BENCH_PEOPLE x BENCH_SCAN_SEMINARS), 8. Every
#                      scan of the benchmark is the first of its ticket while they last
#   BENCH_SCAN_RATE, BENCH_SCAN_RATE_CONNECTIONS
#                      the paced scan run: scans per second and wrk connections; defaults 1000, 32
#   BENCH_CERTS        certificates of the issuing batch (people checked in at one seminar); default 1000
#   BENCH_OVERLOAD_SECONDS, BENCH_OVERLOAD_CONNECTIONS, BENCH_CATALOGUE_RATE
#                      the overload scenario: twice this run's sign-up capacity offered for so long over so
#                      many connections while the catalogue is asked for at the rate; defaults 20, 512, 50
#   BENCH_MAILS        letters of the mail batch, queued at once and sent by the portal's senders to the
#                      stack's SMTP server; default 2000
#   BENCH_NATIONAL     the coverage scenarios on the national data set: 1 (after the others, the default),
#                      0 (skip them) or only (nothing else)
#   BENCH_COVERAGE_RATE, BENCH_COVERAGE_CONNECTIONS
#                      the coverage reports' offered rate (requests per second) and wrk connections;
#                      defaults 100, 16
#   NATIONAL_*         the size of the national data set, see tests/load/national.sh
#   BENCH_CONF         app.conf lines added to the bench stack's settings (newline-separated), to measure a setting:
#                      BENCH_CONF='portal.write_workers = 6'
#   BENCH_ONLY         the scenarios to run, by short name, comma-separated (default: all): catalogue, login,
#                      spread, rush, scan, scan-rate, qr, overload (runs spread too: it offers twice its rate),
#                      certs, mail, coverage (the national section); the baselines always run.
#                      `make bench ONLY=spread` measures one change in about a minute
# State in var/bench (its own MariaDB, nginx on a free port); results also in var/bench/results.tsv.
# Every run starts from an empty database: migrations, seeds, then the data set of
# tests/load/bench-data.py (about 100 seminars in region 48, the people with their sessions, and the
# confirmed registrations with tickets of the scan seminars).
# The coverage scenarios run last, on a stack of their own in var/bench-national that is kept between
# runs: the national data set of tests/load/national.sh (89 regions ... 2,000,000 registrations) takes
# minutes to load, so it is loaded again only when the migrations, the seeds, the generator or the
# NATIONAL_* settings change.
# Exit status 1 when a scenario FAILs (target missed, any non-2xx/3xx response or socket error, a
# failed sign-up, or a failed check of the data after it).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
VAR=$ROOT/var/bench
DURATION=${BENCH_SECONDS:-10}
WARMUP=${BENCH_WARMUP:-2}
WORKERS=${BENCH_WORKERS:-4}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-2}
BASELINES=(hello select update)
EXTRA=$VAR/bench-extra.conf
RESULTS=$VAR/results.tsv
COUNTER_ROWS=1000 # rows of bench_counter; tests/load/update.c picks ids 1..1000
PEOPLE=${BENCH_PEOPLE:-20000}
SEMINARS=100
RUSH_ATTEMPTS=${BENCH_RUSH_ATTEMPTS:-20000}
RUSH_PLACES=${BENCH_RUSH_PLACES:-1000}
RUSH_CONNECTIONS=${BENCH_RUSH_CONNECTIONS:-128}
RUSH_MAX_SECONDS=60 # the rush ends when all its sign-ups are answered; this is only a bound
CATALOGUE_CARDS=20  # seminar cards the catalogue page must show
PAIRS=$VAR/tmp/bench-people.txt
SCAN_SEMINARS=${BENCH_SCAN_SEMINARS:-8}
SCAN_TICKETS=${BENCH_SCAN_TICKETS:-60000}
SCAN_RATE=${BENCH_SCAN_RATE:-1000}
SCAN_RATE_CONNECTIONS=${BENCH_SCAN_RATE_CONNECTIONS:-32}
SCAN_RATE_P99=10     # ms, at SCAN_RATE scans per second (DESIGN.md section 8)
CERTS=${BENCH_CERTS:-1000}
OVERLOAD_SECONDS=${BENCH_OVERLOAD_SECONDS:-20}
OVERLOAD_CONNECTIONS=${BENCH_OVERLOAD_CONNECTIONS:-512}
CATALOGUE_RATE=${BENCH_CATALOGUE_RATE:-50}
OVERLOAD_P99_RATIO=3 # the catalogue's p99 under overload, at most this times its p99 alone (issue 14)
MAILS=${BENCH_MAILS:-2000}
MAIL_MIN_RATE=200 # letters per second to the local SMTP server (issue 12)
MAIL_MAX_SECONDS=120
CERT_BATCH_SECONDS=3 # a batch of CERTS certificates, issued in the background (DESIGN.md section 8)
CERT_MIN_RATE=250    # PDFs per second
CERT_MAX_SECONDS=120 # the batch's bound: it FAILs when the job is not done by then
NATIONAL=${BENCH_NATIONAL:-1}
ONLY=${BENCH_ONLY:-}
SCENARIOS=(catalogue login spread rush scan scan-rate qr overload certs mail coverage) # BENCH_ONLY's names
NVAR=$ROOT/var/bench-national # the national stack's state, kept between runs
COVERAGE_RATE=${BENCH_COVERAGE_RATE:-100}
COVERAGE_CONNECTIONS=${BENCH_COVERAGE_CONNECTIONS:-16}
COVERAGE_P95=50   # ms, any region or the whole country (DESIGN.md section 8)
RECOMPUTE_MAX=15  # seconds of CALL coverage_recompute() on the national data set
DOUBLE_SCANS=8       # devices scanning one fresh ticket at once in check_scan
ORGANIZER=$VAR/tmp/bench-organizer.txt  # "SID CSRF" of the organiser
TICKETS=$VAR/tmp/bench-tickets.txt      # "SEMINAR SESSION REGISTRATION CODE PERSON" per ticket, for the scripts
TICKET_STATE=$VAR/tmp/bench-ticket-next.txt # the next ticket scan.lua hands out

die() {
    echo "bench: $*" >&2
    exit 1
}
say() { echo "bench: $*" >&2; }
# True when scenario NAME (a BENCH_ONLY name) is to run.
wanted() { [[ -z $ONLY || ,$ONLY, == *,$1,* ]]; }

for v in DURATION WARMUP WORKERS CONNECTIONS THREADS PEOPLE RUSH_ATTEMPTS RUSH_PLACES RUSH_CONNECTIONS \
    SCAN_SEMINARS SCAN_TICKETS SCAN_RATE SCAN_RATE_CONNECTIONS CERTS COVERAGE_RATE COVERAGE_CONNECTIONS \
    OVERLOAD_SECONDS OVERLOAD_CONNECTIONS CATALOGUE_RATE; do
    [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive number, got '${!v}'"
done
command -v wrk >/dev/null || die "wrk not found (run scripts/deps.sh)"
command -v curl >/dev/null || die "curl not found"
command -v python3 >/dev/null || die "python3 not found"
command -v b2sum >/dev/null || die "b2sum not found (coreutils)"
[[ $NATIONAL == 0 || $NATIONAL == 1 || $NATIONAL == only ]] || die "BENCH_NATIONAL must be 0, 1 or only, got '$NATIONAL'"
for v in ${ONLY//,/ }; do
    [[ " ${SCENARIOS[*]} " == *" $v "* ]] || die "BENCH_ONLY: no scenario '$v' (one of: ${SCENARIOS[*]})"
done
[[ ,$ONLY, != *,overload,* ]] || ONLY+=,spread # the overload offers twice the spread's rate
((RUSH_ATTEMPTS <= PEOPLE)) || die "BENCH_RUSH_ATTEMPTS ($RUSH_ATTEMPTS) needs as many people (BENCH_PEOPLE is $PEOPLE)"
((RUSH_PLACES <= RUSH_ATTEMPTS)) || die "BENCH_RUSH_PLACES must not exceed BENCH_RUSH_ATTEMPTS"
((CERTS <= PEOPLE)) || die "BENCH_CERTS ($CERTS) needs as many people (BENCH_PEOPLE is $PEOPLE)"
((SCAN_TICKETS <= PEOPLE * SCAN_SEMINARS)) || SCAN_TICKETS=$((PEOPLE * SCAN_SEMINARS)) # one per person and seminar
((SCAN_TICKETS > 4 + DOUBLE_SCANS)) || die "BENCH_SCAN_TICKETS ($SCAN_TICKETS) is too small"
for p in "${BASELINES[@]}"; do
    [[ -x $ROOT/build/tests/load/$p ]] || die "build/tests/load/$p is missing (run: make bench)"
done

PORT=$("$ROOT/scripts/stack.sh" free-port)
BASE_URL=http://127.0.0.1:$PORT

stack() { VAR=$VAR PORT=$PORT WORKERS=$WORKERS EXTRA_CONF=$EXTRA "$ROOT/scripts/stack.sh" "$@"; }
stack_stop() { stack stop >&2; }

# ---------------------------------------------------------------------------- baseline programs

# True while any live, non-zombie process is in process group PGID (a master and its workers).
group_alive() {
    local pgid=$1 f stat rest st pg
    for f in /proc/[0-9]*/stat; do
        # read, not $(<file): under set -e a failed $(<file) ends bash 5.2 even after ||.
        { read -r stat <"$f"; } 2>/dev/null || continue # the process has just exited
        rest=${stat##*) }
        read -r st _ pg _ <<<"$rest"
        [[ $pg == "$pgid" && $st != Z ]] && return 0
    done
    return 1
}

# Prints the pid of baseline P when its pid file names a live process running that executable.
baseline_pid() {
    local p=$1 pid exe
    [[ -r $VAR/run/bench-$p.pid ]] || return 1
    pid=$(<"$VAR/run/bench-$p.pid")
    [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
    exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
    exe=${exe% (deleted)}
    [[ ${exe##*/} == "$p" ]] || return 1
    echo "$pid"
}

stop_baselines() {
    local p pid i
    for p in "${BASELINES[@]}"; do
        if pid=$(baseline_pid "$p"); then
            kill -TERM "$pid" 2>/dev/null || true # the master drains its workers
            for ((i = 0; i < 100; i++)); do
                group_alive "$pid" || break
                sleep 0.1
            done
            if group_alive "$pid"; then
                say "$p (pid $pid) did not stop within 10 s; killing it"
                kill -KILL -- "-$pid" 2>/dev/null || true
            fi
        fi
        rm -f "$VAR/run/bench-$p.pid"
    done
}

start_baselines() {
    local p pid deadline
    for p in "${BASELINES[@]}"; do
        rm -f "$VAR/run/$p.sock"
        # Own session and process group, like scripts/stack.sh starts the real programs.
        setsid "$ROOT/build/tests/load/$p" -c "$VAR/app.conf" </dev/null >>"$VAR/log/$p.log" 2>&1 &
        echo $! >"$VAR/run/bench-$p.pid"
    done
    deadline=$((SECONDS + 10))
    for p in "${BASELINES[@]}"; do
        pid=$(<"$VAR/run/bench-$p.pid")
        until [[ -S $VAR/run/$p.sock ]]; do
            kill -0 "$pid" 2>/dev/null || { tail -n 20 "$VAR/log/$p.log" >&2; die "$p exited during start-up (log: $VAR/log/$p.log)"; }
            ((SECONDS < deadline)) || die "$p did not create $VAR/run/$p.sock within 10 s (log: $VAR/log/$p.log)"
            sleep 0.05
        done
    done
}

# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_baselines
    stack_stop || rc=1
    national_stop || rc=1
    exit "$rc"
}

# ---------------------------------------------------------------------------- stack set-up

write_extra_conf() {
    local with_db=$1 pw="" p
    if ((with_db)); then
        pw=$(awk -F' = ' '$1 == "portal.db_password" { print $2; exit }' "$VAR/app.conf")
        [[ -n $pw ]] || die "no portal.db_password in $VAR/app.conf"
    fi
    (
        umask 077
        {
            echo "# Written by tests/load/bench.sh: settings of the bench stack, the same for the real programs and the baselines."
            echo "log_level = warn"
            for p in "${BASELINES[@]}"; do
                echo "$p.listen = $VAR/run/$p.sock"
            done
            [[ -z ${BENCH_CONF:-} ]] || printf '%s\n' "$BENCH_CONF"
            if ((with_db)); then
                # The database baselines connect as the portal does.
                for p in select update; do
                    echo "$p.db_user = sem_portal"
                    echo "$p.db_password = $pw"
                done
            fi
        } >"$EXTRA.tmp"
        mv "$EXTRA.tmp" "$EXTRA"
    )
}

write_nginx_conf() {
    local p f=$VAR/nginx.d/bench.conf
    mkdir -p "$VAR/nginx.d"
    {
        echo "# Written by tests/load/bench.sh: the baseline programs, passed like the real ones in nginx.conf."
        for p in "${BASELINES[@]}"; do
            cat <<EOF
location = /bench/$p {
    fastcgi_pass unix:$VAR/run/$p.sock;
    fastcgi_param SCRIPT_NAME "";
    include /etc/nginx/fastcgi_params;
    fastcgi_param HTTP_PROXY "";
    fastcgi_param REQUEST_ID \$request_id;
    fastcgi_keep_conn off;
}
EOF
        done
    } >"$f.tmp"
    mv "$f.tmp" "$f"
}

create_counter_table() {
    stack psql -e "DROP TABLE IF EXISTS bench_counter;
        CREATE TABLE bench_counter (id INT PRIMARY KEY, n BIGINT NOT NULL) ENGINE = InnoDB;
        INSERT INTO bench_counter (id, n) SELECT seq, 0 FROM seq_1_to_$COUNTER_ROWS;" ||
        die "creating bench_counter failed"
}

# ---------------------------------------------------------------------------- data set

SPREAD_IDS=""
RUSH_ID=""
SCAN_IDS=""
ORG_SID=""
ORG_CSRF=""
RESERVE=() # tickets kept out of the scripts' list, for the checks: "SEMINAR SESSION REGISTRATION CODE PERSON"

# Loads the data set of tests/load/bench-data.py and writes the people's (sid, csrf) pairs to $PAIRS.
load_data() {
    local out t0=$SECONDS
    out=$(python3 "$ROOT/tests/load/bench-data.py" --key-file "$VAR/secret.key" --pairs "$PAIRS" \
        --organizer-pair "$ORGANIZER" --people "$PEOPLE" --seminars "$SEMINARS" --rush-places "$RUSH_PLACES" \
        --scan-seminars "$SCAN_SEMINARS" --scan-tickets "$SCAN_TICKETS" |
        stack psql -N -B 2>&1) || { echo "$out" >&2; die "loading the data set failed"; }
    SPREAD_IDS=$(awk -F'\t' '$1 == "spread" { print $2 }' <<<"$out")
    RUSH_ID=$(awk -F'\t' '$1 == "rush" { print $2 }' <<<"$out")
    SCAN_IDS=$(awk -F'\t' '$1 == "scan" { print $2 }' <<<"$out")
    [[ $SPREAD_IDS =~ ^[0-9]+(,[0-9]+)*$ && $RUSH_ID =~ ^[0-9]+$ && $SCAN_IDS =~ ^[0-9]+(,[0-9]+)*$ ]] ||
        { echo "$out" >&2; die "the data set did not report its seminars"; }
    read -r ORG_SID ORG_CSRF <"$ORGANIZER" || die "no organiser session in $ORGANIZER"
    # The tickets in random order (of their codes); the last few are kept for the checks.
    stack psql -N -B -e "SELECT r.seminar_id, ss.id, r.id, r.ticket_code,
            SUBSTRING_INDEX(SUBSTRING(p.email, 7), '@', 1)
        FROM registration r JOIN seminar_session ss ON ss.seminar_id = r.seminar_id
        JOIN person p ON p.id = r.person_id
        WHERE r.seminar_id IN ($SCAN_IDS) AND r.status = 'confirmed' ORDER BY r.ticket_code" |
        tr '\t' ' ' >"$TICKETS.all" || die "listing the tickets failed"
    (($(wc -l <"$TICKETS.all") == SCAN_TICKETS)) ||
        die "$(wc -l <"$TICKETS.all") tickets in the data set, not $SCAN_TICKETS (one session per scan seminar)"
    mapfile -t RESERVE < <(tail -n 4 "$TICKETS.all")
    head -n -4 "$TICKETS.all" >"$TICKETS"
    rm -f "$TICKETS.all" "$TICKET_STATE"
    say "data set: $SEMINARS seminars + 1 rush seminar ($RUSH_PLACES places) + $SCAN_SEMINARS scan seminars ($SCAN_TICKETS tickets), $PEOPLE people with sessions ($((SECONDS - t0)) s)"
}

# One number from SQL.
sql_value() { stack psql -N -B -e "$1"; }

# Rows returned by sql/checks/reconcile-places.sql (every row is a broken invariant).
reconcile_rows() { stack psql -N -B <"$ROOT/sql/checks/reconcile-places.sql"; }

# ---------------------------------------------------------------------------- scenarios

declare -A RPS=()
ROWS=()      # TSV lines of the results
NOTES=()     # details of failures, printed below the table
CHECKS=()    # results of the checks of SC_CHECK functions, printed below the table
CHECK_WHY=() # failures found by the running SC_CHECK function
FAILED=0

# Converts a wrk duration (850.00us, 1.25ms, 2.01s, 1.00m) to milliseconds.
to_ms() {
    awk -v d="$1" 'BEGIN {
        if (!match(d, /^[0-9.]+/)) { print "nan"; exit }
        v = substr(d, 1, RLENGTH); u = substr(d, RLENGTH + 1)
        f = u == "us" ? 0.001 : u == "ms" ? 1 : u == "s" ? 1000 : u == "m" ? 60000 : u == "h" ? 3600000 : -1
        if (f < 0) print "nan"; else printf "%.2f", v * f
    }'
}

# scenario NAME URL BASELINE TARGET [P99_MS [MIN_RPS]] [-- WRK_ARGS...]
#   BASELINE and TARGET "-" make NAME a baseline row (no ratio; with P99_MS or MIN_RPS, a scenario with
#   only those targets); other scenarios name a baseline
#   measured before them (H0, H1, U) and the minimum ratio of its req/s. P99_MS (or "-"): the
#   maximum 99th-percentile latency; MIN_RPS (or "-"): an absolute minimum of req/s. WRK_ARGS go
#   to wrk as they are, e.g. -- -s "$ROOT/tests/load/signup.lua" or -- -c128 (later flags win).
# Variables set for one call (SC_WARMUP=0 scenario ...):
#   SC_WARMUP, SC_DURATION  seconds of warm-up (0: none) and of the measured run; default
#                           $WARMUP and $DURATION
#   SC_P95                  the maximum 95th-percentile latency in ms, read from the script's
#                           "bench-lua: ... p95_ms=X" line (wrk's own table has no 95th)
#   SC_CHECK                one of the check_* functions, run after the measured run as
#                           SC_CHECK NAME WRK_OUTPUT_FILE;
#                           it adds lines to CHECKS (printed below the table) and the reasons of a
#                           failure to CHECK_WHY (they FAIL the scenario)
# wrk runs with BENCH_PHASE=warmup or measure and BENCH_DONE_DIR (an empty directory) in its
# environment, for the scripts. A script's "bench-lua: ... bad=N" line replaces wrk's count of
# non-2xx/3xx responses (the script judges every answer).
scenario() {
    local name=$1 url=$2 base=$3 target=$4 p99max=- minrps=- extra=() out code p95max=${SC_P95:--} p95=-
    shift 4
    if (($#)) && [[ $1 != -- ]]; then p99max=$1; shift; fi
    if (($#)) && [[ $1 != -- ]]; then minrps=$1; shift; fi
    if (($#)); then
        [[ $1 == -- ]] || die "scenario $name: unexpected argument '$1'"
        shift
        extra=("$@")
    fi
    if [[ $base != - && -z ${RPS[$base]:-} ]]; then
        die "scenario $name: baseline $base has not been measured before it"
    fi

    if ((${#extra[@]} == 0)); then
        # A plain GET: one request first, so a broken page shows its status and body at once.
        code=$(curl -sS -o "$VAR/tmp/bench-probe.txt" -w '%{http_code}' --max-time 5 "$BASE_URL$url" 2>&1) || code="curl failed: $code"
        if [[ ! $code =~ ^[23][0-9][0-9]$ ]]; then
            say "$name: GET $url answered $code:"
            head -c 600 "$VAR/tmp/bench-probe.txt" >&2 || true
            echo >&2
        fi
    fi

    local warmup=${SC_WARMUP:-$WARMUP} duration=${SC_DURATION:-$DURATION} log=$VAR/log/wrk-${name//[^[:alnum:]@~.-]/_}
    local done_dir=$VAR/tmp/wrk-done
    say "$name: $url (${warmup} s warm-up, ${duration} s measured)"
    if ((warmup > 0)); then
        rm -rf "$done_dir" && mkdir -p "$done_dir"
        BENCH_PHASE=warmup BENCH_DONE_DIR=$done_dir \
            wrk -t"$THREADS" -c"$CONNECTIONS" -d"${warmup}s" "${extra[@]}" "$BASE_URL$url" >"$log-warmup.txt" 2>&1 || true
    fi
    rm -rf "$done_dir" && mkdir -p "$done_dir"
    out=$(BENCH_PHASE=measure BENCH_DONE_DIR=$done_dir \
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"${duration}s" --latency "${extra[@]}" "$BASE_URL$url" 2>&1) ||
        { echo "$out" >&2; die "$name: wrk failed"; }
    echo "$out" >"$log.txt"

    local rps p50 p99 non2xx sockerr total ratio=- verdict why=()
    rps=$(awk '$1 == "Requests/sec:" { print $2 }' <<<"$out")
    p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
    total=$(awk '$2 == "requests" && $3 == "in" { print $1 }' <<<"$out")
    non2xx=$(awk -F: '/Non-2xx or 3xx responses/ { gsub(/ /, "", $2); print $2 }' <<<"$out")
    sockerr=$(awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' <<<"$out")
    non2xx=${non2xx:-0}
    sockerr=${sockerr:-0}
    local bad
    bad=$(awk '$1 == "bench-lua:" { for (i = 2; i <= NF; i++) if ($i ~ /^bad=/) print substr($i, 5) }' <<<"$out")
    if [[ -n $bad ]]; then
        non2xx=$bad # the script's count: every answer that is not the expected 200
        grep '^bench-lua:' <<<"$out" | sed "s|^bench-lua:|bench: $name:|" >&2
    fi
    [[ -n $rps && -n $total ]] || { echo "$out" >&2; die "$name: cannot read wrk's output"; }
    rps=$(awk -v x="$rps" 'BEGIN { printf "%.0f", x }')
    RPS[$name]=$rps

    if ((non2xx > 0)); then
        if [[ -n $bad ]]; then
            why+=("$non2xx of $total answers were not the expected answer ($(sed -n 's/^bench-lua: first bad answer: //p' <<<"$out" | head -c 160))")
        else
            why+=("$non2xx of $total responses were not 2xx/3xx")
        fi
    fi
    if ((sockerr > 0)); then why+=("$sockerr socket errors ($(grep 'Socket errors' <<<"$out" | sed 's/^ *//'))"); fi
    if ((total == 0)); then why+=("no requests completed"); fi
    if [[ $base != - ]]; then
        ratio=$(awk -v a="$rps" -v b="${RPS[$base]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
        if awk -v r="$ratio" -v t="$target" 'BEGIN { exit !(r < t) }'; then
            why+=("ratio $ratio < $target x $base")
        fi
    fi
    if [[ $p99max != - ]] && awk -v p="$p99" -v m="$p99max" 'BEGIN { exit !(p == "nan" || p > m) }'; then
        why+=("p99 $p99 ms > $p99max ms")
    fi
    if [[ $minrps != - ]] && ((rps < minrps)); then why+=("$rps req/s < $minrps req/s"); fi
    if [[ $p95max != - ]]; then
        p95=$(awk '$1 == "bench-lua:" { for (i = 2; i <= NF; i++) if ($i ~ /^p95_ms=/) print substr($i, 8) }' <<<"$out")
        p95=${p95:-nan}
        if awk -v p="$p95" -v m="$p95max" 'BEGIN { exit !(p == "nan" || p > m) }'; then
            why+=("p95 $p95 ms > $p95max ms")
        fi
    fi
    if [[ -n ${SC_CHECK:-} ]]; then
        CHECK_WHY=()
        case $SC_CHECK in
        check_catalogue) check_catalogue "$name" "$log.txt" ;;
        check_spread) check_spread "$name" "$log.txt" ;;
        check_rush) check_rush "$name" "$log.txt" ;;
        check_scan) check_scan "$name" "$log.txt" ;;
        check_qr) check_qr "$name" "$log.txt" ;;
        check_coverage) check_coverage "$name" "$log.txt" ;;
        *) die "scenario $name: unknown SC_CHECK '$SC_CHECK'" ;;
        esac
        ((${#CHECK_WHY[@]} == 0)) || why+=("${CHECK_WHY[@]}")
    fi

    judge "$name" "${why[@]}"
    verdict=$VERDICT
    [[ $verdict == PASS && $base == - && $p99max == - && $minrps == - && $p95max == - ]] && verdict=ok # a baseline

    # A row without a baseline but with P99_MS or MIN_RPS is a scenario with only those targets.
    local tdesc=""
    [[ $base == - ]] || tdesc=">= $target x $base"
    [[ $p99max == - ]] || tdesc+="${tdesc:+, }p99 <= $p99max ms"
    [[ $minrps == - ]] || tdesc+="${tdesc:+, }>= $minrps/s"
    [[ $p95max == - ]] || tdesc+="${tdesc:+, }p95 <= $p95max ms"
    tdesc=${tdesc:--}
    ROWS+=("$name"$'\t'"$url"$'\t'"$rps"$'\t'"$p50"$'\t'"$p99"$'\t'"$((non2xx + sockerr))"$'\t'"$base"$'\t'"$ratio"$'\t'"$tdesc"$'\t'"$verdict")
    local p95say=""
    [[ $p95max == - ]] || p95say=" p95 $p95 ms,"
    say "$name: $rps req/s, p50 $p50 ms,$p95say p99 $p99 ms, $((non2xx + sockerr)) errors -> $verdict"
}

# ---------------------------------------------------------------------------- checks after scenarios

LOG_MARK=0

# Remembers the end of the portal's log: log_news prints what a scenario added to it.
log_mark() { LOG_MARK=$(stat -c %s "$VAR/log/portal.log" 2>/dev/null || echo 0); }
log_news() { tail -c +"$((LOG_MARK + 1))" "$VAR/log/portal.log" 2>/dev/null || true; }

# The database's retries and errors during a sign-up scenario (deadlocks, lock waits): information.
db_retries() {
    local news retries errors
    news=$(log_news)
    retries=$(grep -c 'transaction retry' <<<"$news" || true)
    errors=$(grep -Eci 'error|failed' <<<"$news" || true)
    echo "$retries transaction retries and $errors errors in the portal log"
    if ((errors > 0)); then
        # Without time and request id, so the same error counts once; head may cut the pipe short.
        grep -Ei 'error|failed' <<<"$news" | sed -E 's/^[^ ]+ [^ ]+ [^ ]+ rid=[^ ]+ //' | sort | uniq -c | sort -rn |
            head -n 3 | sed "s/^ */bench:   /" >&2 || true
    fi
}

# KEY=N of the "bench-lua:" line of a wrk output file; 0 when absent.
lua_value() {
    awk -v k="$1" '$1 == "bench-lua:" { for (i = 2; i <= NF; i++) if (index($i, k "=") == 1) { print substr($i, length(k) + 2); f = 1 } }
        END { if (!f) print 0 }' "$2"
}

check_catalogue() {
    local name=$1 code cards
    code=$(curl -sS -o "$VAR/tmp/bench-catalogue.html" -w '%{http_code}' --max-time 5 "$BASE_URL/" 2>&1) || code="curl: $code"
    cards=$(grep -o '<li class="card"' "$VAR/tmp/bench-catalogue.html" 2>/dev/null | wc -l)
    CHECKS+=("$name: GET / answered $code with $cards seminar cards (want $CATALOGUE_CARDS)")
    [[ $code == 200 ]] || CHECK_WHY+=("GET / answered $code")
    ((cards >= CATALOGUE_CARDS)) || CHECK_WHY+=("the page shows $cards seminar cards, not $CATALOGUE_CARDS")
}

# The requests still in flight when a timed run ends are processed but never answered: the
# database holds between the answered and the sent sign-ups of the warm-up and the run.
check_spread() {
    local name=$1 log=$2 answered sent f in_db rec
    answered=0 sent=0
    for f in "$log" "${log%.txt}-warmup.txt"; do
        [[ -r $f ]] || continue
        answered=$((answered + $(lua_value confirmed "$f") + $(lua_value waitlisted "$f")))
        sent=$((sent + $(lua_value sent "$f")))
    done
    in_db=$(sql_value "SELECT COUNT(*) FROM registration WHERE seminar_id IN ($SPREAD_IDS)")
    rec=$(reconcile_rows)
    CHECKS+=("$name: $sent sign-ups sent and $answered answered (warm-up and run), $in_db registrations in the database; reconcile-places.sql: $([[ -z $rec ]] && echo "no rows" || echo "$(wc -l <<<"$rec") rows"); $(db_retries)")
    ((answered <= in_db && in_db <= sent)) ||
        CHECK_WHY+=("$in_db registrations in the database, not between the $answered answered and the $sent sent")
    [[ -z $rec ]] || CHECK_WHY+=("reconcile-places.sql: $(head -n 3 <<<"$rec" | tr '\t\n' ' ;')")
}

check_rush() {
    local name=$1 log=$2 sent answers lc lw row c w n taken rec want_w=$((RUSH_ATTEMPTS - RUSH_PLACES))
    sent=$(lua_value sent "$log")
    answers=$(lua_value answers "$log")
    lc=$(lua_value confirmed "$log")
    lw=$(lua_value waitlisted "$log")
    row=$(sql_value "SELECT COALESCE(SUM(status = 'confirmed'), 0), COALESCE(SUM(status = 'waitlisted'), 0), COUNT(*),
        (SELECT taken_in_person FROM seminar WHERE id = $RUSH_ID) FROM registration WHERE seminar_id = $RUSH_ID")
    read -r c w n taken <<<"$row"
    rec=$(reconcile_rows)
    CHECKS+=("$name: $sent attempts sent, $answers answered ($lc confirmed, $lw waitlisted); database: $c confirmed (want $RUSH_PLACES), $w waitlisted (want $want_w), $n registrations, taken_in_person $taken; reconcile-places.sql: $([[ -z $rec ]] && echo "no rows" || echo "$(wc -l <<<"$rec") rows"); $(db_retries)")
    ((sent == RUSH_ATTEMPTS && answers == RUSH_ATTEMPTS)) ||
        CHECK_WHY+=("$answers of $RUSH_ATTEMPTS attempts answered ($sent sent) within $RUSH_MAX_SECONDS s")
    ((c == RUSH_PLACES)) || CHECK_WHY+=("$c confirmed in the database, not $RUSH_PLACES")
    ((w == want_w)) || CHECK_WHY+=("$w waitlisted in the database, not $want_w")
    ((lc == c && lw == w)) || CHECK_WHY+=("the answers ($lc confirmed, $lw waitlisted) differ from the database ($c, $w)")
    [[ -z $rec ]] || CHECK_WHY+=("reconcile-places.sql: $(head -n 3 <<<"$rec" | tr '\t\n' ' ;')")
}

# POSTs one door scan as the organiser: scan_once SEMINAR SESSION CODE CLIENT_SCAN_ID DEVICE_ID;
# prints the body, then the HTTP status on a line of its own.
scan_once() {
    curl -sS --max-time 10 -w '\n%{http_code}\n' -H 'Accept: application/json' -H "Cookie: sid=$ORG_SID" \
        -H "X-CSRF-Token: $ORG_CSRF" --data-urlencode "code=$3" --data-urlencode "client_scan_id=$4" \
        --data-urlencode "device_id=$5" --data-urlencode "session_id=$2" "$BASE_URL/checkin/$1/scan" 2>&1 || true
}

# "STATUS RESULT REPLAY" of a scan_once output file (RESULT "-" when the body has none).
scan_answer() {
    local status result replay
    status=$(tail -n 1 "$1")
    result=$(grep -o '"result": *"[a-z_]*"' "$1" | head -n 1 | sed 's/.*"\([a-z_]*\)"$/\1/')
    replay=$(grep -o '"replay": *[a-z]*' "$1" | head -n 1 | sed 's/.*: *//')
    echo "$status ${result:--} ${replay:--}"
}

SCAN_SENT=0     # scans handed out by scan.lua (all runs so far, warm-ups included)
SCAN_ANSWERED=0 # scans answered to scan.lua
SCAN_CHECKED=0  # scans recorded by the checks' own requests (replays not included)
RESERVE_USED=0

# After a scan run: its answers, a double scan of a fresh ticket, and the scan log against the attendance.
check_scan() {
    local name=$1 log=$2 f sent=0 answers=0 ok=0 already=0 repeats=0
    for f in "$log" "${log%.txt}-warmup.txt"; do
        [[ -r $f ]] || continue
        sent=$((sent + $(lua_value sent "$f")))
        answers=$((answers + $(lua_value answers "$f")))
        ok=$((ok + $(lua_value ok "$f")))
        already=$((already + $(lua_value already "$f")))
        repeats=$((repeats + $(lua_value repeats "$f")))
    done
    SCAN_SENT=$((SCAN_SENT + sent))
    SCAN_ANSWERED=$((SCAN_ANSWERED + answers))
    # A first scan answered "already" would be a check-in nobody made.
    ((already <= repeats)) ||
        CHECK_WHY+=("$already scans answered \"already\", but only $repeats were second scans of a ticket")
    local used=-
    [[ -r $TICKET_STATE ]] && used=$(<"$TICKET_STATE")

    # The double scan: DOUBLE_SCANS devices scan one never-scanned ticket at the same moment, then the
    # first device uploads its scan again (a retry with the same client_scan_id).
    local sem ses reg code person i pids=() st res rep n_ok=0 n_already=0 n_other=0 first_res="" other=""
    read -r sem ses reg code person <<<"${RESERVE[RESERVE_USED]}"
    RESERVE_USED=$((RESERVE_USED + 1))
    for ((i = 1; i <= DOUBLE_SCANS; i++)); do
        scan_once "$sem" "$ses" "$code" "bench-double-$$-$RESERVE_USED-$i" "bench-check-$i" \
            >"$VAR/tmp/bench-double-$i.txt" &
        pids+=($!)
    done
    wait "${pids[@]}" || true
    SCAN_CHECKED=$((SCAN_CHECKED + DOUBLE_SCANS))
    for ((i = 1; i <= DOUBLE_SCANS; i++)); do
        read -r st res rep <<<"$(scan_answer "$VAR/tmp/bench-double-$i.txt")"
        ((i > 1)) || first_res=$res
        if [[ $st == 200 && $res == ok ]]; then
            n_ok=$((n_ok + 1))
        elif [[ $st == 200 && $res == already ]]; then
            n_already=$((n_already + 1))
        else
            n_other=$((n_other + 1))
            [[ -n $other ]] || other="$st $(head -c 200 "$VAR/tmp/bench-double-$i.txt" | tr '\n' ' ')"
        fi
    done
    scan_once "$sem" "$ses" "$code" "bench-double-$$-$RESERVE_USED-1" bench-check-1 >"$VAR/tmp/bench-double-replay.txt"
    read -r st res rep <<<"$(scan_answer "$VAR/tmp/bench-double-replay.txt")"
    local present
    present=$(sql_value "SELECT COUNT(*) FROM attendance WHERE registration_id = $reg AND session_id = $ses")
    CHECKS+=("$name: double scan of ticket $reg by $DOUBLE_SCANS devices at once: $n_ok ok, $n_already already, $n_other other; the retried upload: $st $res, replay $rep; $present attendance rows for the ticket")
    ((n_ok == 1 && n_already == DOUBLE_SCANS - 1)) ||
        CHECK_WHY+=("double scan: $n_ok ok and $n_already already of $DOUBLE_SCANS, not 1 and $((DOUBLE_SCANS - 1))${other:+ (first other answer: $other)}")
    ((present == 1)) || CHECK_WHY+=("double scan: $present attendance rows for one ticket, not 1")
    [[ $st == 200 && $res == "$first_res" && $rep == true ]] ||
        CHECK_WHY+=("the retried upload answered $st $res, replay $rep (want 200 $first_res, replay true)")

    # The log against the attendance: one attendance row per ticket scanned, made by its one "ok" scan;
    # every scan answered is in the log (those in flight when a timed run ends may be too).
    local row att tickets oks events
    row=$(sql_value "SELECT
            (SELECT COUNT(*) FROM attendance a JOIN seminar_session ss ON ss.id = a.session_id
             WHERE ss.seminar_id IN ($SCAN_IDS)),
            COUNT(DISTINCT IF(result IN ('ok', 'already'), registration_id, NULL)),
            COALESCE(SUM(result = 'ok'), 0), COUNT(*)
        FROM scan_event WHERE seminar_id IN ($SCAN_IDS)")
    read -r att tickets oks events <<<"$row"
    CHECKS+=("$name: $sent scans sent and $answers answered (warm-up and run: $ok ok, $already already, $repeats second scans of a ticket), tickets handed out up to $used of $((SCAN_TICKETS - ${#RESERVE[@]})); database over all scan runs: $events scans logged (answered $((SCAN_ANSWERED + SCAN_CHECKED)), sent $((SCAN_SENT + SCAN_CHECKED))), $oks ok, $tickets distinct tickets scanned, $att attendance rows")
    ((att == tickets)) || CHECK_WHY+=("$att attendance rows for $tickets distinct tickets scanned")
    ((att == oks)) || CHECK_WHY+=("$att attendance rows but $oks scans answered ok")
    ((SCAN_ANSWERED + SCAN_CHECKED <= events && events <= SCAN_SENT + SCAN_CHECKED)) ||
        CHECK_WHY+=("$events scans logged, not between the $((SCAN_ANSWERED + SCAN_CHECKED)) answered and the $((SCAN_SENT + SCAN_CHECKED)) sent")
    # The present-counters the answers came from (session_presence) against the check-ins.
    local pres
    pres=$(stack psql -N -B <"$ROOT/sql/checks/reconcile-presence.sql")
    CHECKS+=("$name: reconcile-presence.sql: $([[ -z $pres ]] && echo "no rows" || echo "$(wc -l <<<"$pres") rows")")
    [[ -z $pres ]] || CHECK_WHY+=("reconcile-presence.sql: $(head -n 3 <<<"$pres" | tr '\t\n' ' ;')")

    # The coverage upkeep the scans queued (coverage_queue, README «Coverage upkeep»): applied within 2 s of
    # the run's end, and then every check-in that counts by the rule has its fact, and no other.
    local t0 waited queued left facts want
    queued=$(sql_value "SELECT COUNT(*) FROM coverage_queue")
    t0=$EPOCHREALTIME left=$queued
    while ((left > 0)) && awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { exit !(b - a < 10) }'; do
        sleep 0.05
        left=$(sql_value "SELECT COUNT(*) FROM coverage_queue")
    done
    waited=$(awk -v a="$t0" -v b="$EPOCHREALTIME" -v q="$queued" 'BEGIN { printf "%.2f", (q > 0 ? b - a : 0) }')
    facts=$(sql_value "SELECT COUNT(*) FROM coverage_fact WHERE seminar_id IN ($SCAN_IDS)")
    want=$(sql_value "SELECT COUNT(*) FROM coverage_candidate c WHERE c.seminar_id IN ($SCAN_IDS)
        AND attendance_qualifies(c.rule, c.pct, c.sessions,
            (SELECT COUNT(*) FROM attendance a WHERE a.registration_id = c.registration_id AND a.mode = 'in_person'
             AND a.undone_at IS NULL),
            (SELECT COUNT(*) FROM attendance a WHERE a.registration_id = c.registration_id AND a.mode = 'online'
             AND a.undone_at IS NULL))")
    CHECKS+=("$name: coverage upkeep: $queued check-ins queued at the run's end, applied in $waited s; $facts facts of the scan seminars, $want by the rule")
    ((left == 0)) && [[ $(awk -v w="$waited" 'BEGIN { print (w <= 2) }') == 1 ]] ||
        CHECK_WHY+=("the coverage queue took $waited s to apply after the run (at most 2 s)")
    ((facts == want)) || CHECK_WHY+=("$facts coverage facts of the scan seminars, $want by the rule")
}

# After the QR run: the owner, an organiser and another participant ask for one ticket's image.
check_qr() {
    local name=$1 sem ses reg code person other osid code_owner code_org code_other ctype sig
    read -r sem ses reg code person <<<"$(head -n 1 "$TICKETS")"
    other=$((person % PEOPLE + 1))
    read -r osid _ < <(sed -n "${other}p" "$PAIRS")
    code_owner=$(curl -sS --max-time 5 -o "$VAR/tmp/bench-ticket.png" -w '%{http_code} %{content_type}' \
        -H "Cookie: sid=$(sed -n "${person}p" "$PAIRS" | cut -d' ' -f1)" "$BASE_URL/tickets/$reg.png" 2>&1) || true
    read -r code_owner ctype <<<"$code_owner"
    sig=$(head -c 8 "$VAR/tmp/bench-ticket.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')
    code_org=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' -H "Cookie: sid=$ORG_SID" \
        "$BASE_URL/tickets/$reg.png" 2>&1) || true
    code_other=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' -H "Cookie: sid=$osid" \
        "$BASE_URL/tickets/$reg.png" 2>&1) || true
    CHECKS+=("$name: GET /tickets/$reg.png by its owner: $code_owner $ctype ($(stat -c %s "$VAR/tmp/bench-ticket.png" 2>/dev/null || echo 0) bytes), by the organiser: $code_org, by another participant: $code_other (want 200, 200, 403)")
    [[ $code_owner == 200 && $ctype == image/png && $sig == 89504e470d0a1a0a ]] ||
        CHECK_WHY+=("the owner got $code_owner $ctype, not a PNG")
    [[ $code_org == 200 ]] || CHECK_WHY+=("the organiser got $code_org")
    [[ $code_other == 403 ]] || CHECK_WHY+=("another participant got $code_other, not 403")
}

# The certificate batch: CERTS people of the data set checked in at the door of one finished seminar of
# the organiser's; the organiser issues their certificates (POST, as the page's form does) and the job is
# polled as the page's script does, until it is done. Seconds from the POST to done, and PDFs per second.
# Twice the sign-up capacity of this run (the req/s of "sign-up spread") offered at a fixed rate for
# OVERLOAD_SECONDS, while the catalogue is asked for at CATALOGUE_RATE: its p99 must stay within
# OVERLOAD_P99_RATIO x its p99 at the same rate alone, measured just before. Sign-ups beyond what is served
# are refused (503 with Retry-After): counted, not errors; any other answer is one.
# mail_aside: the letters queued by earlier scenarios wait a day (the portal's senders would render and send
# them meanwhile, tens of thousands after the rush, and what is measured would share the CPU with them); prints
# how many.
mail_aside() {
    sql_value "UPDATE mail_message SET next_attempt_at = next_attempt_at + INTERVAL 1 DAY WHERE status = 'queued';
        SELECT ROW_COUNT()"
}

# queue_settle MAX_SECONDS: waits until the checkin program's runner has applied the coverage upkeep the door
# scenarios queued (thousands of scans, applied within a bounded delay, DESIGN.md section 5), at most MAX_SECONDS;
# prints what it saw. A scenario after the door would otherwise share the CPU with that upkeep.
queue_settle() {
    local i q=0
    for ((i = 0; i < $1 * 2; i++)); do
        q=$(sql_value "SELECT COUNT(*) FROM coverage_queue")
        ((q == 0)) && break
        sleep 0.5
    done
    echo "coverage queue $q rows after $((i / 2)) s"
}

# settle: what a scenario after others does first: the letters set aside, the coverage queue applied, InnoDB's
# purge and flushing done; prints what it saw.
settle() {
    local aside
    aside=$(mail_aside) || die "setting the letters aside failed"
    echo "$aside letters set aside; $(queue_settle 60); $(innodb_settle 30)"
}

# innodb_settle MAX_SECONDS: waits until InnoDB has done the background work earlier scenarios left (purge: history
# list under 1,000; dirty pages under 2,000), at most MAX_SECONDS; prints what it saw.
innodb_settle() {
    local i h=0 d=0
    for ((i = 0; i < $1 * 2; i++)); do
        read -r h d <<<"$(sql_value "SELECT MAX(IF(VARIABLE_NAME = 'INNODB_HISTORY_LIST_LENGTH', VARIABLE_VALUE, 0)),
                MAX(IF(VARIABLE_NAME = 'INNODB_BUFFER_POOL_PAGES_DIRTY', VARIABLE_VALUE, 0))
            FROM information_schema.GLOBAL_STATUS")"
        ((h < 1000 && d < 2000)) && break
        sleep 0.5
    done
    echo "InnoDB history list $h, dirty pages $d after $((i / 2)) s"
}

overload_scenario() {
    local name="overload: catalogue, 2 x sign-up capacity" log=$VAR/log/wrk-overload cap rate nsem
    local idle_p99 p50 p99 rps ratio sent c w refused bad offered why=() verdict done_dir=$VAR/tmp/wrk-done
    cap=${RPS["sign-up spread"]}
    rate=$((cap * 2))
    nsem=$(tr ',' '\n' <<<"$SPREAD_IDS" | wc -l)
    say "$name: the catalogue at $CATALOGUE_RATE/s alone, then with sign-ups offered at $rate/s for $OVERLOAD_SECONDS s"
    # The catalogue alone on a machine at rest: not while InnoDB still purges and flushes the spread's 12,000 sign-ups.
    say "$name: $(settle)"
    BENCH_RATE=$CATALOGUE_RATE wrk -t"$THREADS" -c16 -d"${OVERLOAD_SECONDS}s" --latency -s "$ROOT/tests/load/paced.lua" \
        "$BASE_URL/" >"$log-idle.txt" 2>&1 || die "$name: wrk failed"
    rm -rf "$done_dir" && mkdir -p "$done_dir"
    # Pairs a quarter into the list: between the spread's warm-up (from 0) and its run (from the half).
    BENCH_PHASE=measure BENCH_OFFSET=$((PEOPLE * nsem / 4)) BENCH_RATE=$rate BENCH_REFUSED=1 BENCH_DONE_DIR=$done_dir \
        wrk -t"$THREADS" -c"$OVERLOAD_CONNECTIONS" -d"$((OVERLOAD_SECONDS + 2))s" -s "$ROOT/tests/load/signup.lua" \
        "$BASE_URL/seminars/${SPREAD_IDS%%,*}/register" >"$log-signup.txt" 2>&1 &
    sleep 1
    BENCH_RATE=$CATALOGUE_RATE wrk -t"$THREADS" -c16 -d"${OVERLOAD_SECONDS}s" --latency -s "$ROOT/tests/load/paced.lua" \
        "$BASE_URL/" >"$log.txt" 2>&1 || die "$name: wrk failed"
    wait $! || die "$name: wrk of the sign-ups failed"
    idle_p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$log-idle.txt")")
    p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$log.txt")")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$log.txt")")
    rps=$(awk '$1 == "Requests/sec:" { printf "%.0f", $2 }' "$log.txt")
    bad=$(awk -F: '/Non-2xx or 3xx responses/ { gsub(/ /, "", $2); print $2 }' "$log.txt")
    bad=$((${bad:-0} + $(lua_value bad "$log-signup.txt")))
    sent=$(lua_value sent "$log-signup.txt")
    c=$(lua_value confirmed "$log-signup.txt")
    w=$(lua_value waitlisted "$log-signup.txt")
    refused=$(lua_value refused "$log-signup.txt")
    offered=$((sent / (OVERLOAD_SECONDS + 2)))
    ratio=$(awk -v a="$p99" -v b="$idle_p99" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    CHECKS+=("$name: catalogue p99 $idle_p99 ms alone, $p99 ms under load (x $ratio); sign-ups offered $offered/s (2 x $cap/s asked), $((c + w)) served ($(((c + w) / (OVERLOAD_SECONDS + 2)))/s), $refused refused with 503 + Retry-After, $bad other answers")
    awk -v r="$ratio" -v m="$OVERLOAD_P99_RATIO" 'BEGIN { exit !(r > m) }' && why+=("catalogue p99 x $ratio > x $OVERLOAD_P99_RATIO")
    ((bad == 0)) || why+=("$bad answers neither served nor refused ($(sed -n 's/^bench-lua: first bad answer: //p' "$log-signup.txt" | head -c 160))")
    judge "$name" "${why[@]}"
    verdict=$VERDICT
    ROWS+=("$name"$'\t'"/"$'\t'"$rps"$'\t'"$p50"$'\t'"$p99"$'\t'"$bad"$'\t'"alone"$'\t'"$ratio"$'\t'"p99 <= $OVERLOAD_P99_RATIO x alone ($idle_p99 ms)"$'\t'"$verdict")
    say "$name: catalogue p99 $idle_p99 -> $p99 ms (x $ratio), sign-ups $((c + w)) served, $refused refused -> $verdict"
}

cert_batch() {
    local name="certificates, $CERTS batch" sem job code st="" t0 t1 secs rate row n files total ndone size why=()
    sem=$(sql_value "INSERT INTO seminar (title, description, format, status, organizer_id, region_id, venue, address,
            cap_in_person, taken_in_person, hours, starts_at, ends_at, attendance_rule)
        SELECT 'Практикум: официальные страницы учреждений в социальных сетях — контент-план, модерация, отчётность',
               'Все участники отмечены на входе: их сертификаты выпускаются одной партией.', 'in_person', 'finished',
               id, 48, 'Центр управления регионом', 'пл. Ленина, 1', $CERTS, $CERTS, 8.0,
               CURDATE() - INTERVAL 2 DAY + INTERVAL 10 HOUR, CURDATE() - INTERVAL 1 DAY + INTERVAL 18 HOUR, 'door'
        FROM person WHERE email = 'bench-organizer@bench.invalid';
        SET @s = LAST_INSERT_ID();
        INSERT INTO seminar_sector (seminar_id, sector_id) VALUES (@s, 1);
        INSERT INTO seminar_session (seminar_id, starts_at, ends_at) SELECT id, starts_at, ends_at FROM seminar WHERE id = @s;
        SET @ss = LAST_INSERT_ID();
        INSERT INTO registration (seminar_id, person_id, organization_id, mode, status, queued_at, source, ticket_code)
        SELECT @s, p.id, p.organization_id, 'in_person', 'confirmed', NOW(6), 'self',
               SUBSTR(REPLACE(REPLACE(TO_BASE64(RANDOM_BYTES(16)), '+', '-'), '/', '_'), 1, 22)
        FROM seq_1_to_$CERTS s JOIN person p ON p.email = CONCAT('bench-', s.seq, '@bench.invalid');
        INSERT INTO attendance (registration_id, session_id, mode, scan_id, at)
        SELECT id, @ss, 'in_person', 0, NOW() FROM registration WHERE seminar_id = @s;
        CALL coverage_touch_seminar(@s);
        INSERT INTO seminar_certificate (seminar_id, template_id, issuer, signatory)
        SELECT @s, MIN(id), 'ЦУР Липецкой области', 'Директор А. А. Петров' FROM certificate_template
        WHERE builtin IS NOT NULL AND archived_at IS NULL;
        SELECT @s") || die "$name: setting up the seminar failed"
    say "$name: $(settle)"
    say "$name: seminar $sem, POST /certificates/seminars/$sem/issue, polling the job"
    t0=$EPOCHREALTIME
    code=$(curl -sS -o "$VAR/tmp/bench-issue.txt" -w '%{http_code}' --max-time 10 -X POST -H "Cookie: sid=$ORG_SID" \
        -H "X-CSRF-Token: $ORG_CSRF" "$BASE_URL/certificates/seminars/$sem/issue" 2>&1) || true
    job=$(sql_value "SELECT MAX(id) FROM certificate_job WHERE seminar_id = $sem")
    if [[ $code == 303 && $job =~ ^[0-9]+$ ]]; then
        while ((${EPOCHREALTIME%.*} - ${t0%.*} < CERT_MAX_SECONDS)); do
            st=$(curl -sS --max-time 5 -H 'Accept: application/json' -H "Cookie: sid=$ORG_SID" \
                "$BASE_URL/certificates/jobs/$job" 2>/dev/null | grep -o '"status": *"[a-z]*"' | head -n 1 |
                sed 's/.*"\([a-z]*\)"$/\1/') || true
            [[ $st == 'done' || $st == 'failed' ]] && break
            sleep 0.05
        done
    else
        why+=("POST issue answered $code: $(head -c 200 "$VAR/tmp/bench-issue.txt" | tr '\n' ' ')")
    fi
    t1=$EPOCHREALTIME
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    rate=$(awk -v n="$CERTS" -v s="$secs" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')
    row=$(sql_value "SELECT COUNT(*), (SELECT CONCAT(total, ' ', done) FROM certificate_job WHERE seminar_id = $sem
        ORDER BY id DESC LIMIT 1) FROM certificate c WHERE c.seminar_id = $sem")
    read -r n total ndone <<<"$row"
    # The PDFs: the files under files_dir that the certificates' rows name (by SHA-256), and their size.
    read -r files size <<<"$(sql_value "SELECT f.sha256 FROM certificate c JOIN certificate_file f
        ON f.certificate_id = c.id WHERE c.seminar_id = $sem" | sed "s|^\(..\)|$VAR/files/\1/|" |
        xargs -r stat -c %s 2>/dev/null | awk '{ n++; s += $1 } END { printf "%d %.0f", n, (n ? s / n / 1024 : 0) }')"
    CHECKS+=("$name: job ${job:-?} $st in $secs s ($rate PDFs/s); $n certificates, $files PDFs (${size} KB on average), job total ${total:-?} done ${ndone:-?} (want $CERTS each)")
    [[ $st == 'done' ]] || why+=("the job is '${st:-unknown}', not done, after $secs s")
    ((n == CERTS && files == CERTS)) || why+=("$n certificates and $files PDFs, not $CERTS")
    [[ ${total:-} == "$CERTS" && ${ndone:-} == "$CERTS" ]] || why+=("job total ${total:-?} done ${ndone:-?}, not $CERTS")
    awk -v s="$secs" -v m="$CERT_BATCH_SECONDS" 'BEGIN { exit !(s > m) }' && why+=("$secs s > $CERT_BATCH_SECONDS s")
    ((rate >= CERT_MIN_RATE)) || why+=("$rate PDFs/s < $CERT_MIN_RATE PDFs/s")
    local verdict
    judge "$name" "${why[@]}"
    verdict=$VERDICT
    # The PDFs/s stand in the req/s column; the batch's seconds are in the check line.
    ROWS+=("$name"$'\t'"/certificates/seminars/$sem/issue"$'\t'"$rate"$'\t'-$'\t'-$'\t'$((${#why[@]} > 0))$'\t'-$'\t'-$'\t'"<= $CERT_BATCH_SECONDS s, >= $CERT_MIN_RATE PDFs/s"$'\t'"$verdict")
    say "$name: $secs s, $rate PDFs/s -> $verdict"
}

# The mail batch: MAILS letters (the size of an address confirmation) queued at once in the outbox, as a burst of
# sign-ups leaves them; the portal's background senders deliver them to the stack's SMTP server. Seconds from the
# queueing to the last one sent, and letters per second; every one must be sent once. The letters earlier scenarios
# left in the outbox (the rush's and the overload's: tens of thousands, rendered when sent) are set aside for a day
# first, or the batch would measure how long they take.
mail_batch() {
    local name="mail sender, $MAILS letters" t0 t1 secs rate sent=0 files before why=()
    before=$(settle)
    find "$VAR/mail/new" -type f -delete 2>/dev/null || true # the Maildir outlives the stack's database
    sql_value "INSERT INTO mail_message (kind, event_key, recipient, recipient_name, subject, body_text, body_html, message_id)
        SELECT 'address_confirm', CONCAT('bench:', s.seq), CONCAT('bench-mail-', s.seq, '@bench.invalid'),
               'Участник Бенчмарка', 'Подтвердите адрес электронной почты', REPEAT('Текст письма со ссылкой. ', 40),
               CONCAT('<p>', REPEAT('Текст письма со ссылкой. ', 40), '</p>'), CONCAT('bench.', s.seq, '@seminars.local')
        FROM seq_1_to_$MAILS s" >/dev/null || die "$name: queueing failed"
    t0=$EPOCHREALTIME
    while ((${EPOCHREALTIME%.*} - ${t0%.*} < MAIL_MAX_SECONDS)); do
        sent=$(sql_value "SELECT COUNT(*) FROM mail_message WHERE event_key LIKE 'bench:%' AND status = 'sent'")
        ((sent == MAILS)) && break
        sleep 0.1
    done
    t1=$EPOCHREALTIME
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    rate=$(awk -v n="$sent" -v s="$secs" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')
    # grep finds none when nothing was sent: under pipefail that is a status, not the end of the run.
    files=$(grep -rl 'bench-mail-' "$VAR/mail/new" | wc -l || true)
    CHECKS+=("$name: $sent sent in $secs s ($rate letters/s), $files files in the SMTP server's Maildir (want $MAILS each); before it: $before")
    ((sent == MAILS && files == MAILS)) || why+=("$sent sent and $files stored, not $MAILS")
    ((rate >= MAIL_MIN_RATE)) || why+=("$rate letters/s < $MAIL_MIN_RATE letters/s")
    local verdict
    judge "$name" "${why[@]}"
    verdict=$VERDICT
    ROWS+=("$name"$'\t'"(outbox -> SMTP)"$'\t'"$rate"$'\t'-$'\t'-$'\t'$((${#why[@]} > 0))$'\t'-$'\t'-$'\t'">= $MAIL_MIN_RATE letters/s"$'\t'"$verdict")
    say "$name: $secs s, $rate letters/s -> $verdict"
}

# ---------------------------------------------------------------------------- coverage on the national data set

NPORT=""
NSID=""     # the administrator's session on the national stack
NATIONAL_REGIONS_ASKED="" # the regions of the region report's requests, for the check line

nstack() { VAR=$NVAR PORT=$NPORT WORKERS=$WORKERS DEMO=0 EXTRA_CONF=$NVAR/bench-extra.conf "$ROOT/scripts/stack.sh" "$@"; }
nsql() { nstack psql -N -B "$@"; }
# shellcheck disable=SC2317 # invoked by cleanup
national_stop() { VAR=$NVAR "$ROOT/scripts/stack.sh" stop >&2; }

# What the loaded data set depends on: when it changes, the national database is made again.
national_fingerprint() {
    {
        cat "$ROOT"/sql/migrations/*.sql "$ROOT"/sql/seed/0*.sql "$ROOT"/tests/load/national.{sh,sql}
        env | grep '^NATIONAL_' | sort || true
    } | sha256sum | cut -d' ' -f1
}

# Starts the national stack on a free port with the data set loaded (tests/load/national.sh does nothing
# when its marker says it is there) and an administrator's session in NSID.
national_start() {
    local fp hash
    mkdir -p "$NVAR"
    echo "log_level = warn" >"$NVAR/bench-extra.conf"
    NPORT=$("$ROOT/scripts/stack.sh" free-port)
    fp=$(national_fingerprint)
    if [[ ! -r $NVAR/national.fingerprint || $(<"$NVAR/national.fingerprint") != "$fp" ]]; then
        say "national data set: first run, or the schema, the seeds or the generator changed: made anew in $NVAR"
        national_stop
        rm -rf "$NVAR/db" "$NVAR/national.fingerprint"
    fi
    nstack start >&2
    VAR=$NVAR "$ROOT/tests/load/national.sh" || die "loading the national data set failed"
    echo "$fp" >"$NVAR/national.fingerprint"
    NSID=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n') # 43 characters, like auth_login makes
    hash=$(printf '%s' "$NSID" | b2sum -l 256 | cut -d' ' -f1)
    nsql -e "INSERT INTO person (email, password_hash, full_name, full_name_dat, position, consent_at, consent_version)
        VALUES ('bench-admin@bench.invalid', '!', 'Администратор Нагрузочного Теста', 'Администратору Нагрузочного Теста',
                'Администратор', NOW(), '2026-01')
        ON DUPLICATE KEY UPDATE email = email;
        SET @a = (SELECT id FROM person WHERE email = 'bench-admin@bench.invalid');
        INSERT IGNORE INTO role_grant (person_id, role) VALUES (@a, 'admin');
        DELETE FROM web_session WHERE person_id = @a;
        INSERT INTO web_session (id_hash, person_id, expires_at, ip) VALUES (X'$hash', @a, NOW() + INTERVAL 1 DAY, '127.0.0.1')" ||
        die "creating the administrator's session failed"
}

# The request lists of coverage.lua: eight regions (the seed's three and five others) or the country, in
# periods from all time to one month (none: the current year), some with a sector filter, JSON and HTML.
national_urls() {
    local periods=("" all 2026 2025 2024 2026-Q3 2025-Q1 2026-10 2024-06) r p f q i=0 regions
    regions=$(nsql -e "SELECT id FROM region ORDER BY id IN (48, 23, 39) DESC, CRC32(id), id LIMIT 8") ||
        die "listing the regions failed"
    NATIONAL_REGIONS_ASKED=${regions//$'\n'/, }
    for r in $regions; do
        for p in "${periods[@]}"; do
            i=$((i + 1))
            echo "$( ((i % 2)) && echo json || echo html) /reports/coverage?region=$r${p:+&period=$p}$( ((i % 3)) || echo "&sector=$((i % 6 + 1))")"
        done
    done >"$NVAR/tmp/coverage-region.txt"
    i=0
    for p in "${periods[@]}"; do
        for f in json html; do
            i=$((i + 1))
            q=${p:+period=$p}$( ((i % 3)) || echo "${p:+&}sector=$((i % 6 + 1))")
            echo "$f /reports/coverage${q:+?}$q"
        done
    done >"$NVAR/tmp/coverage-country.txt"
}

check_coverage() {
    local name=$1 log=$2 what="the country"
    [[ $BENCH_URLS == *region* ]] && what="regions $NATIONAL_REGIONS_ASKED"
    CHECKS+=("$name: $(lua_value sent "$log") requests sent, $(lua_value answers "$log") answered, $(wc -l <"$BENCH_URLS") URLs ($what; all time to one month; JSON and HTML) at ~$COVERAGE_RATE/s: p50 $(lua_value p50_ms "$log") ms, p95 $(lua_value p95_ms "$log") ms, p99 $(lua_value p99_ms "$log") ms")
}

# CPU seconds (user and system, in clock ticks) the national stack's MariaDB server has used so far: on
# a shared machine the wall time of a statement includes the waits for a CPU, its server CPU time not.
server_ticks() {
    local pid stat
    pid=$(<"$NVAR/run/mysqld.pid")
    { read -r stat <"/proc/$pid/stat"; } 2>/dev/null || { echo 0; return 0; }
    stat=${stat##*) }
    awk '{ print $12 + $13 }' <<<"$stat"
}

# A row of a statement timed through the mariadb client: sql_row NAME SQL MAX_SECONDS EXPECT, MAX_SECONDS
# "-" for no bound, EXPECT "any" (the result is not checked) or "none" (every row returned is a
# difference). Its milliseconds stand in the p50 column (one run); the time, the server's CPU time and
# the rows are in the check line.
sql_row() {
    local name=$1 sql=$2 max=$3 expect=$4 t0 secs out err=$NVAR/tmp/bench-sql-error.txt rows=- why=()
    local tdesc="" seen="" c0 cpu
    [[ $max == - ]] || tdesc="<= $max s"
    if [[ $expect == none ]]; then tdesc+="${tdesc:+, }no rows"; fi
    c0=$(server_ticks)
    t0=$EPOCHREALTIME
    if out=$(nsql -e "$sql" 2>"$err"); then
        rows=$(grep -c . <<<"$out" || true)
        if [[ $expect == none ]]; then
            seen=", $rows rows (want none)"
            ((rows == 0)) || why+=("$rows rows, the first: $(head -n 3 <<<"$out" | tr '\t\n' ' ;' | head -c 300)")
        fi
    else
        why+=("$sql failed: $(head -c 300 "$err" | tr '\n' ' ')")
    fi
    secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
    cpu=$(awk -v a="$c0" -v b="$(server_ticks)" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", (b - a) / hz }')
    if [[ $max != - ]] && awk -v s="$secs" -v m="$max" 'BEGIN { exit !(s > m) }'; then
        why+=("$secs s > $max s")
    fi
    CHECKS+=("$name: $sql took $secs s (MariaDB used $cpu s of CPU)$seen")
    result_row "$name" "$sql" "$(awk -v s="$secs" 'BEGIN { printf "%.0f", s * 1000 }')" "$tdesc" "${why[@]}"
    say "$name: $secs s -> ${ROWS[-1]##*$'\t'}"
}

# judge NAME [WHY...]: VERDICT=PASS when no WHY is given; otherwise VERDICT=FAIL, the run fails and the reasons
# go to the notes under NAME.
judge() {
    local name=$1 note
    shift
    VERDICT=PASS
    if (($#)); then
        VERDICT=FAIL
        FAILED=1
        note=$(printf '%s; ' "$@")
        NOTES+=("$name: ${note%; }")
    fi
}

# A row that is not a wrk run: result_row NAME WHAT P50_MS TARGET [WHY...]; each WHY is a failure.
result_row() {
    local name=$1 what=$2 p50=$3 tdesc=$4
    shift 4
    judge "$name" "$@"
    ROWS+=("$name"$'\t'"$what"$'\t'-$'\t'"$p50"$'\t'-$'\t'$(($# > 0))$'\t'-$'\t'-$'\t'"$tdesc"$'\t'"$VERDICT")
}

# The totals of the country's and a region's reports (JSON) over all time and a shorter period against
# the same numbers counted from coverage_fact (which coverage_check has just compared with the raw data),
# the register and the seminars: the reports show what a full recompute gives.
report_totals() {
    local name="report totals = facts" scope region period from to got want why=() n=0 q
    for scope in "0 all 1000-01-01 9999-12-31" "0 2025 2025-01-01 2026-01-01" "48 all 1000-01-01 9999-12-31" \
        "48 2026-Q2 2026-04-01 2026-07-01"; do
        read -r region period from to <<<"$scope"
        q="period=$period"
        ((region == 0)) || q="region=$region&$q"
        got=$(curl -sS --max-time 30 -H 'Accept: application/json' -H "Cookie: sid=$NSID" "$BASE_URL/reports/coverage?$q" |
            python3 -c 'import json, sys
t = json.load(sys.stdin)["totals"]["total"]
print(*(t[k] for k in ("orgs", "covered", "people", "people_door", "people_online", "seminars")))' 2>&1) ||
            got="no totals in the answer ($(tail -n 1 <<<"$got"))"
        want=$(nsql -e "SELECT (SELECT COUNT(*) FROM organization o JOIN district d ON d.id = o.district_id
                    WHERE o.active AND o.status = 'register' AND $region IN (0, d.region_id)),
                COUNT(DISTINCT f.organization_id, f.sector_id, f.district_id),
                COUNT(DISTINCT f.person_id, f.district_id, f.sector_id),
                COUNT(DISTINCT IF(f.door, f.person_id, NULL), f.district_id, f.sector_id),
                COUNT(DISTINCT IF(f.online, f.person_id, NULL), f.district_id, f.sector_id),
                (SELECT COUNT(DISTINCT s.id) FROM seminar s JOIN seminar_sector x ON x.seminar_id = s.id
                   JOIN district d ON d.id = s.district_id
                  WHERE s.status IN ('published', 'finished') AND s.starts_at >= '$from' AND s.starts_at < '$to'
                    AND $region IN (0, d.region_id))
            FROM coverage_fact f JOIN district d ON d.id = f.district_id
            WHERE f.held_on >= '$from' AND f.held_on < '$to' AND $region IN (0, d.region_id)" | tr '\t' ' ') ||
            want="(counting failed)"
        n=$((n + 1))
        [[ $got == "$want" ]] || why+=("/reports/coverage?$q says $got, the facts $want")
    done
    CHECKS+=("$name: organisations, covered, people, in person, online, seminars of $n reports (the country and region 48, all time and a year or quarter) against coverage_fact: $((n - ${#why[@]})) of $n equal")
    result_row "$name" "/reports/coverage" - "equal" "${why[@]}"
    say "$name: $((n - ${#why[@]})) of $n equal -> ${ROWS[-1]##*$'\t'}"
}

# A coverage report at COVERAGE_RATE requests per second (the latency at a fixed offered rate, its p95):
# coverage_scenario NAME URL_LIST. MIN_RPS checks that the rate was offered.
coverage_scenario() {
    BENCH_URLS=$2 BENCH_SID=$NSID BENCH_THREADS=$THREADS BENCH_RATE=$COVERAGE_RATE SC_P95=$COVERAGE_P95 \
        SC_CHECK=check_coverage scenario "$1" "$(awk 'NR == 1 { print $2 }' "$2")" - - - "$((COVERAGE_RATE * 9 / 10))" \
        -- -c"$COVERAGE_CONNECTIONS" -s "$ROOT/tests/load/coverage.lua"
}

# The coverage reports for a region and for the country, then the full recompute, the consistency check
# (the summary tables against a recompute from the raw data) and the reports' totals against the facts.
national_section() {
    national_start
    national_urls
    local base_url=$BASE_URL
    BASE_URL=http://127.0.0.1:$NPORT
    coverage_scenario "coverage report, region" "$NVAR/tmp/coverage-region.txt"
    coverage_scenario "coverage report, country" "$NVAR/tmp/coverage-country.txt"
    sql_row "coverage recompute" "CALL coverage_recompute()" "$RECOMPUTE_MAX" any
    sql_row "consistency" "CALL coverage_check()" - none
    report_totals
    BASE_URL=$base_url
}

print_table() {
    local header=$'scenario\turl\treq/s\tp50 ms\tp99 ms\terrors\tbaseline\tratio\ttarget\tverdict' row
    {
        echo "$header"
        for row in "${ROWS[@]}"; do echo "$row"; done
    } >"$RESULTS"
    echo
    echo "Benchmark: ${WORKERS} workers per program, wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, $(nproc) CPUs, $(date -u '+%Y-%m-%d %H:%M UTC')"
    awk -F'\t' '
        { for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NF }
        END {
            for (r = 1; r <= NR; r++) {
                line = ""
                for (i = 1; i <= n; i++) {
                    if (i == 2) continue # the URL is in the TSV only
                    fmt = (i >= 3 && i <= 6 || i == 8) ? "%" w[i] "s" : "%-" w[i] "s"
                    line = line (line == "" ? "" : " | ") sprintf(fmt, cell[r, i])
                }
                print line
                if (r == 1) { gsub(/[^|]/, "-", line); gsub(/\|/, "+", line); print line }
            }
        }' "$RESULTS"
    if ((${#CHECKS[@]})); then
        echo
        printf 'check %s\n' "${CHECKS[@]}"
    fi
    if ((${#NOTES[@]})); then
        echo
        printf 'FAIL %s\n' "${NOTES[@]}"
    fi
    echo
    echo "Results: $RESULTS; wrk output: $VAR/log/wrk-*.txt"
}

# ---------------------------------------------------------------------------- run

mkdir -p "$VAR/run" "$VAR/log" "$VAR/tmp"
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Leftovers of an interrupted run.
stop_baselines
stack_stop
national_stop
if [[ $NATIONAL == only ]]; then
    national_section
    print_table
    exit "$FAILED"
fi
# An empty database on every run (mariadb-install-db takes about a second): the data set and the
# rush's counts start from zero, and no purge of an earlier run's rows competes with the scenarios.
rm -rf "$VAR/db"

# First start: the state dir, database, grants and the real programs; it also makes the
# database passwords the baselines need, so the second start writes them into app.conf and
# reloads nginx with the bench locations.
write_extra_conf 0
write_nginx_conf
stack start >&2
create_counter_table
write_extra_conf 1
stack start >&2
start_baselines
load_data
# For tests/load/signup.lua.
export BENCH_PAIRS=$PAIRS BENCH_THREADS=$THREADS BENCH_SEMINARS=$SPREAD_IDS BENCH_RUN=$$

# Baselines first: every other scenario is a ratio to one of them, measured in this same run.
scenario H0 /bench/hello - -
scenario H1 /bench/select - -
scenario U /bench/update - -
# Real scenarios (DESIGN.md section 8).
if wanted catalogue; then SC_CHECK=check_catalogue scenario catalogue / H1 0.50 25; fi
if wanted login; then scenario "login page" /login H0 0.80; fi
if wanted spread; then
    log_mark
    SC_CHECK=check_spread scenario "sign-up spread" "/seminars/${SPREAD_IDS%%,*}/register" U 0.60 - 2000 \
        -- -s "$ROOT/tests/load/signup.lua"
fi
if wanted rush; then
    log_mark
    BENCH_SEMINARS=$RUSH_ID BENCH_QUOTA=$RUSH_ATTEMPTS SC_WARMUP=0 SC_DURATION=$RUSH_MAX_SECONDS SC_CHECK=check_rush \
        scenario rush "/seminars/$RUSH_ID/register" U 0.40 - 1000 \
        -- -c"$RUSH_CONNECTIONS" -s "$ROOT/tests/load/signup.lua"
fi
# The door: the organiser scans tickets of the scan seminars, each a first scan with a new client_scan_id.
export BENCH_TICKETS=$TICKETS BENCH_ORGANIZER=$ORGANIZER BENCH_TICKET_STATE=$TICKET_STATE
# Not while the portal's senders send the sign-ups' letters (20,000 and more after the rush).
if wanted scan || wanted scan-rate || wanted qr; then say "door: $(settle)"; fi
if wanted scan; then
    SC_CHECK=check_scan scenario "scan API" "/checkin/${SCAN_IDS%%,*}/scan" U 0.70 \
        -- -s "$ROOT/tests/load/scan.lua"
fi
# The latency at a fixed rate. Debian's wrk 4.1 cannot fix the rate (wrk2's -R): scan.lua paces the
# requests itself (BENCH_RATE, through wrk's delay()) over more connections than the rate needs, so
# the offered load is about SCAN_RATE scans/s whatever the latency; MIN_RPS checks that it was.
if wanted scan-rate; then
    BENCH_RATE=$SCAN_RATE SC_CHECK=check_scan scenario "scan API @~$SCAN_RATE/s" "/checkin/${SCAN_IDS%%,*}/scan" \
        - - "$SCAN_RATE_P99" "$((SCAN_RATE * 9 / 10))" -- -c"$SCAN_RATE_CONNECTIONS" -s "$ROOT/tests/load/scan.lua"
fi
# The QR image of a ticket, for its owner.
if wanted qr; then
    SC_CHECK=check_qr scenario "ticket QR" "/tickets/$(awk 'NR == 1 { print $3 }' "$TICKETS").png" H0 0.50 \
        -- -s "$ROOT/tests/load/ticket.lua"
fi
# Overload: twice the sign-up capacity measured above, the catalogue's p99 within 3 x its own.
if wanted overload; then overload_scenario; fi
# Certificates: one batch issued in the background by the certs program's runners.
if wanted certs; then cert_batch; fi
# Mail: one batch of letters sent by the portal's background senders.
if wanted mail; then mail_batch; fi
# The coverage scenarios have a stack of their own: this one is done.
if [[ $NATIONAL == 1 ]] && wanted coverage; then
    stop_baselines
    stack_stop
    national_section
fi

print_table
exit "$FAILED"
