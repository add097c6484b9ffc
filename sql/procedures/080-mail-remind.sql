-- Reminders: the day before and an hour before every session, once per registration, session and kind.

DELIMITER //

-- Queues the reminders that are due for the confirmed registrations of published seminars whose people keep
-- reminders on: remind_day from a day to an hour before a session, remind_hour in the last hour. The event key
-- (kind:registration:session) is UNIQUE in mail_message, so a scheduler that runs twice, or two that race,
-- make each reminder once. The background sender calls it (mail_kinds_schedule) and renders the rows.
CREATE OR REPLACE PROCEDURE mail_remind()
  MODIFIES SQL DATA SQL SECURITY INVOKER
BEGIN
  INSERT INTO mail_message (kind, event_key, person_id, recipient, recipient_name, subject, body_text, body_html,
                            message_id, registration_id, data, render)
  SELECT k.kind, CONCAT(k.kind, ':', r.id, ':', ss.id), p.id, p.email, p.full_name, '', '', '',
         CONCAT('render.', REPLACE(UUID(), '-', '')), r.id, JSON_OBJECT('session', ss.id), TRUE
  FROM seminar_session ss
  JOIN seminar s ON s.id = ss.seminar_id AND s.status = 'published'
  JOIN (SELECT 'remind_day' AS kind, 1 AS day UNION ALL SELECT 'remind_hour', 0) k
    ON (k.day = 1 AND ss.starts_at > NOW() + INTERVAL 1 HOUR AND ss.starts_at <= NOW() + INTERVAL 1 DAY)
    OR (k.day = 0 AND ss.starts_at > NOW() AND ss.starts_at <= NOW() + INTERVAL 1 HOUR)
  JOIN registration r ON r.seminar_id = s.id AND r.status = 'confirmed'
  JOIN person p ON p.id = r.person_id AND p.mail_reminders AND p.email_confirmed_at IS NOT NULL
    AND p.disabled_at IS NULL
  WHERE ss.starts_at > NOW() AND ss.starts_at <= NOW() + INTERVAL 1 DAY
  ON DUPLICATE KEY UPDATE mail_message.id = mail_message.id;
END //

DELIMITER ;
