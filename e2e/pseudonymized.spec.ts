/**
 * 仮名加工情報: the privacy officer defines a data set for ⑯ (analysis); the screen offers only the treatments the
 * processing standards allow, and the server's refusal of a column ⑯ does not hold (the address) is shown naming
 * it; once defined, the set is produced for ⑯ as a CSV whose first line says it is pseudonymized data for internal
 * analysis, with no identifying column.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { mainNav, shot, signIn } from './helpers.ts';

test('officer defines a pseudonymized data set and downloads it for its purpose', async ({ page }) => {
  await signIn(page, 'officer', { totp: true, reuse: true });
  await mainNav(page).getByRole('link', { name: '仮名加工情報' }).click();
  await expect(page.getByRole('heading', { name: '仮名加工情報', level: 1 })).toBeVisible();
  await expect(page.getByTestId('pseudonymized-rules')).toContainText('第三者に提供できず');
  await page.getByTestId('pseudonymized-new').click();

  const form = page.getByTestId('pseudonymized-form');
  await form.getByLabel('コード（英数字）').fill('e2e-trends');
  await form.getByLabel('名称').fill('購買傾向の分析（E2E）');
  await form.getByTestId('pseudonymized-purposes').getByLabel(/⑯/).check();
  // The bank account offers nothing but removal; the name nothing but removal or a pseudonym.
  await expect(form.locator('select[name="treatment-bank_account"] option')).toHaveText(['削除']);
  await expect(form.locator('select[name="treatment-name"] option')).toHaveText(['削除', '仮名に置換']);
  await form.locator('select[name="treatment-member_code"]').selectOption('pseudonym');
  await form.locator('select[name="treatment-gender"]').selectOption('keep');
  await form.locator('select[name="treatment-birth_date"]').selectOption('year');
  await form.locator('select[name="treatment-address"]').selectOption('municipality');
  await form.getByTestId('pseudonymized-save').click();
  await expect(page.getByTestId('pseudonymized-error')).toContainText('pseudonymized_item_not_in_purpose');
  await expect(page.getByTestId('pseudonymized-issues')).toContainText('住所');
  await shot(page, '50-pseudonymized-refused');

  await form.locator('select[name="treatment-address"]').selectOption('remove');
  await form.getByTestId('pseudonymized-save').click();
  await expect(page.getByTestId('pseudonymized-done')).toContainText('e2e-trends');
  const row = page.locator('[data-testid="pseudonymized-row"][data-code="e2e-trends"]');
  await expect(row).toContainText('性別: そのまま');
  await expect(row.getByTestId('pseudonymized-purpose')).toHaveValue('P16');

  const [download] = await Promise.all([page.waitForEvent('download'), row.getByTestId('pseudonymized-download').click()]);
  expect(download.suggestedFilename()).toMatch(/^仮名加工情報_e2e-trends_\d{8}\.csv$/);
  const lines = readFileSync((await download.path())!, 'utf8')
    .replace(/^\uFEFF/, '')
    .split('\r\n');
  expect(lines[0]).toContain('【仮名加工情報】');
  expect(lines[0]).toContain('社内での分析専用');
  expect(lines[1]).toContain('利用目的: ⑯');
  expect(lines[2]).toBe('仮名ID,組合員コード（仮名に置換）,性別,生年月日（年まで）');
  expect(lines[3]).toMatch(/^[0-9a-f]{32},[0-9a-f]{32},(女性|男性|その他|不明|),(\d{4})?$/);
  await shot(page, '51-pseudonymized-list');

  // Changed: the birth date kept to the month instead of the year; the row says so.
  await row.getByTestId('pseudonymized-edit').click();
  const edit = page.getByTestId('pseudonymized-form');
  await expect(edit.locator('input[name="code"]')).toHaveValue('e2e-trends');
  await expect(edit.locator('select[name="treatment-gender"]')).toHaveValue('keep');
  await edit.locator('select[name="treatment-birth_date"]').selectOption('year_month');
  await edit.getByTestId('pseudonymized-save').click();
  await expect(page.getByTestId('pseudonymized-done')).toContainText('e2e-trends を変更しました');
  await expect(row).toContainText('生年月日: 年月まで');
  // Retired: it can no longer be produced.
  page.once('dialog', (d) => void d.accept());
  await row.getByTestId('pseudonymized-retire').click();
  await expect(page.getByTestId('pseudonymized-done')).toContainText('e2e-trends を廃止しました');
  await expect(row.getByTestId('pseudonymized-download')).toHaveCount(0);

  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: 'Pseudonymized data', level: 1 })).toBeVisible();
});
