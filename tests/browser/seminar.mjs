// Browser test: a participant finds a seminar in the catalogue, signs up online, sees it in the cabinet
// and cancels it there, through the real pages on a phone-sized screen.
import { base, demoHash, exitCode, fits, launch, phonePage, plan, sql, step, str } from './lib/harness.mjs';

const shots = (process.env.VAR || '/tmp') + '/browser-seminar';

plan(12);

// A published hybrid seminar in Усманский район in 30 days, 5 places in person and unlimited online,
// and a participant of the demo school with the demo password (hash from sql/seed/920-demo-accounts.sql).
const tag = `${Date.now().toString(36)}${process.pid.toString(36)}`;
const title = `Соцсети школы на телефоне ${tag}`;
// A title with a long word (a hashtag, as such seminars have) must wrap instead of widening the page.
const longTitle = `Неделя #ГоспабликиЛипецкойОбластиОбразование ${tag}`;
const email = `browser.seminar.${tag}@example.ru`;
const hash = demoHash();
let seminarId;
try {
  seminarId = sql(`INSERT INTO seminar (title, description, format, status, organizer_id, region_id, district_id, venue,
      address, stream_url, cap_in_person, cap_online, reg_opens_at, reg_closes_at, hours, starts_at, ends_at)
    VALUES (${str(title)}, 'Как вести страницу школы с телефона: съёмка, тексты, ответы на комментарии.', 'hybrid',
      'published', (SELECT id FROM person WHERE email = 'organizer@demo.local'), 48,
      (SELECT id FROM district WHERE region_id = 48 AND name = 'Усманский район'), 'Дом журналиста',
      'г. Усмань, ул. Ленина, 1', 'https://example.org/live/browser', 5, NULL, NOW() - INTERVAL 1 DAY,
      NOW() + INTERVAL 20 DAY, 4, CURDATE() + INTERVAL 30 DAY + INTERVAL 10 HOUR,
      CURDATE() + INTERVAL 30 DAY + INTERVAL 13 HOUR);
    SET @s = LAST_INSERT_ID();
    INSERT INTO seminar_sector (seminar_id, sector_id) VALUES (@s, 1);
    INSERT INTO seminar_session (seminar_id, starts_at, ends_at) SELECT id, starts_at, ends_at FROM seminar WHERE id = @s;
    INSERT INTO person (email, password_hash, full_name, full_name_dat, phone, position, organization_id, consent_at,
      consent_version)
    VALUES (${str(email)}, ${str(hash)}, 'Телефонова Ольга Сергеевна', 'Телефоновой Ольге Сергеевне', NULL, 'Учитель',
      (SELECT id FROM organization WHERE inn = '4816105358'), NOW(), '2026-01');
    SELECT @s`);
  sql(`INSERT INTO seminar (title, description, format, status, organizer_id, region_id, cap_in_person, starts_at, ends_at)
    VALUES (${str(longTitle)}, 'Описание семинара.', 'online', 'published',
      (SELECT id FROM person WHERE email = 'organizer@demo.local'), 48, 0,
      CURDATE() + INTERVAL 31 DAY + INTERVAL 10 HOUR, CURDATE() + INTERVAL 31 DAY + INTERVAL 12 HOUR)`);
} catch (e) {
  console.log(`Bail out! cannot set up the seminar: ${e.message}`);
  process.exit(1);
}

const browser = await launch();
const { page, errors } = await phonePage(browser);
const wide = [];
async function checkWidth() {
  const r = await fits(page);
  if (r !== true) wide.push(r);
}

