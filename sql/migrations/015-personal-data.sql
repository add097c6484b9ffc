-- Personal data (152-FZ): grants narrowed to a district, the journal of access to personal data,
-- consent as a versioned document with what each person accepted, erasure, sessions' devices.

-- A grant may be narrowed to one district of its region (a municipal education body); NULL: every district.
-- The unique key keeps its scope_key (whatever that column names) and adds the district.
ALTER TABLE role_grant
  ADD COLUMN district_id INT UNSIGNED NULL AFTER sector_id,
  ADD COLUMN district_key INT UNSIGNED AS (IFNULL(district_id, 0)) PERSISTENT,
  ADD CONSTRAINT role_grant_district FOREIGN KEY (district_id) REFERENCES district (id),
  DROP KEY role_grant_scope,
  ADD UNIQUE KEY role_grant_scope (person_id, scope_key, district_key);

-- Every view or export by staff of other people's personal data: who, what, which object or query,
-- when, from where. Kept apart from audit_log (changes to the data): this one records reads.
CREATE TABLE access_journal (
  id BIGINT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  person_id INT UNSIGNED NULL,               -- who looked
  action VARCHAR(64) NOT NULL,               -- what: participants.view, participants.export, ...
  object_type VARCHAR(32) NULL,              -- which object: seminar, person, ...
  object_id BIGINT UNSIGNED NULL,
  query VARCHAR(500) NULL,                   -- which query: a search text, filters, a format
  people INT UNSIGNED NOT NULL DEFAULT 0,    -- how many people's data it showed
  ip VARCHAR(45) NULL,                       -- from where
  KEY access_journal_at (at),
  KEY access_journal_person (person_id, at),
  KEY access_journal_object (object_type, object_id)
) ENGINE=InnoDB;

-- Whose data an entry showed, so a person finds the entries about them (/me/data).
CREATE TABLE access_journal_subject (
  person_id INT UNSIGNED NOT NULL,
  journal_id BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (person_id, journal_id),
  CONSTRAINT access_journal_subject_entry FOREIGN KEY (journal_id) REFERENCES access_journal (id) ON DELETE CASCADE
) ENGINE=InnoDB;

-- Consent to the processing of personal data as its own document (152-FZ art. 9 as amended, in force
-- from 1 September 2025): each version's text is kept; the newest in force is the one to accept.
CREATE TABLE consent_document (
  version VARCHAR(16) CHARACTER SET ascii PRIMARY KEY,
  in_force_from DATETIME NOT NULL,
  title VARCHAR(200) NOT NULL,
  body TEXT NOT NULL,                        -- paragraphs separated by blank lines
  KEY consent_document_from (in_force_from)
) ENGINE=InnoDB;

-- What each person accepted (or withdrew), when and from where; the newest row is their standing.
CREATE TABLE consent_acceptance (
  id BIGINT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  person_id INT UNSIGNED NOT NULL,
  version VARCHAR(16) CHARACTER SET ascii NOT NULL,
  at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  ip VARCHAR(45) NULL,
  withdrawn BOOLEAN NOT NULL DEFAULT FALSE,
  KEY consent_acceptance_person (person_id, id),
  CONSTRAINT consent_acceptance_person FOREIGN KEY (person_id) REFERENCES person (id) ON DELETE CASCADE,
  CONSTRAINT consent_acceptance_version FOREIGN KEY (version) REFERENCES consent_document (version)
) ENGINE=InnoDB;

-- Erasure: when the person's identifying fields were destroyed (the row stays for the counts).
ALTER TABLE person ADD COLUMN erased_at DATETIME NULL;

-- The active sessions list names the device.
ALTER TABLE web_session ADD COLUMN user_agent VARCHAR(200) NULL;

INSERT INTO consent_document (version, in_force_from, title, body) VALUES
  ('2026-01', '2026-01-01 00:00:00', 'Согласие на обработку персональных данных',
   'Я, действуя свободно, своей волей и в своём интересе, в соответствии со статьёй 9 Федерального закона от 27.07.2006 № 152-ФЗ «О персональных данных» даю согласие оператору системы «Семинары ЦУР» (региональному центру управления регионом, проводящему семинар) на обработку моих персональных данных.

Перечень данных: фамилия, имя, отчество (в том числе в дательном падеже для сертификата), адрес электронной почты, номер телефона, должность, организация (место работы), сведения о записи на семинары, посещении занятий, ответах на анкеты и выданных сертификатах.

Цели обработки: запись на семинары и курсы, допуск на занятия, учёт посещения, выдача и проверка сертификатов, направление уведомлений о семинарах, составление обезличенных отчётов об охвате обучением для органов государственной власти.

Действия с данными: сбор, запись, систематизация, накопление, хранение, уточнение (обновление, изменение), извлечение, использование, передача (предоставление, доступ) организаторам семинаров и уполномоченным представителям органов власти в пределах их полномочий, обезличивание, блокирование, удаление, уничтожение, с использованием средств автоматизации и без них.

Согласие действует до его отзыва. Я могу отозвать согласие в личном кабинете (раздел «Мои данные») или письменным заявлением оператору; после отзыва мои персональные данные уничтожаются в срок, установленный частью 5 статьи 21 Федерального закона № 152-ФЗ, а обезличенные сведения об обучении сохраняются в отчётах об охвате.

Я подтверждаю, что ознакомлен(а) с правами субъекта персональных данных, предусмотренными главой 3 Федерального закона № 152-ФЗ, в том числе с правом получить сведения об обработке моих данных и потребовать их уточнения или уничтожения.');

-- Everyone who signed up so far accepted the version their row names.
INSERT INTO consent_acceptance (person_id, version, at)
  SELECT p.id, p.consent_version, p.consent_at FROM person p
  JOIN consent_document d ON d.version = p.consent_version;
