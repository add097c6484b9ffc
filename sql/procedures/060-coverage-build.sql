-- What the coverage summary tables should hold, built whole from the raw data into tables *_new.

DELIMITER //

-- Builds what the summary tables should hold, from the raw data, into the tables *_new
-- (coverage_recompute swaps them in, coverage_check compares them). Set-based throughout; the
-- attended candidates are first copied into an in-memory table (a look-up there costs a fraction
-- of an InnoDB one), and the attendance rule is evaluated once per combination of rule, percent,
-- sessions, door and online check-ins that occurs, not once per registration.
CREATE OR REPLACE PROCEDURE coverage_build()
  MODIFIES SQL DATA SQL SECURITY INVOKER
BEGIN
  DECLARE tmp_size BIGINT UNSIGNED DEFAULT @@SESSION.tmp_table_size;
  DECLARE heap_size BIGINT UNSIGNED DEFAULT @@SESSION.max_heap_table_size;
  -- The in-memory tables and groupings of the national data set take a few hundred megabytes.
  SET SESSION tmp_table_size = 1073741824, max_heap_table_size = 1073741824;
  DROP TEMPORARY TABLE IF EXISTS cov_attendance, cov_candidate, cov_qualifies, cov_period;
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

  CREATE TEMPORARY TABLE cov_attendance (registration_id INT UNSIGNED PRIMARY KEY, door INT NOT NULL,
                                         online INT NOT NULL) ENGINE=MEMORY
  SELECT registration_id, SUM(mode = 'in_person') AS door, SUM(mode = 'online') AS online
    FROM attendance WHERE undone_at IS NULL GROUP BY registration_id;
  -- The candidates of coverage_reevaluate that were attended, with their check-ins (coverage_check
  -- compares the result with what coverage_touch keeps, so the two cannot drift apart unseen).
  CREATE TEMPORARY TABLE cov_candidate (registration_id INT UNSIGNED PRIMARY KEY, person_id INT UNSIGNED NOT NULL,
                                        organization_id INT UNSIGNED NOT NULL, district_id INT UNSIGNED NOT NULL,
                                        sector_id TINYINT UNSIGNED NOT NULL, seminar_id INT UNSIGNED NOT NULL,
                                        held_on DATE NOT NULL, rule VARCHAR(8) NOT NULL, pct INT NOT NULL,
                                        sessions INT NOT NULL, door INT NOT NULL, online INT NOT NULL) ENGINE=MEMORY
  SELECT c.registration_id, c.person_id, c.organization_id, c.district_id, c.sector_id, c.seminar_id, c.held_on,
         c.rule, c.pct, c.sessions, a.door, a.online
    FROM cov_attendance a JOIN coverage_candidate c ON c.registration_id = a.registration_id;
  -- Every combination of the rule's inputs that occurs, once, and those that qualify.
  CREATE TEMPORARY TABLE cov_qualifies (rule VARCHAR(8) NOT NULL, pct INT NOT NULL, sessions INT NOT NULL,
                                        door INT NOT NULL, online INT NOT NULL,
                                        PRIMARY KEY (rule, pct, sessions, door, online)) ENGINE=MEMORY
  SELECT k.rule, k.pct, k.sessions, k.door, k.online
    FROM (SELECT DISTINCT rule, pct, sessions, door, online FROM cov_candidate) k
   WHERE attendance_qualifies(k.rule, k.pct, k.sessions, k.door, k.online);

  -- In key order: the rows are appended to the new table's primary key.
  INSERT INTO coverage_fact_new (registration_id, person_id, organization_id, district_id, sector_id, seminar_id,
                                 held_on, door, online)
  SELECT STRAIGHT_JOIN c.registration_id, c.person_id, c.organization_id, c.district_id, c.sector_id, c.seminar_id,
         c.held_on, c.door > 0, c.online > 0
    FROM cov_candidate c
    JOIN cov_qualifies q ON q.rule = c.rule AND q.pct = c.pct AND q.sessions = c.sessions AND q.door = c.door
                        AND q.online = c.online
   ORDER BY c.registration_id;
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
  SELECT district_id, sector_id, COUNT(*) FROM coverage_register GROUP BY district_id, sector_id;
  DROP TEMPORARY TABLE cov_attendance, cov_candidate, cov_qualifies, cov_period;
  SET SESSION tmp_table_size = tmp_size, max_heap_table_size = heap_size;
END//

DELIMITER ;
