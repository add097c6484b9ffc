-- The heartbeat of replication (migration 022): every second the primary stamps the time, a replica applies it
-- with the data before it. It runs where the event scheduler is on (the primary of a replicated deployment:
-- deploy/mariadb.cnf; off on replicas, and off in the local stack, which has no replica). A server in read_only
-- writes nothing even so: the event runs with its definer's rights, which read_only would not stop.
CREATE OR REPLACE EVENT replication_heartbeat
  ON SCHEDULE EVERY 1 SECOND
  DO UPDATE replication_heartbeat SET beat = NOW(6) WHERE id = 1 AND @@global.read_only = 0;
