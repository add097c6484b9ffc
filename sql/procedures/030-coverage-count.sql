-- The period keys of a date and the counting of one coverage fact into the summary tables.

DELIMITER //

-- The period keys of a date: level 0 'all', 1 the year '2026', 2 the quarter '2026-Q4', 3 the month '2026-11'.
CREATE OR REPLACE FUNCTION coverage_period(d DATE, level TINYINT) RETURNS CHAR(7) CHARACTER SET ascii
  DETERMINISTIC NO SQL
  RETURN CASE level WHEN 0 THEN 'all' WHEN 1 THEN DATE_FORMAT(d, '%Y')
                    WHEN 2 THEN CONCAT(YEAR(d), '-Q', QUARTER(d)) ELSE DATE_FORMAT(d, '%Y-%m') END//

-- Adds (delta 1) or takes back (delta -1) one fact in the four periods of held_on. The rows of
-- coverage_org and coverage_person are written first, so they are locked before the cell reads
-- them: a count that reaches 1 (or 0) is an organisation or a person that begins (or ends) to
-- count in the cell. A count never goes below zero, even over damaged tables (coverage_check
-- reports those; a door scan must not fail on them).
CREATE OR REPLACE PROCEDURE coverage_count(IN f_person INT UNSIGNED, IN f_org INT UNSIGNED, IN f_district INT UNSIGNED,
                                IN f_sector TINYINT UNSIGNED, IN f_held DATE, IN f_door BOOLEAN,
                                IN f_online BOOLEAN, IN delta TINYINT)
  MODIFIES SQL DATA SQL SECURITY INVOKER
BEGIN
  DECLARE y, q, m CHAR(7) CHARACTER SET ascii;
  SET y = coverage_period(f_held, 1), q = coverage_period(f_held, 2), m = coverage_period(f_held, 3);
  IF delta > 0 THEN
    -- The rows in key order ('2026' < '2026-11' < '2026-Q4' < 'all'), as coverage_count_set writes them: two
    -- statements that lock the same rows in the same order wait for each other instead of deadlocking.
    INSERT INTO coverage_org (organization_id, sector_id, period, district_id, n)
    VALUES (f_org, f_sector, y, f_district, 1), (f_org, f_sector, m, f_district, 1),
           (f_org, f_sector, q, f_district, 1), (f_org, f_sector, 'all', f_district, 1)
    ON DUPLICATE KEY UPDATE n = n + 1;
    INSERT INTO coverage_person (person_id, district_id, sector_id, period, n, n_door, n_online)
    VALUES (f_person, f_district, f_sector, y, 1, f_door, f_online),
           (f_person, f_district, f_sector, m, 1, f_door, f_online),
           (f_person, f_district, f_sector, q, 1, f_door, f_online),
           (f_person, f_district, f_sector, 'all', 1, f_door, f_online)
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

DELIMITER ;
