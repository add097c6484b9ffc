-- The demo story (scripts/demo.sh, once per database): seminars of three ЦУР in every state, their people, sign-ups, check-ins and certificate jobs, dated from the day it is loaded.
--
-- Rows are what the programs write (fcgi/core/db_seminar.c, db_checkin.c, db_cert.c, db_cert_job.c), made set-wise:
-- sign-ups in queue order with places and waiting lists as register_tx gives them, the seminars' counters
-- from the registrations, door scans and online codes in scan_event with the attendance they made, the
-- audit rows of those writes, and certificate settings with a queued issuing job (the certs program's
-- runners number, issue and render them). Names, choices and times are functions of row keys (CRC32),
-- so every load tells the same story; ticket codes come from the server's CSPRNG as the programs make them.
-- After it, scripts/demo.sh rebuilds the coverage tables (CALL coverage_recompute()).
SET NAMES utf8mb4;

DELIMITER ;;
BEGIN NOT ATOMIC
  IF EXISTS (SELECT 1 FROM audit_log WHERE action = 'demo.load') THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'demo: the story is already loaded';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM certificate_template WHERE builtin = 'classic.svg') THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'demo: no builtin certificate templates (start the certs program first)';
  END IF;
END;;
DELIMITER ;

START TRANSACTION;
SET @pw = (SELECT password_hash FROM person WHERE email = 'organizer@demo.local'); -- demo12345, as the demo accounts

-- ---------------------------------------------------------------- organisers of the other two regions
INSERT INTO person (email, password_hash, full_name, full_name_dat, phone, position, organization_id, consent_at,
                    consent_version, created_at)
VALUES ('organizer.krasnodar@demo.local', @pw, 'Белова Ирина Алексеевна', 'Беловой Ирине Алексеевне', '+7 900 333-44-55',
        'Руководитель направления ЦУР Краснодарского края', NULL, NOW() - INTERVAL 200 DAY, '2026-01',
        NOW() - INTERVAL 200 DAY),
       ('organizer.kaliningrad@demo.local', @pw, 'Романов Дмитрий Сергеевич', 'Романову Дмитрию Сергеевичу',
        '+7 900 444-55-66', 'Руководитель направления ЦУР Калининградской области', NULL, NOW() - INTERVAL 200 DAY,
        '2026-01', NOW() - INTERVAL 200 DAY)
ON DUPLICATE KEY UPDATE email = email;
INSERT IGNORE INTO role_grant (person_id, role, region_id, sector_id, granted_by)
SELECT p.id, 'organizer', IF(p.email LIKE '%krasnodar%', 23, 39), NULL, (SELECT id FROM person WHERE email = 'admin@demo.local')
FROM person p WHERE p.email IN ('organizer.krasnodar@demo.local', 'organizer.kaliningrad@demo.local');

