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
# State in var/bench (its own MariaDB, nginx on a free port); results also in var/bench/results.tsv.
# Exit status 1 when a scenario FAILs (target missed, or any non-2xx/3xx response or socket error).
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

die() {
    echo "bench: $*" >&2
    exit 1
}
say() { echo "bench: $*" >&2; }

for v in DURATION WARMUP WORKERS CONNECTIONS THREADS; do
    [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive number, got '${!v}'"
done
command -v wrk >/dev/null || die "wrk not found (run scripts/deps.sh)"
command -v curl >/dev/null || die "curl not found"
for p in "${BASELINES[@]}"; do
    [[ -x $ROOT/build/tests/load/$p ]] || die "build/tests/load/$p is missing (run: make bench)"
done

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
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

# ---------------------------------------------------------------------------- scenarios

declare -A RPS=()
ROWS=()    # TSV lines of the results
NOTES=()   # details of failures, printed below the table
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
#   BASELINE and TARGET "-" make NAME a baseline row (no ratio); other scenarios name a baseline
#   measured before them (H0, H1, U) and the minimum ratio of its req/s. P99_MS (or "-"): the
#   maximum 99th-percentile latency; MIN_RPS (or "-"): an absolute minimum of req/s. WRK_ARGS go
#   to wrk as they are, e.g. -- -s "$ROOT/tests/load/signup.lua" or -- -c128 (later flags win).
scenario() {
    local name=$1 url=$2 base=$3 target=$4 p99max=- minrps=- extra=() out code
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

    say "$name: GET $url (${WARMUP} s warm-up, ${DURATION} s measured)"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "${extra[@]}" "$BASE_URL$url" >/dev/null 2>&1 || true
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "${extra[@]}" "$BASE_URL$url" 2>&1) ||
        { echo "$out" >&2; die "$name: wrk failed"; }
    echo "$out" >"$VAR/log/wrk-${name// /_}.txt"

    local rps p50 p99 non2xx sockerr total ratio=- verdict why=()
    rps=$(awk '$1 == "Requests/sec:" { print $2 }' <<<"$out")
    p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
    total=$(awk '$2 == "requests" && $3 == "in" { print $1 }' <<<"$out")
    non2xx=$(awk -F: '/Non-2xx or 3xx responses/ { gsub(/ /, "", $2); print $2 }' <<<"$out")
    sockerr=$(awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' <<<"$out")
    non2xx=${non2xx:-0}
    sockerr=${sockerr:-0}
    [[ -n $rps && -n $total ]] || { echo "$out" >&2; die "$name: cannot read wrk's output"; }
    rps=$(awk -v x="$rps" 'BEGIN { printf "%.0f", x }')
    RPS[$name]=$rps

    if ((non2xx > 0)); then why+=("$non2xx of $total responses were not 2xx/3xx"); fi
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

    if ((${#why[@]})); then
        verdict=FAIL
        FAILED=1
        local note
        note=$(printf '%s; ' "${why[@]}")
        NOTES+=("$name: ${note%; }")
    elif [[ $base == - ]]; then
        verdict=ok
    else
        verdict=PASS
    fi

    local tdesc=-
    if [[ $base != - ]]; then
        tdesc=">= $target x $base"
        [[ $p99max == - ]] || tdesc+=", p99 <= $p99max ms"
        [[ $minrps == - ]] || tdesc+=", >= $minrps/s"
    fi
    ROWS+=("$name"$'\t'"$url"$'\t'"$rps"$'\t'"$p50"$'\t'"$p99"$'\t'"$((non2xx + sockerr))"$'\t'"$base"$'\t'"$ratio"$'\t'"$tdesc"$'\t'"$verdict")
    say "$name: $rps req/s, p50 $p50 ms, p99 $p99 ms, $((non2xx + sockerr)) errors -> $verdict"
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

# Baselines first: every other scenario is a ratio to one of them, measured in this same run.
scenario H0 /bench/hello - -
scenario H1 /bench/select - -
scenario U /bench/update - -
# Real scenarios (DESIGN.md section 8).
scenario home / H1 0.50 25
scenario "login page" /login H0 0.80

print_table
exit "$FAILED"
