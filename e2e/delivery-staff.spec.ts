/**
 * (b) Delivery staff find a member by member code and by phone, page through the members of a city (the
 * address filter; no birth-year filter, which ④ does not use), open the record for ④ without the bank
 * account, see the bank account only under ⑬, are refused for ① (not their role's purpose), and have no
 * audit menu.
 */
import { expect, test } from '@playwright/test';
import { mainNav, memberIdOf, shot, signIn } from './helpers.ts';

test('delivery staff: code and phone search, address filter and pages, ④ without the bank account, refused for ①', async ({ page }) => {
  await signIn(page, 'staff');
  await expect(page.getByTestId('current-user')).toContainText('宅配担当職員');
  await expect(mainNav(page).getByRole('link', { name: '監査記録' })).toHaveCount(0);
  await expect(mainNav(page).getByRole('link', { name: 'アラート' })).toHaveCount(0);

  await mainNav(page).getByRole('link', { name: '組合員検索' }).click();
  // Only the role's purposes are offered: ③ ④ ⑬.
  await expect(page.getByLabel('利用目的').locator('option')).toHaveCount(4);
  await page.getByLabel('利用目的').selectOption('P04');
  await page.getByRole('radio', { name: '組合員コード' }).check();
  await page.getByRole('searchbox').fill('1000001');
  await page.getByRole('button', { name: '検索', exact: true }).click();
  const row = page.getByTestId('member-row');
  await expect(row).toHaveCount(1);
  const phone = /0\d{1,3}-\d{2,4}-\d{4}/.exec((await row.textContent()) ?? '')?.[0];
  expect(phone).toBeTruthy();

  await page.getByRole('radio', { name: '電話番号' }).check();
  await page.getByRole('searchbox').fill(phone!);
  await page.getByRole('button', { name: '検索', exact: true }).click();
  await expect(page.getByTestId('member-row').filter({ hasText: '1000001' })).toHaveCount(1);
  await shot(page, '07-search-phone-staff');

  // ④ uses the address, not the birth date: the address filter is offered, the birth year is not. A filter
  // alone finds the members of a city, counted and shown 20 to a page.
  await expect(page.getByLabel('生年（西暦）')).toHaveCount(0);
  const address = page.getByLabel('住所（都道府県から）');
  await address.fill('宮');
  await page.getByRole('searchbox').fill('');
  await page.getByRole('button', { name: '検索', exact: true }).click();
  await expect(page.getByText('住所は2文字以上、都道府県から入力してください').first()).toBeVisible();
  await address.fill('宮城県仙台市');
  await page.getByLabel('表示件数').selectOption('20');
  await page.getByRole('button', { name: '検索', exact: true }).click();
  const total = Number(((await page.getByTestId('result-count').textContent()) ?? '').replace(/\D/g, ''));
  expect(total).toBeGreaterThan(20);
  await expect(page.getByTestId('search-range')).toHaveText('1〜20 件目');
  await expect(page.getByTestId('member-row')).toHaveCount(20);
  for (const cell of await page.getByTestId('member-row').allTextContents()) expect(cell).toContain('宮城県仙台市');
  const firstOnPage1 = await page.getByTestId('member-row').first().textContent();
  await page.getByRole('button', { name: '次へ' }).click();
  await expect(page.getByTestId('search-range')).toHaveText('21〜40 件目');
  await expect(page.getByTestId('member-row').first()).not.toHaveText(firstOnPage1 ?? '');
  await expect(page.getByTestId('result-count')).toHaveText(`${total.toLocaleString('ja-JP')} 件`);
  await shot(page, '07b-search-address-page2-staff');
  await page.getByRole('button', { name: '前へ' }).click();
  await expect(page.getByTestId('search-range')).toHaveText('1〜20 件目');
  await expect(page.getByRole('button', { name: '前へ' })).toBeDisabled();
  await address.fill('');
  await page.getByRole('searchbox').fill(phone!);
  await page.getByRole('button', { name: '検索', exact: true }).click();

  await page.getByTestId('member-row').filter({ hasText: '1000001' }).getByRole('link', { name: '開く' }).click();
  await expect(page.getByTestId('purpose-banner')).toContainText('④');
  await expect(page.locator('[data-item="address"]')).toHaveCount(1);
  await expect(page.locator('[data-item="bank_account"]')).toHaveCount(0);
  await expect(page.getByTestId('member-items')).not.toContainText('登録口座');
  await shot(page, '08-member-p04-staff');
  const memberId = memberIdOf(page);

  // ⑬ (payment problems) is another purpose of the role, and it does include the registered bank account.
  await page.getByLabel('別の利用目的で開く').selectOption('P13');
  await page.getByRole('button', { name: '開く', exact: true }).click();
  await expect(page.getByTestId('purpose-banner')).toContainText('⑬');
  await expect(page.locator('[data-item="bank_account"]')).toHaveCount(1);
  await expect(page.locator('[data-item="address"]')).toHaveCount(0);

  // ① is not a purpose of delivery staff: refused, and nothing of the member is shown.
  await page.goto(`/members/${memberId}?purpose=P01`);
  await expect(page.getByTestId('refusal')).toContainText('この利用目的では表示できません');
  await expect(page.getByTestId('refusal')).toContainText('あなたの役割ではこの利用目的で組合員情報を扱えません。');
  await expect(page.getByTestId('member-items')).toHaveCount(0);
  await shot(page, '09-refused-staff');

  // The audit trail is not for delivery staff (the API says so too).
  await page.goto('/audit');
  await expect(page.getByTestId('error').first()).toContainText('この操作を行う権限がありません。');
});

