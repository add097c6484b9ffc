-- Certificates: SVG templates, per-seminar settings, numbered certificates with a verification code,
-- their current PDF, background issuing jobs (the rule of "attended",
-- attendance_qualifies, lives in sql/procedures/010-attendance.sql).

-- A template is a sanitised SVG document (the allow-list of fcgi/core/cert.c); templates are never
-- edited: an upload makes a new one, so an issued certificate's template stays as it was.
CREATE TABLE certificate_template (
  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  name VARCHAR(200) NOT NULL,
  builtin VARCHAR(64) CHARACTER SET ascii NULL UNIQUE,  -- file name under templates/certificates/
  svg MEDIUMTEXT NOT NULL,
  owner_id INT UNSIGNED NULL,                -- the organiser who uploaded it; NULL for a builtin one
  region_id SMALLINT UNSIGNED NULL,          -- organisers of this region may use it; NULL: everyone
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  archived_at DATETIME NULL,
  KEY certificate_template_region (region_id, archived_at),
  CONSTRAINT certificate_template_owner FOREIGN KEY (owner_id) REFERENCES person (id),
  CONSTRAINT certificate_template_region FOREIGN KEY (region_id) REFERENCES region (id)
) ENGINE=InnoDB;

-- What a seminar's certificates say beyond the seminar itself.
CREATE TABLE seminar_certificate (
  seminar_id INT UNSIGNED PRIMARY KEY,
  template_id INT UNSIGNED NOT NULL,
  issuer VARCHAR(300) NOT NULL,              -- «ЦУР Липецкой области»
  signatory VARCHAR(200) NOT NULL,           -- «Директор А. А. Петров»
  updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT seminar_certificate_seminar FOREIGN KEY (seminar_id) REFERENCES seminar (id),
  CONSTRAINT seminar_certificate_template FOREIGN KEY (template_id) REFERENCES certificate_template (id)
) ENGINE=InnoDB;

-- Number series: the prefix comes from the configured pattern (e.g. region and year), the
-- counter is taken in the same transaction as the certificates it numbers.
CREATE TABLE certificate_series (
  prefix VARCHAR(64) PRIMARY KEY,
  last_no INT UNSIGNED NOT NULL
) ENGINE=InnoDB;

-- One certificate per registration (re-issuing makes a new version, never a second row). The text
-- fields are what the current version says; the verification page shows them and nothing else.
CREATE TABLE certificate (
  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  registration_id INT UNSIGNED NOT NULL UNIQUE,
  seminar_id INT UNSIGNED NOT NULL,
  person_id INT UNSIGNED NOT NULL,
  number VARCHAR(80) NOT NULL UNIQUE,
  verify_code CHAR(22) CHARACTER SET ascii COLLATE ascii_bin NOT NULL UNIQUE,
  template_id INT UNSIGNED NOT NULL,
  version SMALLINT UNSIGNED NOT NULL DEFAULT 1,
  full_name VARCHAR(200) NOT NULL,
  full_name_dat VARCHAR(200) NOT NULL,
  organization VARCHAR(500) NULL,
  seminar_title VARCHAR(300) NOT NULL,
  dates VARCHAR(120) NOT NULL,               -- «12–13 ноября 2026 г.»
  hours DECIMAL(5, 1) NULL,
  format VARCHAR(40) NOT NULL,               -- «очно», «онлайн»
  issuer VARCHAR(300) NOT NULL,
  signatory VARCHAR(200) NOT NULL,
  issued_at DATETIME NOT NULL,               -- the first issue
  reissued_at DATETIME NULL,                 -- the current version, when not the first
  revoked_at DATETIME NULL,
  revoke_reason VARCHAR(500) NULL,
  revoked_by INT UNSIGNED NULL,
  KEY certificate_seminar (seminar_id),
  KEY certificate_person (person_id),
  CONSTRAINT certificate_registration FOREIGN KEY (registration_id) REFERENCES registration (id),
  CONSTRAINT certificate_seminar FOREIGN KEY (seminar_id) REFERENCES seminar (id),
  CONSTRAINT certificate_person FOREIGN KEY (person_id) REFERENCES person (id),
  CONSTRAINT certificate_template FOREIGN KEY (template_id) REFERENCES certificate_template (id)
) ENGINE=InnoDB;

-- The PDF of the current version, rendered once when issued.
CREATE TABLE certificate_file (
  certificate_id INT UNSIGNED PRIMARY KEY,
  version SMALLINT UNSIGNED NOT NULL,
  pdf MEDIUMBLOB NOT NULL,
  CONSTRAINT certificate_file_certificate FOREIGN KEY (certificate_id) REFERENCES certificate (id)
) ENGINE=InnoDB;

-- Issuing runs in the background (the certs program's job runners); the page polls the progress.
CREATE TABLE certificate_job (
  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  seminar_id INT UNSIGNED NOT NULL,
  requested_by INT UNSIGNED NOT NULL,
  status ENUM('queued', 'running', 'done', 'failed') NOT NULL DEFAULT 'queued',
  total INT UNSIGNED NOT NULL DEFAULT 0,
  done INT UNSIGNED NOT NULL DEFAULT 0,
  error VARCHAR(500) NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  started_at DATETIME(3) NULL,
  finished_at DATETIME(3) NULL,
  KEY certificate_job_status (status, id),
  KEY certificate_job_seminar (seminar_id, id),
  CONSTRAINT certificate_job_seminar FOREIGN KEY (seminar_id) REFERENCES seminar (id)
) ENGINE=InnoDB;
