-- Mail about registrations (fcgi/core/mail_kinds.c): the outbox row of a sign-up, a promotion, a reminder, a
-- seminar's change or a certificate is one cheap INSERT ... SELECT in the causing transaction; the sender renders
-- it later from the registration and the event's data. People may turn off reminders and organisers' messages.

-- render = 1: subject, bodies, attachments and Message-ID are made by the sender at its first claim (then 0).
ALTER TABLE mail_message
  ADD COLUMN registration_id INT UNSIGNED NULL,
  ADD COLUMN data VARCHAR(4000) NULL,                  -- the event's data as JSON (what changed, the session)
  ADD COLUMN render BOOLEAN NOT NULL DEFAULT FALSE,
  ADD KEY mail_message_registration (registration_id),
  ADD CONSTRAINT mail_message_registration FOREIGN KEY (registration_id) REFERENCES registration (id)
    ON DELETE SET NULL;

-- The opt-outs of the cabinet (transactional mail is always sent); the one-click link of List-Unsubscribe
-- carries a keyed hash of the person and the list, nothing stored.
ALTER TABLE person
  ADD COLUMN mail_reminders BOOLEAN NOT NULL DEFAULT TRUE,
  ADD COLUMN mail_organizer BOOLEAN NOT NULL DEFAULT TRUE;

-- The reminder scheduler (sql/procedures/080-mail-remind.sql) looks for sessions starting within a day.
ALTER TABLE seminar_session ADD KEY seminar_session_start (starts_at);
