-- What the coverage summary tables should hold, built whole from the raw data into tables *_new.

DELIMITER //

-- Builds what the summary tables should hold, from the raw data, into the tables *_new
-- (coverage_recompute swaps them in, coverage_check compares them). Set-based throughout: the
-- seminars and the organisations that can count are copied once into in-memory tables (a look-up
-- there costs a fraction of an InnoDB one, and a seminar's sessions are counted once, not once per
-- registration), the attendance rule is evaluated once per combination of rule, percent, sessions,
-- door and online check-ins, not once per registration, the facts are made in memory with their
-- periods in one pass over the registrations, and each summary table is one sorted pass over them
-- (its four periods by WITH ROLLUP, not four joined rows) straight into its empty table *_new.
CREATE OR REPLACE PROCEDURE coverage_build()
  MODIFIES SQL DATA SQL SECURITY INVOKER
BEGIN
  DECLARE tmp_size BIGINT UNSIGNED DEFAULT @@SESSION.tmp_table_size;
  DECLARE heap_size BIGINT UNSIGNED DEFAULT @@SESSION.max_heap_table_size;
  DECLARE sort_size BIGINT UNSIGNED DEFAULT @@SESSION.sort_buffer_size;
  DECLARE unique_on BOOLEAN DEFAULT @@SESSION.unique_checks;
  DECLARE fk_on BOOLEAN DEFAULT @@SESSION.foreign_key_checks;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    SET SESSION tmp_table_size = tmp_size, max_heap_table_size = heap_size, sort_buffer_size = sort_size,
                unique_checks = unique_on, foreign_key_checks = fk_on;
    RESIGNAL;
  END;
  -- The in-memory tables and groupings of the national data set take a few hundred megabytes.
  SET SESSION tmp_table_size = 1073741824, max_heap_table_size = 1073741824, sort_buffer_size = 67108864;
  -- Every table *_new is filled by one INSERT while empty: InnoDB then sorts the rows and writes each index
  -- page by page with one undo record for the table (its bulk insert), instead of a row at a time.
  SET SESSION unique_checks = 0, foreign_key_checks = 0;
  DROP TEMPORARY TABLE IF EXISTS cov_seminar, cov_register, cov_sector, cov_attendance, cov_qualifies, cov_fact;
  DROP TABLE IF EXISTS coverage_fact_new, coverage_org_new, coverage_person_new, coverage_cell_new,
                       register_cell_new;
  CREATE TABLE coverage_fact_new LIKE coverage_fact;
  CREATE TABLE coverage_org_new LIKE coverage_org;
  CREATE TABLE coverage_person_new LIKE coverage_person;
  CREATE TABLE coverage_cell_new LIKE coverage_cell;
  CREATE TABLE register_cell_new LIKE register_cell;
  -- No statistics recalculated in the background while the tables fill: InnoDB would recount each one every
  -- time a tenth more rows are in (measured: about as much CPU as the inserts themselves). coverage_recompute
  -- turns it back on and counts once before the swap.
  ALTER TABLE coverage_fact_new STATS_AUTO_RECALC = 0;
  ALTER TABLE coverage_org_new STATS_AUTO_RECALC = 0;
  ALTER TABLE coverage_person_new STATS_AUTO_RECALC = 0;
  ALTER TABLE coverage_cell_new STATS_AUTO_RECALC = 0;
  ALTER TABLE register_cell_new STATS_AUTO_RECALC = 0;

  -- The two views of coverage_candidate, with the year, quarter and month of each seminar's date.
  CREATE TEMPORARY TABLE cov_seminar (seminar_id INT UNSIGNED PRIMARY KEY, held_on DATE NOT NULL,
                                      rule VARCHAR(8) NOT NULL, pct INT NOT NULL, sessions INT NOT NULL,
                                      y CHAR(7) CHARACTER SET ascii NOT NULL, q CHAR(7) CHARACTER SET ascii NOT NULL,
                                      m CHAR(7) CHARACTER SET ascii NOT NULL) ENGINE=MEMORY
  SELECT seminar_id, held_on, rule, pct, sessions, coverage_period(held_on, 1) AS y, coverage_period(held_on, 2) AS q,
         coverage_period(held_on, 3) AS m
    FROM coverage_seminar;
  CREATE TEMPORARY TABLE cov_register (id INT UNSIGNED PRIMARY KEY, district_id INT UNSIGNED NOT NULL,
                                       sector_id TINYINT UNSIGNED NOT NULL) ENGINE=MEMORY
  SELECT id, district_id, sector_id FROM coverage_register;
  CREATE TEMPORARY TABLE cov_sector (seminar_id INT UNSIGNED NOT NULL, sector_id TINYINT UNSIGNED NOT NULL,
                                     PRIMARY KEY (seminar_id, sector_id)) ENGINE=MEMORY
  SELECT x.seminar_id, x.sector_id FROM cov_seminar s JOIN seminar_sector x ON x.seminar_id = s.seminar_id;
  CREATE TEMPORARY TABLE cov_attendance (registration_id INT UNSIGNED PRIMARY KEY, door INT NOT NULL,
                                         online INT NOT NULL) ENGINE=MEMORY
  SELECT registration_id, SUM(mode = 'in_person') AS door, SUM(mode = 'online') AS online
    FROM attendance WHERE undone_at IS NULL GROUP BY registration_id;
  -- Every combination of the rule's inputs that may occur, once, and those that qualify.
  CREATE TEMPORARY TABLE cov_qualifies (rule VARCHAR(8) NOT NULL, pct INT NOT NULL, sessions INT NOT NULL,
                                        door INT NOT NULL, online INT NOT NULL,
                                        PRIMARY KEY (rule, pct, sessions, door, online)) ENGINE=MEMORY
  SELECT s.rule, s.pct, s.sessions, a.door, a.online
    FROM (SELECT DISTINCT rule, pct, sessions FROM cov_seminar) s
   CROSS JOIN (SELECT DISTINCT door, online FROM cov_attendance) a
   WHERE attendance_qualifies(s.rule, s.pct, s.sessions, a.door, a.online);

  -- The attended candidates (coverage_candidate's join) that qualify, in one pass over the registrations.
  CREATE TEMPORARY TABLE cov_fact ENGINE=MEMORY
  SELECT STRAIGHT_JOIN r.id AS registration_id, r.person_id, r.organization_id, o.district_id, o.sector_id,
         r.seminar_id, s.held_on, a.door > 0 AS door, a.online > 0 AS online, s.y, s.q, s.m
    FROM registration r
    JOIN cov_seminar s ON s.seminar_id = r.seminar_id
    JOIN cov_attendance a ON a.registration_id = r.id
    JOIN cov_register o ON o.id = r.organization_id
    JOIN cov_sector x ON x.seminar_id = r.seminar_id AND x.sector_id = o.sector_id
    JOIN cov_qualifies q ON q.rule = s.rule AND q.pct = s.pct AND q.sessions = s.sessions AND q.door = a.door
                        AND q.online = a.online
   WHERE r.status = 'confirmed';
  INSERT INTO coverage_fact_new (registration_id, person_id, organization_id, district_id, sector_id, seminar_id,
                                 held_on, door, online)
  SELECT registration_id, person_id, organization_id, district_id, sector_id, seminar_id, held_on, door, online
    FROM cov_fact;
  DROP TEMPORARY TABLE cov_attendance, cov_qualifies;

  -- Each summary table in one sorted pass over the facts in memory, straight into its empty table *_new (InnoDB's
  -- bulk insert): WITH ROLLUP adds the quarter, the year and 'all' (the month, quarter, year NULL) to the months;
  -- its rows above the sector are dropped.
  INSERT INTO coverage_org_new (organization_id, sector_id, period, district_id, n)
  SELECT f.organization_id, f.sector_id, COALESCE(f.m, f.q, f.y, 'all'), MIN(f.district_id), COUNT(*)
    FROM cov_fact f
   GROUP BY f.organization_id, f.sector_id, f.y, f.q, f.m WITH ROLLUP
  HAVING f.sector_id IS NOT NULL;
  INSERT INTO coverage_person_new (person_id, district_id, sector_id, period, n, n_door, n_online)
  SELECT f.person_id, f.district_id, f.sector_id, COALESCE(f.m, f.q, f.y, 'all'), COUNT(*), SUM(f.door),
         SUM(f.online)
    FROM cov_fact f
   GROUP BY f.person_id, f.district_id, f.sector_id, f.y, f.q, f.m WITH ROLLUP
  HAVING f.sector_id IS NOT NULL;
  -- A cell counts the organisations and the people of its facts (the rows of the two tables above in it).
  INSERT INTO coverage_cell_new (period, district_id, sector_id, orgs_covered, people, people_door, people_online)
  SELECT COALESCE(f.m, f.q, f.y, 'all'), f.district_id, f.sector_id, COUNT(DISTINCT f.organization_id),
         COUNT(DISTINCT f.person_id), COUNT(DISTINCT IF(f.door, f.person_id, NULL)),
         COUNT(DISTINCT IF(f.online, f.person_id, NULL))
    FROM cov_fact f
   GROUP BY f.district_id, f.sector_id, f.y, f.q, f.m WITH ROLLUP
  HAVING f.sector_id IS NOT NULL;
  DROP TEMPORARY TABLE cov_fact;

  INSERT INTO register_cell_new (district_id, sector_id, orgs)
  SELECT district_id, sector_id, COUNT(*) FROM cov_register GROUP BY district_id, sector_id;
  DROP TEMPORARY TABLE cov_seminar, cov_register, cov_sector;
  SET SESSION tmp_table_size = tmp_size, max_heap_table_size = heap_size, sort_buffer_size = sort_size,
              unique_checks = unique_on, foreign_key_checks = fk_on;
END//

DELIMITER ;
