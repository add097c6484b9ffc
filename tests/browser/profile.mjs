// Browser test: a person edits their profile on a phone-sized screen; the dative form is proposed as they type.
import { base, exitCode, launch, phonePage, plan, step } from './lib/harness.mjs';

plan(5);
const browser = await launch();
const { page, errors } = await phonePage(browser);
const email = `profile.${Date.now()}.${process.pid}@example.ru`;

await step('a new person signs up; the dative form is proposed from the name', async () => {
  await page.goto(`${base}/signup`);
  await page.selectOption('#su-region', { label: 'Липецкая область' });
  await page.waitForFunction(() => document.querySelector('#su-district').options.length > 1);
  await page.selectOption('#su-district', { label: 'Усманский район' });
  await page.waitForFunction(() => document.querySelector('#su-organization').options.length > 1);
  await page.selectOption('#su-organization', { index: 1 });
  await page.type('#su-full-name', 'Шевченко Ольга Петровна');
  const dat = await page.inputValue('#su-full-name-dat');
  await page.fill('#su-email', email);
  await page.fill('#su-password', 'надёжный-пароль-1');
  await page.fill('#su-password2', 'надёжный-пароль-1');
  await page.check('#su-consent');
  await Promise.all([page.waitForURL(`${base}/me`), page.click('button:has-text("Зарегистрироваться")')]);
  return dat === 'Шевченко Ольге Петровне' || `proposed: ${dat}`;
});

await step('the profile page fits a phone screen without sideways scrolling', async () => {
  await Promise.all([page.waitForURL(`${base}/me/profile`), page.click('a:has-text("Изменить профиль")')]);
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  return w <= 390 || `page is ${w}px wide`;
});

await step('typing a new name proposes its dative form and shows it as the certificate prints it', async () => {
  await page.fill('#pr-full-name', '');
  await page.type('#pr-full-name', 'Ёлкина-Петрова Анна-Мария Олеговна');
  const dat = await page.inputValue('#pr-full-name-dat');
  const preview = (await page.textContent('#pr-preview')).trim();
  return (dat === 'Ёлкиной-Петровой Анне-Марии Олеговне' &&
          preview === 'Сертификат выдан Ёлкиной-Петровой Анне-Марии Олеговне') ||
    `proposed: ${dat}; preview: ${preview}`;
});

await step('a correction by hand is kept, and the profile is saved', async () => {
  await page.fill('#pr-full-name-dat', 'Ёлкиной-Петровой Анне-Марии Олеговне');
  await page.fill('#pr-position', 'Заместитель директора');
  await Promise.all([page.waitForURL(`${base}/me/profile?saved=1`), page.click('button:has-text("Сохранить")')]);
  const notice = await page.textContent('main');
  return (notice.includes('Профиль сохранён.') && (await page.inputValue('#pr-full-name')) ===
          'Ёлкина-Петрова Анна-Мария Олеговна') || `after saving: ${notice.slice(0, 300)}`;
});

await step('no script errors or CSP violations on the way', async () =>
  errors.length === 0 || errors.join('\n'));

await browser.close();
process.exit(exitCode());
