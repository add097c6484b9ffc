-- Rebuilding the coverage summary tables (recompute, swapping the new tables in) and comparing them (check).

DELIMITER //

-- coverage_touch in a transaction of its own, tried again when it meets another transaction in
-- a deadlock or waits too long for a lock (the programs' transactions are retried the same way).
CREATE OR REPLACE PROCEDURE coverage_retouch(IN reg INT UNSIGNED)
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
CREATE OR REPLACE PROCEDURE coverage_recompute()
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
  -- The statistics the reports' plans read, counted once (ANALYZE prints a status row per table).
  ALTER TABLE coverage_fact_new STATS_AUTO_RECALC = DEFAULT;
  ALTER TABLE coverage_org_new STATS_AUTO_RECALC = DEFAULT;
  ALTER TABLE coverage_person_new STATS_AUTO_RECALC = DEFAULT;
  ALTER TABLE coverage_cell_new STATS_AUTO_RECALC = DEFAULT;
  ALTER TABLE register_cell_new STATS_AUTO_RECALC = DEFAULT;
  ANALYZE TABLE coverage_fact_new, coverage_org_new, coverage_person_new, coverage_cell_new, register_cell_new;
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
CREATE OR REPLACE PROCEDURE coverage_check()
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
