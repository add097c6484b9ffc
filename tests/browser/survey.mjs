// Browser test: a participant opens the survey of a finished seminar from the cabinet and answers it on a
// phone-sized screen (labels and fieldsets, a required question left out, then edited), with no script errors.
import { base, demoHash, exitCode, fits, launch, phonePage, plan, sql, step, str } from './lib/harness.mjs';

plan(7);

// A seminar of the demo organiser whose only session ended yesterday, with a survey of a rating (required), a
// single choice, a multiple choice and a free text; a participant with a confirmed online registration.
const tag = `${Date.now().toString(36)}${process.pid.toString(36)}`;
const title = `Анкета на телефоне ${tag}`;
const email = `browser.survey.${tag}@example.ru`;
let seminarId;
try {
  seminarId = sql(`INSERT INTO seminar (title, description, format, status, organizer_id, region_id, cap_in_person,
      starts_at, ends_at)
    VALUES (${str(title)}, 'Семинар для проверки анкеты участника.', 'online', 'published',
      (SELECT id FROM person WHERE email = 'organizer@demo.local'), 48, 0, NOW() - INTERVAL 1 DAY,
      NOW() - INTERVAL 1 DAY + INTERVAL 2 HOUR);
    SET @s = LAST_INSERT_ID();
    INSERT INTO seminar_sector (seminar_id, sector_id) VALUES (@s, 1);
    INSERT INTO seminar_session (seminar_id, starts_at, ends_at) SELECT id, starts_at, ends_at FROM seminar WHERE id = @s;
    INSERT INTO person (email, password_hash, full_name, full_name_dat, organization_id, consent_at, consent_version)
    VALUES (${str(email)}, ${str(demoHash())}, 'Анкетная Ольга Сергеевна', 'Анкетной Ольге Сергеевне',
      (SELECT id FROM organization WHERE inn = '4816105358'), NOW(), '2026-01');
    INSERT INTO registration (seminar_id, person_id, organization_id, mode, status, queued_at, source, ticket_code)
    SELECT @s, p.id, p.organization_id, 'online', 'confirmed', NOW(), 'self', SUBSTR(MD5(RAND()), 1, 22)
      FROM person p WHERE p.email = ${str(email)};
    UPDATE seminar SET taken_online = taken_online + 1 WHERE id = @s; -- the place it takes, as a sign-up would
    INSERT INTO survey (seminar_id) VALUES (@s);
    INSERT INTO survey_question (seminar_id, position, kind, text, required) VALUES
      (@s, 1, 'rating', 'Оцените семинар', 1), (@s, 2, 'single', 'Формат подошёл?', 0),
      (@s, 3, 'multiple', 'Что пригодилось?', 0), (@s, 4, 'text', 'Что улучшить?', 0);
    INSERT INTO survey_option (question_id, position, text)
      SELECT id, 1, 'Да' FROM survey_question WHERE seminar_id = @s AND position = 2 UNION ALL
      SELECT id, 2, 'Нет' FROM survey_question WHERE seminar_id = @s AND position = 2 UNION ALL
      SELECT id, 1, 'Контент-план' FROM survey_question WHERE seminar_id = @s AND position = 3 UNION ALL
      SELECT id, 2, 'Отчёты' FROM survey_question WHERE seminar_id = @s AND position = 3;
    SELECT @s`);
} catch (e) {
  console.log(`Bail out! cannot set up the survey: ${e.message}`);
  process.exit(1);
}

const browser = await launch();
const { page, errors } = await phonePage(browser);
const answers = () => sql(`SELECT IFNULL(GROUP_CONCAT(CONCAT(q.position, '=', IFNULL(a.rating, IFNULL(o.text, a.text)))
    ORDER BY q.position, o.position SEPARATOR ' '), '') FROM survey_answer a JOIN survey_question q ON q.id = a.question_id
    LEFT JOIN survey_option o ON o.id = a.option_id JOIN survey_response r ON r.id = a.response_id
    WHERE r.seminar_id = ${seminarId}`);

await step('the cabinet links to the open survey', async () => {
  await page.goto(`${base}/login`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', 'demo12345');
  await Promise.all([page.waitForURL(`${base}/me`), page.click('button:has-text("Войти")')]);
  await Promise.all([page.waitForURL(`${base}/seminars/${seminarId}/survey`),
    page.click(`a[href="/seminars/${seminarId}/survey"]`)]);
  return (await page.textContent('h1')).includes('Анкета участника') || 'the survey page did not open';
});

await step('every question is a labelled group or field, and the page fits the phone', async () => {
  const legends = await page.$$eval('form fieldset legend', (ls) => ls.map((l) => l.textContent.trim()));
  const label = await page.$eval('form textarea', (t) => document.querySelector(`label[for="${t.id}"]`)?.textContent);
  if (legends.length !== 3) return `legends: ${legends.join(' | ')}`;
  if (!label || !label.includes('Что улучшить?')) return `textarea label: ${label}`;
  return fits(page);
});

await step('a required rating left out is caught before anything is stored', async () => {
  await page.getByLabel('Да').check();
  await page.click('button:has-text("Отправить ответы")');
  const missing = await page.$eval('input[type="radio"][value="1"]', (i) => i.validity.valueMissing);
  return (missing && answers() === '') || `valueMissing ${missing}, stored '${answers()}'`;
});

await step('tapping the labels answers the survey and thanks the participant', async () => {
  await page.getByLabel('4', { exact: true }).check();
  await page.getByLabel('Контент-план').check();
  await page.getByLabel('Отчёты').check();
  await page.getByLabel(/Что улучшить/).fill('Больше примеров');
  await Promise.all([page.waitForURL(/saved=1/), page.click('button:has-text("Отправить ответы")')]);
  const notice = await page.textContent('[role="status"]');
  const got = answers();
  return (notice.includes('Ваши ответы сохранены') && got === '1=4 2=Да 3=Контент-план 3=Отчёты 4=Больше примеров') ||
    `notice '${notice}', stored '${got}'`;
});

await step('the answers come back checked and can be changed', async () => {
  if (!(await page.getByLabel('4', { exact: true }).isChecked())) return 'the rating 4 is not checked';
  await page.getByLabel('5', { exact: true }).check();
  await page.getByLabel('Отчёты').uncheck();
  await Promise.all([page.waitForURL(/saved=1/), page.click('button:has-text("Сохранить изменения")')]);
  const got = answers();
  return got === '1=5 2=Да 3=Контент-план 4=Больше примеров' || `stored '${got}'`;
});

await step('the survey page fits the phone after saving', async () => fits(page));

await step('no script errors or CSP violations on the way', async () => errors.length === 0 || errors.join('\n'));

await browser.close();
process.exit(exitCode());