-- ---------------------------------------------------------------- the seminars
-- day0: the first session's day from today; n_regs: sign-ups wanted (people of the region, the seminar's
-- sectors and, when given, the audience's districts); online_pct: of a hybrid seminar's sign-ups, online;
-- door_pct, code_pct: of the confirmed, present at each session of a finished seminar; certs: issue them.
CREATE TEMPORARY TABLE story_seminar (
  k VARCHAR(16) PRIMARY KEY, id INT UNSIGNED NULL, title VARCHAR(300) NOT NULL, description TEXT NOT NULL,
  format ENUM('in_person', 'online', 'hybrid') NOT NULL, status ENUM('draft', 'published', 'cancelled', 'finished') NOT NULL,
  region_id SMALLINT UNSIGNED NOT NULL, district VARCHAR(160) NULL, venue VARCHAR(300) NULL, address VARCHAR(500) NULL,
  cap_in_person INT UNSIGNED NOT NULL, cap_online INT UNSIGNED NULL, day0 INT NOT NULL, nsess INT NOT NULL,
  hour0 INT NOT NULL, len INT NOT NULL, hours DECIMAL(5, 1) NOT NULL, rule ENUM('door', 'online', 'either', 'both') NOT NULL,
  pct TINYINT UNSIGNED NOT NULL DEFAULT 80, sectors VARCHAR(20) NOT NULL, audience VARCHAR(500) NULL,
  n_regs INT NOT NULL, online_pct INT NOT NULL DEFAULT 0, door_pct INT NOT NULL DEFAULT 0, code_pct INT NOT NULL DEFAULT 0,
  certs BOOLEAN NOT NULL DEFAULT FALSE, opens_day INT NULL,
  opens DATETIME NULL, closes DATETIME NULL, starts DATETIME NULL
);
INSERT INTO story_seminar (k, title, description, format, status, region_id, district, venue, address, cap_in_person,
                           cap_online, day0, nsess, hour0, len, hours, rule, pct, sectors, audience, n_regs, online_pct,
                           door_pct, code_pct, certs, opens_day) VALUES
  ('usman', 'Интенсив «Госпаблик на отлично» для учреждений Усманского района',
   'Два дня практики для администраторов госпабликов школ, детских садов, домов культуры, библиотек и администраций сельских поселений Усманского района: оформление сообщества, контент-план, ответы на комментарии и обращения, отчёт о работе страницы. Каждый участник уходит с разобранной страницей своего учреждения.',
   'in_person', 'finished', 48, 'Усманский район', 'МБУК «Усманский РДК»', 'г. Усмань, ул. Ленина, 42', 110, NULL,
   -24, 2, 10, 6, 16, 'door', 80, '1,3,6', 'Усманский район', 104, 0, 95, 0, TRUE, NULL),
  ('elets', 'Афиша и анонсы: как рассказывать о событиях учреждения',
   'Семинар для школ и учреждений культуры: анонс, афиша, пост-отчёт, фото с мероприятия за десять минут. Очно в Ельце и онлайн-трансляция для районов.',
   'hybrid', 'finished', 48, 'городской округ город Елец', 'МБУК «ГДК» г. Ельца', 'г. Елец, ул. Октябрьская, 127', 30, NULL,
   -9, 1, 10, 4, 4, 'either', 80, '1,3', 'городской округ город Елец,городской округ город Липецк,Задонский район',
   26, 45, 92, 85, FALSE, NULL),
  ('full', 'Контент-план школы на четверть: практикум',
   'Составляем контент-план госпаблика школы на учебную четверть: рубрики, календарь событий, шаблоны постов, распределение ролей. Очных мест немного: приходите с ноутбуком.',
   'hybrid', 'published', 48, 'городской округ город Липецк', 'Центр управления регионом', 'г. Липецк, пл. Ленина, 1', 30, 60,
   12, 1, 10, 4, 4, 'either', 80, '1', NULL, 55, 30, 0, 0, FALSE, NULL),
  ('today', 'Администрации сельских поселений: ответы на обращения жителей в соцсетях',
   'Как отвечать на комментарии и сообщения жителей: сроки, тон, типовые ответы, когда передавать обращение в работу. Запись открыта с сегодняшнего дня.',
   'in_person', 'published', 48, 'Усманский район', 'Администрация Усманского муниципального района', 'г. Усмань, ул. Советская, 14', 40, NULL,
   21, 1, 10, 4, 4, 'door', 80, '6', NULL, 3, 0, 0, 0, FALSE, 0),
  ('clips', 'Вебинар: короткие видео и клипы для госпабликов',
   'Снимаем и монтируем вертикальное видео на телефон: сценарий на 30 секунд, свет, звук, субтитры, обложка. Для школ и учреждений культуры.',
   'online', 'published', 48, NULL, NULL, NULL, 0, NULL,
   4, 1, 11, 2, 2, 'online', 80, '1,3', NULL, 48, 0, 0, 0, FALSE, NULL),
  ('health', 'Госпаблик больницы: как говорить о здоровье понятно',
   'Профилактика, диспансеризация, режим работы и график врачей — простым языком. Как отвечать на жалобы публично и когда уводить разговор в личные сообщения.',
   'online', 'published', 48, NULL, NULL, NULL, 0, 200,
   7, 1, 14, 2, 2, 'online', 80, '5', NULL, 10, 0, 0, 0, FALSE, NULL),
  ('sport', 'Спортивные госпаблики: трансляции соревнований и результаты',
   'Прямые эфиры с соревнований, таблицы результатов, истории спортсменов. Очно в Липецке и онлайн для спортивных школ районов.',
   'hybrid', 'published', 48, 'городской округ город Липецк', 'МАУ ФОК «Олимп»', 'г. Липецк, ул. Стаханова, 22', 20, 50,
   30, 1, 11, 3, 3, 'either', 80, '4', NULL, 9, 50, 0, 0, FALSE, NULL),
  ('draft', 'Фотосъёмка на смартфон: мастер-класс для школ и домов культуры',
   'Черновик: программа мастер-класса уточняется.',
   'in_person', 'draft', 48, 'Задонский район', 'МБУК «Задонский краеведческий музей»', 'г. Задонск, ул. Советская, 9', 25, NULL,
   45, 1, 10, 4, 4, 'door', 80, '1,3', NULL, 0, 0, 0, 0, FALSE, NULL),
  ('dankov', 'Выездной семинар в Данкове: музеи и библиотеки в соцсетях',
   'Семинар отменён: зал на эти даты недоступен, новый семинар для Данковского района будет объявлен отдельно.',
   'in_person', 'cancelled', 48, 'Данковский район', 'МБУ ДО ДДТ г. Данкова', 'г. Данков, ул. Мира, 5', 25, NULL,
   15, 1, 10, 4, 4, 'door', 80, '3', NULL, 5, 0, 0, 0, FALSE, NULL),
  ('spo', 'Госпаблики колледжей и техникумов: работа со студенческой аудиторией',
   'Семинар для профессиональных образовательных организаций Кубани: приёмная кампания в соцсетях, студенческий медиацентр, ответы абитуриентам и родителям. Очно в Краснодаре с онлайн-трансляцией; онлайн-участники отмечаются кодом с экрана.',
   'hybrid', 'finished', 23, 'городской округ город Краснодар', 'Центр управления регионом Краснодарского края', 'г. Краснодар, ул. Красная, 35', 50, 100,
   -17, 1, 10, 5, 6, 'either', 80, '2', NULL, 70, 40, 94, 88, TRUE, NULL),
  ('krd-culture', 'Учреждения культуры Кубани: афиша и Пушкинская карта в соцсетях',
   'Онлайн-семинар: как рассказывать о мероприятиях по Пушкинской карте, оформлять афишу и отвечать на вопросы зрителей.',
   'online', 'published', 23, NULL, NULL, NULL, 0, NULL,
   8, 1, 11, 2, 2, 'online', 80, '3', NULL, 12, 0, 0, 0, FALSE, NULL),
  ('krd-spo2', 'Студенческий медиацентр: от идеи до первого эфира',
   'Практикум в Новороссийске для педагогов и студентов, ведущих госпаблики колледжей.',
   'in_person', 'published', 23, 'городской округ город Новороссийск', 'ГБПОУ КК «Новороссийский морской колледж»', 'г. Новороссийск, ул. Энгельса, 2', 35, NULL,
   26, 1, 10, 4, 4, 'door', 80, '2', NULL, 14, 0, 0, 0, FALSE, NULL),
  ('kgd1', 'Госпаблики школ и детских садов. Часть 1: оформление и правила',
   'Первый семинар серии для образовательных организаций Калининградской области: требования к госпабликам, оформление, закреплённые посты, модерация.',
   'in_person', 'finished', 39, 'городской округ город Калининград', 'Калининградский областной институт развития образования', 'г. Калининград, ул. Томская, 19', 90, NULL,
   -38, 1, 10, 4, 4, 'door', 80, '1', NULL, 85, 0, 93, 0, TRUE, NULL),
  ('kgd2', 'Госпаблики школ и детских садов. Часть 2: контент и вовлечение',
   'Второй семинар серии, онлайн, два занятия: рубрики, публикации с учениками и родителями, опросы, статистика. Засчитывается, если введены коды обоих занятий.',
   'online', 'finished', 39, NULL, NULL, NULL, 0, NULL,
   -11, 2, 15, 2, 4, 'online', 100, '1', NULL, 95, 0, 0, 86, TRUE, NULL),
  ('kgd3', 'Госпаблики школ и детских садов. Часть 3: обращения и сложные комментарии',
   'Третий семинар серии: очно в Калининграде и онлайн для муниципальных округов.',
   'hybrid', 'published', 39, 'городской округ город Калининград', 'Калининградский областной институт развития образования', 'г. Калининград, ул. Томская, 19', 60, NULL,
   9, 1, 10, 4, 4, 'either', 80, '1', NULL, 70, 50, 0, 0, FALSE, NULL),
  ('kgd4', 'Госпаблики школ и детских садов. Часть 4: видео и прямые эфиры',
   'Четвёртый семинар серии, онлайн.',
   'online', 'published', 39, NULL, NULL, NULL, 0, NULL,
   23, 1, 15, 2, 2, 'online', 80, '1', NULL, 30, 0, 0, 0, FALSE, NULL),
  ('kgd5', 'Госпаблики школ и детских садов. Часть 5: итоги года и отчёт',
   'Заключительный семинар серии. Запись откроется за месяц до семинара.',
   'in_person', 'published', 39, 'городской округ город Калининград', 'Калининградский областной институт развития образования', 'г. Калининград, ул. Томская, 19', 80, NULL,
   37, 1, 10, 4, 4, 'door', 80, '1', NULL, 0, 0, 0, 0, FALSE, 7);