await step('the participant logs in through the login page', async () => {
  await page.goto(`${base}/login`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', 'demo12345');
  await Promise.all([page.waitForURL(`${base}/me`), page.click('button:has-text("Войти")')]);
  return (await page.textContent('main')).includes('Телефонова Ольга Сергеевна') || 'cabinet does not show the name';
});

await step('the catalogue finds the seminar by region, district and text', async () => {
  await page.goto(`${base}/`);
  // On a phone the filters are folded behind «Фильтры».
  await page.click('#filters > summary');
  await page.selectOption('#f-region', { label: 'Липецкая область' });
  await page.waitForFunction(() => document.querySelector('#f-district').options.length > 1);
  await page.selectOption('#f-district', { label: 'Усманский район' });
  await page.fill('#f-q', tag);
  await Promise.all([page.waitForURL(/\/\?/), page.click('button:has-text("Найти")')]);
  await checkWidth();
  const cards = await page.$$eval('.card__title a', (as) => as.map((a) => a.textContent));
  if (cards.length !== 1 || cards[0] !== title) return `cards found: ${cards.join(' | ')}`;
  const card = await page.textContent('.card');
  return (card.includes('осталось 5 мест из 5') && card.includes('без ограничения мест')) || `card: ${card}`;
});

await step('the seminar page shows the details, the schedule and the places left', async () => {
  await Promise.all([page.waitForURL(`${base}/seminars/${seminarId}`), page.click(`.card__title a`)]);
  await checkWidth();
  const text = await page.textContent('main');
  const want = [title, 'Дом журналиста', 'Усманский район', 'Расписание', 'Добавить в календарь', 'Записаться'];
  const missing = want.filter((w) => !text.includes(w));
  return missing.length === 0 || `missing on the page: ${missing.join(', ')}`;
});

await step('choosing «онлайн» and pressing «Записаться» confirms the place', async () => {
  await page.check('input[name="mode"][value="online"]');
  await Promise.all([page.waitForURL(`${base}/seminars/${seminarId}#registration`),
    page.click('button:has-text("Записаться")')]);
  await checkWidth();
  const box = await page.textContent('#registration');
  if (!box.includes('Место подтверждено') || !box.includes('онлайн')) return `registration box: ${box}`;
  // A confirmed online participant gets the stream link.
  return (await page.isVisible('a[href="https://example.org/live/browser"]')) || 'no stream link';
});

await step('the database has one confirmed online registration', async () => {
  const rows = sql(`SELECT r.mode, r.status, r.source FROM registration r JOIN person p ON p.id = r.person_id
    WHERE r.seminar_id = ${seminarId} AND p.email = ${str(email)}`);
  return rows === 'online\tconfirmed\tself' || `rows: ${rows}`;
});

await step('the cabinet lists the seminar with its status', async () => {
  await page.goto(`${base}/me`);
  await checkWidth();
  const item = page.locator('.reg-item', { hasText: title });
  if ((await item.count()) !== 1) return `registrations shown: ${await item.count()}`;
  const text = await item.textContent();
  return (text.includes('Место подтверждено') && text.includes('онлайн')) || `cabinet item: ${text}`;
});

await step('cancelling from the cabinet cancels the registration', async () => {
  const item = page.locator('.reg-item', { hasText: title });
  await Promise.all([page.waitForNavigation(), item.locator('button:has-text("Отменить")').click()]);
  await checkWidth();
  const rows = sql(`SELECT r.status, r.cancelled_at IS NOT NULL FROM registration r JOIN person p ON p.id = r.person_id
    WHERE r.seminar_id = ${seminarId} AND p.email = ${str(email)}`);
  return rows === 'cancelled\t1' || `rows: ${rows}`;
});

await step('after cancelling the seminar page offers the sign-up again and the cabinet shows the cancellation',
  async () => {
    await page.goto(`${base}/seminars/${seminarId}`);
    if (!(await page.isVisible('button:has-text("Записаться")'))) return 'no sign-up button after cancelling';
    await page.goto(`${base}/me`);
    const text = await page.locator('.reg-item', { hasText: title }).textContent();
    return text.includes('Запись отменена') || `cabinet item: ${text}`;
  });

await step('every page of the way fits a phone screen without sideways scrolling', async () => {
  await page.screenshot({ path: `${shots}-me.png`, fullPage: true }).catch(() => {});
  return wide.length === 0 || wide.join('\n');
});

await step('a title with a long word wraps on the catalogue card and the seminar page', async () => {
  const bad = [];
  await page.goto(`${base}/?q=${encodeURIComponent(longTitle)}`);
  const link = page.locator('.card__title a', { hasText: longTitle });
  if ((await link.count()) !== 1) return 'the seminar is not in the catalogue';
  let r = await fits(page);
  if (r !== true) bad.push(r);
  await page.goto(base + await link.getAttribute('href'));
  r = await fits(page);
  if (r !== true) bad.push(r);
  await page.screenshot({ path: `${shots}-long-title.png`, fullPage: true }).catch(() => {});
  return bad.length === 0 || bad.join('\n');
});

await step("the organiser's pages of the seminar fit a phone screen too", async () => {
  const { ctx: octx, page: op } = await phonePage(browser);
  const bad = [];
  await op.goto(`${base}/login`);
  await op.fill('input[name="email"]', 'organizer@demo.local');
  await op.fill('input[name="password"]', 'demo12345');
  await Promise.all([op.waitForURL(`${base}/me`), op.click('button:has-text("Войти")')]);
  for (const path of ['/manage/seminars', `/manage/seminars/${seminarId}`, `/manage/seminars/${seminarId}/participants`]) {
    const res = await op.goto(base + path);
    if (res.status() !== 200) bad.push(`${path}: HTTP ${res.status()}`);
    const r = await fits(op);
    if (r !== true) bad.push(`${path}: ${r}`);
  }
  await octx.close();
  return bad.length === 0 || bad.join('\n');
});

await step('no script errors or CSP violations on the way', async () =>
  errors.length === 0 || errors.join('\n'));

await browser.close();
process.exit(exitCode());
