// Browser test: a person who forgot the password asks for a link on a phone, opens it from the letter the stack's
// SMTP server received, sets a new password and is signed in; the link does not work twice.
import { execFileSync } from 'node:child_process';
import { base, demoHash, exitCode, fits, launch, phonePage, plan, root, sql, step, str } from './lib/harness.mjs';

const maildir = `${process.env.VAR || `${root}/var/test`}/mail`;
const email = `reset.${Date.now()}.${process.pid}@example.ru`;

// The link of the newest letter to the address with the subject, waiting up to 30 s for it.
async function mailLink(subject) {
  for (let i = 0; i < 150; i++) {
    const file = execFileSync('/usr/bin/python3', [`${root}/tests/e2e/mail.py`, 'last', maildir, email, subject],
      { encoding: 'utf8' }).trim();
    if (file) return execFileSync('/usr/bin/python3', [`${root}/tests/e2e/mail.py`, 'get', file, 'link'], { encoding: 'utf8' }).trim();
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no letter «${subject}» to ${email}`);
}

plan(6);
sql(`INSERT INTO person (email, password_hash, full_name, full_name_dat, organization_id, consent_at, consent_version)
  VALUES (${str(email)}, ${str(demoHash())}, 'Забывчивая Нина Петровна', 'Забывчивой Нине Петровне',
    (SELECT id FROM organization WHERE inn = '4816105358'), NOW(), '2026-01')`);
const browser = await launch();
const { page, errors } = await phonePage(browser);
let link;

await step('the login page leads to the reset form, which answers without saying whether the address is known', async () => {
  await page.goto(`${base}/login`);
  await Promise.all([page.waitForURL(`${base}/password/forgot`), page.click('a:has-text("Забыли пароль?")')]);
  await page.fill('#forgot-email', email);
  await Promise.all([page.waitForURL(`${base}/password/forgot`), page.click('button:has-text("Отправить ссылку")')]);
  const text = await page.textContent('main');
  return text.includes('Если адрес зарегистрирован') || `answer: ${text.slice(0, 300)}`;
});

await step('the letter holds a link to this site', async () => {
  link = await mailLink('Смена пароля');
  return link.startsWith(`${base}/password/reset/`) || `link: ${link}`;
});

await step('the link opens the new-password form, which fits a phone', async () => {
  await page.goto(link);
  const text = await page.textContent('main');
  if (!text.includes(email)) return `form: ${text.slice(0, 300)}`;
  return fits(page);
});

await step('a new password signs the person in', async () => {
  await page.fill('#set-password', 'новый-пароль-42');
  await page.fill('#set-password2', 'новый-пароль-42');
  await Promise.all([page.waitForURL(`${base}/me`), page.click('button:has-text("Сохранить пароль")')]);
  const text = await page.textContent('main');
  if (!text.includes('Забывчивая Нина Петровна')) return `cabinet: ${text.slice(0, 300)}`;
  return fits(page);
});

await step('no script errors or CSP violations on the way', async () => errors.length === 0 || errors.join('\n'));

await step('the link does not work a second time', async () => {
  const res = await page.goto(link);
  return (res.status() === 410 && (await page.textContent('main')).includes('Ссылка недействительна')) ||
    `status ${res.status()}`;
});

await browser.close();
process.exit(exitCode());
