-- Coverage for ministries: the register's life cycle (imports, organisations proposed at sign-up)
-- and the summary tables the reports read, kept current in the same transaction as attendance.

-- An organisation is in the register (imported or accepted by an administrator), proposed by a
-- person at sign-up who could not find theirs (waits for an administrator), or merged into another.
ALTER TABLE organization
  ADD COLUMN status ENUM('register', 'proposed', 'merged') NOT NULL DEFAULT 'register' AFTER active,
  ADD COLUMN merged_into INT UNSIGNED NULL AFTER status,
  ADD COLUMN proposed_by INT UNSIGNED NULL AFTER merged_into,
  ADD COLUMN updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  ADD KEY organization_status (status, district_id),
  ADD CONSTRAINT organization_merged_into FOREIGN KEY (merged_into) REFERENCES organization (id);

ALTER TABLE registration ADD KEY registration_organization (organization_id);

-- Period keys of a date: 'all', the year '2026', the quarter '2026-Q4', the month '2026-11'.
-- A seminar counts in the periods of the date of its first session (seminar.starts_at).

-- One row per registration that counts: confirmed, attended by the seminar's rule, the seminar
-- published or finished, the organisation active in the register and of one of the seminar's
-- sectors. The cell it counts in is stored, so a change takes back exactly what was added.
CREATE TABLE coverage_fact (
  registration_id INT UNSIGNED PRIMARY KEY,
  person_id INT UNSIGNED NOT NULL,
  organization_id INT UNSIGNED NOT NULL,
  district_id INT UNSIGNED NOT NULL,
  sector_id TINYINT UNSIGNED NOT NULL,
  seminar_id INT UNSIGNED NOT NULL,
  held_on DATE NOT NULL,
  door BOOLEAN NOT NULL,                     -- attended at the door (in person)
  online BOOLEAN NOT NULL,                   -- attended online
  KEY coverage_fact_org (organization_id, held_on),
  KEY coverage_fact_person (person_id),
  KEY coverage_fact_seminar (seminar_id)
) ENGINE=InnoDB;

-- Facts per organisation, sector and period: covered while n > 0.
CREATE TABLE coverage_org (
  organization_id INT UNSIGNED NOT NULL,
  sector_id TINYINT UNSIGNED NOT NULL,
  period CHAR(7) CHARACTER SET ascii NOT NULL,
  district_id INT UNSIGNED NOT NULL,
  n INT UNSIGNED NOT NULL,
  PRIMARY KEY (organization_id, sector_id, period)
) ENGINE=InnoDB;

-- Facts per person, cell and period, split by door and online: a person counts once per cell.
CREATE TABLE coverage_person (
  person_id INT UNSIGNED NOT NULL,
  district_id INT UNSIGNED NOT NULL,
  sector_id TINYINT UNSIGNED NOT NULL,
  period CHAR(7) CHARACTER SET ascii NOT NULL,
  n INT UNSIGNED NOT NULL,
  n_door INT UNSIGNED NOT NULL,
  n_online INT UNSIGNED NOT NULL,
  PRIMARY KEY (person_id, district_id, sector_id, period)
) ENGINE=InnoDB;

-- What the reports read: per district, sector and period.
CREATE TABLE coverage_cell (
  district_id INT UNSIGNED NOT NULL,
  sector_id TINYINT UNSIGNED NOT NULL,
  period CHAR(7) CHARACTER SET ascii NOT NULL,
  orgs_covered INT UNSIGNED NOT NULL DEFAULT 0,
  people INT UNSIGNED NOT NULL DEFAULT 0,      -- distinct people trained
  people_door INT UNSIGNED NOT NULL DEFAULT 0, -- of them, in person
  people_online INT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (period, district_id, sector_id)
) ENGINE=InnoDB;

-- Active organisations of the register per district and sector (the denominator), kept by the
-- import and by every change of an organisation's district, sector or status.
CREATE TABLE register_cell (
  district_id INT UNSIGNED NOT NULL,
  sector_id TINYINT UNSIGNED NOT NULL,
  orgs INT UNSIGNED NOT NULL,
  PRIMARY KEY (district_id, sector_id)
) ENGINE=InnoDB;

-- Register imports: the parsed file waits here between the preview and "apply", so what is
-- applied is exactly what was shown.
CREATE TABLE register_import (
  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  kind ENUM('organizations', 'districts') NOT NULL,
  file_name VARCHAR(255) NOT NULL,
  file_sha256 CHAR(64) CHARACTER SET ascii NOT NULL,
  uploaded_by INT UNSIGNED NOT NULL,
  uploaded_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  applied_at DATETIME NULL,
  summary VARCHAR(2000) NULL,                -- JSON: counts of added, changed, deactivated, rejected
  CONSTRAINT register_import_person FOREIGN KEY (uploaded_by) REFERENCES person (id)
) ENGINE=InnoDB;

