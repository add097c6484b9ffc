-- The demo briefing (scripts/demo.sh, once per database): the organiser of Липецкая область briefed the education
-- organisations of Усманский район ten days ago on the rules of official pages; two in three of their people have
-- acknowledged it, the demo participant not yet. Rows as fcgi/core/db_briefing.c writes them, with their audit.
SET @org = (SELECT id FROM person WHERE email = 'organizer@demo.local');
SET @usman = (SELECT id FROM district WHERE region_id = 48 AND name = 'Усманский район');
SET @at = CURDATE() - INTERVAL 10 DAY + INTERVAL 9 HOUR;

INSERT INTO briefing (region_id, title, body, created_by, created_at)
VALUES (48, 'Инструктаж: правила ведения официальных страниц госорганизаций',
        CONCAT('С 1 декабря 2022 года каждая государственная организация ведёт официальную страницу (госпаблик) ',
               'в социальной сети. Этот инструктаж напоминает правила, которые проверяют при мониторинге.\n\n',
               '1. На странице указаны полное наименование организации и отметка «Госорганизация»; ',
               'ссылка на страницу размещена на официальном сайте.\n',
               '2. Публикации выходят не реже трёх раз в неделю; на комментарии и сообщения отвечают ',
               'в течение одного рабочего дня.\n',
               '3. Персональные данные обучающихся и их фотографии публикуются только с письменного согласия ',
               'родителей (законных представителей).\n',
               '4. Доступ к управлению страницей есть только у назначенных приказом сотрудников; ',
               'пароли не передаются, вход защищён вторым фактором.\n\n',
               'Ознакомьтесь с инструктажем и нажмите «Ознакомлен». Вопросы — в ЦУР Липецкой области.'),
        @org, @at);
SET @b = LAST_INSERT_ID();
INSERT INTO briefing_target (briefing_id, kind, ref_id) VALUES (@b, 'district', @usman), (@b, 'sector', 1);
INSERT INTO briefing_org (briefing_id, organization_id)
SELECT @b, o.id FROM organization o
WHERE o.district_id = @usman AND o.sector_id = 1 AND o.active AND o.status = 'register';
INSERT INTO audit_log (at, person_id, action, object_type, object_id, ip, detail)
VALUES (@at, @org, 'briefing.publish', 'briefing', @b, '127.0.0.1', 'region=48');

-- Two in three acknowledged within a week of its publication, from their own addresses.
CREATE TEMPORARY TABLE story_ack (person_id INT UNSIGNED PRIMARY KEY, at DATETIME NOT NULL, ip VARCHAR(45) NOT NULL);
INSERT INTO story_ack (person_id, at, ip)
SELECT p.id, @at + INTERVAL (30 + CRC32(CONCAT('ba', p.id)) % (7 * 24 * 60)) MINUTE,
       CONCAT('10.48.', CRC32(CONCAT('bi', p.id)) % 250, '.', 1 + CRC32(CONCAT('bj', p.id)) % 250)
FROM briefing_org bo JOIN person p ON p.organization_id = bo.organization_id
WHERE bo.briefing_id = @b AND p.email <> 'participant@demo.local' AND CRC32(CONCAT('bk', p.id)) % 3 > 0;
INSERT INTO briefing_ack (briefing_id, person_id, acked_at, ip) SELECT @b, person_id, at, ip FROM story_ack;
INSERT INTO audit_log (at, person_id, action, object_type, object_id, ip)
SELECT at, person_id, 'briefing.ack', 'briefing', @b, ip FROM story_ack ORDER BY at;
DROP TEMPORARY TABLE story_ack;