/**
 * Minimum necessary (issue 10, §3): a member opened for ④ shows the delivery items and nothing of the person's
 * consents, requests, provision records or documents, and a request page does not open by URL. Member services,
 * whose role has the duty, see those panels.
 */
test('delivery staff see only ④’s items: no consent, request or provision panel, no request page by URL', async ({ page }) => {
  const panels = ['同意・選択', 'この組合員の請求', '第三者提供記録'];

  // Member services (duty 本人からの請求・同意の受付) see the panels, and find a request to try the URL with.
  await signIn(page, 'service');
  await expect(mainNav(page).getByRole('link', { name: '開示等の請求' })).toHaveCount(1);
  await mainNav(page).getByRole('link', { name: '組合員検索' }).click();
  await page.getByLabel('利用目的').selectOption('P01');
  await page.getByRole('radio', { name: '組合員コード' }).check();
  await page.getByRole('searchbox').fill('1000001');
  await page.getByRole('button', { name: '検索', exact: true }).click();
  await page.getByTestId('member-row').filter({ hasText: '1000001' }).getByRole('link', { name: '開く' }).click();
  await expect(page.getByTestId('purpose-banner')).toContainText('①');
  for (const name of panels) await expect(page.getByRole('heading', { name, exact: true })).toHaveCount(1);
  await expect(page.getByTestId('consent-form')).toHaveCount(1);
  await expect(page.getByTestId('member-new-request')).toHaveCount(1);
  await shot(page, '57-member-p01-service-panels');
  const memberId = memberIdOf(page);
  const filed = await page.request.post('/api/v1/requests', {
    data: { member_id: memberId, kind: 'disclosure', channel: 'counter' },
    headers: { 'x-csrf-token': String((await (await page.request.get('/api/v1/auth/csrf')).json()).token) },
  });
  expect(filed.status()).toBe(201);
  const requestId = String((await filed.json()).id);
  await page.goto(`/requests/${requestId}`);
  await expect(page.getByTestId('request-state')).toHaveCount(1);
  await page.getByRole('button', { name: 'ログアウト' }).click();

  // Delivery staff open the same member for ④: the delivery items, none of the panels.
  await signIn(page, 'staff');
  await expect(mainNav(page).getByRole('link', { name: '開示等の請求' })).toHaveCount(0);
  await page.goto(`/members/${memberId}?purpose=P04`);
  await expect(page.getByTestId('purpose-banner')).toContainText('④');
  await expect(page.locator('[data-item="address"]')).toHaveCount(1);
  for (const name of panels) await expect(page.getByRole('heading', { name, exact: true })).toHaveCount(0);
  await expect(page.getByTestId('consent-form')).toHaveCount(0);
  await expect(page.getByTestId('member-new-request')).toHaveCount(0);
  await shot(page, '58-member-p04-staff-no-panels');

  // The request's page, opened by URL, says it is not their work and shows nothing of it; the API refuses too.
  await page.goto(`/requests/${requestId}`);
  await expect(page.getByTestId('not-your-duty')).toContainText('この画面はあなたの役割の業務ではありません');
  await expect(page.getByTestId('request-state')).toHaveCount(0);
  await page.goto('/requests');
  await expect(page.getByTestId('not-your-duty')).toHaveCount(1);
  await shot(page, '59-request-page-refused-staff');
  // Provision and hand-overs, opened by URL, name their own work.
  await page.goto('/provision');
  await expect(page.getByTestId('not-your-duty')).toContainText('第三者提供・受領の記録は');
  await page.goto('/handovers');
  await expect(page.getByTestId('not-your-duty')).toContainText('委託先・共同利用先への受け渡しは');
  expect((await page.request.get(`/api/v1/requests/${requestId}`)).status()).toBe(403);
  expect((await page.request.get(`/api/v1/members/${memberId}/consents`)).status()).toBe(403);
  expect((await page.request.get(`/api/v1/members/${memberId}/provisions`)).status()).toBe(403);
});
