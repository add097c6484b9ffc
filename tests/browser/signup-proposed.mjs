// Browser test: a person whose organisation is not in the register proposes it at sign-up (the district follows the selects).
import { base, exitCode, fits, launch, phonePage, plan, sql, step, str } from './lib/harness.mjs';

plan(4);
const browser = await launch();
const { page, errors } = await phonePage(browser);
const email = `proposed.${Date.now()}.${process.pid}@example.ru`;
const orgName = `МБОУ ООШ д. Новосёлки ${process.pid}`;

await step('«Моей организации нет в списке» swaps the organisation list for the name and sector', async () => {
  await page.goto(`${base}/signup`);
  if (await page.isVisible('#su-org-name')) return 'the proposal fields show before the box is ticked';
  await page.selectOption('#su-region', { label: 'Липецкая область' });
  await page.waitForFunction(() => document.querySelector('#su-district').options.length > 1);
  await page.selectOption('#su-district', { label: 'Добринский район' });
  await page.check('#su-org-missing');
  if (await page.isVisible('#su-organization')) return 'the organisation list is still shown';
  return (await page.isVisible('#su-org-name')) || 'no field for the organisation name';
});

await step('the form signs the person up with the proposed organisation in the chosen district', async () => {
  await page.fill('#su-org-name', orgName);
  await page.selectOption('#su-org-sector', { label: 'Образование' });
  await page.fill('#su-full-name', 'Сидорова Ольга Павловна');
  await page.fill('#su-full-name-dat', 'Сидоровой Ольге Павловне');
  await page.fill('#su-email', email);
  await page.fill('#su-password', 'надёжный-пароль-2');
  await page.fill('#su-password2', 'надёжный-пароль-2');
  await page.check('#su-consent');
  await Promise.all([page.waitForURL(`${base}/me`), page.click('button:has-text("Зарегистрироваться")')]);
  const row = sql(`SELECT o.status, o.active, d.name, o.sector_id FROM person p JOIN organization o ON o.id = p.organization_id
                   JOIN district d ON d.id = o.district_id WHERE p.email = ${str(email)} AND o.name = ${str(orgName)}`);
  return row === 'proposed\t0\tДобринский район\t1' || `organisation row: '${row}'`;
});

await step('the sign-up page fits a phone screen with the proposal fields open', async () => {
  await page.goto(`${base}/signup`);
  await page.check('#su-org-missing');
  return fits(page);
});

await step('no script errors or CSP violations on the way', async () => errors.length === 0 || errors.join('\n'));

await browser.close();
process.exit(exitCode());
