-- The national data set of DESIGN.md section 8, generated inside MariaDB (run by tests/load/national.sh).
--
-- national.sh prepends the parameters: @n_regions and @n_districts, the totals wanted (the seed has the
-- 89 real regions, three with their districts, which they keep; the new districts go to the regions
-- without any, and regions are made up only when more than the seed's are asked for), and @n_orgs, @n_people,
-- @n_seminars, @n_regs, the organisations, people, seminars and registrations to add.
-- Every row is a function of its row number: set-based INSERT ... SELECT over the Sequence engine's
-- seq_1_to_N tables, pseudo-random choices from CRC32 of the row number and a salt, explicit ids
-- above the largest existing one (so the dependent rows need no look-ups). Keys that are UNIQUE are
-- unique by construction (the row number is part of them), which is what makes unique_checks = 0
-- safe; national.sh checks them afterwards.
-- Each step prints "step<TAB>name<TAB>seconds<TAB>rows".
SET NAMES utf8mb4;
SET SESSION unique_checks = 0, foreign_key_checks = 0;
SET SESSION max_heap_table_size = 512 * 1024 * 1024, tmp_table_size = 512 * 1024 * 1024;
SET @t = NOW(6);
-- The generated organisations, people, seminars and registrations start above these ids.
SET @org0 = (SELECT COALESCE(MAX(id), 0) FROM organization), @p0 = (SELECT COALESCE(MAX(id), 0) FROM person),
    @s0 = (SELECT COALESCE(MAX(id), 0) FROM seminar), @ss0 = (SELECT COALESCE(MAX(id), 0) FROM seminar_session),
    @r0 = (SELECT COALESCE(MAX(id), 0) FROM registration);
-- Argon2id of "demo12345" (the demo accounts' hash): the people can sign in, no hashing per row.
SET @pw = '$argon2id$v=19$m=65536,t=2,p=1$b3kgum88eQgBG/1ojnR+2Q$XUlczXatCoMbZcwy67NBzO1iwbaop1HekJQjg3kVpOQ';

-- ---------------------------------------------------------------- territory
-- Region ids and 2-digit OKTMO prefixes that are still free, paired in order.
SET @new_regions = @n_regions - (SELECT COUNT(*) FROM region);
INSERT INTO region (id, name, oktmo)
SELECT c.id, CONCAT('Регион ', LPAD(c.id, 2, '0')), CONCAT(LPAD(p.pre, 2, '0'), '000000')
FROM (SELECT seq AS id, ROW_NUMBER() OVER (ORDER BY seq) AS k FROM seq_1_to_99
      WHERE seq NOT IN (SELECT id FROM region)) c
JOIN (SELECT seq AS pre, ROW_NUMBER() OVER (ORDER BY seq) AS k FROM seq_1_to_99
      WHERE LPAD(seq, 2, '0') NOT IN (SELECT LEFT(oktmo, 2) FROM region WHERE oktmo IS NOT NULL)) p ON p.k = c.k
WHERE c.k <= @new_regions;
SELECT 'step', 'regions', ROUND(TIMESTAMPDIFF(MICROSECOND, @t, NOW(6)) / 1e6, 1), ROW_COUNT(); SET @t = NOW(6);

-- District i of the new ones is number j = i div R + 1 of new region i mod R: an urban okrug every
-- tenth (OKTMO 7xx), a municipal district otherwise (6xx). The autonomous okrugs inside a region (OKTMO
-- 11800000, 71800000, 71900000) share its two digits and number theirs after their third: 718 + 11..69
-- for districts, 718 + 71..79 for urban okrugs (up to 59 districts each).
CREATE TEMPORARY TABLE nat_new_region (k INT PRIMARY KEY, id SMALLINT UNSIGNED NOT NULL, pre VARCHAR(3) NOT NULL)
  SELECT ROW_NUMBER() OVER (ORDER BY r.id) - 1 AS k, r.id,
         IF(SUBSTR(r.oktmo, 3, 1) = '0', LEFT(r.oktmo, 2), LEFT(r.oktmo, 3)) AS pre
  FROM region r WHERE NOT EXISTS (SELECT 1 FROM district d WHERE d.region_id = r.id);
SET @nr = (SELECT COUNT(*) FROM nat_new_region);
SET @new_districts = @n_districts - (SELECT COUNT(*) FROM district);
INSERT INTO district (region_id, name, oktmo, population)
SELECT r.id, IF(x.j % 10 = 0, CONCAT('Городской округ № ', x.j), CONCAT('Муниципальный район № ', x.j)),
       CONCAT(r.pre, IF(LENGTH(r.pre) = 2, IF(x.j % 10 = 0, 700, 600) + x.j,
                        IF(x.j % 10 = 0, 70 + x.j DIV 10, 10 + x.j)), '000'),
       IF(x.j % 10 = 0, 80000 + CRC32(CONCAT('dp', x.i)) % 420000, 4000 + CRC32(CONCAT('dp', x.i)) % 70000)
FROM (SELECT seq AS i, (seq - 1) DIV @nr + 1 AS j, (seq - 1) MOD @nr AS k FROM seq_1_to_100000
      WHERE seq <= @new_districts) x
JOIN nat_new_region r ON r.k = x.k;
SELECT 'step', 'districts', ROUND(TIMESTAMPDIFF(MICROSECOND, @t, NOW(6)) / 1e6, 1), ROW_COUNT(); SET @t = NOW(6);

-- All districts numbered, and per region.
CREATE TEMPORARY TABLE nat_district (n INT PRIMARY KEY, id INT UNSIGNED NOT NULL, region_id SMALLINT UNSIGNED NOT NULL,
                                     k INT NOT NULL, UNIQUE KEY (region_id, k))
  SELECT ROW_NUMBER() OVER (ORDER BY id) - 1 AS n, id, region_id,
         ROW_NUMBER() OVER (PARTITION BY region_id ORDER BY id) - 1 AS k
  FROM district;
CREATE TEMPORARY TABLE nat_region (id SMALLINT UNSIGNED PRIMARY KEY, nd INT NOT NULL)
  SELECT region_id AS id, COUNT(*) AS nd FROM nat_district GROUP BY region_id;
SET @nd = (SELECT COUNT(*) FROM nat_district);

-- ---------------------------------------------------------------- register
-- Organisation i: a district at random; sector by the register's shares (education 45 %, SPO 5 %,
-- culture 18 %, sport 10 %, health 10 %, settlement administrations 12 %); INN 00 + i (no region
-- has code 00, so no real or demo INN is taken).
INSERT INTO organization (id, district_id, sector_id, name, short_name, inn, kind, page_urls, active, status)
SELECT @org0 + x.i, d.id, x.sector,
       CONCAT(ELT(x.sector, 'Муниципальное бюджетное образовательное учреждение',
                  'Государственное профессиональное образовательное учреждение',
                  'Муниципальное бюджетное учреждение культуры', 'Муниципальное учреждение спорта',
                  'Государственное учреждение здравоохранения', 'Администрация сельского поселения'),
              ' «', x.kind, ' № ', x.i, '»'),
       CONCAT(ELT(x.sector, 'МБОУ', 'ГПОУ', 'МБУК', 'МУ', 'ГУЗ', 'Администрация'), ' «', x.kind, ' № ', x.i, '»'),
       CONCAT('00', LPAD(x.i, 8, '0')), x.kind, CONCAT('https://vk.com/public', 300000000 + x.i), TRUE, 'register'
FROM (SELECT y.i, y.sector,
             CASE y.sector
               WHEN 1 THEN ELT(1 + y.h % 3, 'Средняя школа', 'Детский сад', 'Гимназия')
               WHEN 2 THEN ELT(1 + y.h % 2, 'Колледж', 'Техникум')
               WHEN 3 THEN ELT(1 + y.h % 3, 'Дом культуры', 'Библиотека', 'Музей')
               WHEN 4 THEN 'Спортивная школа'
               WHEN 5 THEN ELT(1 + y.h % 2, 'Больница', 'Поликлиника')
               ELSE 'Сельское поселение' END AS kind
      FROM (SELECT seq AS i, CRC32(CONCAT('ok', seq)) AS h,
                   ELT(1 + (CRC32(CONCAT('os', seq)) % 100 >= 45) + (CRC32(CONCAT('os', seq)) % 100 >= 50)
                         + (CRC32(CONCAT('os', seq)) % 100 >= 68) + (CRC32(CONCAT('os', seq)) % 100 >= 78)
                         + (CRC32(CONCAT('os', seq)) % 100 >= 88), 1, 2, 3, 4, 5, 6) AS sector
            FROM seq_1_to_10000000 WHERE seq <= @n_orgs) y) x
JOIN nat_district d ON d.n = CRC32(CONCAT('od', x.i)) % @nd;
SELECT 'step', 'organizations', ROUND(TIMESTAMPDIFF(MICROSECOND, @t, NOW(6)) / 1e6, 1), ROW_COUNT(); SET @t = NOW(6);

-- ---------------------------------------------------------------- people
-- Person i works in a generated organisation chosen at random (about one organisation in seven has
-- nobody); names in the nominative and the dative from the same stems.
INSERT INTO person (id, email, password_hash, full_name, full_name_dat, position, organization_id, consent_at,
                    consent_version, created_at)
SELECT @p0 + x.i, CONCAT('nat-', x.i, '@bench.invalid'), @pw,
       CONCAT(x.sur, IF(x.f, 'а', ''), ' ', x.name, ' ', x.pat, IF(x.f, 'на', 'ич')),
       CONCAT(x.sur, IF(x.f, 'ой', 'у'), ' ', x.name_dat, ' ', x.pat, IF(x.f, 'не', 'ичу')),
       ELT(1 + x.h % 4, 'Администратор госпаблика', 'Специалист по связям с общественностью',
           'Заместитель директора', 'Методист'),
       @org0 + 1 + CRC32(CONCAT('po', x.i)) % @n_orgs,
       '2023-01-01' + INTERVAL (x.h % 1400) DAY, '2026-01', '2023-01-01' + INTERVAL (x.h % 1400) DAY
FROM (SELECT seq AS i, seq % 2 AS f, CRC32(CONCAT('pn', seq)) AS h,
             ELT(1 + CRC32(CONCAT('ps', seq)) % 12, 'Иванов', 'Смирнов', 'Кузнецов', 'Попов', 'Васильев', 'Петров',
                 'Соколов', 'Михайлов', 'Новиков', 'Фёдоров', 'Морозов', 'Волков') AS sur,
             IF(seq % 2, ELT(1 + CRC32(CONCAT('pf', seq)) % 8, 'Елена', 'Ольга', 'Наталья', 'Татьяна', 'Ирина',
                             'Светлана', 'Мария', 'Анна'),
                         ELT(1 + CRC32(CONCAT('pf', seq)) % 8, 'Александр', 'Сергей', 'Андрей', 'Дмитрий', 'Алексей',
                             'Михаил', 'Иван', 'Николай')) AS name,
             IF(seq % 2, ELT(1 + CRC32(CONCAT('pf', seq)) % 8, 'Елене', 'Ольге', 'Наталье', 'Татьяне', 'Ирине',
                             'Светлане', 'Марии', 'Анне'),
                         ELT(1 + CRC32(CONCAT('pf', seq)) % 8, 'Александру', 'Сергею', 'Андрею', 'Дмитрию',
                             'Алексею', 'Михаилу', 'Ивану', 'Николаю')) AS name_dat,
             ELT(1 + CRC32(CONCAT('pp', seq)) % 8, 'Александров', 'Сергеев', 'Андреев', 'Викторов', 'Петров',
                 'Иванов', 'Николаев', 'Владимиров') AS pat
      FROM seq_1_to_10000000 WHERE seq <= @n_people) x;
SELECT 'step', 'people', ROUND(TIMESTAMPDIFF(MICROSECOND, @t, NOW(6)) / 1e6, 1), ROW_COUNT(); SET @t = NOW(6);

-- The generated people ordered by group (region, sector of their organisation) and at random within
-- it: group g is gn = start .. start + cnt - 1, so a seminar's participants are a run of ranks.
CREATE TEMPORARY TABLE nat_person (gn INT PRIMARY KEY, person_id INT UNSIGNED NOT NULL,
                                   organization_id INT UNSIGNED NOT NULL, g INT NOT NULL)
  SELECT ROW_NUMBER() OVER (ORDER BY d.region_id, o.sector_id, CRC32(CONCAT('pg', p.id)), p.id) - 1 AS gn,
         p.id AS person_id, p.organization_id, d.region_id * 8 + o.sector_id AS g
  FROM person p JOIN organization o ON o.id = p.organization_id JOIN district d ON d.id = o.district_id
  WHERE p.id > @p0;
CREATE TEMPORARY TABLE nat_group (g INT PRIMARY KEY, start INT NOT NULL, cnt INT NOT NULL)
  SELECT g, MIN(gn) AS start, COUNT(*) AS cnt FROM nat_person GROUP BY g;
SET @np = (SELECT COUNT(*) FROM nat_person);
SELECT 'step', 'people by group', ROUND(TIMESTAMPDIFF(MICROSECOND, @t, NOW(6)) / 1e6, 1), @np; SET @t = NOW(6);

-- ---------------------------------------------------------------- seminars
-- Seminar n: its audience is the group of a person chosen at random (so regions and sectors get
-- seminars in proportion to their people); 1-3 daily sessions from a day of 2023-2026 at 10:00;
-- the rule door 35 %, online 15 %, either 40 %, both 10 % (both: two or more sessions, the door on
-- the first and online codes on the others, 50 %); 30 % have a second sector; in 4 % the audience
-- is of another sector than the seminar's (nobody of it counts). Sizes come in pairs base +- d
-- (so they add up to @n_regs) and are cut to the audience; what a cut takes is given back below.
SET @base = @n_regs DIV @n_seminars;
CREATE TEMPORARY TABLE nat_seminar (
  n INT PRIMARY KEY, id INT UNSIGNED NOT NULL, g INT NOT NULL, region_id SMALLINT UNSIGNED NOT NULL,
  audience TINYINT UNSIGNED NOT NULL, sector1 TINYINT UNSIGNED NOT NULL, sector2 TINYINT UNSIGNED NULL,
  district_id INT UNSIGNED NOT NULL, starts_at DATETIME NOT NULL, ns TINYINT NOT NULL,
  rule ENUM('door', 'online', 'either', 'both') NOT NULL, pct TINYINT UNSIGNED NOT NULL,
  format ENUM('in_person', 'online', 'hybrid') NOT NULL, sz INT NOT NULL, cnt INT NOT NULL,
  gstart INT NOT NULL, off0 INT NOT NULL, j0 BIGINT NOT NULL DEFAULT 0, KEY (id))
  SELECT x.n, @s0 + x.n AS id, p.g, p.g DIV 8 AS region_id, p.g % 8 AS audience,
         IF(x.h3 % 100 < 4, p.g % 8 % 6 + 1, p.g % 8) AS sector1,
         IF(x.h3 % 100 BETWEEN 4 AND 33, ELT(p.g % 8, 2, 1, 4, 3, 6, 5), NULL) AS sector2,
         d.id AS district_id,
         '2023-01-01 10:00:00' + INTERVAL x.h1 % 1461 DAY AS starts_at,
         IF(x.rule = 'both', 2 + (x.h2 % 100 >= 60), 1 + (x.h2 % 100 >= 60) + (x.h2 % 100 >= 85)) AS ns,
         x.rule, IF(x.rule = 'both', 50, ELT(1 + x.h2 % 10, 50, 100, 80, 80, 80, 80, 80, 80, 80, 80)) AS pct,
         CASE x.rule WHEN 'door' THEN IF(x.h3 % 5 = 0, 'hybrid', 'in_person') WHEN 'online' THEN 'online'
                     ELSE 'hybrid' END AS format,
         LEAST(g.cnt, IF(x.n % 2, @base + x.d, @base - x.d)) AS sz, g.cnt, g.start AS gstart,
         CRC32(CONCAT('so', x.n)) % g.cnt AS off0
  FROM (SELECT seq AS n, CRC32(CONCAT('sa', seq)) % @np AS anchor, CRC32(CONCAT('sd', seq)) AS h1,
               CRC32(CONCAT('sn', seq)) AS h2, CRC32(CONCAT('sx', seq)) AS h3,
               CRC32(CONCAT('sz', (seq + 1) DIV 2)) % (@base * 4 DIV 5 + 1) AS d,
               ELT(1 + (CRC32(CONCAT('sr', seq)) % 100 >= 35) + (CRC32(CONCAT('sr', seq)) % 100 >= 50)
                     + (CRC32(CONCAT('sr', seq)) % 100 >= 90), 'door', 'online', 'either', 'both') AS rule
        FROM seq_1_to_10000000 WHERE seq <= @n_seminars) x
  JOIN nat_person p ON p.gn = x.anchor
  JOIN nat_group g ON g.g = p.g
  JOIN nat_region r ON r.id = p.g DIV 8
  JOIN nat_district d ON d.region_id = p.g DIV 8 AND d.k = CRC32(CONCAT('sk', x.n)) % r.nd;
-- Give back what the cuts took: each seminar with room takes its share of the missing registrations
-- by its room, and the remainder goes one each to the seminars with the most room left.
SET @missing = @n_regs - (SELECT SUM(sz) FROM nat_seminar), @room = (SELECT SUM(cnt - sz) FROM nat_seminar);
UPDATE nat_seminar SET sz = sz + FLOOR(@missing * (cnt - sz) / @room) WHERE @missing > 0 AND @missing <= @room;
SET @missing = @n_regs - (SELECT SUM(sz) FROM nat_seminar);
UPDATE nat_seminar s JOIN (SELECT n, ROW_NUMBER() OVER (ORDER BY cnt - sz DESC, n) AS k FROM nat_seminar) x
  ON x.n = s.n SET s.sz = s.sz + 1 WHERE x.k <= @missing AND s.cnt > s.sz;
-- Where seminar n's registrations start: j = j0 + 1 .. j0 + sz.
UPDATE nat_seminar s JOIN (SELECT n, SUM(sz) OVER (ORDER BY n) - sz AS j0 FROM nat_seminar) x ON x.n = s.n
  SET s.j0 = x.j0;
SET @planned = (SELECT SUM(sz) FROM nat_seminar), @overfull = (SELECT COUNT(*) FROM nat_seminar WHERE sz > cnt);
DELIMITER ;;
BEGIN NOT ATOMIC
  IF @planned <> @n_regs OR @overfull > 0 THEN
    SET @msg = CONCAT('national.sql: ', @np, ' people cannot make ', @n_regs, ' registrations over ', @n_seminars,
                      ' seminars (planned ', @planned, '); use fewer registrations or more people');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = @msg;
  END IF;
END;;
DELIMITER ;
SELECT 'step', 'seminar plan', ROUND(TIMESTAMPDIFF(MICROSECOND, @t, NOW(6)) / 1e6, 1), COUNT(*) FROM nat_seminar;
SET @t = NOW(6);

-- ---------------------------------------------------------------- registrations
-- Registration j of seminar s is the person of rank (off0 + k) mod cnt of its audience (distinct
-- people within the seminar, k < sz <= cnt), with the organisation they work in. In person at an
-- in-person seminar, online at an online one, 60/40 at a hybrid one; 5 % of the in-person ones
-- waitlisted, 7 % cancelled, the rest confirmed; queued 1-30 days before the seminar. The ticket
-- code is j and a hash of it in base 36 (unique; the characters are of base64url).
-- One hash h of j makes every choice (its digits are independent enough): each expression of the
-- derived table is evaluated wherever the outer query names it, so they are kept cheap.
INSERT INTO registration (id, seminar_id, person_id, organization_id, mode, status, queued_at, ticket_code,
                          source, created_at, updated_at, cancelled_at)
SELECT @r0 + x.j, x.seminar_id, p.person_id, p.organization_id, x.mode,
       CASE WHEN x.mode = 'in_person' AND x.h % 100 < 5 THEN 'waitlisted' WHEN x.h % 100 < 12 THEN 'cancelled'
            ELSE 'confirmed' END,
       x.starts_at - INTERVAL (1 + x.h DIV 10000 % 30) DAY + INTERVAL x.k SECOND,
       CONCAT(LPAD(CONV(x.j, 10, 36), 8, '0'), LPAD(CONV(x.h << 32 | CRC32(-x.j), 10, 36), 14, '0')),
       'self', x.starts_at - INTERVAL 31 DAY, x.starts_at - INTERVAL 31 DAY,
       IF(x.h % 100 BETWEEN 5 AND 11, x.starts_at - INTERVAL 1 DAY, NULL)
FROM (SELECT s.id AS seminar_id, s.j0 + k.seq + 1 AS j, k.seq AS k, s.gstart + (s.off0 + k.seq) % s.cnt AS gn,
             s.starts_at, CRC32(s.j0 + k.seq + 1) AS h,
             CASE s.format WHEN 'in_person' THEN 'in_person' WHEN 'online' THEN 'online'
                  ELSE IF(CRC32(s.j0 + k.seq + 1) DIV 100 % 100 < 60, 'in_person', 'online') END AS mode
      FROM nat_seminar s JOIN seq_0_to_1000000 k ON k.seq < s.sz) x
JOIN nat_person p ON p.gn = x.gn;
SELECT 'step', 'registrations', ROUND(TIMESTAMPDIFF(MICROSECOND, @t, NOW(6)) / 1e6, 1), ROW_COUNT(); SET @t = NOW(6);

-- The seminars, their places from the registrations: every confirmed one has a place; where people
-- wait, the hall is full, elsewhere a few places are left.
INSERT INTO seminar (id, title, description, format, status, organizer_id, region_id, district_id, venue, address,
                     cap_in_person, cap_online, taken_in_person, taken_online, reg_opens_at, reg_closes_at, hours,
                     starts_at, ends_at, created_at, attendance_rule, online_min_percent)
SELECT s.id,
       CONCAT(ELT(1 + CRC32(CONCAT('st', s.n)) % 10, 'Как вести госпаблик учреждения', 'Оформление сообщества',
                  'Фото и видео для госпабликов', 'Работа с комментариями и обращениями', 'Контент-план на месяц',
                  'Госпаблики и безопасность', 'Тексты для соцсетей: просто и ясно', 'Прямые эфиры и трансляции',
                  'Госпаблик и СМИ', 'Аналитика сообщества'), ' (', s.n, ')'),
       'Практический семинар для администраторов госпабликов: разбор страниц участников, задания, ответы на вопросы.',
       s.format, IF(s.starts_at < NOW() AND CRC32(CONCAT('sf', s.n)) % 100 < 85, 'finished', 'published'),
       p.person_id, s.region_id, s.district_id,
       IF(s.format = 'online', NULL, ELT(1 + s.n % 3, 'Центр управления регионом', 'Дом журналиста',
                                         'Районный дом культуры')),
       IF(s.format = 'online', NULL, CONCAT('ул. Ленина, ', 1 + s.n % 90)),
       IF(s.format = 'online', 0, c.ti + IF(c.wi > 0, 0, 1 + CRC32(CONCAT('sc', s.n)) % 20)),
       IF(s.format = 'in_person', 0, NULL), c.ti, c.tn,
       s.starts_at - INTERVAL 40 DAY, s.starts_at - INTERVAL 10 HOUR, 3.0 * s.ns,
       s.starts_at, s.starts_at + INTERVAL s.ns - 1 DAY + INTERVAL 3 HOUR, s.starts_at - INTERVAL 45 DAY,
       s.rule, s.pct
FROM nat_seminar s
JOIN nat_person p ON p.gn = s.gstart -- the organiser: the first person of the audience
LEFT JOIN (SELECT seminar_id, SUM(mode = 'in_person' AND status = 'confirmed') AS ti,
                  SUM(mode = 'online' AND status = 'confirmed') AS tn,
                  SUM(mode = 'in_person' AND status = 'waitlisted') AS wi
           FROM registration WHERE id > @r0 GROUP BY seminar_id) c ON c.seminar_id = s.id;
INSERT INTO seminar_sector (seminar_id, sector_id)
SELECT id, sector1 FROM nat_seminar UNION ALL SELECT id, sector2 FROM nat_seminar WHERE sector2 IS NOT NULL;
-- Session k of seminar n has id ss0 + 3 (n - 1) + k + 1 (gaps where a seminar has fewer than three).
INSERT INTO seminar_session (id, seminar_id, starts_at, ends_at)
SELECT @ss0 + 3 * (s.n - 1) + k.seq + 1, s.id, s.starts_at + INTERVAL k.seq DAY,
       s.starts_at + INTERVAL k.seq DAY + INTERVAL 3 HOUR
FROM nat_seminar s JOIN seq_0_to_2 k ON k.seq < s.ns ORDER BY 1;
SELECT 'step', 'seminars and sessions', ROUND(TIMESTAMPDIFF(MICROSECOND, @t, NOW(6)) / 1e6, 1),
       (SELECT COUNT(*) FROM seminar WHERE id > @s0);
SET @t = NOW(6);

-- ---------------------------------------------------------------- attendance
-- Confirmed registrations of seminars already held: 64 % came to every session, 10 % to the first
-- only, the rest never came. A check-in is at the door for an in-person registration and by the online
-- code for an online one (for the rule "both": the door on the first day, online codes after it);
-- one in 40 was undone. The scan log is not generated (scan_id 0).
INSERT INTO attendance (registration_id, session_id, mode, scan_id, at, device_id, undone_at)
SELECT x.registration_id, x.session_id, x.mode, 0, x.at, IF(x.mode = 'in_person', 'nat-door', NULL),
       IF(CRC32(CONCAT('au', x.registration_id, ':', x.k)) % 40 = 0, x.at + INTERVAL 5 MINUTE, NULL)
FROM (SELECT r.id AS registration_id, @ss0 + 3 * (s.n - 1) + k.seq + 1 AS session_id, k.seq AS k,
             IF(s.rule = 'both', IF(k.seq = 0, 'in_person', 'online'), r.mode) AS mode,
             s.starts_at + INTERVAL k.seq DAY - INTERVAL 10 MINUTE
               + INTERVAL CRC32(CONCAT('at', r.id)) % 1800 SECOND AS at,
             CRC32(CONCAT('ab', r.id)) % 100 AS b
      FROM registration r
      JOIN nat_seminar s ON s.id = r.seminar_id
      JOIN seq_0_to_2 k ON k.seq < s.ns
      WHERE r.id > @r0 AND r.status = 'confirmed' AND s.starts_at + INTERVAL k.seq DAY < NOW()) x
WHERE x.b < 64 OR (x.b < 74 AND x.k = 0)
ORDER BY x.registration_id, x.session_id;
SELECT 'step', 'attendance', ROUND(TIMESTAMPDIFF(MICROSECOND, @t, NOW(6)) / 1e6, 1), ROW_COUNT(); SET @t = NOW(6);

SET SESSION unique_checks = 1, foreign_key_checks = 1;
ANALYZE TABLE region, district, organization, person, seminar, seminar_sector, seminar_session, registration,
              attendance;
SELECT 'step', 'statistics', ROUND(TIMESTAMPDIFF(MICROSECOND, @t, NOW(6)) / 1e6, 1), 0;
