-- Sign-up as one stored procedure: the seminar row is locked, checked, a place taken or queued,
-- the registration and its audit row written and committed in one round trip from the program,
-- so the lock is held for the statements only (the rush of DESIGN.md section 8).
-- Outcomes are the numbers of enum reg_outcome in fcgi/core/app.h.
DELIMITER //
CREATE PROCEDURE seminar_register(IN p_seminar INT UNSIGNED, IN p_person INT UNSIGNED, IN p_mode VARCHAR(16),
                                  IN p_idem VARCHAR(64), IN p_by_organizer BOOLEAN, IN p_actor INT UNSIGNED,
                                  IN p_ip VARCHAR(45))
SQL SECURITY INVOKER
MODIFIES SQL DATA
proc: BEGIN
  DECLARE v_org, v_gid, v_gseminar, v_gperson, v_existing INT UNSIGNED DEFAULT NULL;
  DECLARE v_gmode, v_gstatus, v_gkey, v_status, v_format, v_new VARCHAR(64) DEFAULT NULL;
  DECLARE v_cap, v_taken, v_limit, v_count BIGINT DEFAULT 0;
  DECLARE v_not_yet, v_over BOOLEAN DEFAULT FALSE;
  DECLARE v_outcome INT DEFAULT NULL;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    ROLLBACK;
    RESIGNAL;
  END;

  -- Before the lock: the person's organisation and what an earlier try of this request made.
  SELECT p.organization_id, g.id, g.seminar_id, g.person_id, g.mode, g.status
    INTO v_org, v_gid, v_gseminar, v_gperson, v_gmode, v_gstatus
    FROM person p LEFT JOIN registration g ON g.idem_key = p_idem WHERE p.id = p_person;
  IF v_gid IS NOT NULL THEN
    IF v_gseminar <> p_seminar OR v_gperson <> p_person THEN
      SELECT 11, NULL, NULL, NULL;                       -- REG_KEY_REUSED
    ELSE
      SELECT 2, v_gid, v_gmode, v_gstatus;               -- REG_REPLAY
    END IF;
    LEAVE proc;
  END IF;

  START TRANSACTION;
  -- Only the seminar row is locked: sign-ups of one seminar go one at a time.
  SELECT status, format,
         IF(p_mode = 'in_person', cap_in_person, IFNULL(cap_online, -1)),
         IF(p_mode = 'in_person', taken_in_person, taken_online), IFNULL(org_limit, 0),
         reg_opens_at IS NOT NULL AND reg_opens_at > NOW(), reg_closes_at IS NOT NULL AND reg_closes_at <= NOW()
    INTO v_status, v_format, v_cap, v_taken, v_limit, v_not_yet, v_over
    FROM seminar WHERE id = p_seminar FOR UPDATE;
  SELECT id, mode, status, idem_key INTO v_existing, v_gmode, v_gstatus, v_gkey
    FROM registration WHERE seminar_id = p_seminar AND person_id = p_person;
  SET v_outcome = CASE
    WHEN v_status IS NULL THEN 4                          -- REG_NO_SEMINAR
    WHEN v_status = 'draft' THEN 5                        -- REG_NOT_OPEN
    WHEN v_status = 'cancelled' THEN 6                    -- REG_CANCELLED
    WHEN v_status = 'finished' THEN 7                     -- REG_FINISHED
    WHEN NOT p_by_organizer AND (v_not_yet OR v_over) THEN 8  -- REG_WINDOW
    WHEN v_existing IS NOT NULL AND v_gstatus <> 'cancelled' THEN
      IF(v_gkey IS NOT NULL AND v_gkey = p_idem, 2, 3)    -- a concurrent retry came first: REPLAY; else ALREADY
    WHEN v_format <> 'hybrid' AND v_format <> p_mode THEN 9  -- REG_BAD_MODE
    ELSE NULL END;
  IF v_outcome IS NOT NULL THEN
    COMMIT;
    IF v_outcome IN (2, 3) THEN
      SELECT v_outcome, v_existing, v_gmode, v_gstatus;
    ELSE
      SELECT v_outcome, NULL, NULL, NULL;
    END IF;
    LEAVE proc;
  END IF;
  IF v_limit > 0 AND v_org IS NOT NULL THEN
    SELECT COUNT(*) INTO v_count FROM registration
     WHERE seminar_id = p_seminar AND organization_id = v_org AND status <> 'cancelled';
    IF v_count >= v_limit THEN
      COMMIT;
      SELECT 10, NULL, NULL, NULL;                       -- REG_ORG_LIMIT
      LEAVE proc;
    END IF;
  END IF;

  IF v_cap < 0 OR v_taken < v_cap THEN
    SET v_new = 'confirmed';
    IF p_mode = 'in_person' THEN
      UPDATE seminar SET taken_in_person = taken_in_person + 1 WHERE id = p_seminar;
    ELSE
      UPDATE seminar SET taken_online = taken_online + 1 WHERE id = p_seminar;
    END IF;
  ELSE
    SET v_new = 'waitlisted';
  END IF;
  IF v_existing IS NOT NULL THEN
    UPDATE registration SET organization_id = v_org, mode = p_mode, status = v_new, queued_at = NOW(6),
           idem_key = p_idem, source = IF(p_by_organizer, 'organizer', 'self'), cancelled_at = NULL
     WHERE id = v_existing;
  ELSE
    INSERT INTO registration (seminar_id, person_id, organization_id, mode, status, queued_at, idem_key, source)
    VALUES (p_seminar, p_person, v_org, p_mode, v_new, NOW(6), p_idem, IF(p_by_organizer, 'organizer', 'self'));
    SET v_existing = LAST_INSERT_ID();
  END IF;
  -- On record in the same transaction (and the same disk flush).
  INSERT INTO audit_log (person_id, action, object_type, object_id, ip, detail)
  VALUES (NULLIF(p_actor, 0), 'registration.create', 'registration', v_existing, p_ip,
          CONCAT('seminar=', p_seminar, ' ', p_mode, ' ', v_new, IF(p_by_organizer, ' by an organiser', '')));
  COMMIT;
  SELECT IF(v_new = 'confirmed', 0, 1), v_existing, p_mode, v_new;  -- REG_CONFIRMED / REG_WAITLISTED
END //
DELIMITER ;
