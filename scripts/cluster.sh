#!/usr/bin/env bash
# Starts and stops the scale-out topology on one machine: a MariaDB primary and a semi-synchronous GTID replica over TLS, two app servers on TCP and one nginx balancing them.
#
# Usage: scripts/cluster.sh start|stop|status|env|ready|app-kill N|app-start N|db-kill N|failover|rejoin
# Environment: CLUSTER  state dir; default <repo>/var/cluster
# Layout under $CLUSTER: tls/ (a CA and the servers' certificate), db1/ and db2/ (stack.sh state dirs of the
# two MariaDB servers: db1 starts as the primary), app1/ and app2/ (app.conf, logs and pids of each app
# server's four programs), lb/ (nginx), ports (every port, chosen once), primary (1 or 2: which db is primary).
# `env` prints what the tests read (tests/cluster/*.bats) as shell assignments; `ready` makes the topology whole
# again whatever a test left (each test file's setup_file).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
C=${CLUSTER:-$ROOT/var/cluster}
[[ $C == /* ]] || C=$PWD/$C
STACK=$ROOT/scripts/stack.sh
PROGRAMS=(portal checkin certs reports)
# The FastCGI listeners of one app server: the portal's readers and writers, and one per other program.
LISTENERS=(portal portal_write checkin certs reports)
WORKERS=${WORKERS:-2}
# shellcheck source=scripts/proc.sh
source "$ROOT/scripts/proc.sh"

die() {
    echo "cluster: $*" >&2
    exit 1
}
say() { echo "cluster: $*"; }

# ---------------------------------------------------------------------------- ports and names

# Every port of the cluster, chosen once: nginx, db1, db2, then LISTENERS of app1 and of app2.
ports() {
    if [[ ! -s $C/ports ]]; then
        python3 -c '
import socket
ss = [socket.socket() for _ in range(3 + 2 * 5)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))' >"$C/ports.tmp"
        mv "$C/ports.tmp" "$C/ports"
    fi
    read -r -a PORTS <"$C/ports"
    LB_PORT=${PORTS[0]}
    DB_PORT=([1]=${PORTS[1]} [2]=${PORTS[2]})
}

# listen_port APP NAME: the TCP port of listener NAME of app server APP (1 or 2).
listen_port() {
    local i
    for i in "${!LISTENERS[@]}"; do
        [[ ${LISTENERS[$i]} == "$2" ]] && echo "${PORTS[$((3 + ($1 - 1) * 5 + i))]}" && return 0
    done
    return 1
}

primary() { cat "$C/primary" 2>/dev/null || echo 1; }

# db N ARGS...: the mariadb client as root on server N's socket.
db() {
    local n=$1
    shift
    mariadb --no-defaults --default-character-set=utf8mb4 --socket="$C/db$n/run/mysqld.sock" -uroot "$@"
}

db_up() { mariadb-admin --no-defaults --socket="$C/db$1/run/mysqld.sock" -uroot ping >/dev/null 2>&1; }

# ---------------------------------------------------------------------------- TLS

# A CA of this cluster and one certificate for both servers, named 127.0.0.1 and localhost: the programs and
# the replica verify it (db_tls_ca, MASTER_SSL_VERIFY_SERVER_CERT).
make_tls() {
    local d=$C/tls
    [[ -s $d/server-cert.pem ]] && return 0
    mkdir -p "$d"
    (
        umask 077
        openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=seminars cluster CA" \
            -keyout "$d/ca-key.pem" -out "$d/ca.pem" 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
            -keyout "$d/server-key.pem" -out "$d/server.csr" 2>/dev/null
        printf 'subjectAltName = IP:127.0.0.1, DNS:localhost\n' >"$d/san.cnf"
        openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca-key.pem" -CAcreateserial -days 30 \
            -extfile "$d/san.cnf" -out "$d/server-cert.pem" 2>/dev/null
    ) || die "openssl could not make the cluster's certificates"
    chmod 644 "$d/ca.pem" "$d/server-cert.pem"
}

# ---------------------------------------------------------------------------- MariaDB

# mariadbd options of server N: TCP with TLS, binary log with GTIDs, semi-synchronous replication
# (AFTER_SYNC: a commit is acknowledged once a replica has its events). The primary runs the heartbeat's
# event; a replica is read_only and applies only what it receives.
db_opts() {
    local n=$1 role=$2
    printf '%s ' --port="${DB_PORT[$n]}" --bind-address=127.0.0.1 --skip-name-resolve \
        --ssl-ca="$C/tls/ca.pem" --ssl-cert="$C/tls/server-cert.pem" --ssl-key="$C/tls/server-key.pem" \
        --server-id="$n" --log-bin="$C/db$n/db/binlog" --log-slave-updates --binlog-format=ROW \
        --gtid-strict-mode=1 --log-bin-trust-function-creators=1 --relay-log="$C/db$n/db/relay" \
        --rpl-semi-sync-master-timeout=10000 --rpl-semi-sync-master-wait-point=AFTER_SYNC
    if [[ $role == primary ]]; then
        printf '%s ' --rpl-semi-sync-master-enabled=ON --event-scheduler=ON --read-only=0
    else
        printf '%s ' --rpl-semi-sync-slave-enabled=ON --event-scheduler=OFF --read-only=1
    fi
}

# db_start N ROLE: server N under $C/dbN (stack.sh initialises the data directory on first start).
db_start() {
    (
        close_fds
        VAR=$C/db$1 MARIADB_OPTS="$(db_opts "$1" "$2")" "$STACK" db-start >/dev/null
    )
}

repl_password() {
    [[ -s $C/repl.pw ]] || (umask 077 && od -An -vtx1 -N 16 /dev/urandom | tr -d ' \n' >"$C/repl.pw")
    cat "$C/repl.pw"
}

# replicate N FROM: server N replicates from server FROM over TLS (the certificate verified), from the GTID
# position it has applied.
replicate() {
    db "$1" -e "STOP SLAVE; CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = ${DB_PORT[$2]},
        MASTER_USER = 'repl', MASTER_PASSWORD = '$(repl_password)', MASTER_USE_GTID = slave_pos,
        MASTER_SSL = 1, MASTER_SSL_CA = '$C/tls/ca.pem', MASTER_SSL_VERIFY_SERVER_CERT = 1,
        MASTER_CONNECT_RETRY = 1; START SLAVE"
}

# The app's database accounts again for TCP from 127.0.0.1 (sql/grants.sql names 'localhost', the socket),
# required to use TLS. Run on the primary, they replicate.
cluster_grants() {
    local u
    sed -e 's/@PORTAL_PW@/'"$(db_password sem_portal)"'/g' -e 's/@CHECKIN_PW@/'"$(db_password sem_checkin)"'/g' \
        -e 's/@CERTS_PW@/'"$(db_password sem_certs)"'/g' -e 's/@REPORTS_PW@/'"$(db_password sem_reports)"'/g' \
        -e "s/'localhost'/'127.0.0.1'/g" "$ROOT/sql/grants.sql" | db "$(primary)"
    for u in sem_portal sem_checkin sem_certs sem_reports; do
        db "$(primary)" -e "ALTER USER '$u'@'127.0.0.1' REQUIRE SSL"
    done
}

db_password() { awk -F= -v u="$1" '$1 == u { print $2; exit }' "$C/db1/db-passwords"; }

# ---------------------------------------------------------------------------- app servers

# app.conf of app server N: the primary's generated app.conf with this cluster's database (TCP, TLS, the
# replica for lagging reads), TCP listeners, the shared files store and nginx's address.
write_app_conf() {
    local n=$1 p r u conf=$C/app$1/app.conf
    p=$(primary)
    r=$((3 - p))
    mkdir -p "$C/app$n"/{run,log} "$C/lb/files"
    (
        umask 077
        {
            cat "$C/db1/app.conf"
            echo
            echo "# scripts/cluster.sh: app server $n"
            echo "base_url = http://127.0.0.1:$LB_PORT"
            echo "db_host = 127.0.0.1"
            echo "db_port = ${DB_PORT[$p]}"
            echo "db_tls_ca = $C/tls/ca.pem"
            echo "db_read_host = 127.0.0.1"
            echo "db_read_port = ${DB_PORT[$r]}"
            echo "files_dir = $C/lb/files"
            echo "portal.listen = 127.0.0.1:$(listen_port "$n" portal)"
            echo "portal.listen_write = 127.0.0.1:$(listen_port "$n" portal_write)"
            for u in checkin certs reports; do
                echo "$u.listen = 127.0.0.1:$(listen_port "$n" "$u")"
            done
        } >"$conf.tmp"
        mv "$conf.tmp" "$conf"
    )
}

prog_pid() { running_pid "$C/app$1/run/$2.pid" "$2"; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Closes every open file of this shell but stdin, stdout and stderr: what it starts next (a daemon, when run from
# a test) must not hold bats's pipes open, or bats waits for them.
close_fds() {
    local fd
    for fd in /proc/"$BASHPID"/fd/*; do
        fd=${fd##*/}
        ((fd > 2)) && eval "exec $fd>&-"
    done
    return 0
}