CREATE TABLE register_import_row (
  id BIGINT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  import_id INT UNSIGNED NOT NULL,
  line INT UNSIGNED NULL,                    -- the file's line; NULL for a deactivation (not in the file)
  action ENUM('add', 'change', 'same', 'deactivate', 'reject') NOT NULL,
  target_id INT UNSIGNED NULL,               -- the organisation or district changed or deactivated
  data TEXT NULL,                            -- JSON of the validated values
  reason VARCHAR(500) NULL,                  -- why a line is rejected, or what changes
  KEY register_import_row_line (import_id, line),
  CONSTRAINT register_import_row_import FOREIGN KEY (import_id) REFERENCES register_import (id) ON DELETE CASCADE
) ENGINE=InnoDB;

-- ---------------------------------------------------------------- upkeep of the summary tables
-- coverage_touch keeps them current in the transaction of every change that may move a fact;
-- coverage_recompute rebuilds them from the raw data; coverage_check lists every difference.

-- Attendance per registration, read whole from the index (the recompute counts every registration's).
ALTER TABLE attendance ADD KEY attendance_registration (registration_id, undone_at, mode);

-- While a recompute builds its new tables, a change of a fact is also noted here, and the
-- recompute applies it again once the new tables are in place.
CREATE TABLE coverage_rebuild (
  id TINYINT UNSIGNED PRIMARY KEY,           -- the one row: 1
  since DATETIME(3) NULL                     -- a recompute is building since then; NULL: none
) ENGINE=InnoDB;
INSERT INTO coverage_rebuild (id, since) VALUES (1, NULL);

CREATE TABLE coverage_dirty (
  registration_id INT UNSIGNED PRIMARY KEY
) ENGINE=InnoDB;

DELIMITER //

-- The period keys of a date: level 0 'all', 1 the year '2026', 2 the quarter '2026-Q4', 3 the month '2026-11'.
CREATE FUNCTION coverage_period(d DATE, level TINYINT) RETURNS CHAR(7) CHARACTER SET ascii
  DETERMINISTIC NO SQL
  RETURN CASE level WHEN 0 THEN 'all' WHEN 1 THEN DATE_FORMAT(d, '%Y')
                    WHEN 2 THEN CONCAT(YEAR(d), '-Q', QUARTER(d)) ELSE DATE_FORMAT(d, '%Y-%m') END//

-- Adds (delta 1) or takes back (delta -1) one fact in the four periods of held_on. The rows of
-- coverage_org and coverage_person are written first, so they are locked before the cell reads
-- them: a count that reaches 1 (or 0) is an organisation or a person that begins (or ends) to
-- count in the cell. A count never goes below zero, even over damaged tables (coverage_check
-- reports those; a door scan must not fail on them).
CREATE PROCEDURE coverage_count(IN f_person INT UNSIGNED, IN f_org INT UNSIGNED, IN f_district INT UNSIGNED,
                                IN f_sector TINYINT UNSIGNED, IN f_held DATE, IN f_door BOOLEAN,
                                IN f_online BOOLEAN, IN delta TINYINT)
  MODIFIES SQL DATA SQL SECURITY INVOKER
BEGIN
  DECLARE y, q, m CHAR(7) CHARACTER SET ascii;
  SET y = coverage_period(f_held, 1), q = coverage_period(f_held, 2), m = coverage_period(f_held, 3);
  IF delta > 0 THEN
    INSERT INTO coverage_org (organization_id, sector_id, period, district_id, n)
    VALUES (f_org, f_sector, 'all', f_district, 1), (f_org, f_sector, y, f_district, 1),
           (f_org, f_sector, q, f_district, 1), (f_org, f_sector, m, f_district, 1)
    ON DUPLICATE KEY UPDATE n = n + 1;
    INSERT INTO coverage_person (person_id, district_id, sector_id, period, n, n_door, n_online)
    VALUES (f_person, f_district, f_sector, 'all', 1, f_door, f_online),
           (f_person, f_district, f_sector, y, 1, f_door, f_online),
           (f_person, f_district, f_sector, q, 1, f_door, f_online),
           (f_person, f_district, f_sector, m, 1, f_door, f_online)
    ON DUPLICATE KEY UPDATE n = n + 1, n_door = n_door + VALUES(n_door), n_online = n_online + VALUES(n_online);
    INSERT INTO coverage_cell (period, district_id, sector_id, orgs_covered, people, people_door, people_online)
    SELECT o.period, f_district, f_sector, o.n = 1, p.n = 1, f_door AND p.n_door = 1, f_online AND p.n_online = 1
      FROM coverage_org o
      JOIN coverage_person p ON p.person_id = f_person AND p.district_id = f_district AND p.sector_id = f_sector
                            AND p.period = o.period
     WHERE o.organization_id = f_org AND o.sector_id = f_sector AND o.period IN ('all', y, q, m)
       AND (o.n = 1 OR p.n = 1 OR (f_door AND p.n_door = 1) OR (f_online AND p.n_online = 1))
    ON DUPLICATE KEY UPDATE orgs_covered = orgs_covered + VALUES(orgs_covered), people = people + VALUES(people),
                            people_door = people_door + VALUES(people_door),
                            people_online = people_online + VALUES(people_online);
  ELSE
    UPDATE coverage_org SET n = n - LEAST(n, 1)
     WHERE organization_id = f_org AND sector_id = f_sector AND period IN ('all', y, q, m);
    UPDATE coverage_person
       SET n = n - LEAST(n, 1), n_door = n_door - LEAST(n_door, f_door), n_online = n_online - LEAST(n_online, f_online)
     WHERE person_id = f_person AND district_id = f_district AND sector_id = f_sector AND period IN ('all', y, q, m);
    UPDATE coverage_cell c
      JOIN coverage_org o ON o.organization_id = f_org AND o.sector_id = f_sector AND o.period = c.period
      JOIN coverage_person p ON p.person_id = f_person AND p.district_id = f_district AND p.sector_id = f_sector
                            AND p.period = c.period
       SET c.orgs_covered = c.orgs_covered - LEAST(c.orgs_covered, o.n = 0),
           c.people = c.people - LEAST(c.people, p.n = 0),
           c.people_door = c.people_door - LEAST(c.people_door, f_door AND p.n_door = 0),
           c.people_online = c.people_online - LEAST(c.people_online, f_online AND p.n_online = 0)
     WHERE c.district_id = f_district AND c.sector_id = f_sector AND c.period IN ('all', y, q, m);
    DELETE FROM coverage_org
     WHERE organization_id = f_org AND sector_id = f_sector AND period IN ('all', y, q, m) AND n = 0;
    DELETE FROM coverage_person
     WHERE person_id = f_person AND district_id = f_district AND sector_id = f_sector
       AND period IN ('all', y, q, m) AND n = 0;
    DELETE FROM coverage_cell
     WHERE district_id = f_district AND sector_id = f_sector AND period IN ('all', y, q, m)
       AND orgs_covered = 0 AND people = 0 AND people_door = 0 AND people_online = 0;
  END IF;
END//

-- Re-evaluates one registration (may_count FALSE: takes its fact back whatever the data say). A
-- registration counts when it is confirmed, its seminar is published or finished and has a first
-- session, its organisation is active in the register and of one of the seminar's sectors, and
-- its check-ins not undone meet the seminar's attendance rule (coverage_build reads the same
-- conditions for every registration at once; coverage_check compares the two).
CREATE PROCEDURE coverage_reevaluate(IN reg INT UNSIGNED, IN may_count BOOLEAN)
  MODIFIES SQL DATA SQL SECURITY INVOKER
