#!/usr/bin/env bash
# Promotes a MariaDB replica to primary after the primary is lost: applies everything it received, stops replicating, becomes writable.
#
# Usage: NEW_PRIMARY="mariadb client options of the replica, as an administrator" scripts/failover.sh
#   e.g. NEW_PRIMARY="--host=db2.internal --user=admin --password=..." (or --socket=... on its host)
# Then point the app servers at it (db_host/db_port in app.conf) and restart them; deploy/README.md, «Failover».
# The old primary must not come back as it was: it rejoins as a replica (scripts/cluster.sh rejoin shows how).
set -euo pipefail

: "${NEW_PRIMARY:?NEW_PRIMARY: the mariadb client options of the replica to promote}"
read -r -a OPTS <<<"$NEW_PRIMARY"
q() { mariadb --no-defaults "${OPTS[@]}" -N -B -e "$1"; }
say() { echo "failover: $*"; }

# One field of SHOW SLAVE STATUS.
status() { mariadb --no-defaults "${OPTS[@]}" -e 'SHOW SLAVE STATUS\G' | awk -v k="$1:" '$1 == k { print $2 }'; }

# Nothing more comes from the lost primary; what is in the relay log (every acknowledged commit: the primary
# waited for it to arrive here, AFTER_SYNC) is applied before the replica takes writes.
q "STOP SLAVE IO_THREAD"
for ((i = 0; i < 600; i++)); do
    if [[ $(status Slave_SQL_Running) != Yes ]]; then
        [[ -z $(status Last_SQL_Error) ]] || { say "the replica's applier stopped: $(status Last_SQL_Error)"; exit 1; }
        break
    fi
    [[ $(status Master_Log_File) == "$(status Relay_Master_Log_File)" &&
        $(status Read_Master_Log_Pos) == "$(status Exec_Master_Log_Pos)" ]] && break
    sleep 0.1
done
((i < 600)) || { say "the replica did not apply its relay log within 60 s"; exit 1; }
q "STOP SLAVE; RESET SLAVE ALL"
# Writable; no replica to wait for until one rejoins (then rpl_semi_sync_master_enabled = ON again); the heartbeat
# of the coverage reports' lag is this server's from now on.
q "SET GLOBAL rpl_semi_sync_master_enabled = OFF; SET GLOBAL read_only = 0; SET GLOBAL event_scheduler = ON"
q "ALTER EVENT seminars.replication_heartbeat ENABLE"
say "promoted at GTID $(q 'SELECT @@gtid_current_pos')"
