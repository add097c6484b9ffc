#!/usr/bin/env bash
# Starts, stops and inspects the project-local stack (MariaDB, the four FastCGI programs, nginx) under a state dir.
#
# Usage: scripts/stack.sh start|stop|status|psql [mariadb client args...]|smtp-stop|smtp-start|free-port
#        (scripts/stack.sh supervise: the supervisor's loop, started by `start` with SUPERVISE=1)
#        (db-start, prepare, nginx: the pieces scripts/cluster.sh builds a cluster from)
# Environment:
#   VAR         state dir (database, sockets, logs, pid files, generated configs); default <repo>/var
#   PORT        nginx port on 127.0.0.1; default 8080
#   DEMO        1 = also load the demo seeds sql/seed/9*.sql; default 1
#   EXTRA_CONF  optional file whose lines are appended to $VAR/app.conf
#   WORKERS     worker processes per program; default 2
#   SUPERVISE   1 = leave a supervisor that restarts a program whose master died (make run); default 0
#   MARIADB_OPTS  mariadbd options in place of --skip-networking (scripts/cluster.sh: TCP, TLS, replication)
#   NGINX_CONF  the nginx template; default <repo>/nginx.conf
# Several stacks can run side by side with different VAR and PORT.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
VAR=${VAR:-$ROOT/var}
PORT=${PORT:-8080}
DEMO=${DEMO:-1}
EXTRA_CONF=${EXTRA_CONF:-}
WORKERS=${WORKERS:-2}
SUPERVISE=${SUPERVISE:-0}
MARIADB_OPTS=${MARIADB_OPTS:---skip-networking}
NGINX_CONF=${NGINX_CONF:-$ROOT/nginx.conf}

PROGRAMS=(portal checkin certs reports)
DB_NAME=seminars
LC_COLLATE=C # byte order for the globs of migrations and seeds (not exported)

die() {
    echo "stack: $*" >&2
    exit 1
}
say() { echo "stack: $*"; }

usage() {
    sed -n '4,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
    exit 2
}

[[ $VAR == /* ]] || VAR=$PWD/$VAR
while [[ $VAR == */ && $VAR != / ]]; do VAR=${VAR%/}; done
MYSQL_SOCK=$VAR/run/mysqld.sock
MYSQL_PID=$VAR/run/mysqld.pid
NGINX_PID=$VAR/run/nginx.pid
SMTP_PID=$VAR/run/smtpd.pid
IS_ROOT=0
MIGRATED=0    # set when this start applied a migration
ROUTINES_SUM= # set to the checksum of sql/procedures/ when it differs from the one recorded
((EUID == 0)) && IS_ROOT=1

# A daemon binary that may live in an sbin directory outside a normal user's PATH.
find_bin() {
    local name=$1 d
    if command -v "$name" >/dev/null 2>&1; then
        command -v "$name"
        return 0
    fi
    for d in /usr/sbin /sbin /usr/local/sbin /usr/local/bin; do
        if [[ -x $d/$name ]]; then
            echo "$d/$name"
            return 0
        fi
    done
    return 1
}

db() { mariadb --no-defaults --default-character-set=utf8mb4 --socket="$MYSQL_SOCK" -uroot "$@"; }
db_admin() { mariadb-admin --no-defaults --socket="$MYSQL_SOCK" -uroot "$@"; }

# alive, group_alive, running_pid, wait_for, not_alive, group_gone
# shellcheck source=scripts/proc.sh
source "$ROOT/scripts/proc.sh"

tail_log() {
    local f=$1
    if [[ -s $f ]]; then
        echo "---- last lines of $f ----" >&2
        tail -n 20 "$f" >&2
        echo "----" >&2
    fi
}

# Escapes a value for the replacement side of a sed s|...|...| command.
sed_escape() { printf '%s' "$1" | sed -e 's/[\\&|]/\\&/g'; }

random_hex() { od -An -vtx1 -N "$1" /dev/urandom | tr -d ' \n'; }

db_password() { awk -F= -v u="$1" '$1 == u { print $2; exit }' "$VAR/db-passwords"; }