touch: BEGIN
  DECLARE found, eligible BOOLEAN DEFAULT FALSE;
  DECLARE r_person, r_org, r_seminar, r_district INT UNSIGNED;
  DECLARE r_sector TINYINT UNSIGNED;
  DECLARE r_held DATE;
  DECLARE r_rule VARCHAR(8);
  DECLARE r_pct, r_sessions, r_door, r_online INT;
  DECLARE o_person, o_org, o_district, o_seminar, n_person, n_org, n_district, n_seminar INT UNSIGNED;
  DECLARE o_sector, n_sector TINYINT UNSIGNED;
  DECLARE o_held, n_held DATE;
  DECLARE o_door, o_online, n_door, n_online BOOLEAN;
  DECLARE rebuilding DATETIME(3);
  DECLARE CONTINUE HANDLER FOR NOT FOUND BEGIN END;

  -- Everything the fact is made of, in one share-locked read: a transaction changing any of it (a
  -- check-in, an undo, a cancellation, the seminar, the organisation) holds it exclusively and runs
  -- its own touch, so whichever touch comes last sees what the other committed.
  SELECT TRUE, r.person_id, r.organization_id, r.seminar_id, o.district_id, o.sector_id, DATE(s.starts_at),
         r.status = 'confirmed' AND s.status IN ('published', 'finished') AND s.starts_at IS NOT NULL
           AND o.active AND o.status = 'register'
           AND EXISTS (SELECT 1 FROM seminar_sector x WHERE x.seminar_id = s.id AND x.sector_id = o.sector_id),
         s.attendance_rule, s.online_min_percent,
         (SELECT COUNT(*) FROM seminar_session x WHERE x.seminar_id = s.id),
         IFNULL(SUM(a.mode = 'in_person' AND a.undone_at IS NULL), 0),
         IFNULL(SUM(a.mode = 'online' AND a.undone_at IS NULL), 0)
    INTO found, r_person, r_org, r_seminar, r_district, r_sector, r_held, eligible, r_rule, r_pct, r_sessions,
         r_door, r_online
    FROM registration r
    JOIN seminar s ON s.id = r.seminar_id
    LEFT JOIN organization o ON o.id = r.organization_id
    LEFT JOIN attendance a ON a.registration_id = r.id
   WHERE r.id = reg
   GROUP BY r.id LOCK IN SHARE MODE;
  IF NOT found THEN
    LEAVE touch;
  END IF;
  -- The fact as counted now, locked: one touch at a time takes it back and adds it anew.
  SELECT person_id, organization_id, district_id, sector_id, seminar_id, held_on, door, online
    INTO o_person, o_org, o_district, o_sector, o_seminar, o_held, o_door, o_online
    FROM coverage_fact WHERE registration_id = reg FOR UPDATE;
  IF may_count AND eligible AND attendance_qualifies(r_rule, r_pct, r_sessions, r_door, r_online) THEN
    SET n_person = r_person, n_org = r_org, n_district = r_district, n_sector = r_sector, n_seminar = r_seminar,
        n_held = r_held, n_door = r_door > 0, n_online = r_online > 0;
  END IF;
  IF o_person <=> n_person AND o_org <=> n_org AND o_district <=> n_district AND o_sector <=> n_sector
     AND o_seminar <=> n_seminar AND o_held <=> n_held AND o_door <=> n_door AND o_online <=> n_online THEN
    LEAVE touch;
  END IF;

  SELECT since INTO rebuilding FROM coverage_rebuild WHERE id = 1 LOCK IN SHARE MODE;
  IF rebuilding IS NOT NULL THEN
    INSERT IGNORE INTO coverage_dirty (registration_id) VALUES (reg);
  END IF;
  IF o_person IS NOT NULL THEN
    CALL coverage_count(o_person, o_org, o_district, o_sector, o_held, o_door, o_online, -1);
  END IF;
  IF n_person IS NULL THEN
    DELETE FROM coverage_fact WHERE registration_id = reg;
  ELSE
    INSERT INTO coverage_fact (registration_id, person_id, organization_id, district_id, sector_id, seminar_id,
                               held_on, door, online)
    VALUES (reg, n_person, n_org, n_district, n_sector, n_seminar, n_held, n_door, n_online)
    ON DUPLICATE KEY UPDATE person_id = n_person, organization_id = n_org, district_id = n_district,
                            sector_id = n_sector, seminar_id = n_seminar, held_on = n_held, door = n_door,
                            online = n_online;
    CALL coverage_count(n_person, n_org, n_district, n_sector, n_held, n_door, n_online, 1);
  END IF;
