-- Incremental coverage upkeep: one registration, a seminar's or an organisation's registrations re-evaluated in the transaction of a change.

DELIMITER //

-- Re-evaluates one registration (may_count FALSE: takes its fact back whatever the data say). A
-- registration counts when it is a coverage_candidate and its check-ins not undone meet the
-- seminar's attendance rule (coverage_build reads the same view for every registration at once;
-- coverage_check compares the two).
CREATE OR REPLACE PROCEDURE coverage_reevaluate(IN reg INT UNSIGNED, IN may_count BOOLEAN)
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
  -- A condition of the view that fails may leave the rows after it unread (and unlocked): the fact
  -- is then none whatever they hold, and a change that makes the condition hold writes the row
  -- that was read, so it waits for this transaction or this read waits for it.
  SELECT TRUE, c.registration_id IS NOT NULL, c.person_id, c.organization_id, c.seminar_id, c.district_id,
         c.sector_id, c.held_on, c.rule, c.pct, c.sessions,
         IFNULL(SUM(a.mode = 'in_person' AND a.undone_at IS NULL), 0),
         IFNULL(SUM(a.mode = 'online' AND a.undone_at IS NULL), 0)
    INTO found, eligible, r_person, r_org, r_seminar, r_district, r_sector, r_held, r_rule, r_pct, r_sessions,
         r_door, r_online
    FROM registration r
    LEFT JOIN coverage_candidate c ON c.registration_id = r.id
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
CREATE OR REPLACE PROCEDURE coverage_touch(IN reg INT UNSIGNED)
  MODIFIES SQL DATA SQL SECURITY DEFINER
  CALL coverage_reevaluate(reg, TRUE)//

