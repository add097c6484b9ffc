// Every page the accessibility checks (tests/browser/a11y.mjs) visit: axe-core in both themes, 640 px width.
// A NEW PAGE MUST BE ADDED HERE when it is made: its role, its address and, for an address with an id, the
// query in `ids` that finds one in the demo story (scripts/demo.sh; `setup` adds what the story lacks).
//
// role: who opens it: guest, participant, organizer, head, reviewer or admin (the demo accounts, password demo12345).
// path: the address; {name} is replaced by the first column of the query ids[name].
// status: the HTTP status the page answers with (200 unless said).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export const pages = [
  // Guests.
  { role: 'guest', path: '/', name: 'каталог' },
  { role: 'guest', path: '/?sector=1&format=hybrid&q=школ', name: 'каталог с фильтрами' },
  { role: 'guest', path: '/seminars/{published}', name: 'страница семинара' },
  { role: 'guest', path: '/seminars/{full}', name: 'семинар без мест' },
  { role: 'guest', path: '/login', name: 'вход' },
  { role: 'guest', path: '/signup', name: 'регистрация' },
  { role: 'guest', path: '/certificates/verify', name: 'проверка сертификата: форма' },
  { role: 'guest', path: '/certificates/verify/{verify}', name: 'проверка сертификата по QR' },
  { role: 'guest', path: '/certificates/verify?number={number}&surname=Иванова', name: 'проверка сертификата по номеру' },
  { role: 'guest', path: '/password/forgot', name: 'восстановление пароля' },
  { role: 'guest', path: '/password/reset/{reset}', name: 'новый пароль по ссылке из письма' },
  { role: 'guest', path: '/invite/{invite}', name: 'приглашение: пароль по ссылке' },
  { role: 'guest', path: '/unsubscribe/{participant}/reminders/{unsubscribe}', name: 'отписка от рассылки' },
  { role: 'guest', path: '/no-such-page', name: 'ошибка 404', status: 404 },
  { role: 'guest', path: '/assets/errors/413.html', name: 'ошибка 413 (nginx)' },
  // The participant.
  { role: 'participant', path: '/me', name: 'личный кабинет' },
  { role: 'participant', path: '/seminars/{registered}', name: 'семинар с записью' },
  { role: 'participant', path: '/seminars/{opened_today}', name: 'семинар с открытой записью' },
  { role: 'participant', path: '/tickets/{ticket}', name: 'билет' },
  { role: 'participant', path: '/checkin/code', name: 'ввод кода присутствия' },
  { role: 'participant', path: '/seminars/{survey}/survey', name: 'анкета' },
  { role: 'participant', path: '/me/password', name: 'смена пароля' },
  { role: 'participant', path: '/briefings/{briefing}', name: 'инструктаж' },
  { role: 'participant', path: '/manage/seminars', name: 'ошибка 403', status: 403 },
  // The organiser.
  { role: 'organizer', path: '/manage/seminars', name: 'мои семинары' },
  { role: 'organizer', path: '/manage/seminars/new', name: 'новый семинар' },
  { role: 'organizer', path: '/manage/seminars/{own}', name: 'редактирование семинара' },
  { role: 'organizer', path: '/manage/seminars/{intensive}/participants', name: 'участники' },
  { role: 'organizer', path: '/manage/seminars/{survey}/survey', name: 'анкета: настройка' },
  { role: 'organizer', path: '/manage/seminars/{survey}/survey/results', name: 'анкета: результаты' },
  { role: 'organizer', path: '/manage/seminars/{own}/materials', name: 'материалы' },
  { role: 'organizer', path: '/checkin/{own}', name: 'сканер на входе' },
  { role: 'organizer', path: '/checkin/{own}/present', name: 'экран ведущего' },
  { role: 'organizer', path: '/checkin/{intensive}/journal', name: 'журнал посещаемости' },
  { role: 'organizer', path: '/manage/seminars/{own}/message', name: 'сообщение участникам' },
  { role: 'organizer', path: '/manage/seminars/{own}/invite', name: 'приглашение необученных' },
  { role: 'organizer', path: '/manage/seminars/{own}/notices', name: 'уведомления семинара' },
  { role: 'organizer', path: '/manage/heads', name: 'руководители организаций' },
  { role: 'organizer', path: '/manage/briefings', name: 'инструктажи' },
  { role: 'organizer', path: '/manage/briefings/new?region_id=48', name: 'новый инструктаж' },
  { role: 'organizer', path: '/manage/briefings/{briefing}', name: 'инструктаж: организатор' },
  { role: 'organizer', path: '/manage/briefings/{briefing}/journal', name: 'журнал инструктажа' },
  { role: 'organizer', path: '/certificates/templates', name: 'шаблоны сертификатов' },
  { role: 'organizer', path: '/certificates/seminars/{intensive}', name: 'сертификаты семинара' },
  { role: 'organizer', path: '/certificates/seminars/{uncertified}', name: 'сертификаты: выпуск' },
  { role: 'organizer', path: '/certificates/jobs/{job}', name: 'выпуск сертификатов: ход' },
  // The head of an organisation.
  { role: 'head', path: '/head', name: 'руководитель: организация' },
  { role: 'head', path: '/head/seminars/{full}', name: 'руководитель: семинар' },
  // The reviewer.
  { role: 'reviewer', path: '/reports/coverage', name: 'охват' },
  { role: 'reviewer', path: '/reports/coverage/districts/{district}', name: 'охват района' },
  // The administrator.
  { role: 'admin', path: '/reports/coverage', name: 'охват по стране' },
  { role: 'admin', path: '/admin/users', name: 'люди и роли' },
  { role: 'admin', path: '/admin/users/{reviewer}', name: 'человек и его роли' },
  { role: 'admin', path: '/admin/import', name: 'импорт реестра' },
  { role: 'admin', path: '/admin/import/{import}', name: 'импорт: предпросмотр' },
  { role: 'admin', path: '/admin/organizations/proposed', name: 'предложенные организации' },
  { role: 'admin', path: '/admin/organizations/proposed/{proposed}', name: 'предложенная организация' },
  { role: 'admin', path: '/admin/mail', name: 'почта: исходящие' },
  { role: 'admin', path: '/admin/retention', name: 'сроки хранения данных' },
];