END//

-- Re-evaluates one registration: adds, removes or moves its fact. Idempotent; call it in the
-- transaction of the change. When nothing changes (the usual case) it is two indexed reads.
CREATE PROCEDURE coverage_touch(IN reg INT UNSIGNED)
  MODIFIES SQL DATA SQL SECURITY DEFINER
  CALL coverage_reevaluate(reg, TRUE)//

-- Every registration of a seminar that has a fact or a check-in (no other one can count).
CREATE PROCEDURE coverage_touch_seminar(IN sem INT UNSIGNED)
  MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
  DECLARE done BOOLEAN DEFAULT FALSE;
  DECLARE reg INT UNSIGNED;
  DECLARE regs CURSOR FOR
    SELECT r.id FROM registration r
     WHERE r.seminar_id = sem
       AND (EXISTS (SELECT 1 FROM attendance a WHERE a.registration_id = r.id AND a.undone_at IS NULL)
            OR EXISTS (SELECT 1 FROM coverage_fact f WHERE f.registration_id = r.id))
     ORDER BY r.id;
  DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = TRUE;
  OPEN regs;
  regs_loop: LOOP
    FETCH regs INTO reg;
    IF done THEN
      LEAVE regs_loop;
    END IF;
    CALL coverage_touch(reg);
  END LOOP;
  CLOSE regs;
END//

-- Every registration made for an organisation, and every one counted for it (a merge moves
-- registrations to another organisation). Facts that leave the organisation's cell go first: its
-- coverage_org rows (one per sector and period) then never hold facts of two districts.
CREATE PROCEDURE coverage_touch_org(IN org INT UNSIGNED)
  MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
  DECLARE done BOOLEAN DEFAULT FALSE;
  DECLARE reg INT UNSIGNED;
  DECLARE moved CURSOR FOR
    SELECT f.registration_id FROM coverage_fact f JOIN organization o ON o.id = f.organization_id
     WHERE f.organization_id = org AND (f.district_id <> o.district_id OR f.sector_id <> o.sector_id)
     ORDER BY f.registration_id;
  DECLARE regs CURSOR FOR
    SELECT r.id FROM registration r
     WHERE r.organization_id = org
       AND EXISTS (SELECT 1 FROM attendance a WHERE a.registration_id = r.id AND a.undone_at IS NULL)
    UNION
    SELECT registration_id FROM coverage_fact WHERE organization_id = org
    ORDER BY 1;
  DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = TRUE;
  OPEN moved;
  out_of_cell: LOOP
    FETCH moved INTO reg;
    IF done THEN
      LEAVE out_of_cell;
    END IF;
    CALL coverage_reevaluate(reg, FALSE);
  END LOOP;
  CLOSE moved;
  SET done = FALSE;
  OPEN regs;
  regs_loop: LOOP
    FETCH regs INTO reg;
    IF done THEN
      LEAVE regs_loop;
    END IF;
    CALL coverage_touch(reg);
  END LOOP;
  CLOSE regs;
END//

