-- Mail: the outbox the background sender delivers from (fcgi/core/mail.c), the sender's last error,
-- single-use account links (password reset, address confirmation, invitation), and confirmed addresses.

-- One row per message, written in the same transaction as the change that causes it. event_key names
-- that event ("reset:17", "confirm:42:3"): a second message for the same event is never made.
CREATE TABLE mail_message (
  id BIGINT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  kind VARCHAR(32) CHARACTER SET ascii NOT NULL,        -- the template under templates/mail/
  event_key VARCHAR(190) CHARACTER SET ascii NOT NULL,
  person_id INT UNSIGNED NULL,
  recipient VARCHAR(254) NOT NULL,
  recipient_name VARCHAR(200) NULL,
  subject VARCHAR(300) NOT NULL,
  body_text MEDIUMTEXT NOT NULL,
  body_html MEDIUMTEXT NOT NULL,
  message_id VARCHAR(190) CHARACTER SET ascii NOT NULL, -- the Message-ID every copy carries
  status ENUM('queued', 'sent', 'failed') NOT NULL DEFAULT 'queued',
  attempts INT UNSIGNED NOT NULL DEFAULT 0,
  -- queued: when it may be claimed; a claim moves it a lease ahead, so a sender that died gives it back.
  next_attempt_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  last_answer VARCHAR(1000) NULL,                       -- the server's last answer (or the connection error)
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  sent_at DATETIME(3) NULL,
  UNIQUE KEY mail_message_event (event_key),
  UNIQUE KEY mail_message_mid (message_id),
  KEY mail_message_due (status, next_attempt_at),
  KEY mail_message_person (person_id),
  CONSTRAINT mail_message_person FOREIGN KEY (person_id) REFERENCES person (id) ON DELETE SET NULL
) ENGINE=InnoDB;

CREATE TABLE mail_attachment (
  id BIGINT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  message_id BIGINT UNSIGNED NOT NULL,
  filename VARCHAR(200) NOT NULL,
  content_type VARCHAR(100) CHARACTER SET ascii NOT NULL,
  body MEDIUMBLOB NOT NULL,
  KEY mail_attachment_message (message_id, id),
  CONSTRAINT mail_attachment_message FOREIGN KEY (message_id) REFERENCES mail_message (id) ON DELETE CASCADE
) ENGINE=InnoDB;

-- The senders' shared state: the last error (shown on /admin/mail) and the last delivery.
CREATE TABLE mail_sender (
  id TINYINT UNSIGNED PRIMARY KEY,
  last_error VARCHAR(1000) NULL,
  last_error_at DATETIME(3) NULL,
  last_sent_at DATETIME(3) NULL
) ENGINE=InnoDB;
INSERT INTO mail_sender (id) VALUES (1);

-- A link sent by mail: the token is in the link only; the table keeps its BLAKE2b-256 hash.
CREATE TABLE account_token (
  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  person_id INT UNSIGNED NOT NULL,
  purpose ENUM('reset', 'confirm', 'invite') NOT NULL,
  token_hash BINARY(32) NOT NULL,
  email VARCHAR(254) NOT NULL,                          -- the address the link went to
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  expires_at DATETIME NOT NULL,
  used_at DATETIME NULL,
  UNIQUE KEY account_token_hash (token_hash),
  KEY account_token_person (person_id, purpose),
  CONSTRAINT account_token_person FOREIGN KEY (person_id) REFERENCES person (id) ON DELETE CASCADE
) ENGINE=InnoDB;

-- NULL: the address was never confirmed. People made by the seeds, the demo and earlier sign-ups count as
-- confirmed (the default); the sign-up form and an organiser's «add participant» store NULL.
ALTER TABLE person ADD COLUMN email_confirmed_at DATETIME NULL DEFAULT CURRENT_TIMESTAMP;
