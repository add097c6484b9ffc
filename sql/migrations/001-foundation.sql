-- Foundation schema: territory, sectors, the register of organisations, accounts, roles, sessions, audit.
CREATE TABLE sector (
  id TINYINT UNSIGNED PRIMARY KEY,
  code VARCHAR(32) NOT NULL UNIQUE,
  name VARCHAR(128) NOT NULL
) ENGINE=InnoDB;

CREATE TABLE region (
  id SMALLINT UNSIGNED PRIMARY KEY,          -- the subject's code (48 = Липецкая область)
  name VARCHAR(128) NOT NULL UNIQUE,
  oktmo VARCHAR(11) NULL UNIQUE
) ENGINE=InnoDB;

CREATE TABLE district (
  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  region_id SMALLINT UNSIGNED NOT NULL,
  name VARCHAR(160) NOT NULL,
  oktmo VARCHAR(11) NULL UNIQUE,
  population INT UNSIGNED NULL,
  UNIQUE KEY district_region_name (region_id, name),
  CONSTRAINT district_region FOREIGN KEY (region_id) REFERENCES region (id)
) ENGINE=InnoDB;

CREATE TABLE organization (
  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  district_id INT UNSIGNED NOT NULL,
  sector_id TINYINT UNSIGNED NOT NULL,
  name VARCHAR(500) NOT NULL,                -- full name as in the register
  short_name VARCHAR(255) NOT NULL,
  inn VARCHAR(12) NULL UNIQUE,
  kind VARCHAR(128) NULL,                    -- школа, детский сад, колледж, ...
  page_urls VARCHAR(1000) NULL,              -- official page URL(s), space separated
  active BOOLEAN NOT NULL DEFAULT TRUE,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  KEY organization_district_sector (district_id, sector_id, active),
  CONSTRAINT organization_district FOREIGN KEY (district_id) REFERENCES district (id),
  CONSTRAINT organization_sector FOREIGN KEY (sector_id) REFERENCES sector (id)
) ENGINE=InnoDB;

CREATE TABLE person (
  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  email VARCHAR(254) NOT NULL UNIQUE,        -- stored lower-case
  password_hash VARCHAR(128) NOT NULL,       -- libsodium crypto_pwhash_str (argon2id)
  full_name VARCHAR(200) NOT NULL,
  full_name_dat VARCHAR(200) NOT NULL,       -- dative case, for certificate text
  phone VARCHAR(32) NULL,
  position VARCHAR(200) NULL,
  organization_id INT UNSIGNED NULL,
  consent_at DATETIME NOT NULL,
  consent_version VARCHAR(16) NOT NULL,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  disabled_at DATETIME NULL,
  KEY person_organization (organization_id),
  CONSTRAINT person_organization FOREIGN KEY (organization_id) REFERENCES organization (id)
) ENGINE=InnoDB;

-- Every account is a participant; grants add organiser, reviewer and admin rights.
-- NULL scope columns mean "any"; scope_key makes a grant unique despite the NULLs.
CREATE TABLE role_grant (
  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  person_id INT UNSIGNED NOT NULL,
  role ENUM('organizer', 'reviewer', 'admin') NOT NULL,
  region_id SMALLINT UNSIGNED NULL,
  sector_id TINYINT UNSIGNED NULL,
  granted_by INT UNSIGNED NULL,
  granted_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  scope_key VARCHAR(40) AS (CONCAT_WS(':', role, IFNULL(region_id, 0), IFNULL(sector_id, 0))) PERSISTENT,
  UNIQUE KEY role_grant_scope (person_id, scope_key),
  CONSTRAINT role_grant_person FOREIGN KEY (person_id) REFERENCES person (id) ON DELETE CASCADE,
  CONSTRAINT role_grant_region FOREIGN KEY (region_id) REFERENCES region (id),
  CONSTRAINT role_grant_sector FOREIGN KEY (sector_id) REFERENCES sector (id)
) ENGINE=InnoDB;

-- The cookie holds a random id; the table holds only its hash.
CREATE TABLE web_session (
  id_hash BINARY(32) PRIMARY KEY,
  person_id INT UNSIGNED NOT NULL,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  expires_at DATETIME NOT NULL,
  ip VARCHAR(45) NULL,
  KEY web_session_person (person_id),
  KEY web_session_expires (expires_at),
  CONSTRAINT web_session_person FOREIGN KEY (person_id) REFERENCES person (id) ON DELETE CASCADE
) ENGINE=InnoDB;

-- Fixed-window counters for throttling (login by e-mail and by address, sign-up by address).
CREATE TABLE rate_limit (
  bucket VARCHAR(190) PRIMARY KEY,
  window_start DATETIME NOT NULL,
  hits INT UNSIGNED NOT NULL
) ENGINE=InnoDB;

CREATE TABLE audit_log (
  id BIGINT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  person_id INT UNSIGNED NULL,               -- who
  action VARCHAR(64) NOT NULL,               -- what: login, signup, role.grant, ...
  object_type VARCHAR(32) NULL,
  object_id BIGINT UNSIGNED NULL,
  ip VARCHAR(45) NULL,                       -- from where
  detail VARCHAR(2000) NULL,
  KEY audit_log_object (object_type, object_id),
  KEY audit_log_person (person_id, at)
) ENGINE=InnoDB;
