-- Heads of organisations (руководитель / ответственный за ведение страниц): the role `head`, scoped to one
-- organisation, requested at sign-up or granted by an organiser or administrator; a head signs up the
-- organisation's people (registration.source 'head').
CREATE TABLE org_head (
  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  person_id INT UNSIGNED NOT NULL,
  organization_id INT UNSIGNED NOT NULL,     -- the one organisation the head acts for
  status ENUM('requested', 'confirmed') NOT NULL,
  requested_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  confirmed_by INT UNSIGNED NULL,
  confirmed_at DATETIME NULL,
  UNIQUE KEY org_head_person (person_id),    -- a person heads at most one organisation
  KEY org_head_organization (organization_id, status),
  CONSTRAINT org_head_person FOREIGN KEY (person_id) REFERENCES person (id) ON DELETE CASCADE,
  CONSTRAINT org_head_organization FOREIGN KEY (organization_id) REFERENCES organization (id),
  CONSTRAINT org_head_confirmer FOREIGN KEY (confirmed_by) REFERENCES person (id)
) ENGINE=InnoDB;

ALTER TABLE registration MODIFY source ENUM('self', 'organizer', 'head') NOT NULL DEFAULT 'self';
