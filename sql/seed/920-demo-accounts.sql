-- Demo accounts, one per role, all with the password demo12345 (argon2id hash below).
SET NAMES utf8mb4;
SET @h = '$argon2id$v=19$m=65536,t=2,p=1$b3kgum88eQgBG/1ojnR+2Q$XUlczXatCoMbZcwy67NBzO1iwbaop1HekJQjg3kVpOQ';

INSERT INTO person (email, password_hash, full_name, full_name_dat, phone, position, organization_id, consent_at, consent_version)
VALUES
  ('participant@demo.local', @h, 'Иванова Мария Петровна', 'Ивановой Марии Петровне', '+7 900 111-22-33',
   'Учитель информатики, администратор госпаблика', (SELECT id FROM organization WHERE inn = '4816105358'), NOW(), '2026-01'),
  ('organizer@demo.local', @h, 'Соколов Андрей Викторович', 'Соколову Андрею Викторовичу', '+7 900 222-33-44',
   'Руководитель направления ЦУР Липецкой области', NULL, NOW(), '2026-01'),
  ('reviewer@demo.local', @h, 'Кузнецова Елена Сергеевна', 'Кузнецовой Елене Сергеевне', NULL,
   'Консультант министерства образования Липецкой области', NULL, NOW(), '2026-01'),
  ('admin@demo.local', @h, 'Администратор Системы', 'Администратору Системы', NULL, 'Администратор', NULL, NOW(), '2026-01'),
  ('head@demo.local', @h, 'Петров Сергей Николаевич', 'Петрову Сергею Николаевичу', '+7 900 555-66-77',
   'Директор школы', (SELECT id FROM organization WHERE inn = '4816105358'), NOW(), '2026-01')
ON DUPLICATE KEY UPDATE email = email;

-- The organiser works in Липецкая область; the reviewer sees education and culture there.
INSERT IGNORE INTO role_grant (person_id, role, region_id, sector_id)
SELECT id, 'organizer', 48, NULL FROM person WHERE email = 'organizer@demo.local'
UNION ALL SELECT id, 'reviewer', 48, 1 FROM person WHERE email = 'reviewer@demo.local'
UNION ALL SELECT id, 'reviewer', 48, 3 FROM person WHERE email = 'reviewer@demo.local'
UNION ALL SELECT id, 'admin', NULL, NULL FROM person WHERE email = 'admin@demo.local';

-- The head of МБОУ СОШ № 2 г. Усмани signs up the school's staff (role head, confirmed by the organiser).
INSERT IGNORE INTO org_head (person_id, organization_id, status, confirmed_by, confirmed_at)
SELECT p.id, p.organization_id, 'confirmed', (SELECT id FROM person WHERE email = 'organizer@demo.local'), NOW()
FROM person p WHERE p.email = 'head@demo.local';
