// Browser test: the organiser checks participants in at the door on a phone, with a keyboard-wedge scanner
// (it types the ticket code or the ticket link and presses Enter): green for a valid ticket, amber for one
// already checked in, red for an unknown code; counters, the device's recent scans, no sideways scrolling.
import { base, demoHash, exitCode, fits, launch, phonePage, plan, sql, step, str } from './lib/harness.mjs';

const shots = (process.env.VAR || '/tmp') + '/browser-scanner';

plan(11);

// A published in-person seminar in Усманский район with a session running now (today), and a participant of
// the demo school with a confirmed place (the seminar's counter counts it, as a sign-up would).
const tag = `${Date.now().toString(36)}${process.pid.toString(36)}`;
const title = `Отметка на входе ${tag}`;
const email = `browser.scanner.${tag}@example.ru`;
const name = 'Сканова Ирина Петровна';
const hash = demoHash();
let seminarId;
let regId;
let ticket;
try {
  [seminarId, regId, ticket] = sql(`INSERT INTO seminar (title, description, format, status, organizer_id, region_id,
      district_id, venue, address, cap_in_person, cap_online, taken_in_person, reg_opens_at, reg_closes_at, hours,
      starts_at, ends_at)
    VALUES (${str(title)}, 'Проверка билетов на входе: сканер, счётчики, повторный вход.', 'in_person', 'published',
      (SELECT id FROM person WHERE email = 'organizer@demo.local'), 48,
      (SELECT id FROM district WHERE region_id = 48 AND name = 'Усманский район'), 'Дом журналиста',
      'г. Усмань, ул. Ленина, 1', 5, NULL, 1, NOW() - INTERVAL 1 DAY, NOW() + INTERVAL 20 DAY, 4,
      NOW() - INTERVAL 10 MINUTE, NOW() + INTERVAL 2 HOUR);
    SET @s = LAST_INSERT_ID();
    INSERT INTO seminar_sector (seminar_id, sector_id) VALUES (@s, 1);
    INSERT INTO seminar_session (seminar_id, starts_at, ends_at) SELECT id, starts_at, ends_at FROM seminar WHERE id = @s;
    INSERT INTO person (email, password_hash, full_name, full_name_dat, phone, position, organization_id, consent_at,
      consent_version)
    VALUES (${str(email)}, ${str(hash)}, ${str(name)}, 'Скановой Ирине Петровне', NULL, 'Учитель',
      (SELECT id FROM organization WHERE inn = '4816105358'), NOW(), '2026-01');
    INSERT INTO registration (seminar_id, person_id, organization_id, mode, status, queued_at, source, ticket_code)
    SELECT @s, p.id, p.organization_id, 'in_person', 'confirmed', NOW(6), 'self',
      SUBSTR(REPLACE(REPLACE(TO_BASE64(RANDOM_BYTES(16)), '+', '-'), '/', '_'), 1, 22)
    FROM person p WHERE p.email = ${str(email)};
    SELECT @s, id, ticket_code FROM registration WHERE id = LAST_INSERT_ID()`).split('\t');
  if (!/^[A-Za-z0-9_-]{22}$/.test(ticket || '')) throw new Error(`no ticket code: ${ticket}`);
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

// wedge(text): what a keyboard-wedge scanner does: types the text fast into the focused field and presses Enter.
async function wedge(text) {
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

// result(tone): waits for the result panel to show that tone; returns its text and background colour.
async function result(tone) {
  await page.waitForFunction((t) => {
    const p = document.getElementById('scan-result');
    return p && p.classList.contains(`scan--${t}`);
  }, tone, { timeout: 8000 });
  return page.$eval('#scan-result', (p) => ({ text: p.textContent.replace(/\s+/g, ' ').trim(),
    bg: getComputedStyle(p).backgroundColor }));
}

// The colour of a panel: green, amber, red or what it is.
function colour(bg) {
  const m = /rgba?\((\d+), (\d+), (\d+)/.exec(bg);
  if (!m) return bg;
  const [r, g, b] = m.slice(1).map(Number);
  if (g > r + 40 && g > b + 40) return 'green';
  if (r > 200 && g > 140 && b < 100) return 'amber';
  if (r > 2 * g && r > 2 * b) return 'red';
  return bg;
}

const count = (key) => page.textContent(`[data-count="${key}"]`);
const attendance = () => sql(`SELECT a.mode, a.undone_at IS NULL, e.method, e.result FROM attendance a
  JOIN scan_event e ON e.id = a.scan_id WHERE a.registration_id = ${regId}`);

await step('the organiser logs in through the login page', async () => {
  await page.goto(`${base}/login`);
  await page.fill('input[name="email"]', 'organizer@demo.local');
  await page.fill('input[name="password"]', 'demo12345');
  await Promise.all([page.waitForURL(`${base}/me`), page.click('button:has-text("Войти")')]);
  return (await page.textContent('header')).includes('Соколов Андрей Викторович') || 'the header has no name';
});

await step('the scanner page opens on the session running now: 1 registered, nobody present yet', async () => {
  const res = await page.goto(`${base}/checkin/${seminarId}`);
  if (res.status() !== 200) return `HTTP ${res.status()}`;
  await checkWidth();
  // The script has taken over the form (it would post the page away otherwise).
  await page.waitForFunction(() => document.getElementById('checkin-recent') &&
    !document.getElementById('checkin-recent').hidden);
  const got = [await count('registered'), await count('present_in_person'), await count('present_online')];
  if (got.join() !== '1,0,0') return `counters: ${got}`;
  return (await page.textContent('h1')).includes(title) || 'no seminar title';
});

await step('a scanned ticket code + Enter turns the panel green: «Добро пожаловать» with the name', async () => {
  await page.focus('#checkin-code');
  await wedge(ticket);
  const r = await result('ok');
  await checkWidth();
  await page.screenshot({ path: `${shots}-ok.png`, fullPage: true }).catch(() => {});
  if (colour(r.bg) !== 'green') return `panel colour ${r.bg}`;
  if (!r.text.includes(`Добро пожаловать, ${name}`)) return `panel: ${r.text}`;
  const rows = attendance();
  if (rows !== 'in_person\t1\tqr\tok') return `attendance: ${rows}`;
  // The field is empty and focused again for the next read.
  const field = await page.$eval('#checkin-code', (i) => [i.value, document.activeElement === i]);
  return (field[0] === '' && field[1]) || `code field after the scan: ${JSON.stringify(field)}`;
});

await step('the same ticket again turns it amber: «уже отмечен», with the time and who checked in', async () => {
  await wedge(ticket);
  const r = await result('already');
  await checkWidth();
  if (colour(r.bg) !== 'amber') return `panel colour ${r.bg}`;
  if (!/уже отмечен в \d\d:\d\d, отметил\(а\) Соколов Андрей Викторович/i.test(r.text) || !r.text.includes(name)) {
    return `panel: ${r.text}`;
  }
  const rows = attendance();
  return rows === 'in_person\t1\tqr\tok' || `attendance: ${rows}`;
});

await step('the ticket link typed with the Russian keyboard layout on, focus elsewhere, is still read', async () => {
  // What a wedge scanner types for the QR's link when the phone's layout is Russian.
  const en = 'qwertyuiop[]asdfghjkl;\'zxcvbnm,./QWERTYUIOP{}ASDFGHJKL:"ZXCVBNM<>?`~@#$^&';
  const ru = 'йцукенгшщзхъфывапролджэячсмитьбю.ЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮ,ёЁ"№;:?';
  const typed = [...`${base}/t/${ticket}`].map((c) => (en.includes(c) ? ru[en.indexOf(c)] : c)).join('');
  // The keys of a read that starts while nothing is focused go to the code field.
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  const before = await page.$$eval('#checkin-recent-list li', (l) => l.length);
  await wedge(typed);
  await page.waitForFunction((n) => document.querySelectorAll('#checkin-recent-list li').length > n, before,
    { timeout: 8000 });
  const r = await result('already');
  if (colour(r.bg) !== 'amber' || !r.text.includes(name)) return `panel: ${r.text} (${r.bg}); typed ${typed}`;
  return true;
});

await step('an unknown code turns it red: «Неверный код»', async () => {
  await page.focus('#checkin-code');
  await wedge('NoSuchTicketCode000000');
  const r = await result('bad');
  await checkWidth();
  await page.screenshot({ path: `${shots}-bad.png`, fullPage: true }).catch(() => {});
  if (colour(r.bg) !== 'red') return `panel colour ${r.bg}`;
  return r.text.includes('Неверный код') || `panel: ${r.text}`;
});

await step('the counters show 1 present, on the page and after a reload', async () => {
  const live = [await count('registered'), await count('present_in_person'), await count('present_online')];
  if (live.join() !== '1,1,0') return `counters after the scans: ${live}`;
  await page.reload();
  const fresh = [await count('registered'), await count('present_in_person'), await count('present_online')];
  return fresh.join() === '1,1,0' || `counters after a reload: ${fresh}`;
});

await step("the device's recent scans list all four reads, the first one as checked in", async () => {
  const items = await page.$$eval('#checkin-recent-list li', (l) => l.map((li) => li.textContent.replace(/\s+/g, ' ')));
  if (items.length !== 4) return `recent: ${items.join(' | ')}`;
  const last = items[items.length - 1];
  return (last.includes(name) && last.includes('Отмечен')) || `the first scan in the list: ${last}`;
});

await step('every counter label fits its box on the phone (none is cut off)', async () => {
  const cut = await page.$$eval('.checkin-counts__item', (items) => items
    .filter((i) => i.scrollWidth > i.clientWidth + 1)
    .map((i) => `«${i.textContent.replace(/\s+/g, ' ').trim()}»: ${i.scrollWidth}px of text in a ${i.clientWidth}px box`));
  return cut.length === 0 || cut.join('\n');
});

await step('no page of the way scrolls sideways on the phone', async () => {
  await checkWidth();
  return wide.length === 0 || wide.join('\n');
});

await step('no script errors or CSP violations on the way', async () =>
  errors.length === 0 || errors.join('\n'));

await browser.close();
process.exit(exitCode());
