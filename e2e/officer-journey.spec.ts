/**
 * (a) The privacy officer signs in with password and TOTP, finds a member by kana, opens the record for
 * purpose ④ and sees only that purpose's items, changes the phone number (through a field error and a
 * version conflict), and finds the read and the change in the member's audit trail.
 */
import { expect, test } from '@playwright/test';
import { mainNav, memberIdOf, shot, signIn } from './helpers.ts';

test('officer: TOTP sign-in, kana search, purpose-bound record, edit, member audit trail', async ({ page }) => {
  await signIn(page, 'officer', { totp: true });
  await expect(page.getByTestId('current-user')).toContainText('個人情報保護管理責任者');
  await expect(page.getByTestId('org-name')).toHaveText('デモ生活協同組合');
  await shot(page, '01-home-officer');

  // Search: the purpose comes first, then the kana prefix.
  await mainNav(page).getByRole('link', { name: '組合員検索' }).click();
  await expect(page.getByRole('searchbox')).toBeDisabled();
  await page.getByLabel('利用目的').selectOption('P04');
  await page.getByRole('radio', { name: 'フリガナ' }).check();
  await page.getByRole('searchbox').fill('カトウ');
  await page.getByRole('button', { name: '検索', exact: true }).click();
  const rows = page.getByTestId('member-row');
  await expect(rows.first()).toBeVisible();
  await expect(rows.first()).toContainText('カトウ');
  // ④ does not include the status, so the result has no status column.
  await expect(page.getByTestId('search-results').locator('th')).not.toContainText(['状態']);
  await shot(page, '02-search-kana');

  // The record opened for ④ shows exactly ④'s items.
  await rows.first().getByRole('link', { name: '開く' }).click();
  const banner = page.getByTestId('purpose-banner');
  await expect(banner).toContainText('④');
  await expect(banner).toContainText('商品のお届けまたはサービス提供のため');
  const items = page.getByTestId('member-item');
  await expect(items).toHaveCount(7);
  for (const item of ['member_code', 'name', 'name_kana', 'postal_code', 'address', 'phone', 'delivery_type']) {
    await expect(page.locator(`[data-item="${item}"]`)).toHaveCount(1);
  }
  for (const item of ['birth_date', 'bank_account', 'email', 'share_capital']) {
    await expect(page.locator(`[data-item="${item}"]`)).toHaveCount(0);
  }
  await expect(page.getByTestId('hidden-items')).toContainText('表示されない項目（9 件）');
  await shot(page, '03-member-p04');
  const memberId = memberIdOf(page);

  // Edit for ④: a wrong phone number is refused at its field.
  await page.getByRole('button', { name: 'この目的で編集' }).click();
  const form = page.getByTestId('edit-form');
  await expect(form.getByLabel('生年月日')).toHaveCount(0);
  await form.getByLabel('電話番号').fill('12345');
  await form.getByRole('button', { name: '変更を保存' }).click();
  await expect(form.getByTestId('field-error')).toContainText('電話番号は0から始まる10〜11桁で入力してください。');
  await shot(page, '04-edit-field-error');

  // Someone else saves first: the console says so and offers the latest version.
  await page.evaluate(async (id) => {
    const { token } = (await (await fetch('/api/v1/auth/csrf')).json()) as { token: string };
    const r = await fetch(`/api/v1/members/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'x-csrf-token': token },
      body: JSON.stringify({ purpose: 'P04', changes: { address: '宮城県仙台市青葉区本町3丁目8-1' } }),
    });
    if (!r.ok) throw new Error(await r.text());
  }, memberId);
  await form.getByLabel('電話番号').fill('022-555-0123');
  await form.getByRole('button', { name: '変更を保存' }).click();
  await expect(page.getByTestId('version-conflict')).toContainText('他の人が先に更新しました');
  await shot(page, '05-edit-version-conflict');
  await page.getByRole('button', { name: '最新の内容を読み込む' }).click();
  await expect(page.getByTestId('edit-form').getByLabel('住所')).toHaveValue('宮城県仙台市青葉区本町3丁目8-1');

  await page.getByTestId('edit-form').getByLabel('電話番号').fill('022-555-0123');
  await page.getByTestId('edit-form').getByRole('button', { name: '変更を保存' }).click();
  await expect(page.getByTestId('saved')).toContainText('版 3');
  await expect(page.locator('[data-item="phone"] dd')).toHaveText('022-555-0123');

  // The member's audit trail shows the read for ④ and the change of the phone number.
  await page.getByRole('link', { name: 'この組合員の監査記録' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('の監査記録');
  const update = page.locator('[data-testid="audit-row"][data-action="member.update"]').first();
  await expect(update).toContainText('組合員の変更');
  await expect(update).toContainText('④');
  await expect(update).toContainText('電話番号');
  await expect(update).toContainText('保護 管理子');
  const read = page.locator('[data-testid="audit-row"][data-action="member.read"]').first();
  await expect(read).toContainText('組合員の参照');
  await expect(read).toContainText('④ 商品のお届けまたはサービス提供のため');
  await shot(page, '06-member-audit');
});
