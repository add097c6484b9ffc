-- A registration's letter queued in the outbox: the one definition of the event, for db_mail_event and registration_signup.

DELIMITER //

-- Queues letter kind k about registration reg (data: the template's extra JSON, or NULL) for its person, if their
-- address is confirmed and the account not disabled. The event key (kind:registration:queued_at) is UNIQUE in
-- mail_message, so a body run again after a lost COMMIT queues the letter once. The background sender renders it.
CREATE OR REPLACE PROCEDURE mail_event(IN k VARCHAR(32), IN reg INT UNSIGNED, IN data TEXT)
  MODIFIES SQL DATA SQL SECURITY INVOKER
BEGIN
  INSERT INTO mail_message (kind, event_key, person_id, recipient, recipient_name, subject, body_text, body_html,
                            message_id, registration_id, data, render)
  SELECT k, CONCAT(k, ':', r.id, ':', DATE_FORMAT(r.queued_at, '%Y%m%d%H%i%s%f')), p.id, p.email, p.full_name,
         '', '', '', CONCAT('render.', REPLACE(UUID(), '-', '')), r.id, data, TRUE
    FROM registration r JOIN person p ON p.id = r.person_id
   WHERE r.id = reg AND p.email_confirmed_at IS NOT NULL AND p.disabled_at IS NULL
  ON DUPLICATE KEY UPDATE mail_message.id = mail_message.id;
END //

DELIMITER ;
