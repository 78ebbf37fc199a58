/**
 * The dataset map of the demo co-op's connected systems (the ordering and 共済 systems `npm start` makes), read
 * and edited in the policy editor's 連携システム tab: tables found from the person or through another table, each
 * column's item and what a deletion does to it, a kept column asking for its rule.
 */
import { expect, test } from '@playwright/test';
import { shot, signIn } from './helpers.ts';

test('the officer reads the ordering system’s map and adds a column kept by law', async ({ page }) => {
  await signIn(page, 'officer', { totp: true, reuse: true });
  await page.goto('/policy?tab=systems');
  const systems = page.locator('[data-path="systems"] > [data-testid="systems-row"]');
  await expect(systems).toHaveCount(2);
  const ordering = systems.first();
  await expect(ordering.getByLabel(/^名称/).first()).toHaveValue('注文システム（デモ）');
  await expect(ordering.getByLabel('種別', { exact: true })).toHaveValue('sqlite');
  const tables = ordering.locator('[data-testid="systems[0].tables-row"]');
  await expect(tables).toHaveCount(3);
  // customers are found by the member code; orders through customers.
  await expect(tables.nth(0).getByLabel(/^識別子の列/)).toHaveValue('member_code');
  await expect(tables.nth(1).getByLabel('本人の行の見つけ方')).toHaveValue('via');
  await expect(tables.nth(1).getByLabel('経由するテーブル', { exact: true })).toHaveValue('customers');
  const phone = tables
    .nth(0)
    .locator('[data-testid="systems[0].tables[0].columns-row"]')
    .filter({ has: page.locator('input[value="tel"]') });
  await expect(phone.getByLabel('情報項目')).toHaveValue('phone');
  await expect(phone.getByLabel('削除の請求での扱い')).toHaveValue('set_null');
  await shot(page, 'dataset-map-01-ordering');

  // A new column kept by law asks for its rule.
  await tables.nth(1).getByRole('button', { name: '＋ 列を追加' }).click();
  const added = tables.nth(1).locator('[data-testid="systems[0].tables[1].columns-row"]').last();
  await added.getByLabel(/^列名/).fill('total_yen');
  await added.getByLabel('削除の請求での扱い').selectOption('keep');
  await expect(added.getByLabel(/^保存の根拠/)).toBeVisible();
  await expect(page.getByTestId('draft-status')).toContainText('未保存の変更があります。');
});