# detached LOG COMMAND...: COMMAND in a session of its own in the background ($! its pid), with none of our open
# files but LOG.
detached() {
    local log=$1
    shift
    (
        close_fds
        exec setsid "$@" </dev/null >>"$log" 2>&1
    ) &
}

# app_start N: the four programs of app server N, each a pre-forking master in a process group of its own.
app_start() {
    local n=$1 p i
    write_app_conf "$n"
    for p in "${PROGRAMS[@]}"; do
        prog_pid "$n" "$p" >/dev/null && continue
        detached "$C/app$n/log/$p.log" "$ROOT/bin/$p" -c "$C/app$n/app.conf"
        echo $! >"$C/app$n/run/$p.pid"
    done
    for p in "${LISTENERS[@]}"; do
        for ((i = 0; i < 100; i++)); do
            port_open "$(listen_port "$n" "$p")" && break
            sleep 0.1
        done
        ((i < 100)) || die "app server $n: $p does not listen on $(listen_port "$n" "$p") (logs: $C/app$n/log)"
    done
    say "app server $n up"
}

# app_stop N [SIGNAL]: TERM drains the workers; KILL is a crash of the whole app server.
app_stop() {
    local n=$1 sig=${2:-TERM} p pid
    for p in "${PROGRAMS[@]}"; do
        pid=$(prog_pid "$n" "$p") || continue
        kill "-$sig" -- "-$pid" 2>/dev/null || true
        if ! wait_for 10 group_gone "$pid"; then
            kill -KILL -- "-$pid" 2>/dev/null || true
            wait_for 2 group_gone "$pid" || die "app server $n: $p (process group $pid) does not end"
        fi
        rm -f "$C/app$n/run/$p.pid"
    done
}

