// Browser test: a person finds a briefing awaiting acknowledgement in the cabinet on a phone-sized screen, reads
// it, taps «Ознакомлен» once, and finds it among the acknowledged ones, with no script errors.
import { base, demoHash, exitCode, fits, launch, phonePage, plan, sql, step, str } from './lib/harness.mjs';

plan(6);

// A region of its own with one school and its page administrator, and a briefing of two paragraphs addressed to
// the school (rows as fcgi/core/db_briefing.c writes them).
const tag = `${Date.now().toString(36)}${process.pid.toString(36)}`;
const title = `Инструктаж на телефоне ${tag}`;
const email = `browser.briefing.${tag}@example.ru`;
let briefingId;
try {
  briefingId = sql(`SET @r = (SELECT MIN(seq) FROM seq_100_to_9999 WHERE seq NOT IN (SELECT id FROM region));
    INSERT INTO region (id, name) VALUES (@r, ${str(`Регион ${tag}`)});
    INSERT INTO district (region_id, name) VALUES (@r, 'Район инструктажа');
    SET @d = LAST_INSERT_ID();
    INSERT INTO organization (district_id, sector_id, name, short_name) VALUES (@d, 1, ${str(`МБОУ СОШ ${tag}`)}, 'СОШ');
    SET @o = LAST_INSERT_ID();
    CALL register_recount(@d);
    INSERT INTO person (email, password_hash, full_name, full_name_dat, position, organization_id, consent_at,
      consent_version)
    VALUES (${str(email)}, ${str(demoHash())}, 'Читаева Ольга Петровна', 'Читаевой Ольге Петровне',
      'Администратор госпаблика', @o, NOW(), '2026-01');
    INSERT INTO briefing (region_id, title, body, created_by)
    VALUES (@r, ${str(title)}, 'Отвечайте на комментарии в течение суток.\nНе публикуйте персональные данные учеников.',
      (SELECT id FROM person WHERE email = 'organizer@demo.local'));
    SET @b = LAST_INSERT_ID();
    INSERT INTO briefing_target (briefing_id, kind, ref_id) VALUES (@b, 'district', @d);
    INSERT INTO briefing_org (briefing_id, organization_id) VALUES (@b, @o);
    SELECT @b`);
} catch (e) {
  console.log(`Bail out! cannot set up the briefing: ${e.message}`);
  process.exit(1);
}

const browser = await launch();
const { page, errors } = await phonePage(browser);
const acks = () => sql(`SELECT COUNT(*) FROM briefing_ack WHERE briefing_id = ${briefingId}`);

await step('the cabinet lists the briefing awaiting acknowledgement and opens it', async () => {
  await page.goto(`${base}/login`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', 'demo12345');
  await Promise.all([page.waitForURL(`${base}/me`), page.click('button:has-text("Войти")')]);
  const waiting = await page.textContent('#me-briefings + ul');
  if (!waiting.includes(title)) return `awaiting: ${waiting}`;
  await Promise.all([page.waitForURL(`${base}/briefings/${briefingId}`),
    page.click(`a[href="/briefings/${briefingId}"]`)]);
  return (await page.textContent('h1')).includes(title) || 'the briefing did not open';
});

await step('the text keeps its paragraphs, the page fits the phone, the button is big enough to tap', async () => {
  const text = await page.innerText('.description');
  if (!/суток\.\nНе публикуйте/.test(text)) return `text: ${JSON.stringify(text)}`;
  const box = await page.locator('button:has-text("Ознакомлен")').boundingBox();
  if (!box || box.height < 40) return `button: ${JSON.stringify(box)}`;
  return fits(page);
});

await step('«Ознакомлен» records one acknowledgement and says when', async () => {
  await Promise.all([page.waitForURL(`${base}/briefings/${briefingId}`), page.tap('button:has-text("Ознакомлен")')]);
  const status = await page.textContent('[role="status"]');
  if (!status.includes('Вы ознакомились с инструктажем')) return `status: ${status}`;
  if (await page.locator('button:has-text("Ознакомлен")').count()) return 'the button is still there';
  return acks() === '1' || `acknowledgements: ${acks()}`;
});

await step('the cabinet moves it to the acknowledged ones', async () => {
  await page.goto(`${base}/me`);
  if (await page.locator('#me-briefings').count()) return 'still listed as awaiting';
  const done = await page.textContent('#me-briefings-acked + ul');
  return done.includes(title) || `acknowledged: ${done}`;
});

await step('the cabinet fits the phone', async () => fits(page));

await step('no script errors or CSP violations on the way', async () => errors.length === 0 || errors.join('\n'));

await browser.close();
process.exit(exitCode());