// The ids the addresses need, each the first value of a query on the demo story.
export const ids = {
  published: "SELECT id FROM seminar WHERE status = 'published' ORDER BY starts_at LIMIT 1",
  full: "SELECT id FROM seminar WHERE title LIKE 'Контент-план школы%'",
  // Sign-up opened at midnight of the day the story was loaded (by title: the check may run after the next midnight).
  opened_today: "SELECT id FROM seminar WHERE title = 'Администрации сельских поселений: ответы на обращения жителей в соцсетях'",
  verify: "SELECT verify_code FROM certificate WHERE revoked_at IS NULL ORDER BY id LIMIT 1",
  number: "SELECT number FROM certificate WHERE full_name LIKE 'Иванова %' AND revoked_at IS NULL LIMIT 1",
  registered: `SELECT r.seminar_id FROM registration r JOIN seminar s ON s.id = r.seminar_id
    WHERE r.person_id = (SELECT id FROM person WHERE email = 'participant@demo.local') AND s.status = 'published'
    ORDER BY s.starts_at LIMIT 1`,
  ticket: `SELECT r.id FROM registration r JOIN seminar s ON s.id = r.seminar_id
    WHERE r.person_id = (SELECT id FROM person WHERE email = 'participant@demo.local') AND s.status = 'published'
      AND r.status = 'confirmed' ORDER BY s.starts_at LIMIT 1`,
  intensive: "SELECT id FROM seminar WHERE title LIKE 'Интенсив%'",
  survey: "SELECT id FROM seminar WHERE title LIKE 'Интенсив%'",
  own: `SELECT id FROM seminar WHERE status = 'published' AND format = 'hybrid'
    AND organizer_id = (SELECT id FROM person WHERE email = 'organizer@demo.local') ORDER BY starts_at LIMIT 1`,
  uncertified: "SELECT id FROM seminar WHERE title LIKE 'Афиша и анонсы%'",
  job: `SELECT j.id FROM certificate_job j JOIN seminar s ON s.id = j.seminar_id WHERE s.title LIKE 'Интенсив%'
    ORDER BY j.id LIMIT 1`,
  district: "SELECT id FROM district WHERE region_id = 48 AND name = 'Усманский район'",
  reviewer: "SELECT id FROM person WHERE email = 'reviewer@demo.local'",
  import: 'SELECT id FROM register_import ORDER BY id DESC LIMIT 1',
  proposed: "SELECT id FROM organization WHERE status = 'proposed' ORDER BY id LIMIT 1",
  briefing: "SELECT id FROM briefing WHERE title LIKE 'Инструктаж: правила%'",
  participant: "SELECT id FROM person WHERE email = 'participant@demo.local'",
  invitee: "SELECT id FROM person WHERE password_hash = '!' ORDER BY id LIMIT 1",
};

