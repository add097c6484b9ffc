-- What the coverage summary tables should hold, built whole from the raw data into tables *_new.

DELIMITER //

-- Builds what the summary tables should hold, from the raw data, into the tables *_new
-- (coverage_recompute swaps them in, coverage_check compares them). Set-based throughout; the
-- attended candidates are first copied into an in-memory table (a look-up there costs a fraction
-- of an InnoDB one), the attendance rule is evaluated once per combination of rule, percent,
-- sessions, door and online check-ins that occurs, not once per registration, and each summary
-- table is one sorted pass over the facts (its four periods by WITH ROLLUP, not four joined rows).
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
  DROP TEMPORARY TABLE IF EXISTS cov_attendance, cov_candidate, cov_qualifies, cov_date;
  DROP TABLE IF EXISTS coverage_fact_new, coverage_org_new, coverage_person_new, coverage_cell_new,
                       register_cell_new;
  CREATE TABLE coverage_fact_new LIKE coverage_fact;
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

  INSERT INTO coverage_fact_new (registration_id, person_id, organization_id, district_id, sector_id, seminar_id,
                                 held_on, door, online)
  SELECT STRAIGHT_JOIN c.registration_id, c.person_id, c.organization_id, c.district_id, c.sector_id, c.seminar_id,
         c.held_on, c.door > 0, c.online > 0
    FROM cov_candidate c
    JOIN cov_qualifies q ON q.rule = c.rule AND q.pct = c.pct AND q.sessions = c.sessions AND q.door = c.door
                        AND q.online = c.online;

  -- The year, quarter and month of every date that occurs, once.
  CREATE TEMPORARY TABLE cov_date (held_on DATE PRIMARY KEY, y CHAR(7) CHARACTER SET ascii NOT NULL,
                                   q CHAR(7) CHARACTER SET ascii NOT NULL, m CHAR(7) CHARACTER SET ascii NOT NULL)
    ENGINE=MEMORY
  SELECT d.held_on, coverage_period(d.held_on, 1) AS y, coverage_period(d.held_on, 2) AS q,
         coverage_period(d.held_on, 3) AS m
    FROM (SELECT DISTINCT held_on FROM cov_candidate) d;

  -- Each of the three tables in one sorted pass over the facts: WITH ROLLUP adds the quarter, the year and
  -- 'all' (the month, quarter, year NULL) to the months; its rows above the sector are dropped.
  INSERT INTO coverage_org_new (organization_id, sector_id, period, district_id, n)
  SELECT f.organization_id, f.sector_id, COALESCE(d.m, d.q, d.y, 'all'), MIN(f.district_id), COUNT(*)
    FROM coverage_fact_new f JOIN cov_date d ON d.held_on = f.held_on
   GROUP BY f.organization_id, f.sector_id, d.y, d.q, d.m WITH ROLLUP
  HAVING f.sector_id IS NOT NULL;
  INSERT INTO coverage_person_new (person_id, district_id, sector_id, period, n, n_door, n_online)
  SELECT f.person_id, f.district_id, f.sector_id, COALESCE(d.m, d.q, d.y, 'all'), COUNT(*), SUM(f.door),
         SUM(f.online)
    FROM coverage_fact_new f JOIN cov_date d ON d.held_on = f.held_on
   GROUP BY f.person_id, f.district_id, f.sector_id, d.y, d.q, d.m WITH ROLLUP
  HAVING f.sector_id IS NOT NULL;
  -- A cell counts the organisations and the people of its facts (the rows of the two tables above in it).
  INSERT INTO coverage_cell_new (period, district_id, sector_id, orgs_covered, people, people_door, people_online)
  SELECT COALESCE(d.m, d.q, d.y, 'all'), f.district_id, f.sector_id, COUNT(DISTINCT f.organization_id),
         COUNT(DISTINCT f.person_id), COUNT(DISTINCT IF(f.door, f.person_id, NULL)),
         COUNT(DISTINCT IF(f.online, f.person_id, NULL))
    FROM coverage_fact_new f JOIN cov_date d ON d.held_on = f.held_on
   GROUP BY f.district_id, f.sector_id, d.y, d.q, d.m WITH ROLLUP
  HAVING f.sector_id IS NOT NULL;

  INSERT INTO register_cell_new (district_id, sector_id, orgs)
  SELECT district_id, sector_id, COUNT(*) FROM coverage_register GROUP BY district_id, sector_id;
  DROP TEMPORARY TABLE cov_attendance, cov_candidate, cov_qualifies, cov_date;
  SET SESSION tmp_table_size = tmp_size, max_heap_table_size = heap_size, sort_buffer_size = sort_size,
              unique_checks = unique_on, foreign_key_checks = fk_on;
END//

DELIMITER ;
