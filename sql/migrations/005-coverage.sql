-- Coverage for ministries: the register's life cycle (imports, organisations proposed at sign-up)
-- and the summary tables the reports read, kept current in the same transaction as attendance.

-- An organisation is in the register (imported or accepted by an administrator), proposed by a
-- person at sign-up who could not find theirs (waits for an administrator), or merged into another.
ALTER TABLE organization
  ADD COLUMN status ENUM('register', 'proposed', 'merged') NOT NULL DEFAULT 'register' AFTER active,
  ADD COLUMN merged_into INT UNSIGNED NULL AFTER status,
  ADD COLUMN proposed_by INT UNSIGNED NULL AFTER merged_into,
  ADD COLUMN updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  ADD KEY organization_status (status, district_id),
  ADD CONSTRAINT organization_merged_into FOREIGN KEY (merged_into) REFERENCES organization (id);

ALTER TABLE registration ADD KEY registration_organization (organization_id);

-- Period keys of a date: 'all', the year '2026', the quarter '2026-Q4', the month '2026-11'.
-- A seminar counts in the periods of the date of its first session (seminar.starts_at).

-- One row per registration that counts: confirmed, attended by the seminar's rule, the seminar
-- published or finished, the organisation active in the register and of one of the seminar's
-- sectors. The cell it counts in is stored, so a change takes back exactly what was added.
CREATE TABLE coverage_fact (
  registration_id INT UNSIGNED PRIMARY KEY,
  person_id INT UNSIGNED NOT NULL,
  organization_id INT UNSIGNED NOT NULL,
  district_id INT UNSIGNED NOT NULL,
  sector_id TINYINT UNSIGNED NOT NULL,
  seminar_id INT UNSIGNED NOT NULL,
  held_on DATE NOT NULL,
  door BOOLEAN NOT NULL,                     -- attended at the door (in person)
  online BOOLEAN NOT NULL,                   -- attended online
  KEY coverage_fact_org (organization_id, held_on),
  KEY coverage_fact_person (person_id),
  KEY coverage_fact_seminar (seminar_id)
) ENGINE=InnoDB;

-- Facts per organisation, sector and period: covered while n > 0.
CREATE TABLE coverage_org (
  organization_id INT UNSIGNED NOT NULL,
  sector_id TINYINT UNSIGNED NOT NULL,
  period CHAR(7) CHARACTER SET ascii NOT NULL,
  district_id INT UNSIGNED NOT NULL,
  n INT UNSIGNED NOT NULL,
  PRIMARY KEY (organization_id, sector_id, period)
) ENGINE=InnoDB;

-- Facts per person, cell and period, split by door and online: a person counts once per cell.
CREATE TABLE coverage_person (
  person_id INT UNSIGNED NOT NULL,
  district_id INT UNSIGNED NOT NULL,
  sector_id TINYINT UNSIGNED NOT NULL,
  period CHAR(7) CHARACTER SET ascii NOT NULL,
  n INT UNSIGNED NOT NULL,
  n_door INT UNSIGNED NOT NULL,
  n_online INT UNSIGNED NOT NULL,
  PRIMARY KEY (person_id, district_id, sector_id, period)
) ENGINE=InnoDB;

-- What the reports read: per district, sector and period.
CREATE TABLE coverage_cell (
  district_id INT UNSIGNED NOT NULL,
  sector_id TINYINT UNSIGNED NOT NULL,
  period CHAR(7) CHARACTER SET ascii NOT NULL,
  orgs_covered INT UNSIGNED NOT NULL DEFAULT 0,
  people INT UNSIGNED NOT NULL DEFAULT 0,      -- distinct people trained
  people_door INT UNSIGNED NOT NULL DEFAULT 0, -- of them, in person
  people_online INT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (period, district_id, sector_id)
) ENGINE=InnoDB;

-- Active organisations of the register per district and sector (the denominator), kept by the
-- import and by every change of an organisation's district, sector or status.
CREATE TABLE register_cell (
  district_id INT UNSIGNED NOT NULL,
  sector_id TINYINT UNSIGNED NOT NULL,
  orgs INT UNSIGNED NOT NULL,
  PRIMARY KEY (district_id, sector_id)
) ENGINE=InnoDB;

-- Register imports: the parsed file waits here between the preview and "apply", so what is
-- applied is exactly what was shown.
CREATE TABLE register_import (
  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  kind ENUM('organizations', 'districts') NOT NULL,
  file_name VARCHAR(255) NOT NULL,
  file_sha256 CHAR(64) CHARACTER SET ascii NOT NULL,
  uploaded_by INT UNSIGNED NOT NULL,
  uploaded_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  applied_at DATETIME NULL,
  summary VARCHAR(2000) NULL,                -- JSON: counts of added, changed, deactivated, rejected
  CONSTRAINT register_import_person FOREIGN KEY (uploaded_by) REFERENCES person (id)
) ENGINE=InnoDB;

CREATE TABLE register_import_row (
  id BIGINT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  import_id INT UNSIGNED NOT NULL,
  line INT UNSIGNED NULL,                    -- the file's line; NULL for a deactivation (not in the file)
  action ENUM('add', 'change', 'same', 'deactivate', 'reject') NOT NULL,
  target_id INT UNSIGNED NULL,               -- the organisation or district changed or deactivated
  data TEXT NULL,                            -- JSON of the validated values
  reason VARCHAR(500) NULL,                  -- why a line is rejected, or what changes
  KEY register_import_row_line (import_id, line),
  CONSTRAINT register_import_row_import FOREIGN KEY (import_id) REFERENCES register_import (id) ON DELETE CASCADE
) ENGINE=InnoDB;

-- ---------------------------------------------------------------- upkeep of the summary tables
-- coverage_touch keeps them current in the transaction of every change that may move a fact;
-- coverage_recompute rebuilds them from the raw data; coverage_check lists every difference
-- (the stored routines and views live in sql/procedures/, re-created at every start).

-- Attendance per registration, read whole from the index (the recompute counts every registration's).
ALTER TABLE attendance ADD KEY attendance_registration (registration_id, undone_at, mode);

-- While a recompute builds its new tables, a change of a fact is also noted here, and the
-- recompute applies it again once the new tables are in place.
CREATE TABLE coverage_rebuild (
  id TINYINT UNSIGNED PRIMARY KEY,           -- the one row: 1
  since DATETIME(3) NULL                     -- a recompute is building since then; NULL: none
) ENGINE=InnoDB;
INSERT INTO coverage_rebuild (id, since) VALUES (1, NULL);

CREATE TABLE coverage_dirty (
  registration_id INT UNSIGNED PRIMARY KEY
) ENGINE=InnoDB;