check_settings() {
    if [[ ! $PORT =~ ^[1-9][0-9]{0,4}$ ]] || ((PORT > 65535)); then
        die "PORT must be a port number, got '$PORT'"
    fi
    [[ $WORKERS =~ ^[1-9][0-9]*$ ]] || die "WORKERS must be a positive number, got '$WORKERS'"
    [[ $DEMO == 0 || $DEMO == 1 ]] || die "DEMO must be 0 or 1, got '$DEMO'"
    local p
    for p in "$ROOT" "$VAR"; do
        # These paths go unquoted into nginx.conf and app.conf.
        [[ $p =~ [[:space:]\;\{\}\#\"\'\$\\] ]] && die "path '$p' contains a space or a character nginx cannot take; use another VAR or checkout"
    done
    # A unix socket path must fit in sockaddr_un.sun_path (108 bytes with the NUL).
    if ((${#VAR} + 17 > 107)); then
        die "VAR '$VAR' is too long for unix socket paths (max 90 characters)"
    fi
    [[ -z $EXTRA_CONF || -r $EXTRA_CONF ]] || die "EXTRA_CONF file '$EXTRA_CONF' is not readable"
}

lock_state_dir() {
    # Serialises concurrent start/stop on one state dir; daemons are started with 9>&- so they
    # do not inherit (and hold) the lock.
    if command -v flock >/dev/null 2>&1; then
        exec 9>"$VAR/stack.lock"
        flock 9
    fi
}

# ---------------------------------------------------------------------------- start

make_state_dir() {
    mkdir -p "$VAR"/{run,log,db,nginx.d,tmp,files}
    chmod 700 "$VAR/run" # the MariaDB root account has no password: only we may reach its socket
    local u
    (
        umask 077
        if [[ ! -s $VAR/secret.key ]]; then
            random_hex 32 >"$VAR/secret.key.tmp"
            echo >>"$VAR/secret.key.tmp"
            mv "$VAR/secret.key.tmp" "$VAR/secret.key"
        fi
        touch "$VAR/db-passwords"
        for u in sem_portal sem_checkin sem_certs sem_reports; do
            grep -q "^$u=" "$VAR/db-passwords" || echo "$u=$(random_hex 24)" >>"$VAR/db-passwords"
        done
    )
}

start_mariadb() {
    local mariadbd user_args=() i pid opts
    mariadbd=$(find_bin mariadbd) || die "mariadbd not found (run scripts/deps.sh)"
    ((IS_ROOT)) && user_args=(--user=root)

    if [[ ! -d $VAR/db/mysql ]]; then
        say "initialising MariaDB in $VAR/db"
        if ! mariadb-install-db --no-defaults --datadir="$VAR/db" --auth-root-authentication-method=normal \
            --skip-test-db "${user_args[@]}" >"$VAR/log/mariadb-install.log" 2>&1; then
            tail_log "$VAR/log/mariadb-install.log"
            die "mariadb-install-db failed (see $VAR/log/mariadb-install.log; remove $VAR/db to retry)"
        fi
    fi

    if db_admin ping >/dev/null 2>&1; then
        return 0
    fi
    if ! pid=$(running_pid "$MYSQL_PID" mariadbd); then
        read -r -a opts <<<"$MARIADB_OPTS"
        # Temporary tables in the stack's own directory: /tmp is shared with every other stack on the machine.
        setsid "$mariadbd" --no-defaults --datadir="$VAR/db" --socket="$MYSQL_SOCK" --pid-file="$MYSQL_PID" \
            --tmpdir="$VAR/tmp" "${opts[@]}" --log-error="$VAR/log/mariadb.log" \
            --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
            --innodb-flush-log-at-trx-commit=1 --sync-binlog=1 --innodb-buffer-pool-size=256M \
            --max-connections=500 "${user_args[@]}" </dev/null >>"$VAR/log/mariadb.log" 2>&1 9>&- &
        pid=$!
        say "started MariaDB (pid $pid)"
    fi
    for ((i = 0; i < 300; i++)); do
        db_admin ping >/dev/null 2>&1 && return 0
        alive "$pid" || break
        sleep 0.1
    done
    tail_log "$VAR/log/mariadb.log"
    die "MariaDB did not come up (log: $VAR/log/mariadb.log)"
}

migrate() {
    local applied f name err=$VAR/tmp/sql-error.txt
    db -e "CREATE DATABASE IF NOT EXISTS $DB_NAME CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    db "$DB_NAME" -e "CREATE TABLE IF NOT EXISTS schema_migrations (
        version VARCHAR(64) PRIMARY KEY,
        applied_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP) ENGINE=InnoDB"
    applied=$(db -N -B "$DB_NAME" -e 'SELECT version FROM schema_migrations')
    shopt -s nullglob
    for f in "$ROOT"/sql/migrations/*.sql; do
        name=${f##*/}
        name=${name%.sql}
        [[ $name =~ ^[A-Za-z0-9._-]{1,64}$ ]] || die "bad migration file name: sql/migrations/${f##*/}"
        grep -qxF -- "$name" <<<"$applied" && continue
        if ! db "$DB_NAME" <"$f" 2>"$err"; then
            cat "$err" >&2
            die "migration failed: sql/migrations/${f##*/} (not recorded; fix it and start again)"
        fi
        db "$DB_NAME" -e "INSERT INTO schema_migrations (version) VALUES ('$name')"
        say "applied migration ${f##*/}"
        MIGRATED=1
    done
    shopt -u nullglob
}

# The stored routines and views of sql/procedures/, re-created in file order on every start
# (CREATE OR REPLACE, after the migrations that make their tables): a database migrated earlier
# ends up with the same routines as a new one. Their checksum is recorded in schema_procedures
# once the coverage tables, derived by these rules, have been rebuilt (refresh_coverage).
apply_procedures() {
    local f files sum recorded err=$VAR/tmp/sql-error.txt
    shopt -s nullglob
    files=("$ROOT"/sql/procedures/*.sql)
    shopt -u nullglob
    ((${#files[@]})) || die "no stored routines in $ROOT/sql/procedures"
    for f in "${files[@]}"; do
        if ! db "$DB_NAME" <"$f" 2>"$err"; then
            cat "$err" >&2
            die "stored routines failed: sql/procedures/${f##*/}"
        fi
    done
    sum=$(cat "${files[@]}" | sha256sum)
    sum=${sum%% *}
    db "$DB_NAME" -e "CREATE TABLE IF NOT EXISTS schema_procedures (
        id TINYINT UNSIGNED PRIMARY KEY,
        sha256 CHAR(64) CHARACTER SET ascii NOT NULL,
        applied_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP) ENGINE=InnoDB"
    recorded=$(db -N -B "$DB_NAME" -e 'SELECT sha256 FROM schema_procedures WHERE id = 1')
    [[ $recorded == "$sum" ]] || ROUTINES_SUM=$sum
}

apply_grants() {
    local err=$VAR/tmp/sql-error.txt pw_portal pw_checkin pw_certs pw_reports
    pw_portal=$(db_password sem_portal)
    pw_checkin=$(db_password sem_checkin)
    pw_certs=$(db_password sem_certs)
    pw_reports=$(db_password sem_reports)
    # The passwords are hex, safe inside SQL quotes and sed; they go through stdin, not argv.
    if ! sed -e "s/@PORTAL_PW@/$pw_portal/g" -e "s/@CHECKIN_PW@/$pw_checkin/g" \
        -e "s/@CERTS_PW@/$pw_certs/g" -e "s/@REPORTS_PW@/$pw_reports/g" "$ROOT/sql/grants.sql" |
        db 2>"$err"; then
        cat "$err" >&2
        die "applying sql/grants.sql failed"
    fi
}

load_seeds() {
    local f seeds err=$VAR/tmp/sql-error.txt
    shopt -s nullglob
    seeds=("$ROOT"/sql/seed/0*.sql)
    [[ $DEMO == 1 ]] && seeds+=("$ROOT"/sql/seed/9*.sql)
    shopt -u nullglob
    for f in "${seeds[@]}"; do
        if ! db "$DB_NAME" <"$f" 2>"$err"; then
            cat "$err" >&2
            die "seed failed: sql/seed/${f##*/}"
        fi
    done
}

# The coverage tables are derived data: rebuilt whole after a migration (a fresh database included)
# or a change of the rules in sql/procedures/, and the register's counts after every seed load
# (the seeds may change the register).
refresh_coverage() {
    local err=$VAR/tmp/sql-error.txt
    if ((MIGRATED)) || [[ -n $ROUTINES_SUM ]]; then
        db "$DB_NAME" -e "CALL coverage_recompute()" >/dev/null 2>"$err" || {
            cat "$err" >&2
            die "CALL coverage_recompute() failed"
        }
        if [[ -n $ROUTINES_SUM ]]; then
            db "$DB_NAME" -e "REPLACE INTO schema_procedures (id, sha256) VALUES (1, '$ROUTINES_SUM')"
            say "applied changed stored routines (sql/procedures) and recomputed coverage"
        fi
    else
        db "$DB_NAME" -e "START TRANSACTION; CALL register_recount(0); COMMIT" 2>"$err" || {
            cat "$err" >&2
            die "CALL register_recount(0) failed"
        }
    fi
}

# The local SMTP server (scripts/smtpd.py): messages land in $VAR/mail/new/, one file each. Its port is
# chosen once per state dir ($VAR/smtp.port), so a restarted server is found where the programs expect it.
smtp_pid() {
    local pid
    [[ -r $SMTP_PID ]] || return 1
    pid=$(<"$SMTP_PID")
    [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" && grep -qF smtpd.py "/proc/$pid/cmdline" 2>/dev/null || return 1
    echo "$pid"
}

# free_port: prints a TCP port on 127.0.0.1 that no one listens on now (the kernel's choice).
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

smtp_port() {
    if [[ ! -s $VAR/smtp.port ]]; then
        free_port >"$VAR/smtp.port.tmp"
        mv "$VAR/smtp.port.tmp" "$VAR/smtp.port"
    fi
    cat "$VAR/smtp.port"
}

smtp_up() { (exec 3<>"/dev/tcp/127.0.0.1/$(smtp_port)") 2>/dev/null; }
smtp_started() { smtp_up || ! alive "$1"; } # up, or no longer worth waiting for

start_smtp() {
    local pid port
    smtp_pid >/dev/null && return 0
    port=$(smtp_port) # chosen here, not in the background job below (its substitution would race with the wait)
    # 3>&-: a test that restarts it (smtp-start) must not leave bats's TAP stream open in the daemon.
    setsid /usr/bin/python3 "$ROOT/scripts/smtpd.py" "$port" "$VAR/mail" </dev/null >>"$VAR/log/smtpd.log" 2>&1 3>&- 9>&- &
    pid=$!
    echo "$pid" >"$SMTP_PID"
    # Python and asyncio start slowly on a busy machine: up to a minute, unless it exits.
    if ! wait_for 60 smtp_started "$pid"; then
        tail_log "$VAR/log/smtpd.log"
        die "the local SMTP server did not come up on port $(smtp_port) (log: $VAR/log/smtpd.log)"
    fi
    smtp_up || {
        tail_log "$VAR/log/smtpd.log"
        die "the local SMTP server exited during start-up (log: $VAR/log/smtpd.log)"
    }
    say "started the SMTP server on 127.0.0.1:$(smtp_port) (mail in $VAR/mail/new)"
}

stop_smtp() {
    local pid
    if pid=$(smtp_pid); then
        kill -TERM "$pid" 2>/dev/null || true
        wait_for 10 not_alive "$pid" || kill -KILL "$pid" 2>/dev/null || true
        stopped+=(smtpd)
    fi
    rm -f "$SMTP_PID"
}

write_app_conf() {
    local conf=$VAR/app.conf p
    (
        umask 077
        {
            echo "# Generated by scripts/stack.sh on every start; edit EXTRA_CONF or the script, not this file."
            echo "base_url = http://127.0.0.1:$PORT"
            echo "db_socket = $MYSQL_SOCK"
            echo "db_name = $DB_NAME"
            echo "templates = $ROOT/templates"
            echo "assets = $ROOT/assets"
            echo "secret_key = $(tr -d ' \n' <"$VAR/secret.key")"
            echo "workers = $WORKERS"
            echo "files_dir = $VAR/files"
            echo "auth_epoch = $VAR/run/auth.epoch" # every program of the stack ends cached sessions at once
            echo "smtp_url = smtp://127.0.0.1:$(smtp_port)"
            echo "smtp_tls = off"
            echo "mail_from = noreply@seminars.local"
            for p in "${PROGRAMS[@]}"; do
                echo
                echo "$p.listen = $VAR/run/$p.sock"
                echo "$p.db_user = sem_$p"
                echo "$p.db_password = $(db_password "sem_$p")"
            done
            # nginx.conf sends the portal's POSTs here, to workers of their own.
            echo "portal.listen_write = $VAR/run/portal-write.sock"
            # More certificate runners than cores: one draws while another waits on its commit.
            echo "certs.background_workers = 4"
            if [[ -n $EXTRA_CONF ]]; then
                echo
                echo "# from $EXTRA_CONF"
                cat "$EXTRA_CONF"
            fi
        } >"$conf.tmp"
        chmod 600 "$conf.tmp"
        mv "$conf.tmp" "$conf"
    )
}

start_programs() {
    local p bin pid started=() deadline
    for p in "${PROGRAMS[@]}"; do
        running_pid "$VAR/run/$p.pid" "$p" >/dev/null && continue
        bin=$ROOT/bin/$p
        [[ -x $bin ]] || die "$bin is missing or not executable (build it: make)"
        rm -f "$VAR/run/$p.sock" "$VAR/run/$p.pid" # stale: the program is not running
        setsid "$bin" -c "$VAR/app.conf" </dev/null >>"$VAR/log/$p.log" 2>&1 9>&- &
        echo $! >"$VAR/run/$p.pid"
        started+=("$p")
    done
    ((${#started[@]})) || return 0
    deadline=$((SECONDS + 10))
    for p in "${started[@]}"; do
        pid=$(<"$VAR/run/$p.pid")
        until [[ -S $VAR/run/$p.sock ]]; do
            if ! alive "$pid"; then
                tail_log "$VAR/log/$p.log"
                die "$p exited during start-up (log: $VAR/log/$p.log)"
            fi
            if ((SECONDS >= deadline)); then
                tail_log "$VAR/log/$p.log"
                die "$p did not create $VAR/run/$p.sock within 10 s (log: $VAR/log/$p.log)"
            fi
            sleep 0.05
        done
    done
    say "started ${started[*]}"
}

start_nginx() {
    local nginx out=$VAR/log/nginx-start.log args
    nginx=$(find_bin nginx) || die "nginx not found (run scripts/deps.sh)"
    args=(-p "$VAR/" -c "$VAR/nginx.conf" -e "$VAR/log/nginx-error.log")
    {
        echo "# Generated from $NGINX_CONF by scripts/stack.sh on every start; do not edit."
        # Comment lines keep their placeholders (they document the template).
        sed -e "/^[[:space:]]*#/b" \
            -e "s|@ROOT@|$(sed_escape "$ROOT")|g" -e "s|@VAR@|$(sed_escape "$VAR")|g" \
            -e "s|@PORT@|$PORT|g" -e "s|@USER@|$(sed_escape "$(id -un)")|g" "$NGINX_CONF" |
            if ((IS_ROOT)); then cat; else sed -e '/^[[:space:]]*user[[:space:]]/d'; fi
    } >"$VAR/nginx.conf.tmp"
    mv "$VAR/nginx.conf.tmp" "$VAR/nginx.conf"
    if ! "$nginx" -t -q "${args[@]}" >"$out" 2>&1; then
        cat "$out" >&2
        die "nginx rejected $VAR/nginx.conf (generated from nginx.conf)"
    fi
    if running_pid "$NGINX_PID" nginx >/dev/null; then
        "$nginx" "${args[@]}" -s reload >"$out" 2>&1 || {
            cat "$out" >&2
            die "nginx reload failed"
        }
    else
        rm -f "$NGINX_PID"
        if ! "$nginx" "${args[@]}" </dev/null >"$out" 2>&1 9>&-; then
            if [[ -s $out ]]; then cat "$out" >&2; else tail_log "$VAR/log/nginx-error.log"; fi
            die "nginx did not start (log: $VAR/log/nginx-error.log)"
        fi
        say "started nginx on 127.0.0.1:$PORT"
    fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

healthy() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/healthz" 2>"$VAR/tmp/curl-error.txt"; }

# The server, its schema, routines, grants, seeds and derived data.
prepare_database() {
    start_mariadb
    migrate
    apply_procedures
    apply_grants
    load_seeds
    refresh_coverage
}

# A stack without its programs and nginx: the database, the SMTP server and app.conf (a cluster's primary,
# which scripts/cluster.sh has started with MARIADB_OPTS; its app servers start from this app.conf).
cmd_prepare() {
    check_settings
    make_state_dir
    lock_state_dir
    prepare_database
    start_smtp
    write_app_conf
}

# Only MariaDB (a cluster's replica, whose schema comes by replication).
cmd_db_start() {
    make_state_dir
    lock_state_dir
    start_mariadb
}

# Only nginx on PORT, from NGINX_CONF (a cluster's balancer in front of its app servers).
cmd_nginx() {
    check_settings
    make_state_dir
    lock_state_dir
    start_nginx
}

cmd_start() {
    check_settings
    make_state_dir
    lock_state_dir
    if ! running_pid "$NGINX_PID" nginx >/dev/null && port_in_use; then
        die "port $PORT on 127.0.0.1 is already in use by another program; choose another PORT"
    fi
    prepare_database
    start_smtp
    write_app_conf
    start_programs
    start_nginx
    if ! wait_for 10 healthy; then
        cat "$VAR/tmp/curl-error.txt" >&2
        tail_log "$VAR/log/nginx-error.log"
        tail_log "$VAR/log/portal.log"
        die "http://127.0.0.1:$PORT/healthz does not answer"
    fi
    ((SUPERVISE)) && start_supervisor
    say "up at http://127.0.0.1:$PORT (state in $VAR)"
}

# ---------------------------------------------------------------------------- supervise

SUPERVISOR_PID=$VAR/run/supervisor.pid

start_supervisor() {
    running_pid "$SUPERVISOR_PID" bash >/dev/null && return 0
    VAR=$VAR setsid bash "$ROOT/scripts/stack.sh" supervise </dev/null >>"$VAR/log/supervisor.log" 2>&1 9>&- &
    echo $! >"$SUPERVISOR_PID"
    say "supervisor started (pid $!): a program whose master dies is started again within 2 s"
}

# Every 2 s, starts again a program whose master is gone (killed, crashed); `stop` ends it first.
cmd_supervise() {
    while sleep 2; do
        # A subshell: the lock is let go after each round, and a failed start (die) is tried again later.
        (
            lock_state_dir
            start_programs
        ) || echo "stack: supervisor: a program did not start; trying again" >&2
    done
}

stop_supervisor() {
    local pid
    if pid=$(running_pid "$SUPERVISOR_PID" bash); then
        kill -TERM "$pid" 2>/dev/null || true
        wait_for 5 not_alive "$pid" || kill -KILL "$pid" 2>/dev/null || true
        stopped+=(supervisor)
    fi
    rm -f "$SUPERVISOR_PID"
}

# ---------------------------------------------------------------------------- stop

stopped=()

stop_nginx() {
    local pid
    if pid=$(running_pid "$NGINX_PID" nginx); then
        kill -QUIT "$pid" 2>/dev/null || true # = nginx -s quit: graceful
        if ! wait_for 10 not_alive "$pid"; then
            kill -TERM "$pid" 2>/dev/null || true
            wait_for 5 not_alive "$pid" || kill -KILL "$pid" 2>/dev/null || true
        fi
        stopped+=(nginx)
    fi
    rm -f "$NGINX_PID"
}

stop_programs() {
    local p pid pids=() names=() i
    for p in "${PROGRAMS[@]}"; do
        if pid=$(running_pid "$VAR/run/$p.pid" "$p"); then
            kill -TERM "$pid" 2>/dev/null || true # the master drains its workers
            pids+=("$pid")
            names+=("$p")
        fi
    done
    for i in "${!pids[@]}"; do
        pid=${pids[$i]}
        # Each program was started by setsid, so its process group is the master and its workers.
        if ! wait_for 10 group_gone "$pid"; then
            echo "stack: ${names[$i]} (pid $pid) did not stop within 10 s; killing it" >&2
            kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
            wait_for 2 group_gone "$pid" || true
        fi
        stopped+=("${names[$i]}")
    done
    for p in "${PROGRAMS[@]}"; do
        running_pid "$VAR/run/$p.pid" "$p" >/dev/null || rm -f "$VAR/run/$p.pid" "$VAR/run/$p.sock"
    done
}

stop_mariadb() {
    local pid=""
    pid=$(running_pid "$MYSQL_PID" mariadbd) || pid=""
    if db_admin ping >/dev/null 2>&1; then
        db_admin shutdown >/dev/null 2>&1 || true
        stopped+=(mariadb)
    elif [[ -n $pid ]]; then
        kill -TERM "$pid" 2>/dev/null || true
        stopped+=(mariadb)
    fi
    if [[ -n $pid ]] && ! wait_for 60 not_alive "$pid"; then
        echo "stack: MariaDB (pid $pid) did not shut down within 60 s; killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
    running_pid "$MYSQL_PID" mariadbd >/dev/null || rm -f "$MYSQL_PID"
}

cmd_stop() {
    [[ -d $VAR ]] || return 0
    [[ -d $VAR/run ]] || return 0
    stop_supervisor # before the lock: it takes the lock to start programs again
    lock_state_dir
    stop_nginx
    stop_programs
    stop_smtp
    stop_mariadb
    ((${#stopped[@]} == 0)) || say "stopped ${stopped[*]} ($VAR)"
}

# ---------------------------------------------------------------------------- status, psql

cmd_status() {
    local p pid port=""
    if pid=$(running_pid "$MYSQL_PID" mariadbd); then
        echo "mariadb  running (pid $pid, socket $MYSQL_SOCK)"
    else
        echo "mariadb  stopped"
    fi
    for p in "${PROGRAMS[@]}"; do
        if pid=$(running_pid "$VAR/run/$p.pid" "$p"); then
            printf '%-8s running (pid %s)\n' "$p" "$pid"
        else
            printf '%-8s stopped\n' "$p"
        fi
    done
    if pid=$(running_pid "$SUPERVISOR_PID" bash); then
        echo "supervisor running (pid $pid)"
    fi
    if pid=$(smtp_pid); then
        echo "smtpd    running (pid $pid, smtp://127.0.0.1:$(smtp_port), mail in $VAR/mail/new)"
    else
        echo "smtpd    stopped"
    fi
    if pid=$(running_pid "$NGINX_PID" nginx); then
        [[ -r $VAR/nginx.conf ]] && port=$(sed -n 's/^[[:space:]]*listen[[:space:]]\{1,\}127\.0\.0\.1:\([0-9]*\);.*/\1/p' "$VAR/nginx.conf" | head -n 1)
        echo "nginx    running (pid $pid, http://127.0.0.1:${port:-?})"
    else
        echo "nginx    stopped"
    fi
}

cmd_psql() {
    db_admin ping >/dev/null 2>&1 || die "MariaDB of $VAR is not running (scripts/stack.sh start)"
    exec mariadb --no-defaults --default-character-set=utf8mb4 --socket="$MYSQL_SOCK" -uroot "$DB_NAME" "$@"
}

(($# >= 1)) || usage
cmd=$1
shift
case $cmd in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
psql) cmd_psql "$@" ;;
supervise) cmd_supervise ;;
prepare) cmd_prepare ;;
db-start) cmd_db_start ;;
nginx) cmd_nginx ;;
smtp-stop) stop_smtp ;;
free-port) free_port ;;
smtp-start)
    [[ -d $VAR/run ]] || die "no stack under $VAR"
    start_smtp
    ;;
*) usage ;;
esac
