// Browser test: every page of tests/browser/lib/pages.mjs, for its role, in both themes (the usual one and the
// version for the visually impaired): lang="ru", no axe-core violation of WCAG 2.1 A and AA, a caption on every
// table, a name on every scrolling region and lang on English words, and at 640 px (1280 px zoomed to 200 %) nothing
// scrolls sideways and every control stays on the screen. Also the switch between the themes without scripts, the
// presenter's pause and hide, the code's validity in text, the ticket QR's text, the live regions and the coverage
// chart's table. Runs on a demo stack of its own.
import { exitCode, launch, plan, sql, step, tap } from './lib/harness.mjs';
import { demoStack } from './lib/demo.mjs';
import { readFileSync } from 'node:fs';
import { ids, mailLinks, pages, setup } from './lib/pages.mjs';

const themes = [{ name: 'обычная версия', cookie: null }, { name: 'для слабовидящих', cookie: 'lowvision' }];
const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

plan(8 + pages.length * themes.length * 2);

let base;
const id = {};
try {
  base = await demoStack('a11y');
  sql(setup);
  for (const [k, q] of Object.entries(ids)) id[k] = sql(q).split('\n')[0].split('\t')[0];
  sql(mailLinks(id, readFileSync(`${process.env.VAR}/secret.key`, 'utf8').replace(/\s/g, '')));
} catch (e) {
  console.log(`Bail out! cannot start the demo stack: ${e.message}`);
  process.exit(1);
}

const browser = await launch();

// A signed-in context of a role (a guest's has no session): each a browser of its own, signed in through the login
// form once per role and then given that session's cookies.
const signedIn = {};
async function context(role) {
  const options = { viewport: { width: 1280, height: 900 }, locale: 'ru-RU' };
  if (role === 'guest') return browser.newContext(options);
  if (!signedIn[role]) {
    const ctx = await browser.newContext(options);
    const page = await ctx.newPage();
    await page.goto(`${base}/login`);
    await page.fill('input[name="email"]', `${role}@demo.local`);
    await page.fill('input[name="password"]', 'demo12345');
    await Promise.all([page.waitForURL(`${base}/me`), page.click('button:has-text("Войти")')]);
    signedIn[role] = await ctx.storageState();
    await ctx.close();
  }
  return browser.newContext({ ...options, storageState: signedIn[role] });
}

