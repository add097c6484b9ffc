-- The door's scan in one call: the scan log, the check-in, its queued coverage upkeep and the answer, in a transaction the call begins.

DELIMITER //

-- Records one scan of ticket code p_code at session p_session of seminar p_seminar, whatever its
-- result, and checks the ticket in when it is the first scan that lets its person in. The call begins the
-- transaction itself (one round trip less: db_tx_begun) and the caller commits it (db_checkin_scan). A
-- session that is not the seminar's writes nothing (result no_session).
-- A client_scan_id stored before is a replay: nothing is written and the stored scan is described
-- again. Two uploads of one scan, or two first scans of one ticket, at the same moment meet at a
-- UNIQUE index: the loser's error (1062) ends the call, the caller rolls back and calls again, and
-- finds the winner's row.
-- Answers one row: replay, scan id, result, registration (0 when the ticket is not one of this
-- seminar's), conflict (already checked in on another device), the person's name and organisation,
-- when and by whom they were checked in at the scan's session, those present at p_session in person
-- and online, this scan included (the counters of migration 031, kept by attendance's triggers), and the
-- seminar's confirmed registrations (its place counters).
CREATE OR REPLACE PROCEDURE door_scan(
  IN p_client_scan_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin, IN p_seminar INT UNSIGNED,
  IN p_session INT UNSIGNED, IN p_code VARCHAR(200), IN p_method VARCHAR(16), IN p_device VARCHAR(64),
  IN p_operator INT UNSIGNED, IN p_device_time DATETIME(3))
  MODIFIES SQL DATA SQL SECURITY INVOKER
BEGIN
  DECLARE e_id, a_id BIGINT UNSIGNED;
  DECLARE e_session, reg, reg_seminar INT UNSIGNED;
  DECLARE outcome, reg_status VARCHAR(16);
  DECLARE a_device VARCHAR(64);
  DECLARE session_ok, replay, conflict, a_undone BOOLEAN DEFAULT FALSE;
  DECLARE described INT UNSIGNED DEFAULT p_session;
  -- The ticket column's own collation, so that its UNIQUE index finds the code; text that is not ASCII is
  -- no ticket code (and would not convert).
  DECLARE code_key VARCHAR(200) CHARACTER SET ascii COLLATE ascii_bin
    DEFAULT IF(LENGTH(p_code) = CHAR_LENGTH(p_code), CONVERT(p_code USING ascii), NULL);
  DECLARE name, organization, at_hm, by_name VARCHAR(255);
  DECLARE CONTINUE HANDLER FOR NOT FOUND BEGIN END;

  START TRANSACTION;
  -- Whether the session is the seminar's (no row: it is not), the scan of this client_scan_id if it was stored
  -- before, and the registration of the ticket. The statements read no derived table: each would be a
  -- temporary table made per scan.
  SELECT TRUE, e.id, e.result, e.conflict, e.session_id, IF(e.id IS NULL, r.id, e.registration_id),
         r.seminar_id, r.status
    INTO session_ok, e_id, outcome, conflict, e_session, reg, reg_seminar, reg_status
    FROM seminar_session ss
    LEFT JOIN scan_event e ON e.client_scan_id = p_client_scan_id
    LEFT JOIN registration r ON r.ticket_code = code_key
   WHERE ss.id = p_session AND ss.seminar_id = p_seminar;
  IF NOT session_ok THEN
    -- Nothing is written.
    SET e_id = NULL, outcome = 'no_session', reg = NULL;
  ELSEIF e_id IS NOT NULL THEN
    SET replay = TRUE, described = e_session;
  ELSE
    SET conflict = FALSE,
        outcome = CASE WHEN reg IS NULL THEN 'invalid' WHEN reg_seminar <> p_seminar THEN 'other_seminar'
                       WHEN reg_status IN ('cancelled', 'waitlisted') THEN reg_status ELSE 'ok' END;
    IF outcome = 'ok' THEN
      SELECT id, device_id, undone_at IS NOT NULL INTO a_id, a_device, a_undone
        FROM attendance WHERE registration_id = reg AND session_id = p_session FOR UPDATE;
      IF a_id IS NOT NULL AND NOT a_undone THEN
        -- Two devices let the same ticket in (one of them offline at the time).
        SET outcome = 'already', conflict = IFNULL(CAST(a_device AS BINARY) <> CAST(p_device AS BINARY), FALSE);
      END IF;
    END IF;
    -- A ticket of another seminar is not recorded against this one's people.
    IF outcome IN ('invalid', 'other_seminar') THEN
      SET reg = NULL;
    END IF;
    INSERT INTO scan_event (client_scan_id, seminar_id, session_id, registration_id, code, method, device_id,
                            operator_id, device_time, result, conflict, undoes)
    VALUES (p_client_scan_id, p_seminar, p_session, reg, p_code, p_method, p_device, p_operator, p_device_time,
            outcome, conflict, NULL);
    SET e_id = LAST_INSERT_ID();
    IF outcome = 'ok' THEN
      IF a_id IS NOT NULL THEN
        UPDATE attendance SET undone_at = NULL, mode = 'in_person', scan_id = e_id,
                              at = COALESCE(p_device_time, NOW(3)), device_id = p_device, operator_id = p_operator
         WHERE id = a_id;
      ELSE
        INSERT INTO attendance (registration_id, session_id, mode, scan_id, at, device_id, operator_id)
        VALUES (reg, p_session, 'in_person', e_id, COALESCE(p_device_time, NOW(3)), p_device, p_operator);
      END IF;
      -- Coverage follows attendance through the queue (db_coverage_later).
      INSERT INTO coverage_queue (registration_id) VALUES (reg);
    END IF;
  END IF;
  SELECT p.full_name, o.short_name, IF(a.undone_at IS NULL, DATE_FORMAT(a.at, '%H:%i'), NULL),
         IF(a.undone_at IS NULL, op.full_name, NULL)
    INTO name, organization, at_hm, by_name
    FROM registration r
    JOIN person p ON p.id = r.person_id
    LEFT JOIN organization o ON o.id = r.organization_id
    LEFT JOIN attendance a ON a.registration_id = r.id AND a.session_id = described
    LEFT JOIN person op ON op.id = a.operator_id
   WHERE r.id = reg;
  -- An aggregate without GROUP BY: one row, also for a session nobody attended yet.
  SELECT replay, e_id, outcome, IFNULL(reg, 0), conflict, name, organization, at_hm, by_name,
         IFNULL(SUM(IF(mode = 'in_person', n, 0)), 0), IFNULL(SUM(IF(mode = 'online', n, 0)), 0),
         (SELECT taken_in_person + taken_online FROM seminar WHERE id = p_seminar)
    FROM session_presence WHERE session_id = p_session;
END //

DELIMITER ;
