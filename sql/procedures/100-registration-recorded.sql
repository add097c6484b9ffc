-- The end of a sign-up's transaction in one round trip: its audit row, its letter and, for a place taken, the seminar's counter.

DELIMITER //

-- After registration reg was written (inserted or signed up again): the audit row (actor, from_ip, detail), the
-- letter (k: reg_confirmed or reg_waitlisted) and, when it took a place (took: its mode; NULL for a place in the
-- waiting list), seminar sem's counter of that mode. The counter's UPDATE comes last, so the seminar's row is
-- held exclusively from here to the COMMIT only (db_registration.c, register_tx). Sent one by one they were three
-- round trips; in one call the server spends about a quarter less on them, and the portal waits once (issue 16).
CREATE OR REPLACE PROCEDURE registration_recorded(IN reg INT UNSIGNED, IN actor INT UNSIGNED, IN from_ip VARCHAR(45),
                                                  IN detail VARCHAR(2000), IN k VARCHAR(32), IN sem INT UNSIGNED,
                                                  IN took VARCHAR(16))
  MODIFIES SQL DATA SQL SECURITY INVOKER
BEGIN
  INSERT INTO audit_log (person_id, action, object_type, object_id, ip, detail)
  VALUES (actor, 'registration.create', 'registration', reg, from_ip, detail);
  CALL mail_event(k, reg, NULL);
  IF took = 'in_person' THEN
    UPDATE seminar SET taken_in_person = taken_in_person + 1 WHERE id = sem;
  ELSEIF took = 'online' THEN
    UPDATE seminar SET taken_online = taken_online + 1 WHERE id = sem;
  END IF;
END //

DELIMITER ;
