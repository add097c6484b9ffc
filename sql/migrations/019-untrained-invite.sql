-- Invitations to the untrained (fcgi/core/db_untrained.c): the organiser of a published seminar invites the people
-- of its region's organisations never trained in its sectors; and the seminar of a message that is not about one
-- registration, for the organiser's view of the notices a seminar sent (/manage/seminars/{id}/notices).

-- One row per person invited to a seminar: once per seminar (the primary key), at most untrained_week_limit in
-- seven days per person (counted over untrained_invite_person). Where the person's organisation stood when invited
-- (region, district, sector) is kept, so the coverage report counts invitations per district from this table alone.
CREATE TABLE untrained_invite (
  seminar_id INT UNSIGNED NOT NULL,
  person_id INT UNSIGNED NOT NULL,
  organization_id INT UNSIGNED NOT NULL,
  region_id SMALLINT UNSIGNED NOT NULL,
  district_id INT UNSIGNED NOT NULL,
  sector_id TINYINT UNSIGNED NOT NULL,
  invited_by INT UNSIGNED NOT NULL,
  invited_at DATETIME(6) NOT NULL,
  PRIMARY KEY (seminar_id, person_id),
  KEY untrained_invite_person (person_id, invited_at),
  KEY untrained_invite_region (region_id, invited_at),
  KEY untrained_invite_at (invited_at),
  KEY untrained_invite_batch (seminar_id, invited_at),
  CONSTRAINT untrained_invite_seminar FOREIGN KEY (seminar_id) REFERENCES seminar (id) ON DELETE CASCADE,
  CONSTRAINT untrained_invite_person FOREIGN KEY (person_id) REFERENCES person (id) ON DELETE CASCADE
) ENGINE=InnoDB;

-- Set for messages about a seminar but no registration (the invitations); a registration's messages reach their
-- seminar through registration_id.
ALTER TABLE mail_message
  ADD COLUMN seminar_id INT UNSIGNED NULL,
  ADD KEY mail_message_seminar (seminar_id),
  ADD CONSTRAINT mail_message_seminar FOREIGN KEY (seminar_id) REFERENCES seminar (id) ON DELETE SET NULL;