-- Recounts register_cell of one district (0: of every district).
CREATE PROCEDURE register_recount(IN district INT UNSIGNED)
  MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
  IF district = 0 THEN
    DELETE FROM register_cell;
    INSERT INTO register_cell (district_id, sector_id, orgs)
    SELECT district_id, sector_id, COUNT(*) FROM organization WHERE active AND status = 'register'
     GROUP BY district_id, sector_id;
  ELSE
    DELETE FROM register_cell WHERE district_id = district;
    INSERT INTO register_cell (district_id, sector_id, orgs)
    SELECT district_id, sector_id, COUNT(*) FROM organization
     WHERE status = 'register' AND district_id = district AND active
     GROUP BY district_id, sector_id;
  END IF;
END//

-- Builds what the summary tables should hold, from the raw data, into the tables *_new
-- (coverage_recompute swaps them in, coverage_check compares them). Set-based throughout; what
-- the fact statement joins is first copied into small in-memory tables (a look-up there costs a
-- fraction of an InnoDB one), and the attendance rule is evaluated once per combination of rule,
-- percent, sessions, door and online check-ins that can occur, not once per registration.
CREATE PROCEDURE coverage_build()
  MODIFIES SQL DATA SQL SECURITY INVOKER
BEGIN
  DECLARE max_sessions INT;
  DECLARE tmp_size BIGINT UNSIGNED DEFAULT @@SESSION.tmp_table_size;
  DECLARE heap_size BIGINT UNSIGNED DEFAULT @@SESSION.max_heap_table_size;
  -- The in-memory tables and groupings of the national data set take a few hundred megabytes.
  SET SESSION tmp_table_size = 1073741824, max_heap_table_size = 1073741824;
  DROP TEMPORARY TABLE IF EXISTS cov_seminar, cov_kind, cov_number, cov_qualifies, cov_sector, cov_org,
                                 cov_attendance, cov_period;
  DROP TABLE IF EXISTS coverage_fact_new, coverage_org_new, coverage_person_new, coverage_cell_new,
                       register_cell_new;
  CREATE TABLE coverage_fact_new LIKE coverage_fact;
  -- Its secondary keys are added once the rows are in (one sort each instead of a random insert per row).
  ALTER TABLE coverage_fact_new DROP KEY coverage_fact_org, DROP KEY coverage_fact_person,
                                DROP KEY coverage_fact_seminar;
  CREATE TABLE coverage_org_new LIKE coverage_org;
  CREATE TABLE coverage_person_new LIKE coverage_person;
  CREATE TABLE coverage_cell_new LIKE coverage_cell;
  CREATE TABLE register_cell_new LIKE register_cell;

  -- The seminars that can count, with the kind of their rule (rule, percent, number of sessions).
  CREATE TEMPORARY TABLE cov_seminar (id INT UNSIGNED PRIMARY KEY, held_on DATE NOT NULL,
                                      rule VARCHAR(8) NOT NULL, pct INT NOT NULL, sessions INT NOT NULL,
                                      kind INT NULL) ENGINE=MEMORY
  SELECT s.id, DATE(s.starts_at) AS held_on, s.attendance_rule AS rule, s.online_min_percent AS pct,
         (SELECT COUNT(*) FROM seminar_session x WHERE x.seminar_id = s.id) AS sessions
    FROM seminar s WHERE s.status IN ('published', 'finished') AND s.starts_at IS NOT NULL;
  CREATE TEMPORARY TABLE cov_kind (kind INT PRIMARY KEY, rule VARCHAR(8) NOT NULL, pct INT NOT NULL,
                                   sessions INT NOT NULL) ENGINE=MEMORY
  SELECT ROW_NUMBER() OVER (ORDER BY rule, pct, sessions) AS kind, rule, pct, sessions
    FROM (SELECT DISTINCT rule, pct, sessions FROM cov_seminar) k;
  UPDATE cov_seminar s JOIN cov_kind k ON k.rule = s.rule AND k.pct = s.pct AND k.sessions = s.sessions
     SET s.kind = k.kind;
  SET max_sessions = (SELECT IFNULL(MAX(sessions), 0) FROM cov_kind);
  CREATE TEMPORARY TABLE cov_number (i INT PRIMARY KEY) ENGINE=MEMORY
  SELECT seq AS i FROM seq_0_to_65535 WHERE seq <= max_sessions;
  -- Check-ins per registration are at most the sessions: every (door, online) pair that qualifies.
  CREATE TEMPORARY TABLE cov_qualifies (kind INT NOT NULL, door INT NOT NULL, online INT NOT NULL,
                                        PRIMARY KEY (kind, door, online)) ENGINE=MEMORY
  SELECT k.kind, d.i AS door, o.i AS online
    FROM cov_kind k JOIN cov_number d ON d.i <= k.sessions JOIN cov_number o ON o.i <= k.sessions
   WHERE attendance_qualifies(k.rule, k.pct, k.sessions, d.i, o.i);
  CREATE TEMPORARY TABLE cov_sector (seminar_id INT UNSIGNED NOT NULL, sector_id TINYINT UNSIGNED NOT NULL,
                                     PRIMARY KEY (seminar_id, sector_id)) ENGINE=MEMORY
  SELECT seminar_id, sector_id FROM seminar_sector;
  CREATE TEMPORARY TABLE cov_org (id INT UNSIGNED PRIMARY KEY, district_id INT UNSIGNED NOT NULL,
                                  sector_id TINYINT UNSIGNED NOT NULL) ENGINE=MEMORY
  SELECT id, district_id, sector_id FROM organization WHERE active AND status = 'register';
  CREATE TEMPORARY TABLE cov_attendance (registration_id INT UNSIGNED PRIMARY KEY, door INT NOT NULL,
                                         online INT NOT NULL) ENGINE=MEMORY
  SELECT registration_id, SUM(mode = 'in_person') AS door, SUM(mode = 'online') AS online
    FROM attendance WHERE undone_at IS NULL GROUP BY registration_id;

  -- The conditions of coverage_reevaluate, for every registration at once (coverage_check compares
  -- the result with what coverage_touch keeps, so the two readings cannot drift apart unseen).
  INSERT INTO coverage_fact_new (registration_id, person_id, organization_id, district_id, sector_id, seminar_id,
                                 held_on, door, online)
  SELECT STRAIGHT_JOIN r.id, r.person_id, r.organization_id, o.district_id, o.sector_id, r.seminar_id, s.held_on,
         a.door > 0, a.online > 0
    FROM registration r
    JOIN cov_attendance a ON a.registration_id = r.id
    JOIN cov_seminar s ON s.id = r.seminar_id
    JOIN cov_org o ON o.id = r.organization_id
    JOIN cov_sector x ON x.seminar_id = r.seminar_id AND x.sector_id = o.sector_id
    JOIN cov_qualifies q ON q.kind = s.kind AND q.door = a.door AND q.online = a.online
   WHERE r.status = 'confirmed';
  ALTER TABLE coverage_fact_new ADD KEY coverage_fact_org (organization_id, held_on),
                                ADD KEY coverage_fact_person (person_id), ADD KEY coverage_fact_seminar (seminar_id);

  -- The four period keys of every date that occurs; pid numbers them in key order, so the groupings
  -- give the rows in primary-key order.
  CREATE TEMPORARY TABLE cov_period (held_on DATE NOT NULL, pid INT NOT NULL, period CHAR(7) CHARACTER SET ascii NOT NULL,
                                     KEY (held_on)) ENGINE=MEMORY
  SELECT d.held_on, DENSE_RANK() OVER (ORDER BY coverage_period(d.held_on, l.seq)) AS pid,
         coverage_period(d.held_on, l.seq) AS period
    FROM (SELECT DISTINCT held_on FROM coverage_fact_new) d JOIN seq_0_to_3 l;

  INSERT INTO coverage_org_new (organization_id, sector_id, period, district_id, n)
  SELECT f.organization_id, f.sector_id, MIN(p.period), MIN(f.district_id), COUNT(*)
    FROM coverage_fact_new f JOIN cov_period p ON p.held_on = f.held_on
   GROUP BY f.organization_id, f.sector_id, p.pid;
  INSERT INTO coverage_person_new (person_id, district_id, sector_id, period, n, n_door, n_online)
  SELECT f.person_id, f.district_id, f.sector_id, MIN(p.period), COUNT(*), SUM(f.door), SUM(f.online)
    FROM coverage_fact_new f JOIN cov_period p ON p.held_on = f.held_on
   GROUP BY f.person_id, f.district_id, f.sector_id, p.pid;
  -- A sort groups a few million rows into the cells faster than a temporary table with a key.
  INSERT INTO coverage_cell_new (period, district_id, sector_id, orgs_covered)
  SELECT SQL_BIG_RESULT period, district_id, sector_id, COUNT(*) FROM coverage_org_new
   GROUP BY period, district_id, sector_id;
  INSERT INTO coverage_cell_new (period, district_id, sector_id, people, people_door, people_online)
  SELECT SQL_BIG_RESULT period, district_id, sector_id, COUNT(*), SUM(n_door > 0), SUM(n_online > 0)
    FROM coverage_person_new GROUP BY period, district_id, sector_id
  ON DUPLICATE KEY UPDATE people = VALUES(people), people_door = VALUES(people_door),
                          people_online = VALUES(people_online);

  INSERT INTO register_cell_new (district_id, sector_id, orgs)
  SELECT district_id, sector_id, COUNT(*) FROM organization WHERE active AND status = 'register'
   GROUP BY district_id, sector_id;
  DROP TEMPORARY TABLE cov_seminar, cov_kind, cov_number, cov_qualifies, cov_sector, cov_org, cov_attendance,
                       cov_period;
  SET SESSION tmp_table_size = tmp_size, max_heap_table_size = heap_size;
