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
