-- Attendance: ticket codes, the append-only log of scans, check-ins per session, the attendance rule.
-- A ticket code is 16 random bytes (base64url, 22 characters) from the server's CSPRNG: no personal data,
-- not guessable; scanners may download the seminar's list of valid codes to check tickets offline.
ALTER TABLE registration
  ADD COLUMN ticket_code CHAR(22) CHARACTER SET ascii COLLATE ascii_bin NULL UNIQUE AFTER idem_key;
UPDATE registration
   SET ticket_code = SUBSTR(REPLACE(REPLACE(TO_BASE64(RANDOM_BYTES(16)), '+', '-'), '/', '_'), 1, 22)
 WHERE ticket_code IS NULL;

-- Which evidence counts for certificates and coverage: a door scan, online codes in at least
-- online_min_percent of the sessions, either of them, or both.
ALTER TABLE seminar
  ADD COLUMN attendance_rule ENUM('door', 'online', 'either', 'both') NOT NULL DEFAULT 'either',
  ADD COLUMN online_min_percent TINYINT UNSIGNED NOT NULL DEFAULT 80;

-- Every scan as it happened, never changed: a retried upload with the same client_scan_id is a no-op.
CREATE TABLE scan_event (
  id BIGINT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  client_scan_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL UNIQUE,
  seminar_id INT UNSIGNED NOT NULL,
  session_id INT UNSIGNED NULL,
  registration_id INT UNSIGNED NULL,
  code VARCHAR(200) NULL,                    -- what was read, for the record (may be garbage)
  method ENUM('qr', 'manual', 'online_code', 'undo') NOT NULL,
  device_id VARCHAR(64) NULL,
  operator_id INT UNSIGNED NULL,
  device_time DATETIME(3) NULL,              -- when the device saw it (offline scans come later)
  server_time DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  result ENUM('ok', 'already', 'invalid', 'other_seminar', 'cancelled', 'waitlisted', 'undone', 'not_found')
    NOT NULL,
  conflict BOOLEAN NOT NULL DEFAULT FALSE,   -- the same ticket checked in on another device
  undoes BIGINT UNSIGNED NULL,               -- for method 'undo': the scan it takes back
  KEY scan_event_seminar (seminar_id, server_time),
  KEY scan_event_registration (registration_id, session_id),
  CONSTRAINT scan_event_seminar FOREIGN KEY (seminar_id) REFERENCES seminar (id)
) ENGINE=InnoDB;

-- Who was present at which session, derived from the scans; undo marks, never deletes.
CREATE TABLE attendance (
  id BIGINT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  registration_id INT UNSIGNED NOT NULL,
  session_id INT UNSIGNED NOT NULL,
  mode ENUM('in_person', 'online') NOT NULL,
  scan_id BIGINT UNSIGNED NOT NULL,          -- the scan that made it
  at DATETIME(3) NOT NULL,                   -- arrival: the device time when known
  device_id VARCHAR(64) NULL,
  operator_id INT UNSIGNED NULL,
  undone_at DATETIME(3) NULL,
  UNIQUE KEY attendance_once (registration_id, session_id),
  KEY attendance_session (session_id, mode, undone_at),
  CONSTRAINT attendance_registration FOREIGN KEY (registration_id) REFERENCES registration (id),
  CONSTRAINT attendance_session FOREIGN KEY (session_id) REFERENCES seminar_session (id)
) ENGINE=InnoDB;