-- The touch of every registration queued in coverage_queue (migration 026), up to batch rows oldest first,
-- set-based: what coverage_reevaluate does for one registration, done for all of them at once in a few
-- statements (a registration queued twice is evaluated once), and the applied rows deleted, all in the
-- caller's transaction (db_coverage_apply: one caller at a time). Rows of writers not yet committed are
-- skipped, left for a later batch: a touch runs after the change it follows committed, so it sees it.
-- The counts move as the per-fact calls of coverage_count would move them one after the other: every
-- removed fact taken back first, then every new one added; an organisation or a person leaves (joins) a
-- cell when its count reaches 0 (leaves 0). Answers one row: the number of queue rows applied.
CREATE OR REPLACE PROCEDURE coverage_touch_queued(IN batch INT UNSIGNED)
  MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
  DECLARE rebuilding DATETIME(3);
  DECLARE CONTINUE HANDLER FOR NOT FOUND BEGIN END;

  CREATE OR REPLACE TEMPORARY TABLE cq_claimed (id BIGINT UNSIGNED PRIMARY KEY, registration_id INT UNSIGNED NOT NULL)
    ENGINE=MEMORY;
  INSERT INTO cq_claimed (id, registration_id)
  SELECT id, registration_id FROM coverage_queue ORDER BY id LIMIT batch FOR UPDATE SKIP LOCKED;
  CREATE OR REPLACE TEMPORARY TABLE cq_reg (registration_id INT UNSIGNED PRIMARY KEY) ENGINE=MEMORY
  SELECT DISTINCT registration_id FROM cq_claimed;

  -- What each fact is made of, share-locked as coverage_reevaluate reads it (a registration erased
  -- meanwhile has no row: it touches nothing); the fact it makes now (person NULL: none).
  CREATE OR REPLACE TEMPORARY TABLE cq_now ENGINE=MEMORY
  SELECT r.id AS registration_id,
         IF(c.registration_id IS NOT NULL
            AND attendance_qualifies(c.rule, c.pct, c.sessions, IFNULL(SUM(a.mode = 'in_person' AND a.undone_at IS NULL), 0),
                                     IFNULL(SUM(a.mode = 'online' AND a.undone_at IS NULL), 0)), TRUE, FALSE) AS counts,
         c.person_id, c.organization_id, c.district_id, c.sector_id, c.seminar_id, c.held_on,
         IFNULL(SUM(a.mode = 'in_person' AND a.undone_at IS NULL), 0) > 0 AS door,
         IFNULL(SUM(a.mode = 'online' AND a.undone_at IS NULL), 0) > 0 AS online
    FROM cq_reg q
    JOIN registration r ON r.id = q.registration_id
    LEFT JOIN coverage_candidate c ON c.registration_id = r.id
    LEFT JOIN attendance a ON a.registration_id = r.id
   GROUP BY r.id LOCK IN SHARE MODE;
  -- The facts as counted now, locked.
  CREATE OR REPLACE TEMPORARY TABLE cq_was ENGINE=MEMORY
  SELECT f.registration_id, f.person_id, f.organization_id, f.district_id, f.sector_id, f.seminar_id, f.held_on,
         f.door, f.online
    FROM cq_reg q JOIN coverage_fact f ON f.registration_id = q.registration_id FOR UPDATE;
  -- The registrations whose fact moves: o_* as counted, n_* as it should be (NULL: none).
  CREATE OR REPLACE TEMPORARY TABLE cq_move ENGINE=MEMORY
  SELECT n.registration_id, o.person_id AS o_person, o.organization_id AS o_org, o.district_id AS o_district,
         o.sector_id AS o_sector, o.held_on AS o_held, o.door AS o_door, o.online AS o_online,
         IF(n.counts, n.person_id, NULL) AS n_person, IF(n.counts, n.organization_id, NULL) AS n_org,
         IF(n.counts, n.district_id, NULL) AS n_district, IF(n.counts, n.sector_id, NULL) AS n_sector,
         IF(n.counts, n.seminar_id, NULL) AS n_seminar, IF(n.counts, n.held_on, NULL) AS n_held,
         IF(n.counts, n.door, NULL) AS n_door, IF(n.counts, n.online, NULL) AS n_online
    FROM cq_now n LEFT JOIN cq_was o ON o.registration_id = n.registration_id
   WHERE NOT (o.person_id <=> IF(n.counts, n.person_id, NULL) AND o.organization_id <=> IF(n.counts, n.organization_id, NULL)
              AND o.district_id <=> IF(n.counts, n.district_id, NULL) AND o.sector_id <=> IF(n.counts, n.sector_id, NULL)
              AND o.seminar_id <=> IF(n.counts, n.seminar_id, NULL) AND o.held_on <=> IF(n.counts, n.held_on, NULL)
              AND o.door <=> IF(n.counts, n.door, NULL) AND o.online <=> IF(n.counts, n.online, NULL));

  IF EXISTS (SELECT 1 FROM cq_move) THEN
    SELECT since INTO rebuilding FROM coverage_rebuild WHERE id = 1 LOCK IN SHARE MODE;
    IF rebuilding IS NOT NULL THEN
      INSERT IGNORE INTO coverage_dirty (registration_id) SELECT registration_id FROM cq_move;
    END IF;
    -- Each fact in its four periods: the facts taken back (delta -1), then the facts added (delta 1).
    CREATE OR REPLACE TEMPORARY TABLE cq_period ENGINE=MEMORY
    SELECT -1 AS delta, o_person AS person_id, o_org AS organization_id, o_district AS district_id,
           o_sector AS sector_id, coverage_period(o_held, l.level) AS period, o_door AS door, o_online AS online
      FROM cq_move JOIN (SELECT 0 AS level UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) l
     WHERE o_person IS NOT NULL;
    INSERT INTO cq_period
    SELECT 1, n_person, n_org, n_district, n_sector, coverage_period(n_held, l.level), n_door, n_online
      FROM cq_move JOIN (SELECT 0 AS level UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) l
     WHERE n_person IS NOT NULL;
    CALL coverage_count_set(-1);
    CALL coverage_count_set(1);
    DELETE f FROM coverage_fact f JOIN cq_move m ON m.registration_id = f.registration_id
     WHERE m.n_person IS NULL;
    INSERT INTO coverage_fact (registration_id, person_id, organization_id, district_id, sector_id, seminar_id,
                               held_on, door, online)
    SELECT registration_id, n_person, n_org, n_district, n_sector, n_seminar, n_held, n_door, n_online
      FROM cq_move WHERE n_person IS NOT NULL
    ON DUPLICATE KEY UPDATE person_id = VALUES(person_id), organization_id = VALUES(organization_id),
                            district_id = VALUES(district_id), sector_id = VALUES(sector_id),
                            seminar_id = VALUES(seminar_id), held_on = VALUES(held_on), door = VALUES(door),
                            online = VALUES(online);
  END IF;
  DELETE q FROM coverage_queue q JOIN cq_claimed c ON c.id = q.id;
  SELECT COUNT(*) FROM cq_claimed;
  DROP TEMPORARY TABLE cq_claimed, cq_reg, cq_now, cq_was, cq_move;
  DROP TEMPORARY TABLE IF EXISTS cq_period, cq_org, cq_person, cq_cell;
