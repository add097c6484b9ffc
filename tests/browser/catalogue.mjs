// Browser test: on a phone the catalogue shows seminars on the first screen, its filters folded behind «Фильтры»
// (a <details> that works without JavaScript) whose summary names the filters that are on; wide screens unfold them.
import { base, exitCode, fits, launch, plan, sql, step, str } from './lib/harness.mjs';

plan(7);

// An online culture seminar in 20 days and an in-person one of the same tag, so the filters have work to do.
const tag = `${Date.now().toString(36)}${process.pid.toString(36)}`;
const online = `Сторис для домов культуры ${tag}`;
const inPerson = `Фото для афиши ${tag}`;
try {
  for (const [title, format] of [[online, 'online'], [inPerson, 'in_person']]) {
    sql(`INSERT INTO seminar (title, description, format, status, organizer_id, region_id, cap_in_person, cap_online,
        starts_at, ends_at)
      VALUES (${str(title)}, 'Описание семинара.', '${format}', 'published',
        (SELECT id FROM person WHERE email = 'organizer@demo.local'), 48, 10, NULL,
        CURDATE() + INTERVAL 20 DAY + INTERVAL 10 HOUR, CURDATE() + INTERVAL 20 DAY + INTERVAL 12 HOUR);
      INSERT INTO seminar_sector (seminar_id, sector_id) VALUES (LAST_INSERT_ID(), 3)`);
  }
} catch (e) {
  console.log(`Bail out! cannot set up the seminars: ${e.message}`);
  process.exit(1);
}

const browser = await launch();
// A small phone (375×667) with or without JavaScript, and a laptop.
async function open(width, height, javaScriptEnabled) {
  const ctx = await browser.newContext({ viewport: { width, height }, isMobile: width < 500, hasTouch: width < 500,
    locale: 'ru-RU', javaScriptEnabled });
  return { ctx, page: await ctx.newPage() };
}

// The first seminar card starts on the first screen, with room for its title.
async function firstCardOnScreen(page) {
  const r = await page.evaluate(() => {
    const card = document.querySelector('.card');
    return card && { top: card.getBoundingClientRect().top, height: window.innerHeight };
  });
  if (!r) return 'no seminar card';
  return r.top + 60 <= r.height || `the first seminar starts at ${r.top}px of a ${r.height}px screen`;
}

const phone = await open(375, 667, true);
await step('phone: the filters are folded and the first seminar is on the first screen', async () => {
  await phone.page.goto(`${base}/`);
  if (await phone.page.evaluate(() => document.querySelector('#filters').open)) return 'the filters are unfolded';
  if (await phone.page.isVisible('#f-sector')) return 'the sector filter is visible';
  const summary = (await phone.page.textContent('#filters > summary')).trim();
  if (summary !== 'Фильтры') return `summary: ${summary}`;
  return firstCardOnScreen(phone.page);
});

await step('phone: «Фильтры» unfolds them; sector, format and text find only the online seminar', async () => {
  await phone.page.click('#filters > summary');
  if (!(await phone.page.isVisible('#f-sector'))) return 'the filters did not unfold';
  await phone.page.selectOption('#f-sector', { label: 'Культура' });
  await phone.page.selectOption('#f-format', 'online');
  await phone.page.fill('#f-q', tag);
  await Promise.all([phone.page.waitForURL(/\/\?/), phone.page.click('button:has-text("Найти")')]);
  const url = new URL(phone.page.url());
  if (url.searchParams.get('sector_id') !== '3' || url.searchParams.get('format') !== 'online') return `url: ${url}`;
  const cards = await phone.page.$$eval('.card__title a', (as) => as.map((a) => a.textContent));
  return (cards.length === 1 && cards[0] === online) || `cards: ${cards.join(' | ')}`;
});

await step('phone: after filtering the box is folded again, its summary names the filters, seminars come first',
  async () => {
    if (await phone.page.evaluate(() => document.querySelector('#filters').open)) return 'the filters are unfolded';
    const summary = (await phone.page.textContent('#filters > summary')).replace(/\s+/g, ' ').trim();
    if (summary !== `Фильтры: поиск «${tag}», Культура, Онлайн`) return `summary: ${summary}`;
    const w = await fits(phone.page);
    return w === true ? firstCardOnScreen(phone.page) : w;
  });

const nojs = await open(375, 667, false);
await step('phone without JavaScript: the folded filters open and filter', async () => {
  await nojs.page.goto(`${base}/`);
  const first = await firstCardOnScreen(nojs.page);
  if (first !== true) return first;
  await nojs.page.click('#filters > summary');
  await nojs.page.selectOption('#f-format', 'in_person');
  await nojs.page.fill('#f-q', tag);
  await Promise.all([nojs.page.waitForURL(/\/\?/), nojs.page.click('button:has-text("Найти")')]);
  const cards = await nojs.page.$$eval('.card__title a', (as) => as.map((a) => a.textContent));
  if (cards.length !== 1 || cards[0] !== inPerson) return `cards: ${cards.join(' | ')}`;
  const summary = (await nojs.page.textContent('#filters > summary')).replace(/\s+/g, ' ').trim();
  return summary === `Фильтры: поиск «${tag}», Очно` || `summary: ${summary}`;
});

await step('the summary is a keyboard control: Enter unfolds the filters and focus moves into them', async () => {
  await nojs.page.goto(`${base}/`);
  await nojs.page.focus('#filters > summary');
  await nojs.page.keyboard.press('Enter');
  await nojs.page.keyboard.press('Tab');
  const id = await nojs.page.evaluate(() => document.activeElement && document.activeElement.id);
  return id === 'f-q' || `focus after Tab: ${id}`;
});

const laptop = await open(1280, 800, true);
await step('laptop: the filters are unfolded and ready', async () => {
  await laptop.page.goto(`${base}/`);
  await laptop.page.waitForFunction(() => document.querySelector('#filters').open);
  return (await laptop.page.isVisible('#f-sector')) || 'the sector filter is hidden';
});

await step('laptop: the district list follows the region and the filters keep their values', async () => {
  await laptop.page.selectOption('#f-region', { label: 'Липецкая область' });
  await laptop.page.waitForFunction(() => document.querySelector('#f-district').options.length > 1);
  await laptop.page.fill('#f-q', tag);
  await Promise.all([laptop.page.waitForURL(/\/\?/), laptop.page.click('button:has-text("Найти")')]);
  const cards = await laptop.page.$$eval('.card__title a', (as) => as.map((a) => a.textContent).sort());
  if (cards.join('|') !== [inPerson, online].sort().join('|')) return `cards: ${cards.join(' | ')}`;
  return (await laptop.page.inputValue('#f-q')) === tag || 'the text filter lost its value';
});

await browser.close();
process.exit(exitCode());
