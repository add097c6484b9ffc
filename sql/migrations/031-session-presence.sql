-- Those present at each session, kept by triggers on attendance, so that the door's answer reads a few rows instead of counting check-ins (issue 16).

-- The check-ins of a session not undone, by mode: the sum of n over the session's slots. A change adds to
-- the slot of its connection (CONNECTION_ID() % 16), so concurrent scans of one session update different
-- rows and do not wait for each other's commit; an undo may subtract from another slot than the one its
-- scan added to, so a slot may go below zero, never the sum. No foreign key: the door takes no lock on the
-- session for it, and the rows of a session deleted with its check-ins sum to zero.
-- sql/checks/reconcile-presence.sql compares the sums with the check-ins.
CREATE TABLE session_presence (
  session_id INT UNSIGNED NOT NULL,
  mode ENUM('in_person', 'online') NOT NULL,
  slot TINYINT UNSIGNED NOT NULL,
  n INT NOT NULL,
  PRIMARY KEY (session_id, mode, slot)
) ENGINE=InnoDB;

-- Writers of attendance wait while the triggers are made and the check-ins so far are counted: none is missed or
-- counted twice, whether or not the programs run.
LOCK TABLES attendance WRITE, session_presence WRITE;

DELIMITER //

-- Every write of attendance, by any path (the door, online codes, undo, erasure, imports, the demo data,
-- tests), moves the counters in its own transaction, so they are exact at every commit. An update that
-- leaves a check-in present at the same session and mode (the retention sweep of device ids) writes nothing.
CREATE TRIGGER attendance_presence_insert AFTER INSERT ON attendance FOR EACH ROW
  IF NEW.undone_at IS NULL THEN
    INSERT INTO session_presence (session_id, mode, slot, n) VALUES (NEW.session_id, NEW.mode, CONNECTION_ID() % 16, 1)
      ON DUPLICATE KEY UPDATE n = n + 1;
  END IF //

CREATE TRIGGER attendance_presence_update AFTER UPDATE ON attendance FOR EACH ROW
  IF (OLD.undone_at IS NULL) <> (NEW.undone_at IS NULL) OR OLD.session_id <> NEW.session_id
     OR OLD.mode <> NEW.mode THEN
    INSERT INTO session_presence (session_id, mode, slot, n)
      SELECT d_session, d_mode, CONNECTION_ID() % 16, d_n
        FROM (SELECT OLD.session_id AS d_session, OLD.mode AS d_mode, -1 AS d_n FROM DUAL WHERE OLD.undone_at IS NULL
              UNION ALL
              SELECT NEW.session_id, NEW.mode, 1 FROM DUAL WHERE NEW.undone_at IS NULL) d
      ON DUPLICATE KEY UPDATE n = n + VALUES(n);
  END IF //

CREATE TRIGGER attendance_presence_delete AFTER DELETE ON attendance FOR EACH ROW
  IF OLD.undone_at IS NULL THEN
    INSERT INTO session_presence (session_id, mode, slot, n) VALUES (OLD.session_id, OLD.mode, CONNECTION_ID() % 16, -1)
      ON DUPLICATE KEY UPDATE n = n - 1;
  END IF //

DELIMITER ;

-- The check-ins made before the triggers.
INSERT INTO session_presence (session_id, mode, slot, n)
SELECT session_id, mode, 0, COUNT(*) FROM attendance WHERE undone_at IS NULL GROUP BY session_id, mode;

UNLOCK TABLES;
