// Browser test with the keyboard only (Tab, Shift+Tab, Enter, Space, typed text; no clicks): a participant logs in,
// signs up for a seminar, cancels and signs up again; the organiser finds her with the door scanner's manual search
// and checks her in. Every element the focus lands on shows it (an outline or a shadow).
import { base, exitCode, launch, plan, sql, step, str } from './lib/harness.mjs';

plan(6);

// A published in-person seminar of the demo organiser, sign-up open, its session tomorrow (moved to now before
// the door check-in).
const tag = `${Date.now().toString(36)}${process.pid.toString(36)}`;
const title = `Только клавиатура ${tag}`;
let seminarId;
try {
  seminarId = sql(`INSERT INTO seminar (title, description, format, status, organizer_id, region_id, venue, address,
      cap_in_person, reg_opens_at, reg_closes_at, hours, starts_at, ends_at)
    VALUES (${str(title)}, 'Запись, отмена и отметка на входе без мыши.', 'in_person', 'published',
      (SELECT id FROM person WHERE email = 'organizer@demo.local'), 48, 'Дом журналиста', 'г. Липецк, ул. Ленина, 1',
      5, NOW() - INTERVAL 1 DAY, NOW() + INTERVAL 20 HOUR, 4, NOW() + INTERVAL 1 DAY, NOW() + INTERVAL 26 HOUR);
    SET @s = LAST_INSERT_ID();
    INSERT INTO seminar_sector (seminar_id, sector_id) VALUES (@s, 1);
    INSERT INTO seminar_session (seminar_id, starts_at, ends_at) SELECT id, starts_at, ends_at FROM seminar WHERE id = @s;
    SELECT @s`);
} catch (e) {
  console.log(`Bail out! cannot set up the seminar: ${e.message}`);
  process.exit(1);
}

const browser = await launch();
const unseen = [];

// tab(page, want): presses Tab until the focused element's text, label or name matches want (at most 60 times);
// notes every focused element without a visible focus indicator. Returns what has the focus.
async function tab(page, want) {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const boxes = [el, el.closest('label')].filter(Boolean).map((e) => getComputedStyle(e));
      const seen = boxes.some((s) => (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2)
        || s.boxShadow !== 'none');
      const label = el.labels && el.labels[0] ? el.labels[0].textContent : '';
      return { text: `${el.getAttribute('aria-label') || ''} ${el.textContent} ${label} ${el.name || ''}`
        .replace(/\s+/g, ' ').trim(), html: el.outerHTML.slice(0, 100), seen };
    });
    if (f && !f.seen) unseen.push(`${page.url()}: ${f.html}`);
    if (f && want.test(f.text)) return f;
  }
  throw new Error(`Tab never reached ${want} on ${page.url()}`);
}

// login(page, email): the login form by keyboard.
async function login(page, email) {
  await page.goto(`${base}/login`);
  await tab(page, /email/);
  await page.keyboard.type(email);
  await tab(page, /password/);
  await page.keyboard.type('demo12345');
  await Promise.all([page.waitForURL(`${base}/me`), page.keyboard.press('Enter')]);
}

const status = () => sql(`SELECT r.status FROM registration r JOIN person p ON p.id = r.person_id
  WHERE r.seminar_id = ${seminarId} AND p.email = 'participant@demo.local'`);

const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ru-RU' });
const page = await ctx.newPage();

await step('the participant logs in and signs up in person: Tab to the format, Space, Tab to «Записаться», Enter', async () => {
  await login(page, 'participant@demo.local');
  await page.goto(`${base}/seminars/${seminarId}`);
  await tab(page, /^очно/);
  await page.keyboard.press('Space');
  await tab(page, /^Записаться$/);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  const text = await page.textContent('#registration');
  return (status() === 'confirmed' && text.includes('Отменить запись')) || `status ${status()}; box: ${text}`;
});

await step('she cancels with the keyboard, then signs up again', async () => {
  await tab(page, /Отменить запись/);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  const after = status();
  if (after !== 'cancelled' && after !== '') return `after the cancellation: ${after}`;
  await tab(page, /^очно/);
  await page.keyboard.press('Space');
  await tab(page, /^Записаться$/);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  return status() === 'confirmed' || `after signing up again: ${status()}`;
});

const org = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ru-RU' });
const door = await org.newPage();

await step('the organiser opens the scanner of the session running now', async () => {
  sql(`UPDATE seminar SET starts_at = NOW() - INTERVAL 10 MINUTE, ends_at = NOW() + INTERVAL 2 HOUR WHERE id = ${seminarId};
    UPDATE seminar_session SET starts_at = NOW() - INTERVAL 10 MINUTE, ends_at = NOW() + INTERVAL 2 HOUR
    WHERE seminar_id = ${seminarId}`);
  await login(door, 'organizer@demo.local');
  await door.goto(`${base}/checkin/${seminarId}`);
  await door.waitForFunction(() => !document.getElementById('checkin-search').hidden);
  return true;
});

await step('manual search by keyboard: Tab to the search field, type the surname, Tab to «Отметить вручную», Enter', async () => {
  await tab(door, /Фамилия, имя или организация/);
  await door.keyboard.type('Иванова');
  await door.waitForSelector('#checkin-people button[data-code]', { timeout: 8000 });
  await tab(door, /Отметить вручную: Иванова/);
  await door.keyboard.press('Enter');
  await door.waitForFunction(() => document.getElementById('scan-result').classList.contains('scan--ok'), null,
    { timeout: 8000 });
  const text = (await door.textContent('#scan-result')).replace(/\s+/g, ' ');
  const rows = sql(`SELECT e.method, e.result FROM attendance a JOIN scan_event e ON e.id = a.scan_id
    JOIN registration r ON r.id = a.registration_id WHERE r.seminar_id = ${seminarId}`);
  return (rows === 'manual\tok' && text.includes('Добро пожаловать')) || `panel: ${text}; attendance: ${rows}`;
});

await step('the live counter says 1 present', async () => {
  const n = await door.textContent('[data-count="present_in_person"]');
  return n === '1' || `present: ${n}`;
});

await step('every element the focus landed on showed it', async () => unseen.length === 0 || [...new Set(unseen)].join('\n'));

await browser.close();
process.exit(exitCode());
