-- The briefing journal (журнал инструктажа): briefings published to the people of chosen organisations of a
-- region, the files attached to them, and each person's acknowledgement («Ознакомлен»), recorded once.
CREATE TABLE briefing (
  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  region_id SMALLINT UNSIGNED NOT NULL,
  title VARCHAR(300) NOT NULL,
  body TEXT NOT NULL,                        -- plain text; paragraphs are its lines
  created_by INT UNSIGNED NOT NULL,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  KEY briefing_region (region_id, id),
  CONSTRAINT briefing_region FOREIGN KEY (region_id) REFERENCES region (id),
  CONSTRAINT briefing_creator FOREIGN KEY (created_by) REFERENCES person (id)
) ENGINE=InnoDB;

-- What the author chose. An organisation of the region is addressed when it matches every kind chosen:
-- its district among the districts (if any were chosen), its sector among the sectors (likewise), and
-- itself among the organisations (likewise).
CREATE TABLE briefing_target (
  briefing_id INT UNSIGNED NOT NULL,
  kind ENUM('district', 'sector', 'organization') NOT NULL,
  ref_id INT UNSIGNED NOT NULL,
  PRIMARY KEY (briefing_id, kind, ref_id),
  CONSTRAINT briefing_target_briefing FOREIGN KEY (briefing_id) REFERENCES briefing (id)
) ENGINE=InnoDB;

-- The organisations addressed, fixed when the briefing is published; their people (person.organization_id,
-- as it is now) are the audience.
CREATE TABLE briefing_org (
  briefing_id INT UNSIGNED NOT NULL,
  organization_id INT UNSIGNED NOT NULL,
  PRIMARY KEY (briefing_id, organization_id),
  KEY briefing_org_organization (organization_id, briefing_id),
  CONSTRAINT briefing_org_briefing FOREIGN KEY (briefing_id) REFERENCES briefing (id),
  CONSTRAINT briefing_org_organization FOREIGN KEY (organization_id) REFERENCES organization (id)
) ENGINE=InnoDB;

-- Files of a briefing, stored as the seminar materials' are (by SHA-256 under files_dir, see fcgi/core/files.c).
CREATE TABLE briefing_file (
  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  briefing_id INT UNSIGNED NOT NULL,
  sha256 CHAR(64) CHARACTER SET ascii NOT NULL,
  file_name VARCHAR(255) NOT NULL,
  mime VARCHAR(100) CHARACTER SET ascii NOT NULL,
  size BIGINT UNSIGNED NOT NULL,
  KEY briefing_file_briefing (briefing_id, id),
  CONSTRAINT briefing_file_briefing FOREIGN KEY (briefing_id) REFERENCES briefing (id)
) ENGINE=InnoDB;

-- «Ознакомлен»: once per person and briefing (a second click finds the row and changes nothing).
CREATE TABLE briefing_ack (
  briefing_id INT UNSIGNED NOT NULL,
  person_id INT UNSIGNED NOT NULL,
  acked_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  ip VARCHAR(45) NULL,
  PRIMARY KEY (briefing_id, person_id),
  KEY briefing_ack_person (person_id, briefing_id),
  CONSTRAINT briefing_ack_briefing FOREIGN KEY (briefing_id) REFERENCES briefing (id),
  CONSTRAINT briefing_ack_person FOREIGN KEY (person_id) REFERENCES person (id)
) ENGINE=InnoDB;