END//

-- coverage_touch in a transaction of its own, tried again when it meets another transaction in
-- a deadlock or waits too long for a lock (the programs' transactions are retried the same way).
CREATE PROCEDURE coverage_retouch(IN reg INT UNSIGNED)
  MODIFIES SQL DATA SQL SECURITY INVOKER
BEGIN
  DECLARE tries INT DEFAULT 0;
  DECLARE failed BOOLEAN;
  DECLARE CONTINUE HANDLER FOR 1205, 1213 SET failed = TRUE;
  REPEAT
    SET failed = FALSE, tries = tries + 1;
    START TRANSACTION;
    CALL coverage_touch(reg);
    IF failed THEN
      ROLLBACK;
      DO SLEEP(0.01 * tries);
    ELSE
      COMMIT;
    END IF;
  UNTIL NOT failed OR tries = 5 END REPEAT;
  IF failed THEN
    SIGNAL SQLSTATE '40001' SET MESSAGE_TEXT = 'coverage: a change made during the recompute could not be applied';
  END IF;
END//

-- Rebuilds coverage_* and register_cell from the raw data. The new tables are built beside the
-- live ones (the reports keep answering from those) and swapped in at once. A change of a fact
-- made meanwhile goes to the live tables and is noted in coverage_dirty; it is applied again
-- once the new tables are in place. One recompute or check at a time.
CREATE PROCEDURE coverage_recompute()
  MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
  DECLARE done BOOLEAN DEFAULT FALSE;
  DECLARE reg INT UNSIGNED;
  DECLARE isolation VARCHAR(32) DEFAULT @@SESSION.tx_isolation;
  DECLARE dirty CURSOR FOR SELECT registration_id FROM coverage_dirty ORDER BY registration_id;
  DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = TRUE;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    ROLLBACK;
    UPDATE coverage_rebuild SET since = NULL WHERE id = 1;
    DROP TABLE IF EXISTS coverage_fact_new, coverage_org_new, coverage_person_new, coverage_cell_new,
                         register_cell_new;
    SET SESSION tx_isolation = isolation;
    DO RELEASE_LOCK('coverage_rebuild');
    RESIGNAL;
  END;
  IF NOT GET_LOCK('coverage_rebuild', 0) THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'coverage: another recompute or check is running';
  END IF;
  -- Plain reads of the raw data (REPEATABLE READ would lock every row read into the new tables).
  SET SESSION tx_isolation = 'READ-COMMITTED';
  DELETE FROM coverage_dirty;
  -- Waits for the touches that saw no recompute to commit; the ones after it note what they change.
  UPDATE coverage_rebuild SET since = NOW(3) WHERE id = 1;
  CALL coverage_build();
  RENAME TABLE coverage_fact TO coverage_fact_old, coverage_fact_new TO coverage_fact,
               coverage_org TO coverage_org_old, coverage_org_new TO coverage_org,
               coverage_person TO coverage_person_old, coverage_person_new TO coverage_person,
               coverage_cell TO coverage_cell_old, coverage_cell_new TO coverage_cell,
               register_cell TO register_cell_old, register_cell_new TO register_cell;
  DROP TABLE coverage_fact_old, coverage_org_old, coverage_person_old, coverage_cell_old, register_cell_old;
  -- Waits for the touches that noted a change to commit; no later one notes anything.
  UPDATE coverage_rebuild SET since = NULL WHERE id = 1;
  OPEN dirty;
  dirty_loop: LOOP
    FETCH dirty INTO reg;
    IF done THEN
      LEAVE dirty_loop;
    END IF;
    CALL coverage_retouch(reg);
  END LOOP;
  CLOSE dirty;
  DELETE FROM coverage_dirty;
  SET SESSION tx_isolation = isolation;
  DO RELEASE_LOCK('coverage_rebuild');
END//

-- Every difference between the summary tables and a recompute from the raw data, one row each:
-- the table, the row's key, what the row should hold and what it holds ('-': no such row).
-- No rows: consistent. Run it while the data are quiet (a change in flight shows as a difference).
CREATE PROCEDURE coverage_check()
  MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
  DECLARE isolation VARCHAR(32) DEFAULT @@SESSION.tx_isolation;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    DROP TABLE IF EXISTS coverage_fact_new, coverage_org_new, coverage_person_new, coverage_cell_new,
                         register_cell_new;
    SET SESSION tx_isolation = isolation;
    DO RELEASE_LOCK('coverage_rebuild');
    RESIGNAL;
  END;
  IF NOT GET_LOCK('coverage_rebuild', 0) THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'coverage: another recompute or check is running';
  END IF;
  SET SESSION tx_isolation = 'READ-COMMITTED';
  CALL coverage_build();
  SELECT t, k, expected, actual FROM (
    SELECT 'coverage_fact' AS t, CONCAT('registration=', n.registration_id) AS k,
           CONCAT_WS(' ', n.person_id, n.organization_id, n.district_id, n.sector_id, n.seminar_id, n.held_on,
                     n.door, n.online) AS expected,
           IF(l.registration_id IS NULL, '-', CONCAT_WS(' ', l.person_id, l.organization_id, l.district_id,
                                                        l.sector_id, l.seminar_id, l.held_on, l.door, l.online)) AS actual
      FROM coverage_fact_new n LEFT JOIN coverage_fact l ON l.registration_id = n.registration_id
     WHERE NOT (l.person_id <=> n.person_id AND l.organization_id <=> n.organization_id
                AND l.district_id <=> n.district_id AND l.sector_id <=> n.sector_id
                AND l.seminar_id <=> n.seminar_id AND l.held_on <=> n.held_on AND l.door <=> n.door
                AND l.online <=> n.online)
    UNION ALL
    SELECT 'coverage_fact', CONCAT('registration=', l.registration_id), '-',
           CONCAT_WS(' ', l.person_id, l.organization_id, l.district_id, l.sector_id, l.seminar_id, l.held_on,
                     l.door, l.online)
      FROM coverage_fact l LEFT JOIN coverage_fact_new n ON n.registration_id = l.registration_id
     WHERE n.registration_id IS NULL
    UNION ALL
    SELECT 'coverage_org', CONCAT('organization=', n.organization_id, ' sector=', n.sector_id, ' period=', n.period),
           CONCAT('district=', n.district_id, ' n=', n.n),
           IFNULL(CONCAT('district=', l.district_id, ' n=', l.n), '-')
      FROM coverage_org_new n
      LEFT JOIN coverage_org l ON l.organization_id = n.organization_id AND l.sector_id = n.sector_id
                              AND l.period = n.period
     WHERE NOT (l.district_id <=> n.district_id AND l.n <=> n.n)
    UNION ALL
    SELECT 'coverage_org', CONCAT('organization=', l.organization_id, ' sector=', l.sector_id, ' period=', l.period),
           '-', CONCAT('district=', l.district_id, ' n=', l.n)
      FROM coverage_org l
      LEFT JOIN coverage_org_new n ON n.organization_id = l.organization_id AND n.sector_id = l.sector_id
                                  AND n.period = l.period
     WHERE n.organization_id IS NULL
    UNION ALL
    SELECT 'coverage_person', CONCAT('person=', n.person_id, ' district=', n.district_id, ' sector=', n.sector_id,
                                     ' period=', n.period),
           CONCAT('n=', n.n, ' door=', n.n_door, ' online=', n.n_online),
           IFNULL(CONCAT('n=', l.n, ' door=', l.n_door, ' online=', l.n_online), '-')
      FROM coverage_person_new n
      LEFT JOIN coverage_person l ON l.person_id = n.person_id AND l.district_id = n.district_id
                                 AND l.sector_id = n.sector_id AND l.period = n.period
     WHERE NOT (l.n <=> n.n AND l.n_door <=> n.n_door AND l.n_online <=> n.n_online)
    UNION ALL
    SELECT 'coverage_person', CONCAT('person=', l.person_id, ' district=', l.district_id, ' sector=', l.sector_id,
                                     ' period=', l.period),
           '-', CONCAT('n=', l.n, ' door=', l.n_door, ' online=', l.n_online)
      FROM coverage_person l
      LEFT JOIN coverage_person_new n ON n.person_id = l.person_id AND n.district_id = l.district_id
                                     AND n.sector_id = l.sector_id AND n.period = l.period
     WHERE n.person_id IS NULL
    UNION ALL
    SELECT 'coverage_cell', CONCAT('period=', n.period, ' district=', n.district_id, ' sector=', n.sector_id),
           CONCAT('orgs=', n.orgs_covered, ' people=', n.people, ' door=', n.people_door, ' online=', n.people_online),
           IFNULL(CONCAT('orgs=', l.orgs_covered, ' people=', l.people, ' door=', l.people_door,
                         ' online=', l.people_online), '-')
      FROM coverage_cell_new n
      LEFT JOIN coverage_cell l ON l.period = n.period AND l.district_id = n.district_id AND l.sector_id = n.sector_id
     WHERE NOT (l.orgs_covered <=> n.orgs_covered AND l.people <=> n.people AND l.people_door <=> n.people_door
                AND l.people_online <=> n.people_online)
    UNION ALL
    SELECT 'coverage_cell', CONCAT('period=', l.period, ' district=', l.district_id, ' sector=', l.sector_id), '-',
           CONCAT('orgs=', l.orgs_covered, ' people=', l.people, ' door=', l.people_door, ' online=', l.people_online)
      FROM coverage_cell l
      LEFT JOIN coverage_cell_new n ON n.period = l.period AND n.district_id = l.district_id AND n.sector_id = l.sector_id
     WHERE n.period IS NULL
    UNION ALL
    SELECT 'register_cell', CONCAT('district=', n.district_id, ' sector=', n.sector_id), CONCAT('orgs=', n.orgs),
           IFNULL(CONCAT('orgs=', l.orgs), '-')
      FROM register_cell_new n LEFT JOIN register_cell l ON l.district_id = n.district_id AND l.sector_id = n.sector_id
     WHERE NOT (l.orgs <=> n.orgs)
    UNION ALL
    SELECT 'register_cell', CONCAT('district=', l.district_id, ' sector=', l.sector_id), '-', CONCAT('orgs=', l.orgs)
      FROM register_cell l LEFT JOIN register_cell_new n ON n.district_id = l.district_id AND n.sector_id = l.sector_id
     WHERE n.district_id IS NULL) d
  ORDER BY t, k;
  DROP TABLE coverage_fact_new, coverage_org_new, coverage_person_new, coverage_cell_new, register_cell_new;
  SET SESSION tx_isolation = isolation;
  DO RELEASE_LOCK('coverage_rebuild');
END//

DELIMITER ;
