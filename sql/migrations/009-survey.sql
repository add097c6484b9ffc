-- Feedback surveys (анкеты) of seminars: the questionnaire, its questions and options, and one response per
-- registration with its answers.

-- A seminar's survey. It is open while closed_at is NULL and either the organiser opened it by hand
-- (opened_at) or the seminar's last session has ended (seminar.ends_at).
CREATE TABLE survey (
  seminar_id INT UNSIGNED PRIMARY KEY,
  anonymous TINYINT(1) NOT NULL DEFAULT 1,   -- results never name who answered
  cert_gate TINYINT(1) NOT NULL DEFAULT 0,   -- the certificate PDF is given to its holder only after answering
  opened_at DATETIME NULL,
  closed_at DATETIME NULL,
  updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT survey_seminar FOREIGN KEY (seminar_id) REFERENCES seminar (id)
) ENGINE=InnoDB;

CREATE TABLE survey_question (
  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  seminar_id INT UNSIGNED NOT NULL,
  position SMALLINT UNSIGNED NOT NULL,
  kind ENUM('rating', 'single', 'multiple', 'text') NOT NULL,  -- rating: 1 to 5
  text VARCHAR(500) NOT NULL,
  required TINYINT(1) NOT NULL DEFAULT 0,
  KEY survey_question_seminar (seminar_id, position),
  CONSTRAINT survey_question_survey FOREIGN KEY (seminar_id) REFERENCES survey (seminar_id)
) ENGINE=InnoDB;

-- The choices of a single or multiple choice question.
CREATE TABLE survey_option (
  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  question_id INT UNSIGNED NOT NULL,
  position SMALLINT UNSIGNED NOT NULL,
  text VARCHAR(300) NOT NULL,
  KEY survey_option_question (question_id, position),
  CONSTRAINT survey_option_question FOREIGN KEY (question_id) REFERENCES survey_question (id) ON DELETE CASCADE
) ENGINE=InnoDB;

-- One response per registration (a confirmed participant), replaced whole when edited. The link to the
-- registration lets its owner edit it; results of an anonymous survey never show it.
CREATE TABLE survey_response (
  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  seminar_id INT UNSIGNED NOT NULL,
  registration_id INT UNSIGNED NOT NULL UNIQUE,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  KEY survey_response_seminar (seminar_id),
  CONSTRAINT survey_response_survey FOREIGN KEY (seminar_id) REFERENCES survey (seminar_id),
  CONSTRAINT survey_response_registration FOREIGN KEY (registration_id) REFERENCES registration (id)
) ENGINE=InnoDB;

-- An answer: a rating (1 to 5), a chosen option (one row per option of a multiple choice), or a text.
CREATE TABLE survey_answer (
  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  response_id INT UNSIGNED NOT NULL,
  question_id INT UNSIGNED NOT NULL,
  rating TINYINT UNSIGNED NULL,
  option_id INT UNSIGNED NULL,
  text TEXT NULL,
  KEY survey_answer_response (response_id),
  KEY survey_answer_question (question_id),
  CONSTRAINT survey_answer_response FOREIGN KEY (response_id) REFERENCES survey_response (id) ON DELETE CASCADE,
  CONSTRAINT survey_answer_question FOREIGN KEY (question_id) REFERENCES survey_question (id),
  CONSTRAINT survey_answer_option FOREIGN KEY (option_id) REFERENCES survey_option (id),
  CONSTRAINT survey_answer_rating CHECK (rating IS NULL OR rating BETWEEN 1 AND 5)
) ENGINE=InnoDB;
