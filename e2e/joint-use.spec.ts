/**
 * (e) A joint user (the kyosai federation's staff) chooses the co-op whose members it jointly uses, searches
 * them for ⑭, and opens one: only the items the joint uses declare are shown (no kana, no delivery type).
 */
import { expect, test } from '@playwright/test';
import { mainNav, shot, signIn } from './helpers.ts';

test('joint user: searches the owner co-op for ⑭ and sees only the declared items', async ({ page }) => {
  await signIn(page, 'kyosai');
  await mainNav(page).getByRole('link', { name: '組合員検索' }).click();
  await page.getByLabel('組合員の所属組織').selectOption('demo-coop');
  await page.getByLabel('利用目的').selectOption('P14');
  await page.getByRole('radio', { name: '組合員コード' }).check();
  await page.getByRole('searchbox').fill('1000002');
  await page.getByRole('button', { name: '検索', exact: true }).click();
  const row = page.getByTestId('member-row');
  await expect(row).toHaveCount(1);
  await shot(page, '19-joint-use-search');
  await row.getByRole('link', { name: '開く' }).click();
  await expect(page.getByTestId('purpose-banner')).toContainText('⑭');
  await expect(page.locator('[data-item="name"]')).toHaveCount(1);
  await expect(page.locator('[data-item="birth_date"]')).toHaveCount(1);
  await expect(page.locator('[data-item="name_kana"]')).toHaveCount(0);
  await expect(page.locator('[data-item="delivery_type"]')).toHaveCount(0);
  await shot(page, '20-joint-use-member');
});
