-- A sign-up's whole body in one call: the checks, the registration, its audit row, its letter and the place taken.

DELIMITER //

-- Signs person who up for seminar sem in mode m (in_person or online) in a transaction it starts and the caller
-- ends (db_register through db_tx_begun: one round trip less; it commits confirmed and waitlisted, and rolls
-- every other outcome back; never call it inside a transaction, which its START would commit). idem: the request's
-- idempotency key or NULL; by_org: an organiser signs the person up (the window does not apply); src: the
-- registration's source; actor, from_ip: for the audit row, whose detail ends with note. shared: lock the
-- seminar's row shared, not exclusively (the caller's hint that the mode is full: sign-ups to the waiting list
-- then go side by side; should a place have come free, the counter's UPDATE makes the lock exclusive, and two
-- doing so at once deadlock: the caller runs the one rolled back again with shared FALSE).
-- Everything the decision needs is read in one locking read after the seminar's lock: the seminar's places, the
-- person's organisation, the registration an earlier try of this request may have made (by its key) and the
-- person's registration for this seminar. A first sign-up that raced another of the same person meets it at the
-- UNIQUE index instead: the error (1062) ends the call, and the caller calls again.
-- The seminar's counter is written last, so its row is held exclusively from there to the COMMIT only.
-- Answers one row: outcome (confirmed, waitlisted, replay, already, no_seminar, not_open, cancelled, finished,
-- window, bad_mode, org_limit, key_reused; NULL when there is no such person), and for confirmed, waitlisted,
-- replay and already the registration's id, mode and status.
CREATE OR REPLACE PROCEDURE registration_signup(IN sem INT UNSIGNED, IN who INT UNSIGNED, IN m VARCHAR(16),
                                                IN idem VARCHAR(64), IN by_org BOOLEAN, IN src VARCHAR(16),
                                                IN actor INT UNSIGNED, IN from_ip VARCHAR(45), IN note VARCHAR(1000),
                                                IN shared BOOLEAN)
  MODIFIES SQL DATA SQL SECURITY INVOKER
BEGIN
  DECLARE found BOOLEAN DEFAULT FALSE;
  DECLARE s_id, org, k_id, k_seminar, k_person, o_id, reg INT UNSIGNED;
  DECLARE s_format, s_status, k_mode, k_status, o_mode, o_status, st VARCHAR(16);
  DECLARE o_key VARCHAR(64);
  DECLARE cap, taken, org_limit, n BIGINT;
  DECLARE not_yet, closed BOOLEAN;
  DECLARE outcome VARCHAR(16);
  DECLARE CONTINUE HANDLER FOR NOT FOUND BEGIN END;

  START TRANSACTION;
  IF shared THEN
    SELECT id INTO s_id FROM seminar WHERE id = sem LOCK IN SHARE MODE;
  ELSE
    SELECT id INTO s_id FROM seminar WHERE id = sem FOR UPDATE;
  END IF;
  SELECT TRUE, s.id, s.format, s.status,
         IF(m = 'in_person', s.cap_in_person, IFNULL(s.cap_online, -1)),
         IF(m = 'in_person', s.taken_in_person, s.taken_online), IFNULL(s.org_limit, 0),
         s.reg_opens_at IS NOT NULL AND s.reg_opens_at > NOW(), s.reg_closes_at IS NOT NULL AND s.reg_closes_at <= NOW(),
         p.organization_id, g.id, g.seminar_id, g.person_id, g.mode, g.status, o.id, o.mode, o.status, o.idem_key
    INTO found, s_id, s_format, s_status, cap, taken, org_limit, not_yet, closed,
         org, k_id, k_seminar, k_person, k_mode, k_status, o_id, o_mode, o_status, o_key
    FROM person p
    LEFT JOIN seminar s ON s.id = sem
    LEFT JOIN registration g ON g.idem_key = idem
    LEFT JOIN registration o ON o.seminar_id = s.id AND o.person_id = p.id
   WHERE p.id = who LOCK IN SHARE MODE;
  IF NOT found THEN
    SET outcome = NULL;
  ELSEIF k_id IS NOT NULL THEN
    SET outcome = IF(k_seminar = sem AND k_person = who, 'replay', 'key_reused'),
        reg = k_id, m = k_mode, st = k_status;
  ELSEIF s_id IS NULL THEN
    SET outcome = 'no_seminar';
  ELSEIF s_status = 'draft' THEN
    SET outcome = 'not_open';
  ELSEIF s_status IN ('cancelled', 'finished') THEN
    SET outcome = s_status;
  ELSEIF NOT by_org AND (not_yet OR closed) THEN
    SET outcome = 'window';
  ELSEIF o_id IS NOT NULL AND o_status <> 'cancelled' THEN
    -- A concurrent retry of the same request committed first, or the person is signed up already.
    SET outcome = IF(o_key = idem, 'replay', 'already'), reg = o_id, m = o_mode, st = o_status;
  ELSEIF s_format <> 'hybrid' AND s_format <> m THEN
    SET outcome = 'bad_mode';
  ELSE
    IF org_limit > 0 AND org IS NOT NULL THEN
      -- Counted with the row locked exclusively: two sign-ups of one organisation never both take its last
      -- place, waiting or not.
      IF shared THEN
        SELECT IF(m = 'in_person', taken_in_person, taken_online) INTO taken FROM seminar WHERE id = sem FOR UPDATE;
      END IF;
      SELECT COUNT(*) INTO n FROM registration
       WHERE seminar_id = sem AND organization_id = org AND status <> 'cancelled';
      IF n >= org_limit THEN
        SET outcome = 'org_limit';
      END IF;
    END IF;
  END IF;
  IF outcome IS NULL AND found THEN
    SET st = IF(cap < 0 OR taken < cap, 'confirmed', 'waitlisted'), outcome = st;
    IF o_id IS NOT NULL THEN
      -- A registration signed up again keeps its check-ins from before it was cancelled.
      UPDATE registration SET organization_id = org, mode = m, status = st, queued_at = NOW(6), idem_key = idem,
                              source = src, cancelled_at = NULL
       WHERE id = o_id;
      SET reg = o_id;
      CALL coverage_touch(reg);
    ELSE
      -- The ticket code: 16 bytes of the server's CSPRNG as base64url (see migration 003).
      INSERT INTO registration (seminar_id, person_id, organization_id, mode, status, queued_at, idem_key, source,
                                ticket_code)
      VALUES (sem, who, org, m, st, NOW(6), idem, src,
              SUBSTR(REPLACE(REPLACE(TO_BASE64(RANDOM_BYTES(16)), '+', '-'), '/', '_'), 1, 22));
      SET reg = LAST_INSERT_ID();
    END IF;
    INSERT INTO audit_log (person_id, action, object_type, object_id, ip, detail)
    VALUES (actor, 'registration.create', 'registration', reg, from_ip, CONCAT('seminar=', sem, ' ', m, ' ', st, note));
    CALL mail_event(IF(st = 'confirmed', 'reg_confirmed', 'reg_waitlisted'), reg, NULL);
    IF st = 'confirmed' AND m = 'in_person' THEN
      UPDATE seminar SET taken_in_person = taken_in_person + 1 WHERE id = sem;
    ELSEIF st = 'confirmed' THEN
      UPDATE seminar SET taken_online = taken_online + 1 WHERE id = sem;
    END IF;
  END IF;
  SELECT outcome, reg, m, st;
END //

DELIMITER ;

DROP PROCEDURE IF EXISTS registration_recorded;