# ---------------------------------------------------------------------------- nginx

# The project's nginx template with each program's unix socket replaced by an upstream of both app servers,
# and the retry rules of deploy/README.md («Retries»).
write_nginx_template() {
    local up=$C/lb-upstreams.conf l name
    {
        for l in "${LISTENERS[@]}"; do
            echo "    upstream seminars_$l {"
            for name in 1 2; do
                echo "        server 127.0.0.1:$(listen_port "$name" "$l") max_fails=1 fail_timeout=10s;"
            done
            echo "    }"
        done
        cat "$ROOT/deploy/nginx-upstream.conf"
    } >"$up"
    sed -e "/^http {/r $up" \
        -e 's|unix:@VAR@/run/portal-write\.sock|seminars_portal_write|; s|unix:@VAR@/run/\([a-z]*\)\.sock|seminars_\1|' \
        "$ROOT/nginx.conf" >"$C/nginx.template"
    mkdir -p "$C/lb/nginx.d"
    # shellcheck disable=SC2016 # nginx's variable, not the shell's
    sed -e 's|fastcgi_pass seminars_portal;|fastcgi_pass $portal_sock;|' "$ROOT/deploy/nginx-retry.conf" \
        >"$C/lb/nginx.d/retry.conf"
}

# ---------------------------------------------------------------------------- commands

cmd_start() {
    [[ -x $ROOT/bin/portal ]] || die "build first: make"
    mkdir -p "$C"
    ports
    make_tls
    echo 1 >"$C/primary"
    db_start 1 primary
    db_start 2 replica
    # Both servers are new: replication starts at the primary's first event, before the schema exists.
    if [[ -z $(db 1 -N -B -e "SELECT user FROM mysql.user WHERE user = 'repl'") ]]; then
        db 1 -e "RESET MASTER; CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY '$(repl_password)' REQUIRE SSL;
            GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1'"
        db 2 -e "RESET MASTER; SET GLOBAL gtid_slave_pos = ''"
        replicate 2 1
    fi
    VAR=$C/db1 PORT=$LB_PORT DEMO=1 EXTRA_CONF=$ROOT/tests/stack-test.conf MARIADB_OPTS="$(db_opts 1 primary)" \
        "$STACK" prepare >"$C/prepare.log" 2>&1 || {
        cat "$C/prepare.log" >&2
        die "preparing the primary failed"
    }
    cluster_grants
    app_start 1
    app_start 2
    write_nginx_template
    VAR=$C/lb PORT=$LB_PORT NGINX_CONF=$C/nginx.template "$STACK" nginx >/dev/null
    say "up at http://127.0.0.1:$LB_PORT (primary db$(primary), state in $C)"
}

