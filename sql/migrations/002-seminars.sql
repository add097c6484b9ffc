-- Seminars, their sessions and sectors, and registrations with capacity per attendance mode.
CREATE TABLE seminar (
  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  title VARCHAR(300) NOT NULL,
  description TEXT NOT NULL,
  format ENUM('in_person', 'online', 'hybrid') NOT NULL,
  status ENUM('draft', 'published', 'cancelled', 'finished') NOT NULL DEFAULT 'draft',
  organizer_id INT UNSIGNED NOT NULL,        -- who created it
  region_id SMALLINT UNSIGNED NOT NULL,
  district_id INT UNSIGNED NULL,
  venue VARCHAR(300) NULL,                   -- «Дом журналиста»
  address VARCHAR(500) NULL,
  stream_url VARCHAR(500) NULL,              -- shown to confirmed online participants
  cap_in_person INT UNSIGNED NOT NULL DEFAULT 0,
  cap_online INT UNSIGNED NULL,              -- NULL: unlimited
  taken_in_person INT UNSIGNED NOT NULL DEFAULT 0,  -- confirmed registrations, kept in the same
  taken_online INT UNSIGNED NOT NULL DEFAULT 0,     -- transaction as the registration rows
  reg_opens_at DATETIME NULL,
  reg_closes_at DATETIME NULL,
  hours DECIMAL(5, 1) NULL,                  -- academic hours
  org_limit SMALLINT UNSIGNED NULL,          -- places per organisation, NULL: no limit
  starts_at DATETIME NULL,                   -- first and last session, kept by the program
  ends_at DATETIME NULL,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  -- Any change of the row (places included) moves it: the catalogue cache compares MAX(updated_at).
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  KEY seminar_status_start (status, starts_at),
  KEY seminar_updated (updated_at),
  KEY seminar_region (region_id, status, starts_at),
  CONSTRAINT seminar_organizer FOREIGN KEY (organizer_id) REFERENCES person (id),
  CONSTRAINT seminar_region FOREIGN KEY (region_id) REFERENCES region (id),
  CONSTRAINT seminar_district FOREIGN KEY (district_id) REFERENCES district (id),
  -- The back-stop of the overbooking rule: the counters can never pass the capacity.
  CONSTRAINT seminar_in_person_fits CHECK (taken_in_person <= cap_in_person),
  CONSTRAINT seminar_online_fits CHECK (cap_online IS NULL OR taken_online <= cap_online)
) ENGINE=InnoDB;

CREATE TABLE seminar_sector (
  seminar_id INT UNSIGNED NOT NULL,
  sector_id TINYINT UNSIGNED NOT NULL,
  PRIMARY KEY (seminar_id, sector_id),
  KEY seminar_sector_sector (sector_id, seminar_id),
  CONSTRAINT seminar_sector_seminar FOREIGN KEY (seminar_id) REFERENCES seminar (id) ON DELETE CASCADE,
  CONSTRAINT seminar_sector_sector FOREIGN KEY (sector_id) REFERENCES sector (id)
) ENGINE=InnoDB;

CREATE TABLE seminar_session (
  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  seminar_id INT UNSIGNED NOT NULL,
  starts_at DATETIME NOT NULL,
  ends_at DATETIME NOT NULL,
  KEY seminar_session_seminar (seminar_id, starts_at),
  CONSTRAINT seminar_session_seminar FOREIGN KEY (seminar_id) REFERENCES seminar (id) ON DELETE CASCADE,
  CONSTRAINT seminar_session_order CHECK (ends_at > starts_at)
) ENGINE=InnoDB;

CREATE TABLE registration (
  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  seminar_id INT UNSIGNED NOT NULL,
  person_id INT UNSIGNED NOT NULL,
  organization_id INT UNSIGNED NULL,         -- the person's organisation when they signed up
  mode ENUM('in_person', 'online') NOT NULL,
  status ENUM('confirmed', 'waitlisted', 'cancelled') NOT NULL,
  queued_at DATETIME(6) NOT NULL,            -- waiting-list order: first come, first promoted
  idem_key VARCHAR(64) NULL UNIQUE,          -- a retried sign-up POST finds its first outcome
  source ENUM('self', 'organizer') NOT NULL DEFAULT 'self',
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  cancelled_at DATETIME NULL,
  UNIQUE KEY registration_once (seminar_id, person_id),
  KEY registration_queue (seminar_id, mode, status, queued_at),
  KEY registration_org (seminar_id, organization_id, status),
  KEY registration_person (person_id),
  CONSTRAINT registration_seminar FOREIGN KEY (seminar_id) REFERENCES seminar (id),
  CONSTRAINT registration_person FOREIGN KEY (person_id) REFERENCES person (id),
  CONSTRAINT registration_organization FOREIGN KEY (organization_id) REFERENCES organization (id)
) ENGINE=InnoDB;