-- Sign-up opens 30 days before the first session (or on opens_day) and closes the evening before it.
UPDATE story_seminar
   SET starts = CURDATE() + INTERVAL day0 DAY + INTERVAL hour0 HOUR,
       opens = IF(opens_day IS NULL, CURDATE() + INTERVAL day0 - 30 DAY + INTERVAL 9 HOUR, CURDATE() + INTERVAL opens_day DAY),
       closes = CURDATE() + INTERVAL day0 - 1 DAY + INTERVAL 18 HOUR;

INSERT INTO seminar (title, description, format, status, organizer_id, region_id, district_id, venue, address, stream_url,
                     cap_in_person, cap_online, reg_opens_at, reg_closes_at, hours, created_at, attendance_rule,
                     online_min_percent)
SELECT s.title, s.description, s.format, s.status, o.id, s.region_id, d.id, s.venue, s.address,
       IF(s.format = 'in_person', NULL, CONCAT('https://vk.com/video/@cur', s.region_id, '?live=', s.k)),
       s.cap_in_person, IF(s.format = 'in_person', 0, s.cap_online), s.opens, s.closes, s.hours,
       LEAST(s.opens, NOW()) - INTERVAL 3 DAY, s.rule, s.pct
FROM story_seminar s
JOIN person o ON o.email = ELT(FIELD(s.region_id, 48, 23, 39), 'organizer@demo.local', 'organizer.krasnodar@demo.local',
                               'organizer.kaliningrad@demo.local')