cmd_stop() {
    [[ -d $C ]] || return 0
    [[ -s $C/ports ]] && ports
    VAR=$C/lb "$STACK" stop >/dev/null 2>&1 || true
    app_stop 1
    app_stop 2
    VAR=$C/db1 "$STACK" stop >/dev/null 2>&1 || true
    VAR=$C/db2 "$STACK" stop >/dev/null 2>&1 || true
    say "stopped ($C)"
}

cmd_env() {
    ports
    printf 'BASE_URL=http://127.0.0.1:%s\nDB1_PORT=%s\nDB2_PORT=%s\nTLS_CA=%s\n' \
        "$LB_PORT" "${DB_PORT[1]}" "${DB_PORT[2]}" "$C/tls/ca.pem"
}

# The primary is gone (or going): db_kill N is its crash.
cmd_db_kill() {
    local pid
    pid=$(running_pid "$C/db$1/run/mysqld.pid" mariadbd) || return 0
    kill -KILL "$pid" 2>/dev/null || true
    wait_for 5 not_alive "$pid" || die "db$1 (pid $pid) does not end"
}

# Promotes the replica (scripts/failover.sh) and points both app servers at it, one after the other.
cmd_failover() {
    local old new n
    ports
    old=$(primary)
    new=$((3 - old))
    NEW_PRIMARY="--socket=$C/db$new/run/mysqld.sock" "$ROOT/scripts/failover.sh"
    echo "$new" >"$C/primary"
    for n in 1 2; do
        app_stop "$n"
        app_start "$n"
    done
    say "db$new is the primary; the app servers use it"
}

# The old primary comes back as a replica of the new one. What it committed that never reached the replica
# (at most the transactions unacknowledged at its crash) would split the history, so it is copied afresh.
cmd_rejoin() {
    local p old
    ports
    p=$(primary)
    old=$((3 - p))
    cmd_db_kill "$old"
    rm -rf "$C/db$old/db"
    db_start "$old" replica
    db "$old" -e "RESET MASTER"
    # The accounts and their grants, and the database at one GTID position; loaded without binary logging (what
    # follows comes from the primary, under its own GTIDs).
    {
        echo "SET sql_log_bin = 0; USE mysql;"
        mariadb-dump --no-defaults --socket="$C/db$p/run/mysqld.sock" -uroot mysql global_priv db tables_priv \
            columns_priv procs_priv roles_mapping
        mariadb-dump --no-defaults --socket="$C/db$p/run/mysqld.sock" -uroot --databases seminars \
            --single-transaction --routines --events --triggers --gtid --master-data=1
        echo "FLUSH PRIVILEGES;"
    } >"$C/rejoin.sql"
    db "$old" <"$C/rejoin.sql"
    db "$old" -e "SET GLOBAL rpl_semi_sync_slave_enabled = ON"
    replicate "$old" "$p"
    db "$p" -e "SET GLOBAL rpl_semi_sync_master_enabled = ON"
    say "db$old replicates from db$p"
}

# replicating N: server N is up, read-only and replicating (its threads started again if a test stopped them).
replicating() {
    db_up "$1" && [[ $(db "$1" -N -B -e 'SELECT @@read_only') == 1 ]] && db "$1" -e "START SLAVE" 2>/dev/null
}

# A primary (the replica promoted if it is down), a replica of it (the other server copied afresh if it does not
# replicate) and both app servers.
cmd_ready() {
    ports
    db_up "$(primary)" || cmd_failover
    replicating $((3 - $(primary))) || cmd_rejoin
    app_start 1
    app_start 2
}

cmd_status() {
    local n p
    ports
    echo "primary: db$(primary); nginx: http://127.0.0.1:$LB_PORT"
    for n in 1 2; do
        if db_up "$n"; then
            db "$n" -N -B -e "SELECT CONCAT('db$n: read_only=', @@read_only, ' gtid=', @@gtid_current_pos)"
        else
            echo "db$n: down"
        fi
    done
    for n in 1 2; do
        for p in "${PROGRAMS[@]}"; do
            prog_pid "$n" "$p" >/dev/null && echo "app$n $p: running" || echo "app$n $p: stopped"
        done
    done
}

case ${1:-} in
start | stop | status | env | ready | failover | rejoin) "cmd_$1" ;;
app-kill | app-start | db-kill)
    [[ ${2:-} == [12] ]] || die "$1: which server, 1 or 2?"
    ports
    case $1 in
    app-kill) app_stop "$2" KILL ;;
    app-start) app_start "$2" ;;
    db-kill) cmd_db_kill "$2" ;;
    esac
    ;;
*)
    sed -n '4,9s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
    exit 2
    ;;
esac
