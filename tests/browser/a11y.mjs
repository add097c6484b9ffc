// Browser test: every page of tests/browser/pages.mjs, for its role, in both themes (the usual one and the version
// for the visually impaired): axe-core finds no violation of WCAG 2.1 A and AA, and at 640 px (1280 px zoomed to
// 200 %) nothing scrolls sideways and every control stays on the screen. Runs on a demo stack of its own.
import { readFileSync } from 'node:fs';
import { exitCode, launch, plan, root, sql, step, tap } from './lib/harness.mjs';
import { demoStack } from './lib/demo.mjs';
import { ids, pages, setup } from './pages.mjs';

const themes = [{ name: 'обычная версия', cookie: null }];
const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const axe = readFileSync(`${root}/node_modules/axe-core/axe.min.js`, 'utf8');

plan(1 + pages.length * themes.length * 2);

let base;
const id = {};
try {
  base = await demoStack('a11y');
  sql(setup);
  for (const [k, q] of Object.entries(ids)) id[k] = sql(q).split('\n')[0].split('\t')[0];
} catch (e) {
  console.log(`Bail out! cannot start the demo stack: ${e.message}`);
  process.exit(1);
}

const browser = await launch();

// A signed-in context of a role (a guest's has no session); the axe script is injected despite the CSP.
async function context(role) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ru-RU', bypassCSP: true });
  if (role === 'guest') return ctx;
  const page = await ctx.newPage();
  await page.goto(`${base}/login`);
  await page.fill('input[name="email"]', `${role}@demo.local`);
  await page.fill('input[name="password"]', 'demo12345');
  await Promise.all([page.waitForURL(`${base}/me`), page.click('button:has-text("Войти")')]);
  await page.close();
  return ctx;
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
    await ctx.clearCookies({ name: 'lowvision' });
    if (theme.cookie) await ctx.addCookies([{ name: 'lowvision', value: theme.cookie, url: base }]);
    const page = await ctx.newPage();
    for (const p of pages.filter((x) => x.role === role)) {
      const what = `${p.name} (${role}, ${p.path}, ${theme.name})`;
      let loaded = false;
      await step(`axe: ${what}`, async () => {
        await page.setViewportSize({ width: 1280, height: 900 });
        const res = await page.goto(base + address(p));
        if (res.status() !== (p.status || 200)) return `HTTP ${res.status()} at ${page.url()}`;
        loaded = true;
        await page.addScriptTag({ content: axe });
        const r = await page.evaluate((t) => window.axe.run(document, { runOnly: { type: 'tag', values: t },
          resultTypes: ['violations'] }), tags);
        return r.violations.length === 0 || report(r.violations);
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
