// Shared harness of the browser tests: TAP lines, steps that turn exceptions into failures, Debian's chromium,
// SQL through the stack script, the phone-width check, the demo password hash.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const base = process.env.BASE_URL;
export const root = process.env.ROOT || new URL('../../..', import.meta.url).pathname;
const stack = process.env.STACK || `${root}/scripts/stack.sh`;

// sql(query): rows of a query run as the database's root user, tab-separated lines.
export function sql(query) {
  return execFileSync(stack, ['psql', '-N', '-B', '-e', query], { encoding: 'utf8' }).trim();
}

// A string as an SQL literal.
export const str = (s) => `'${s.replace(/'/g, "''")}'`;

// The page is no wider than the phone: nothing scrolls sideways.
export async function fits(page) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  return w <= 390 || `page ${page.url()} is ${w}px wide`;
}

// The argon2id hash of the demo password (demo12345), for people a test inserts with SQL.
export function demoHash() {
  return readFileSync(`${root}/sql/seed/920-demo-accounts.sql`, 'utf8').match(/'(\$argon2id\$[^']+)'/)[1];
}

// Prints the TAP plan; bails out when the test stack's address is missing.
export function plan(n) {
  console.log(`1..${n}`);
  if (!base) {
    console.log('Bail out! BASE_URL is not set (run through make test)');
    process.exit(1);
  }
}

let n = 0;
let failed = 0;

export function tap(ok, name, detail) {
  n++;
  if (!ok) failed++;
  console.log(`${ok ? 'ok' : 'not ok'} ${n} - ${name}`);
  if (!ok && detail) console.log(`# ${String(detail).replace(/\n/g, '\n# ')}`);
}

// fn returns true or undefined for success, or a string that says what is wrong.
export async function step(name, fn) {
  try {
    const detail = await fn();
    tap(detail === undefined || detail === true, name, detail);
  } catch (e) {
    tap(false, name, e.stack || e);
  }
}

// Without the background-networking flags Chromium keeps calling out from this closed network.
export function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

// A page in a new phone-sized browser context (390×844, touch, Russian), and the list that collects
// its script errors and console errors (CSP violations among them).
export async function phonePage(browser) {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
    locale: 'ru-RU' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  return { ctx, page, errors };
}

export function exitCode() {
  return failed ? 1 : 0;
}