// The register import's preview needs an upload: a line that changes the demo school, one rejected for its INN.
await step('the administrator uploads a register file for the preview page', async () => {
  const ctx = await context('admin');
  const page = await ctx.newPage();
  await page.goto(`${base}/admin/import`);
  await page.check('input[name="kind"][value="organizations"]');
  const csv = 'Регион;Район;Направление;Полное наименование;Краткое наименование;ИНН;Страницы\n'
    + '48;Усманский район;Образование;МБОУ СОШ № 2 г. Усмани (новое название);МБОУ СОШ № 2;4816105358;https://vk.com/s2\n'
    + '48;Усманский район;Образование;Школа с ошибкой;Школа;1234567890;\n';
  await page.setInputFiles('input[name="file"]', { name: 'реестр.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await Promise.all([page.waitForURL(/\/admin\/import\/\d+/), page.click('button:has-text("Загрузить и проверить")')]);
  id.import = page.url().match(/\/admin\/import\/(\d+)/)[1];
  await ctx.close();
});

// The switch is a plain link at the top of the page: it works without scripts, comes back to the same page (its
// query kept), and the guest's cached catalogue is not shared between the two versions.
await step('without scripts, «Версия для слабовидящих» turns the larger high-contrast version on, and back', async () => {
  const ctx = await browser.newContext({ javaScriptEnabled: false, locale: 'ru-RU' });
  const page = await ctx.newPage();
  const state = () => page.evaluate(() => [document.documentElement.className,
    getComputedStyle(document.body).fontSize, document.querySelector('.view-bar a').textContent]);
  await page.goto(`${base}/?format=online`);
  const before = await state();
  await Promise.all([page.waitForURL(`${base}/?format=online`), page.click('text=Версия для слабовидящих')]);
  const on = await state();
  const kept = (await ctx.cookies()).find((c) => c.name === 'view');
  await page.goto(`${base}/?format=online`);
  const again = await state();
  await Promise.all([page.waitForURL(`${base}/?format=online`), page.click('text=Обычная версия')]);
  const off = await state();
  await ctx.close();
  const want = [['', '16px', 'Версия для слабовидящих'], ['lowvision', '24px', 'Обычная версия'],
    ['lowvision', '24px', 'Обычная версия'], ['', '16px', 'Версия для слабовидящих']];
  if (JSON.stringify([before, on, again, off]) !== JSON.stringify(want)) {
    return `class, font size, link: ${JSON.stringify([before, on, again, off])}`;
  }
  return (kept && kept.expires - Date.now() / 1000 > 300 * 86400) || `the cookie: ${JSON.stringify(kept)}`;
});

await step('in the version for the visually impaired the ticket keeps its QR code', async () => {
  const ctx = await context('participant');
  await ctx.addCookies([{ name: 'view', value: 'lowvision', url: base }]);
  const page = await ctx.newPage();
  await page.goto(`${base}/tickets/${id.ticket}`);
  const shown = await page.$eval('.ticket__qr img', (i) => getComputedStyle(i).display !== 'none' && i.naturalWidth > 0);
  await ctx.close();
  return shown || 'the QR code is hidden';
});

// open(role, path): a new page of that role at path; close its context when done.
async function open(role, path) {
  const ctx = await context(role);
  const page = await ctx.newPage();
  await page.goto(base + path);
  return { ctx, page };
}

await step('the presenter pauses the rotating code (the countdown stops) and hides it, and brings both back', async () => {
  const { ctx, page } = await open('organizer', `/checkin/${id.own}/present`);
  await page.waitForSelector('#present-controls:not([hidden])');
  await page.click('#present-pause');
  const left = await page.textContent('#present-left');
  await page.waitForTimeout(2500);
  const paused = [await page.textContent('#present-left'), await page.isVisible('#present-paused'),
    await page.getAttribute('#present-pause', 'aria-pressed')];
  await page.click('#present-hide');
  const hidden = [await page.isVisible('#present-code'), await page.isVisible('#present-qr'),
    await page.getAttribute('#present-hide', 'aria-pressed')];
  await page.click('#present-hide');
  await page.click('#present-pause');
  await page.waitForTimeout(1500);
  const back = [await page.isVisible('#present-code'), await page.isVisible('#present-paused'),
    (await page.textContent('#present-left')) !== left];
  await ctx.close();
  const got = JSON.stringify({ paused, hidden, back });
  return got === JSON.stringify({ paused: [left, true, 'true'], hidden: [false, false, 'true'], back: [true, false, true] })
    || got;
});

await step('the code entry says in text how long a code is valid', async () => {
  const { ctx, page } = await open('participant', '/checkin/code');
  const text = (await page.textContent('#code-valid')).replace(/\s+/g, ' ');
  const described = await page.getAttribute('#code-c', 'aria-describedby');
  await ctx.close();
  return (/меняется каждые 45 секунд.*ещё 45 секунд после смены/.test(text) && described === 'code-valid')
    || `${text} (aria-describedby ${described})`;
});

await step("the ticket's QR code says what it is and gives the ticket's number and code", async () => {
  const { ctx, page } = await open('participant', `/tickets/${id.ticket}`);
  const alt = await page.getAttribute('.ticket__qr img', 'alt');
  await ctx.close();
  const code = sql(`SELECT ticket_code FROM registration WHERE id = ${id.ticket}`);
  return alt === `QR-код билета № ${id.ticket}, код билета ${code}` || `alt: ${alt}`;
});

await step('results that change without a page load are live regions: scan answer, counters, issuing progress', async () => {
  const door = await open('organizer', `/checkin/${id.own}`);
  const scanner = await door.page.evaluate(() => [document.getElementById('scan-result').getAttribute('aria-live'),
    document.getElementById('checkin-counts').getAttribute('aria-live'),
    document.getElementById('checkin-search-status').getAttribute('aria-live')]);
  await door.page.goto(`${base}/certificates/jobs/${id.job}`);
  const job = await door.page.evaluate(() => document.getElementById('cert-job-status').closest('[role="status"]') !== null);
  await door.ctx.close();
  const got = JSON.stringify([...scanner, job]);
  return got === JSON.stringify(['assertive', 'polite', 'polite', true]) || got;
});

await step('the coverage chart has its data as a table: one row a bar, same names and percentages', async () => {
  const { ctx, page } = await open('reviewer', '/reports/coverage');
  const bars = await page.$$eval('svg.chart text', (l) => l.map((t) => t.textContent.replace(/\s+/g, ' ').trim()));
  const rows = await page.$$eval('.chart-data tbody tr', (l) => l.map((tr) =>
    `${tr.cells[0].textContent.trim()} — ${tr.cells[1].textContent.trim()}`));
  await ctx.close();
  return (bars.length > 0 && JSON.stringify(bars) === JSON.stringify(rows)) || `bars ${bars.join('; ')}\nrows ${rows.join('; ')}`;
});

// The address of a page with its ids filled in.
const address = (p) => p.path.replace(/\{(\w+)\}/g, (_, k) => {
  if (!id[k]) throw new Error(`no id for {${k}}: the query ids.${k} of pages.mjs found nothing`);
  return encodeURIComponent(id[k]);
});

// axe's violations as lines: the rule, its impact and help, and the first elements that break it.
function report(violations) {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.slice(0, 5)
    .map((n) => `    ${n.target.join(' ')}: ${n.html.slice(0, 200)}${n.failureSummary ? `\n      ${n.failureSummary.replace(/\n/g, ' ')}` : ''}`)
    .join('\n')}`).join('\n');
}

// What axe leaves to us: every table has a caption (WCAG 1.3.1; visually hidden where a heading says it), every
// focusable scrolling region a name, and an English word (three or more small Latin letters standing alone, as «text»
// or a mail server's «queued») is inside an element that says its language (WCAG 3.1.2); abbreviations and names
// (PDF, Excel), addresses and codes are not words. Runs in the page; returns what is wrong, one line each.
function beyondAxe() {
  const out = [];
  const text = (el) => (el ? el.textContent.replace(/\s+/g, ' ').trim() : '');
  for (const t of document.querySelectorAll('table')) {
    if (!text(t.caption)) out.push(`a table without a caption: ${t.outerHTML.slice(0, 150)}`);
  }
  for (const w of document.querySelectorAll('[role="region"][tabindex]')) {
    const by = (w.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
    if (!(w.getAttribute('aria-label') || '').trim() && !by.map((i) => text(document.getElementById(i))).join('')) {
      out.push(`a scrolling region without a name: ${w.outerHTML.slice(0, 150)}`);
    }
  }
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const el = n.parentElement;
    if (el.closest('script, style') || !el.closest('[lang]').getAttribute('lang').startsWith('ru')) continue;
    const words = n.textContent.split(/\s+/).map((w) => w.replace(/^[«"'(]+|[»"').,;:!?]+$/g, ''));
    const english = words.filter((w) => /^[a-z]{3,}$/.test(w));
    if (english.length > 0) out.push(`English without lang="en": «${english.join(' ')}» in ${el.outerHTML.slice(0, 150)}`);
  }
  return out;
}

// At 640 px: the document does not scroll sideways, and no visible control lies beyond the screen's edges, except
// inside a wide table's own scrolling region (two-dimensional data may scroll: WCAG 1.4.10).
async function zoomed(page) {
  await page.setViewportSize({ width: 640, height: 900 });
  return page.evaluate(() => {
    const doc = document.scrollingElement;
    const out = [];
    if (doc.scrollWidth > doc.clientWidth) out.push(`the page is ${doc.scrollWidth}px wide in ${doc.clientWidth}px`);
    for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
      if (el.closest('.table-wrap')) continue;
      if (r.left < -1 || r.right > doc.clientWidth + 1) {
        out.push(`${el.outerHTML.slice(0, 120)} lies at ${Math.round(r.left)}..${Math.round(r.right)}px`);
      }
    }
    return out.length === 0 || out.slice(0, 8).join('\n');
  });
}

const roles = [...new Set(pages.map((p) => p.role))];
for (const role of roles) {
  const ctx = await context(role);
  for (const theme of themes) {
    await ctx.clearCookies({ name: 'view' });
    if (theme.cookie) await ctx.addCookies([{ name: 'view', value: theme.cookie, url: base }]);
    const page = await ctx.newPage();
    for (const p of pages.filter((x) => x.role === role)) {
      const what = `${p.name} (${role}, ${p.path}, ${theme.name})`;
      let loaded = false;
      await step(`axe: ${what}`, async () => {
        await page.setViewportSize({ width: 1280, height: 900 });
        const res = await page.goto(base + address(p));
        if (res.status() !== (p.status || 200)) return `HTTP ${res.status()} at ${page.url()}`;
        loaded = true;
        const lang = await page.getAttribute('html', 'lang');
        if (lang !== 'ru') return `<html lang="${lang}">, not ru`;
        // Served by nginx (make test copies it), so Chromium compiles it once for every page.
        await page.addScriptTag({ url: '/assets/vendor/axe.min.js' });
        const r = await page.evaluate((t) => window.axe.run(document, { runOnly: { type: 'tag', values: t },
          resultTypes: ['violations'] }), tags);
        const bad = [...(r.violations.length > 0 ? [report(r.violations)] : []), ...await page.evaluate(beyondAxe)];
        return bad.length === 0 || bad.join('\n');
      });
      if (loaded) await step(`640 px: ${what}`, () => zoomed(page));
      else tap(false, `640 px: ${what}`, 'the page did not load');
    }
    await page.close();
  }
  await ctx.close();
}

await browser.close();
process.exit(exitCode());
