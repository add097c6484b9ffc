-- The primary's heartbeat: one row whose time the event of sql/procedures/090-heartbeat.sql sets every second. A replica
-- holds the time of the last second it applied, which is the time its data are from (the coverage reports show it).
CREATE TABLE replication_heartbeat (
  id TINYINT UNSIGNED PRIMARY KEY,
  beat DATETIME(6) NOT NULL
) ENGINE=InnoDB;

INSERT INTO replication_heartbeat (id, beat) VALUES (1, NOW(6));
