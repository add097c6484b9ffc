// Browser test: a person signs up, logs out and logs in through the real pages on a phone-sized screen.
import { base, exitCode, launch, phonePage, plan, step } from './lib/harness.mjs';

const shots = (process.env.VAR || '/tmp') + '/browser';

plan(6);
const browser = await launch();
const { page, errors } = await phonePage(browser);
const email = `phone.${Date.now()}.${process.pid}@example.ru`;

await step('sign-up page narrows organisations by region and district', async () => {
  await page.goto(`${base}/signup`);
  await page.selectOption('#su-region', { label: 'Липецкая область' });
  await page.waitForFunction(() => document.querySelector('#su-district').options.length > 1);
  await page.selectOption('#su-district', { label: 'Усманский район' });
  await page.waitForFunction(() => document.querySelector('#su-organization').options.length > 1);
  const orgs = await page.$$eval('#su-organization option', (os) => os.map((o) => o.textContent));
  return orgs.some((t) => t.includes('Усман')) || `organisations offered: ${orgs.join(' | ')}`;
});

await step('the form signs the person up and opens the cabinet', async () => {
  await page.selectOption('#su-organization', { index: 1 });
  await page.fill('#su-full-name', 'Петрова Анна Игоревна');
  await page.fill('#su-full-name-dat', 'Петровой Анне Игоревне');
  await page.fill('#su-email', email);
  await page.fill('#su-password', 'надёжный-пароль-1');
  await page.fill('#su-password2', 'надёжный-пароль-1');
  await page.check('#su-consent');
  await Promise.all([page.waitForURL(`${base}/me`), page.click('button:has-text("Зарегистрироваться")')]);
  const text = await page.textContent('main');
  return text.includes('Петрова Анна Игоревна') || `cabinet shows: ${text.slice(0, 300)}`;
});

await step('the cabinet fits a phone screen without sideways scrolling', async () => {
  await page.screenshot({ path: `${shots}-me.png`, fullPage: true }).catch(() => {});
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  return w <= 390 || `page is ${w}px wide`;
});

await step('logout returns a guest to the catalogue', async () => {
  await Promise.all([page.waitForURL(`${base}/`), page.click('button:has-text("Выйти")')]);
  return (await page.isVisible('a[href="/login"]')) || 'no login link after logout';
});

await step('login with the new account opens the cabinet again', async () => {
  await page.goto(`${base}/login`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', 'надёжный-пароль-1');
  await Promise.all([page.waitForURL(`${base}/me`), page.click('button:has-text("Войти")')]);
  return (await page.textContent('main')).includes(email) || 'cabinet does not show the e-mail';
});

await step('no script errors or CSP violations on the way', async () =>
  errors.length === 0 || errors.join('\n'));

await browser.close();
process.exit(exitCode());
