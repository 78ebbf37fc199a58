/**
 * (f) The system admin registers a staff member in the console: a weak password is refused at its field,
 * then the new delivery staff member appears in the list and can sign in.
 */
import { expect, test } from '@playwright/test';
import { fillPassword, mainNav, shot, signIn } from './helpers.ts';

test('admin registers a staff member, who can then sign in', async ({ page, browser }) => {
  await signIn(page, 'admin', { totp: true });
  await mainNav(page).getByRole('link', { name: '職員' }).click();
  await expect(page.locator('[data-testid="user-row"][data-login="officer"]')).toContainText('二要素認証あり');
  const form = page.getByTestId('user-form');
  await form.getByLabel('ログインID').fill('e2e-driver');
  await form.getByLabel('氏名').fill('配送 花子');
  await form.getByLabel('役割').selectOption('delivery_staff');
  await form.getByLabel('部署').selectOption('delivery');
  await form.getByLabel('初期パスワード').fill('short');
  await form.getByRole('button', { name: '登録する' }).click();
  await expect(form.getByTestId('field-error')).toContainText('10文字以上');
  await form.getByLabel('初期パスワード').fill('a-long-initial-pass');
  await form.getByRole('button', { name: '登録する' }).click();
  await expect(form).toContainText('職員 e2e-driver を登録しました。');
  await expect(page.getByTestId('user-row').filter({ hasText: 'e2e-driver' })).toContainText('宅配担当職員');
  await shot(page, '22-users');

  const other = await browser.newPage();
  await other.goto('/');
  await fillPassword(other, 'e2e-driver', 'a-long-initial-pass');
  await expect(other.getByTestId('current-user')).toContainText('配送 花子');
  await other.close();
});