LEFT JOIN district d ON d.region_id = s.region_id AND d.name = s.district
ORDER BY s.starts;
UPDATE story_seminar s JOIN seminar x ON x.title = s.title SET s.id = x.id;
-- The full seminar gives its freed places to schools never trained in education first (the organiser's form).
UPDATE seminar x JOIN story_seminar s ON s.id = x.id SET x.untrained_first = TRUE WHERE s.k = 'full';
INSERT INTO seminar_sector (seminar_id, sector_id)
SELECT s.id, x.id FROM story_seminar s JOIN sector x ON FIND_IN_SET(x.id, s.sectors);
INSERT INTO seminar_session (seminar_id, starts_at, ends_at)
SELECT s.id, s.starts + INTERVAL j.seq DAY, s.starts + INTERVAL j.seq DAY + INTERVAL s.len HOUR
FROM story_seminar s JOIN seq_0_to_9 j ON j.seq < s.nsess ORDER BY s.id, j.seq;
UPDATE seminar x JOIN story_seminar s ON s.id = x.id
   SET x.starts_at = (SELECT MIN(starts_at) FROM seminar_session WHERE seminar_id = x.id),
       x.ends_at = (SELECT MAX(ends_at) FROM seminar_session WHERE seminar_id = x.id);

-- ---------------------------------------------------------------- people
-- Who signs up: two to four people of seven in eight of Усманский район's schools, houses of culture
-- and settlements, one or two of every other organisation of Липецкая область, of Кубань's colleges and
-- culture, and of three Калининград schools in four outside six okrugs whose organisations never came.
CREATE TEMPORARY TABLE story_person (
  n INT PRIMARY KEY AUTO_INCREMENT, organization_id INT UNSIGNED NOT NULL, sector_id TINYINT UNSIGNED NOT NULL,
  region_id SMALLINT UNSIGNED NOT NULL, district VARCHAR(160) NOT NULL, email VARCHAR(254) NULL, person_id INT UNSIGNED NULL
);
INSERT INTO story_person (organization_id, sector_id, region_id, district)
SELECT o.id, o.sector_id, d.region_id, d.name
FROM organization o
JOIN district d ON d.id = o.district_id
JOIN seq_1_to_4 j
WHERE o.active AND o.status = 'register'
  AND j.seq <= CASE
        WHEN d.region_id = 48 AND d.name = 'Усманский район' AND o.sector_id IN (1, 3, 6)
             THEN IF(CRC32(CONCAT('z', o.inn)) % 8 = 0, 0, 2 + CRC32(CONCAT('m', o.inn)) % 3)
        WHEN d.region_id = 48 THEN 1 + CRC32(CONCAT('m', o.inn)) % 2
        WHEN d.region_id = 23 AND o.sector_id IN (2, 3) THEN 1 + CRC32(CONCAT('m', o.inn)) % 2
        WHEN d.region_id = 39 AND o.sector_id = 1
             AND d.name NOT IN ('Краснознаменский муниципальный округ', 'Нестеровский муниципальный округ',
                                'Озёрский муниципальный округ', 'Славский муниципальный округ',
                                'Ладушкинский городской округ', 'Янтарный городской округ')
             THEN (CRC32(CONCAT('m', o.inn)) % 4 > 0) + (CRC32(CONCAT('m', o.inn)) % 5 = 0)
        ELSE 0 END
ORDER BY o.id, j.seq;
UPDATE story_person SET email = CONCAT('person', LPAD(n, 4, '0'), '@demo.local');

-- Names in the nominative and the dative from the same stems; four in five are women.
INSERT INTO person (email, password_hash, full_name, full_name_dat, phone, position, organization_id, consent_at,
                    consent_version, created_at)
SELECT x.email, @pw,
       CONCAT(x.sur, IF(x.f, 'а', ''), ' ', IF(x.f, x.she, x.he), ' ', x.pat, IF(x.f, 'на', 'ич')),
       CONCAT(x.sur, IF(x.f, 'ой', 'у'), ' ', IF(x.f, x.she_dat, x.he_dat), ' ', x.pat, IF(x.f, 'не', 'ичу')),
       CONCAT('+7 9', LPAD(CRC32(CONCAT('ph', x.n)) % 100, 2, '0'), ' ', LPAD(CRC32(CONCAT('pa', x.n)) % 1000, 3, '0'), '-',
              LPAD(CRC32(CONCAT('pb', x.n)) % 100, 2, '0'), '-', LPAD(CRC32(CONCAT('pc', x.n)) % 100, 2, '0')),
       ELT(1 + CRC32(CONCAT('po', x.n)) % 3,
           ELT(x.sector_id, 'Заместитель директора по воспитательной работе', 'Руководитель студенческого медиацентра',
               'Специалист по связям с общественностью', 'Инструктор-методист', 'Специалист по связям с общественностью',
               'Специалист администрации сельского поселения'),
           ELT(x.sector_id, 'Учитель информатики', 'Заместитель директора по воспитательной работе', 'Методист',
               'Тренер-преподаватель', 'Медицинский статистик', 'Главный специалист администрации'),
           'Администратор госпаблика'),
       x.organization_id, x.at, '2026-01', x.at
FROM (SELECT y.*,
             ELT(1 + y.nk, 'Елена', 'Ольга', 'Наталья', 'Татьяна', 'Ирина', 'Светлана', 'Мария', 'Анна', 'Юлия',
                 'Екатерина', 'Оксана', 'Галина') AS she,
             ELT(1 + y.nk, 'Елене', 'Ольге', 'Наталье', 'Татьяне', 'Ирине', 'Светлане', 'Марии', 'Анне', 'Юлии',
                 'Екатерине', 'Оксане', 'Галине') AS she_dat,
             ELT(1 + y.nk, 'Александр', 'Сергей', 'Андрей', 'Дмитрий', 'Алексей', 'Михаил', 'Иван', 'Николай',
                 'Евгений', 'Роман', 'Артём', 'Максим') AS he,
             ELT(1 + y.nk, 'Александру', 'Сергею', 'Андрею', 'Дмитрию', 'Алексею', 'Михаилу', 'Ивану', 'Николаю',
                 'Евгению', 'Роману', 'Артёму', 'Максиму') AS he_dat,
             ELT(1 + y.pk, 'Александров', 'Сергеев', 'Андреев', 'Викторов', 'Владимиров', 'Николаев', 'Петров',
                 'Иванов', 'Михайлов', 'Алексеев') AS pat
      FROM (SELECT p.n, p.email, p.organization_id, p.sector_id, CRC32(CONCAT('pf', p.n)) % 100 < 80 AS f,
                   NOW() - INTERVAL (60 + CRC32(CONCAT('pt', p.n)) % 300) DAY AS at,
                   ELT(1 + CRC32(CONCAT('ps', p.n)) % 40, 'Иванов', 'Смирнов', 'Кузнецов', 'Попов', 'Васильев', 'Петров',
                       'Соколов', 'Михайлов', 'Новиков', 'Фёдоров', 'Морозов', 'Волков', 'Алексеев', 'Лебедев',
                       'Семёнов', 'Егоров', 'Павлов', 'Козлов', 'Степанов', 'Николаев', 'Орлов', 'Андреев', 'Макаров',
                       'Никитин', 'Захаров', 'Зайцев', 'Борисов', 'Яковлев', 'Романов', 'Воробьёв', 'Кузьмин',
                       'Фролов', 'Гусев', 'Ильин', 'Поляков', 'Сорокин', 'Виноградов', 'Белов', 'Тарасов',
                       'Жуков') AS sur,
                   CRC32(CONCAT('pn', p.n)) % 12 AS nk, CRC32(CONCAT('pp', p.n)) % 10 AS pk
            FROM story_person p) y) x
ORDER BY x.n;
UPDATE story_person p JOIN person x ON x.email = p.email SET p.person_id = x.id;

-- The teacher whose certificate scripts/demo.sh revokes for the misspelt surname and re-issues once it is corrected.
INSERT INTO person (email, password_hash, full_name, full_name_dat, phone, position, organization_id, consent_at,
                    consent_version, created_at)
SELECT 'olga.sergeeva@demo.local', @pw, 'Сергееева Ольга Николаевна', 'Сергееевой Ольге Николаевне', '+7 904 287-15-40',
       'Заместитель директора по воспитательной работе', id, NOW() - INTERVAL 90 DAY, '2026-01', NOW() - INTERVAL 90 DAY
FROM organization WHERE inn = '4816122681';

-- ---------------------------------------------------------------- sign-ups
-- The demo participant went to the intensive and holds tickets for two seminars to come.
CREATE TEMPORARY TABLE story_forced (k VARCHAR(16) NOT NULL, email VARCHAR(254) NOT NULL,
                                     mode ENUM('in_person', 'online') NOT NULL, present BOOLEAN NOT NULL);
INSERT INTO story_forced (k, email, mode, present) VALUES
  ('usman', 'participant@demo.local', 'in_person', TRUE), ('usman', 'olga.sergeeva@demo.local', 'in_person', TRUE),
  ('full', 'participant@demo.local', 'in_person', FALSE), ('clips', 'participant@demo.local', 'online', FALSE);

-- Registration as register_tx leaves it: in queue order each mode's places go to the first comers, the
-- rest wait; a cancelled one holds no place (its place went to the first waiting, or stayed free).
CREATE TEMPORARY TABLE story_reg (
  seminar_id INT UNSIGNED NOT NULL, person_id INT UNSIGNED NOT NULL, organization_id INT UNSIGNED NULL,
  who VARCHAR(254) NOT NULL,                 -- the e-mail: the key of every choice made for the sign-up
  mode ENUM('in_person', 'online') NOT NULL, forced BOOLEAN NOT NULL, present BOOLEAN NOT NULL,
  cancelled BOOLEAN NOT NULL DEFAULT FALSE, by_organizer BOOLEAN NOT NULL DEFAULT FALSE,
  queued_at DATETIME(6) NULL, cancelled_at DATETIME NULL,
  status ENUM('confirmed', 'waitlisted', 'cancelled') NULL, id INT UNSIGNED NULL,
  PRIMARY KEY (seminar_id, person_id)
);
INSERT INTO story_reg (seminar_id, person_id, organization_id, who, mode, forced, present)
SELECT s.id, p.id, p.organization_id, p.email, f.mode, TRUE, f.present
FROM story_forced f JOIN story_seminar s ON s.k = f.k JOIN person p ON p.email = f.email;
INSERT INTO story_reg (seminar_id, person_id, organization_id, who, mode, forced, present)
SELECT c.id, c.person_id, c.organization_id, c.email,
       CASE c.format WHEN 'hybrid' THEN IF(CRC32(CONCAT('md', c.k, ':', c.n)) % 100 < c.online_pct, 'online', 'in_person')
                     ELSE c.format END,
       FALSE, FALSE
FROM (SELECT s.id, s.k, s.format, s.online_pct, s.n_regs, p.n, p.email, p.person_id, p.organization_id,
             ROW_NUMBER() OVER (PARTITION BY s.k ORDER BY CRC32(CONCAT(s.k, ':', p.n)), p.n) AS rn,
             (SELECT COUNT(*) FROM story_forced f WHERE f.k = s.k) AS forced
      FROM story_seminar s
      JOIN story_person p ON p.region_id = s.region_id AND FIND_IN_SET(p.sector_id, s.sectors)
                         AND (s.audience IS NULL OR FIND_IN_SET(p.district, s.audience))
      WHERE s.n_regs > 0) c
WHERE c.rn <= c.n_regs - c.forced;
-- Signed up between the opening of sign-up and today (or its closing; today, if it opened today); one in 25 cancelled a day or two
-- later, one in 30 was added by the organiser.
UPDATE story_reg r JOIN story_seminar s ON s.id = r.seminar_id
   SET r.queued_at = LEAST(NOW(6) - INTERVAL 1 SECOND,
                           s.opens + INTERVAL IF(r.forced, 3600 + CRC32(CONCAT('q', r.who)) % 600,
                                                 CRC32(CONCAT('q', s.k, ':', r.who))
                                                 % GREATEST(1, TIMESTAMPDIFF(SECOND, s.opens, LEAST(s.closes, IF(s.opens < CURDATE(), CURDATE(), NOW()))) - 60))
                                         SECOND + INTERVAL CRC32(CONCAT('u', s.k, ':', r.who)) % 1000000 MICROSECOND),
       r.cancelled = NOT r.forced AND CRC32(CONCAT('cx', s.k, ':', r.who)) % 25 = 0,
       r.by_organizer = NOT r.forced AND CRC32(CONCAT('bo', s.k, ':', r.who)) % 30 = 0;
UPDATE story_reg r JOIN story_seminar s ON s.id = r.seminar_id
   SET r.status = 'cancelled',
       r.cancelled_at = LEAST(NOW(), s.starts, r.queued_at + INTERVAL (2 + CRC32(CONCAT('ca', s.k, ':', r.who)) % 46) HOUR)
 WHERE r.cancelled;
UPDATE story_reg r
  JOIN (SELECT seminar_id, person_id, ROW_NUMBER() OVER (PARTITION BY seminar_id, mode ORDER BY queued_at, who) AS rk
        FROM story_reg WHERE NOT cancelled) x ON x.seminar_id = r.seminar_id AND x.person_id = r.person_id
  JOIN story_seminar s ON s.id = r.seminar_id
   SET r.status = IF(x.rk <= IF(r.mode = 'in_person', s.cap_in_person, IFNULL(s.cap_online, x.rk)), 'confirmed', 'waitlisted');

-- The ticket code: 16 bytes of the server's CSPRNG as base64url (Q_REG_INSERT of fcgi/core/db_seminar.c).
INSERT INTO registration (seminar_id, person_id, organization_id, mode, status, queued_at, source, ticket_code,
                          created_at, updated_at, cancelled_at)
SELECT r.seminar_id, r.person_id, r.organization_id, r.mode, r.status, r.queued_at,
       IF(r.by_organizer, 'organizer', 'self'),
       SUBSTR(REPLACE(REPLACE(TO_BASE64(RANDOM_BYTES(16)), '+', '-'), '/', '_'), 1, 22),
       r.queued_at, IFNULL(r.cancelled_at, r.queued_at), r.cancelled_at
FROM story_reg r ORDER BY r.queued_at, r.who;
UPDATE story_reg r JOIN registration g ON g.seminar_id = r.seminar_id AND g.person_id = r.person_id SET r.id = g.id;

INSERT INTO audit_log (at, person_id, action, object_type, object_id, detail)
SELECT r.queued_at, IF(r.by_organizer, x.organizer_id, r.person_id), 'registration.create', 'registration', r.id,
       CONCAT('seminar=', r.seminar_id, ' ', r.mode, ' ', IF(r.status = 'waitlisted', 'waitlisted', 'confirmed'),
              IF(r.by_organizer, ' by an organiser', ''))
FROM story_reg r JOIN seminar x ON x.id = r.seminar_id
UNION ALL
SELECT r.cancelled_at, r.person_id, 'registration.cancel', 'registration', r.id, 'by the participant'
FROM story_reg r WHERE r.cancelled
ORDER BY 1;

-- The seminars' places, as the sign-ups took them.
UPDATE seminar x
  JOIN (SELECT seminar_id, SUM(mode = 'in_person' AND status = 'confirmed') AS ti,
               SUM(mode = 'online' AND status = 'confirmed') AS tn
        FROM story_reg GROUP BY seminar_id) c ON c.seminar_id = x.id
   SET x.taken_in_person = c.ti, x.taken_online = c.tn;

-- ---------------------------------------------------------------- check-ins of the finished seminars
-- At the door (QR scans of two phones, as fcgi/checkin/door.c records them: the device's own id and
-- time, the organiser signed in) and by the online code (fcgi/checkin/online.c: no device, the person
-- themselves). Fewer come on a second day. Scan and device ids are base64url of 16 bytes like the
-- scanner's, made from an MD5 of their key.
CREATE TEMPORARY TABLE story_scan (
  n INT PRIMARY KEY AUTO_INCREMENT, scan_key VARCHAR(320) NOT NULL, device_key VARCHAR(320) NULL,
  seminar_id INT UNSIGNED NOT NULL, session_id INT UNSIGNED NOT NULL, registration_id INT UNSIGNED NULL,
  code VARCHAR(200) NULL, method ENUM('qr', 'online_code') NOT NULL, operator_id INT UNSIGNED NOT NULL,
  at DATETIME(3) NOT NULL, result ENUM('ok', 'already', 'invalid') NOT NULL DEFAULT 'ok'
);
CREATE TEMPORARY TABLE story_session (id INT UNSIGNED PRIMARY KEY, seminar_id INT UNSIGNED NOT NULL, i INT NOT NULL,
                                      starts_at DATETIME NOT NULL)
  SELECT ss.id, ss.seminar_id, ROW_NUMBER() OVER (PARTITION BY ss.seminar_id ORDER BY ss.starts_at) - 1 AS i, ss.starts_at
  FROM seminar_session ss JOIN story_seminar s ON s.id = ss.seminar_id WHERE s.status = 'finished';
INSERT INTO story_scan (scan_key, device_key, seminar_id, session_id, registration_id, code, method, operator_id, at)
SELECT CONCAT('story-scan:', s.k, ':', r.who, ':', ss.i), CONCAT('story-device:', s.k, ':', CRC32(r.who) % 2), s.id, ss.id, r.id,
       g.ticket_code, 'qr', x.organizer_id,
       ss.starts_at - INTERVAL 25 MINUTE + INTERVAL CRC32(CONCAT('da', s.k, ':', r.who, ':', ss.i)) % 2400000 / 1000 SECOND
FROM story_reg r
JOIN story_seminar s ON s.id = r.seminar_id
JOIN seminar x ON x.id = s.id
JOIN story_session ss ON ss.seminar_id = s.id
JOIN registration g ON g.id = r.id
WHERE r.status = 'confirmed' AND r.mode = 'in_person'
  AND (r.present OR CRC32(CONCAT('dp', s.k, ':', r.who, ':', ss.i)) % 100 < s.door_pct - 6 * ss.i)
UNION ALL
SELECT CONCAT('story-code:', s.k, ':', r.who, ':', ss.i), NULL, s.id, ss.id, r.id, NULL, 'online_code', r.person_id,
       ss.starts_at + INTERVAL 5 MINUTE + INTERVAL CRC32(CONCAT('oa', s.k, ':', r.who, ':', ss.i)) % 3000000 / 1000 SECOND
FROM story_reg r
JOIN story_seminar s ON s.id = r.seminar_id
JOIN story_session ss ON ss.seminar_id = s.id
WHERE r.status = 'confirmed' AND r.mode = 'online' AND CRC32(CONCAT('op', s.k, ':', r.who, ':', ss.i)) % 100 < s.code_pct
ORDER BY 9;
-- At the intensive's door one ticket was shown twice, and a phone read the QR code of a poster.
INSERT INTO story_scan (scan_key, device_key, seminar_id, session_id, registration_id, code, method, operator_id, at, result)
SELECT CONCAT(c.scan_key, ':again'), c.device_key, c.seminar_id, c.session_id, c.registration_id, c.code, 'qr',
       c.operator_id, c.at + INTERVAL 40 SECOND, 'already'
FROM story_scan c JOIN story_seminar s ON s.id = c.seminar_id AND s.k = 'usman' AND c.method = 'qr'
ORDER BY c.n LIMIT 1;
INSERT INTO story_scan (scan_key, device_key, seminar_id, session_id, registration_id, code, method, operator_id, at, result)
SELECT 'story-scan:poster', c.device_key, c.seminar_id, c.session_id, NULL, 'https://vk.com/public242525259', 'qr',
       c.operator_id, c.at + INTERVAL 95 SECOND, 'invalid'
FROM story_scan c JOIN story_seminar s ON s.id = c.seminar_id AND s.k = 'usman' AND c.method = 'qr'
ORDER BY c.n LIMIT 1;

INSERT INTO scan_event (client_scan_id, seminar_id, session_id, registration_id, code, method, device_id, operator_id,
                        device_time, server_time, result)
SELECT SUBSTR(REPLACE(REPLACE(TO_BASE64(UNHEX(MD5(c.scan_key))), '+', '-'), '/', '_'), 1, 22), c.seminar_id, c.session_id,
       c.registration_id, c.code, c.method,
       IF(c.device_key IS NULL, NULL, SUBSTR(REPLACE(REPLACE(TO_BASE64(UNHEX(MD5(c.device_key))), '+', '-'), '/', '_'), 1, 22)),
       c.operator_id, IF(c.method = 'qr', c.at, NULL),
       c.at + INTERVAL IF(c.method = 'qr', 1 + CRC32(c.scan_key) % 3, 0) SECOND, c.result
FROM story_scan c ORDER BY c.at, c.n;
INSERT INTO attendance (registration_id, session_id, mode, scan_id, at, device_id, operator_id)
SELECT e.registration_id, e.session_id, IF(e.method = 'qr', 'in_person', 'online'), e.id, IFNULL(e.device_time, e.server_time),
       e.device_id, e.operator_id
FROM scan_event e JOIN story_seminar s ON s.id = e.seminar_id
WHERE e.result = 'ok' ORDER BY e.id;

-- ---------------------------------------------------------------- certificates
-- The settings of the seminars whose certificates are issued, and the job «Выдать сертификаты» queues:
-- the certs program's runners take the numbers, issue and render them (scripts/demo.sh waits for them).
INSERT INTO seminar_certificate (seminar_id, template_id, issuer, signatory)
SELECT s.id, t.id, ELT(FIELD(s.region_id, 48, 23, 39), 'ЦУР Липецкой области', 'ЦУР Краснодарского края',
                       'ЦУР Калининградской области'),
       ELT(FIELD(s.region_id, 48, 23, 39), 'Руководитель ЦУР Липецкой области А. В. Соколов',
           'Руководитель ЦУР Краснодарского края И. А. Белова', 'Руководитель ЦУР Калининградской области Д. С. Романов')
FROM story_seminar s JOIN certificate_template t ON t.builtin = IF(s.region_id = 23, 'modern.svg', 'classic.svg')
WHERE s.certs;
-- The intensive's job first: its certificates are the ones the demo accounts hold.
INSERT INTO certificate_job (seminar_id, requested_by)
SELECT x.id, x.organizer_id FROM story_seminar s JOIN seminar x ON x.id = s.id WHERE s.certs
ORDER BY s.k = 'usman' DESC, x.starts_at;
INSERT INTO audit_log (person_id, action, object_type, object_id, detail)
SELECT x.organizer_id, 'certificate.settings', 'seminar', x.id, CONCAT('template ', c.template_id)
FROM seminar_certificate c JOIN story_seminar s ON s.id = c.seminar_id JOIN seminar x ON x.id = s.id
UNION ALL
SELECT j.requested_by, 'certificate.issue', 'seminar', j.seminar_id, CONCAT('job ', j.id)
FROM certificate_job j JOIN story_seminar s ON s.id = j.seminar_id;

INSERT INTO audit_log (person_id, action, detail)
SELECT id, 'demo.load', CONCAT('the demo story, dated from ', CURDATE()) FROM person WHERE email = 'admin@demo.local';
COMMIT;
