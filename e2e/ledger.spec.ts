/**
 * (g) The privacy officer keeps the ledger of personal information (個人情報管理台帳): registers a paper asset
 * moved in from the old spreadsheet ledger with a risk row, sees its review overdue (on the asset and in the
 * list's overdue filter), records a review that clears it, and downloads the ledger as an Excel workbook.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { mainNav, shot, signIn } from './helpers.ts';

const NAME = 'E2E 宅配注文書（紙）';

test('officer: register an asset with a risk row, see it overdue, record a review, download the xlsx', async ({ page }) => {
  await signIn(page, 'officer', { totp: true, reuse: true });
  await mainNav(page).getByRole('link', { name: '個人情報管理台帳' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '個人情報管理台帳' })).toBeVisible();
  await expect(page.getByTestId('ledger-counts')).toBeVisible();

  // Register: only name, department and medium are required; the rest is filled as the office knows it.
  await page.getByTestId('ledger-new').click();
  const form = page.getByTestId('asset-form');
  await form.getByLabel('情報資産の名称').fill(NAME);
  await form.getByLabel('管理部門').selectOption('delivery');
  await form.getByLabel(/^媒体/).selectOption('paper');
  await form.getByRole('checkbox', { name: 'メンバー（組合員）コード', exact: true }).check();
  await form.getByRole('checkbox', { name: '氏名', exact: true }).check();
  await form.getByRole('checkbox', { name: /^④/ }).check();
  await form.getByLabel('保管場所', { exact: true }).fill('宅配センターの施錠キャビネット');
  await form.getByLabel('保存期間', { exact: true }).fill('3か月');

  // One risk row (移送・送信); applying it without a residual risk is refused at the row.
  const transfer = form.locator('[data-testid="risk-row"][data-stage="transfer"]');
  await transfer.getByLabel('移送・送信 評価').selectOption('applies');
  await transfer.getByLabel('移送・送信 脅威・リスク').fill('配送車両からの紛失・盗難');
  await transfer.getByLabel('移送・送信 対策').fill('施錠できる回収ボックスで運搬');
  // The last review in the old spreadsheet ledger was long ago: the asset arrives overdue.
  await form.getByLabel('前回見直し日').fill('2024-04-01');
  await form.getByRole('button', { name: '登録する' }).click();
  await expect(transfer.getByTestId('field-error')).toContainText('残存リスク');
  await transfer.getByLabel('移送・送信 残存リスク').selectOption('medium');
  await form.getByRole('button', { name: '登録する' }).click();

  await expect(page.getByTestId('saved')).toContainText('情報資産を登録しました');
  await expect(page.getByRole('heading', { level: 1, name: NAME })).toBeVisible();
  await expect(page.getByTestId('overdue-notice')).toContainText('見直し期限');
  await expect(page.getByTestId('asset-items')).toContainText('メンバー（組合員）コード、氏名');
  await expect(page.getByTestId('asset-risks').locator('[data-stage="transfer"]')).toContainText('施錠できる回収ボックスで運搬');
  await expect(page.getByTestId('asset-risks').locator('[data-stage="acquire"]')).toContainText('未評価');
  await shot(page, '30-ledger-asset-overdue');

  // The list's overdue filter shows it, with the overdue badge.
  await mainNav(page).getByRole('link', { name: '個人情報管理台帳' }).click();
  await page.getByLabel('見直し期限切れのみ').check();
  await page.getByRole('button', { name: 'この条件で表示' }).click();
  const row = page.getByTestId('ledger-row').filter({ hasText: NAME });
  await expect(row.getByTestId('review-overdue')).toContainText('期限切れ');
  await expect(page.getByTestId('ledger-row').first()).toHaveAttribute('data-state', 'overdue');
  await shot(page, '31-ledger-overdue-list');

  // Record a review: the clock restarts and the history names the reviewer.
  await row.getByRole('link', { name: NAME }).click();
  const review = page.getByTestId('review-form');
  await review.getByLabel('結果').selectOption('no_change');
  await review.getByLabel('所見').fill('保管場所と保存期間を確認した。');
  await review.getByRole('button', { name: '見直しを記録する' }).click();
  await expect(page.getByTestId('saved')).toContainText('見直しを記録しました');
  await expect(page.getByTestId('overdue-notice')).toHaveCount(0);
  await expect(page.getByTestId('review-history')).toContainText('保管場所と保存期間を確認した。');
  await expect(page.getByTestId('review-history')).toContainText('保護 管理子');
  await shot(page, '32-ledger-reviewed');

  // Change the entry at its version: only the changed field is sent, and a new version is saved.
  await page.getByRole('button', { name: '編集' }).click();
  await page.getByTestId('asset-form').getByLabel('アクセス権者', { exact: true }).fill('宅配センター職員');
  await page.getByTestId('asset-form').getByRole('button', { name: '変更を保存' }).click();
  await expect(page.getByTestId('saved')).toContainText('変更を保存しました（版 3）');
  await expect(page.getByTestId('asset-entry')).toContainText('宅配センター職員');

  // No longer in the overdue list.
  await page.goto('/ledger?overdue=true');
  await expect(page.getByTestId('ledger-filters')).toBeVisible();
  await expect(page.getByTestId('ledger-row').filter({ hasText: NAME })).toHaveCount(0);

  // Excel for auditors: a Japanese file name, and the file is a zip (xlsx).
  await mainNav(page).getByRole('link', { name: '個人情報管理台帳' }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('ledger-export').click()]);
  expect(download.suggestedFilename()).toMatch(/^個人情報管理台帳_デモ生活協同組合_\d{4}-\d{2}-\d{2}\.xlsx$/);
  const bytes = readFileSync(await download.path());
  expect(bytes.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
  expect(bytes.length).toBeGreaterThan(5000);
});
