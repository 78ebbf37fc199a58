/**
 * 連携システム: the privacy officer registers a SQLite system whose file does not exist, with a password; the
 * connection check says 接続できません (system_unreachable); editing shows the password only as 「設定済み」, and
 * the secret never appears in the page.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { E2E_DATA_DIR, mainNav, shot, signIn } from './helpers.ts';

const SECRET = 'e2e-secret-never-shown-7731';

test('officer registers a system, checks it (unreachable) and never sees the secret again', async ({ page }) => {
  await signIn(page, 'officer', { totp: true, reuse: true });
  await mainNav(page).getByRole('link', { name: '連携システム' }).click();
  await expect(page.getByRole('heading', { name: '連携システム', level: 1 })).toBeVisible();
  await page.getByTestId('system-new').click();

  const form = page.getByTestId('system-form');
  await form.getByLabel('コード').fill('e2e-shop');
  await form.getByLabel('名称').fill('通販システム（E2E）');
  await form.getByLabel('連携方式').selectOption('sqlite');
  // Inside the folder SQLite systems may be in (the data folder's systems), but not there: unreachable.
  await form.getByLabel('SQLite ファイル').fill(resolve(E2E_DATA_DIR, 'systems', 'missing', 'e2e-shop.db'));
  await form.getByLabel('パスワード・秘密鍵').fill(SECRET);
  await form.getByRole('button', { name: '登録する' }).click();
  await expect(page.getByTestId('systems-done')).toContainText('連携システム e2e-shop を登録しました。');

  const row = page.locator('[data-testid="system-row"][data-code="e2e-shop"]');
  await expect(row.getByTestId('system-status')).toHaveText('未確認');
  await expect(row.getByTestId('system-secret-set')).toHaveText('設定済み');

  await row.getByTestId('system-check').click();
  await expect(page.getByTestId('system-check-result')).toContainText('e2e-shop に接続できません');
  await expect(page.getByTestId('system-check-result')).toContainText('system_unreachable');
  await expect(row.getByTestId('system-status')).toHaveText('接続できません');
  await expect(row).toHaveAttribute('data-status', 'failing');
  await shot(page, '40-systems-check');

  await row.getByTestId('system-edit').click();
  await expect(form.getByTestId('secret-state')).toHaveText('設定済み');
  await expect(form.locator('input[name="secret"]')).toHaveValue('');
  expect(await page.content()).not.toContain(SECRET);
  // Saving without typing a secret keeps it.
  await form.getByLabel('名称').fill('通販システム（E2E・改）');
  await form.getByRole('button', { name: '保存する' }).click();
  await expect(page.getByTestId('systems-done')).toContainText('連携システム e2e-shop を変更しました。');
  await expect(row.getByTestId('system-secret-set')).toHaveText('設定済み');

  // The stopped-purposes file for a system that cannot enforce a cessation of use (the demo's ordering system).
  const ordering = page.locator('[data-testid="system-row"][data-code="ordering"]');
  const [download] = await Promise.all([page.waitForEvent('download'), ordering.getByTestId('system-stops').click()]);
  const csv = readFileSync((await download.path())!, 'utf8');
  expect(csv.startsWith('\uFEFF組合員コード')).toBe(true);
  expect(csv).toContain('利用停止の目的コード');

  // The English switch.
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: 'Connected systems', level: 1 })).toBeVisible();
  await expect(row.getByTestId('system-status')).toHaveText('Cannot connect');
  expect(await page.content()).not.toContain(SECRET);
});