END//

-- coverage_count for the rows of cq_period (coverage_touch_queued) whose delta is the given one, all at once: the
-- rows of coverage_org and coverage_person are written first, then each organisation or person whose count
-- reached 0 (delta -1) or left 0 (delta 1) moves its cell.
CREATE OR REPLACE PROCEDURE coverage_count_set(IN p_delta TINYINT)
  MODIFIES SQL DATA SQL SECURITY INVOKER
BEGIN
  CREATE OR REPLACE TEMPORARY TABLE cq_org ENGINE=MEMORY
  SELECT organization_id, sector_id, period, district_id, COUNT(*) AS k
    FROM cq_period WHERE cq_period.delta = p_delta GROUP BY organization_id, sector_id, period, district_id;
  CREATE OR REPLACE TEMPORARY TABLE cq_person ENGINE=MEMORY
  SELECT person_id, district_id, sector_id, period, COUNT(*) AS k, SUM(door) AS k_door, SUM(online) AS k_online
    FROM cq_period WHERE cq_period.delta = p_delta GROUP BY person_id, district_id, sector_id, period;
  IF p_delta > 0 THEN
    INSERT INTO coverage_org (organization_id, sector_id, period, district_id, n)
    SELECT organization_id, sector_id, period, district_id, k FROM cq_org
     ORDER BY organization_id, sector_id, period -- key order, as coverage_count writes
    ON DUPLICATE KEY UPDATE n = n + VALUES(n);
    INSERT INTO coverage_person (person_id, district_id, sector_id, period, n, n_door, n_online)
    SELECT person_id, district_id, sector_id, period, k, k_door, k_online FROM cq_person
     ORDER BY person_id, district_id, sector_id, period
    ON DUPLICATE KEY UPDATE n = n + VALUES(n), n_door = n_door + VALUES(n_door), n_online = n_online + VALUES(n_online);
  ELSE
    -- A count never goes below zero, even over damaged tables (coverage_check reports those).
    UPDATE coverage_org o
      JOIN cq_org d ON d.organization_id = o.organization_id AND d.sector_id = o.sector_id AND d.period = o.period
       SET o.n = o.n - LEAST(o.n, d.k);
    UPDATE coverage_person p
      JOIN cq_person d ON d.person_id = p.person_id AND d.district_id = p.district_id AND d.sector_id = p.sector_id
                      AND d.period = p.period
       SET p.n = p.n - LEAST(p.n, d.k), p.n_door = p.n_door - LEAST(p.n_door, d.k_door),
           p.n_online = p.n_online - LEAST(p.n_online, d.k_online);
  END IF;
  -- An organisation or a person that begins (delta 1: its count is what was added) or ends (0) to count.
  CREATE OR REPLACE TEMPORARY TABLE cq_cell ENGINE=MEMORY
  SELECT d.period, d.district_id, d.sector_id, SUM(o.n = IF(p_delta > 0, d.k, 0)) AS orgs, 0 AS people,
         0 AS people_door, 0 AS people_online
    FROM cq_org d
    JOIN coverage_org o ON o.organization_id = d.organization_id AND o.sector_id = d.sector_id AND o.period = d.period
   GROUP BY d.period, d.district_id, d.sector_id;
  INSERT INTO cq_cell
  SELECT d.period, d.district_id, d.sector_id, 0, SUM(p.n = IF(p_delta > 0, d.k, 0)),
         SUM(d.k_door > 0 AND p.n_door = IF(p_delta > 0, d.k_door, 0)),
         SUM(d.k_online > 0 AND p.n_online = IF(p_delta > 0, d.k_online, 0))
    FROM cq_person d
    JOIN coverage_person p ON p.person_id = d.person_id AND p.district_id = d.district_id AND p.sector_id = d.sector_id
                          AND p.period = d.period
   GROUP BY d.period, d.district_id, d.sector_id;
  IF p_delta > 0 THEN
    INSERT INTO coverage_cell (period, district_id, sector_id, orgs_covered, people, people_door, people_online)
    SELECT period, district_id, sector_id, SUM(orgs), SUM(people), SUM(people_door), SUM(people_online)
      FROM cq_cell GROUP BY period, district_id, sector_id
    HAVING SUM(orgs) > 0 OR SUM(people) > 0 OR SUM(people_door) > 0 OR SUM(people_online) > 0
     ORDER BY period, district_id, sector_id
    ON DUPLICATE KEY UPDATE orgs_covered = orgs_covered + VALUES(orgs_covered), people = people + VALUES(people),
                            people_door = people_door + VALUES(people_door),
                            people_online = people_online + VALUES(people_online);
  ELSE
    UPDATE coverage_cell c
      JOIN (SELECT period, district_id, sector_id, SUM(orgs) AS orgs, SUM(people) AS people,
                   SUM(people_door) AS people_door, SUM(people_online) AS people_online
              FROM cq_cell GROUP BY period, district_id, sector_id) d
        ON d.period = c.period AND d.district_id = c.district_id AND d.sector_id = c.sector_id
       SET c.orgs_covered = c.orgs_covered - LEAST(c.orgs_covered, d.orgs), c.people = c.people - LEAST(c.people, d.people),
           c.people_door = c.people_door - LEAST(c.people_door, d.people_door),
           c.people_online = c.people_online - LEAST(c.people_online, d.people_online);
    DELETE o FROM coverage_org o
      JOIN cq_org d ON d.organization_id = o.organization_id AND d.sector_id = o.sector_id AND d.period = o.period
     WHERE o.n = 0;
    DELETE p FROM coverage_person p
      JOIN cq_person d ON d.person_id = p.person_id AND d.district_id = p.district_id AND d.sector_id = p.sector_id
                      AND d.period = p.period
     WHERE p.n = 0;
    DELETE c FROM coverage_cell c
      JOIN (SELECT DISTINCT period, district_id, sector_id FROM cq_cell) d
        ON d.period = c.period AND d.district_id = c.district_id AND d.sector_id = c.sector_id
     WHERE c.orgs_covered = 0 AND c.people = 0 AND c.people_door = 0 AND c.people_online = 0;
  END IF;
END//

-- Every registration of a seminar that has a fact or a check-in (no other one can count).
CREATE OR REPLACE PROCEDURE coverage_touch_seminar(IN sem INT UNSIGNED)
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
CREATE OR REPLACE PROCEDURE coverage_touch_org(IN org INT UNSIGNED)
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

DELIMITER ;