// BLAKE2b of text as libsodium's crypto_generichash makes it (size bytes; keyed when key, hex, is given).
function blake2b(text, size, key = '') {
  return Buffer.from(execFileSync('/usr/bin/python3', ['-c', `import hashlib, sys
print(hashlib.blake2b(sys.argv[1].encode(), digest_size=int(sys.argv[2]), key=bytes.fromhex(sys.argv[3])).hexdigest())`,
  text, String(size), key], { encoding: 'utf8' }).trim(), 'hex');
}

// The ids of links sent by mail, made as the mail code makes them: the unsubscribe link's keyed hash of the person
// and the list (mail_unsubscribe_mac, fcgi/core/mail_kinds.c; secretKey is the stack's secret_key), and a password
// reset and an invitation link (fcgi/core/account_mail.c: 32 random bytes, only their hash stored). Sets
// id.unsubscribe, id.reset and id.invite; returns the SQL that stores the two links.
export function mailLinks(id, secretKey) {
  id.unsubscribe = blake2b(`unsubscribe:${id.participant}:reminders`, 16, secretKey).toString('base64url');
  const token = (purpose, person) => {
    id[purpose] = randomBytes(32).toString('base64url');
    return `INSERT INTO account_token (person_id, purpose, token_hash, email, expires_at)
      SELECT id, '${purpose}', UNHEX('${blake2b(id[purpose], 32).toString('hex')}'), email, NOW() + INTERVAL 1 DAY
      FROM person WHERE id = ${Number(person)};`;
  };
  return token('reset', id.participant) + token('invite', id.invitee);
}

// What the story lacks for these pages, added before the checks: an open survey of the intensive with an answer,
// a session running now for the presenter screen and the scanner, an organisation proposed at sign-up, a sent
// invitation to the untrained for the seminar's notices.
// The register import's preview is made by uploading a file (a11y.mjs).
export const setup = `
  SET @s = (${ids.survey});
  INSERT INTO survey (seminar_id, opened_at) VALUES (@s, NOW() - INTERVAL 1 HOUR);
  INSERT INTO survey_question (seminar_id, position, kind, text, required) VALUES
    (@s, 1, 'rating', 'Насколько полезен семинар?', 1), (@s, 2, 'single', 'Придёте ещё?', 0),
    (@s, 3, 'multiple', 'Какие темы интересны?', 0), (@s, 4, 'text', 'Что улучшить?', 0);
  INSERT INTO survey_option (question_id, position, text)
    SELECT id, 1, 'Да' FROM survey_question WHERE seminar_id = @s AND position = 2 UNION ALL
    SELECT id, 2, 'Нет' FROM survey_question WHERE seminar_id = @s AND position = 2 UNION ALL
    SELECT id, 1, 'Контент-план' FROM survey_question WHERE seminar_id = @s AND position = 3 UNION ALL
    SELECT id, 2, 'Отчёты' FROM survey_question WHERE seminar_id = @s AND position = 3;
  INSERT INTO survey_response (seminar_id, registration_id)
    SELECT @s, id FROM registration WHERE seminar_id = @s AND status = 'confirmed'
      AND person_id <> (SELECT id FROM person WHERE email = 'participant@demo.local') LIMIT 1;
  INSERT INTO survey_answer (response_id, question_id, rating)
    SELECT r.id, q.id, 5 FROM survey_response r JOIN survey_question q ON q.seminar_id = r.seminar_id AND q.position = 1
    WHERE r.seminar_id = @s;
  SET @o = (${ids.own});
  INSERT INTO seminar_session (seminar_id, starts_at, ends_at) VALUES (@o, NOW() - INTERVAL 10 MINUTE, NOW() + INTERVAL 2 HOUR);
  INSERT INTO organization (district_id, sector_id, name, short_name, status, proposed_by)
    SELECT d.id, 1, 'Муниципальное бюджетное учреждение «Новая школа»', 'МБУ «Новая школа»', 'proposed', p.id
    FROM district d, person p WHERE d.id = (${ids.district}) AND p.email = 'participant@demo.local';
  INSERT INTO mail_message (kind, event_key, person_id, recipient, subject, body_text, body_html, message_id, status,
                            seminar_id)
    SELECT 'untrained_invite', CONCAT('untrained_invite:', @o, ':', id), id, email, 'Приглашение', '', '',
           CONCAT('a11y.', id), 'sent', @o FROM person WHERE email = 'head@demo.local';
`;
