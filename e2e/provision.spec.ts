/**
 * 第三者提供: the privacy officer runs a provision to a recipient of the register over a few members (two with
 * consent, one without, one code that names nobody), reads the preview's counts by reason, confirms and
 * downloads the file; records receipts (Art. 30) for a received list, and one on a member's screen, seen in the
 * member's records.
 * The recipient is the demo co-op's own fictitious one (demo/demo-policy.ts: the seed's published categories name
 * no items); two members consent to it through the API first.
 */
import { readFileSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { mainNav, shot, signIn } from './helpers.ts';

async function csrf(page: Page): Promise<Record<string, string>> {
  return { 'x-csrf-token': String((await (await page.request.get('/api/v1/auth/csrf')).json()).token) };
}

async function memberId(page: Page, code: string): Promise<string> {
  const r = await page.request.get(`/api/v1/members?purpose=P01&code=${code}`);
  expect(r.status()).toBe(200);
  return String((await r.json()).members[0].id);
}

test('officer previews a provision run, confirms it, downloads the file, and records a receipt on a member', async ({ page }) => {
  await signIn(page, 'officer', { totp: true, reuse: true });
  const headers = await csrf(page);
  for (const code of ['1000021', '1000022']) {
    const r = await page.request.post(`/api/v1/members/${await memberId(page, code)}/consents`, {
      data: { subject_kind: 'third_party', subject_code: 'demo-insurer', state: 'granted', source: 'paper' },
      headers,
    });
    expect(r.status(), await r.text()).toBe(200);
  }

  await page.goto('/');
  await mainNav(page).getByRole('link', { name: '第三者提供' }).click();
  await expect(page.getByRole('heading', { name: '第三者提供', level: 1 })).toBeVisible();
  const form = page.getByTestId('provision-run-form');
  await form.getByLabel('提供先').selectOption('demo-insurer');
  await expect(page.getByTestId('provision-register-items')).toContainText('氏名');
  await form.getByLabel('組合員コード（改行・カンマ区切り）').fill('1000021\n1000022\n1000023\n9999999');
  await page.getByTestId('provision-preview').click();

  const preview = page.getByTestId('provision-preview-result');
  await expect(preview.getByTestId('provision-included')).toHaveText('2人');
  await expect(preview.getByTestId('provision-excluded-total')).toHaveText('2人');
  await expect(preview.getByTestId('excluded-no_consent')).toContainText('同意がない');
  await expect(preview.getByTestId('excluded-not_in_organization')).toContainText('1人');
  await expect(preview).toContainText('デモ損害保険株式会社（架空）');
  await shot(page, '70-provision-preview');

  await page.getByTestId('provision-confirm').click();
  const done = page.getByTestId('provision-confirmed');
  await expect(done).toContainText('提供を確定しました（2人、記録2件）');
  const [download] = await Promise.all([page.waitForEvent('download'), done.getByTestId('provision-download-utf8').click()]);
  const csv = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
  const lines = csv.trim().split('\r\n');
  expect(lines[0]).toBe('組合員コード,氏名,郵便番号,住所,電話番号');
  expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['1000021', '1000022']);
  await expect(page.getByTestId('provision-run-row').first()).toContainText('確定');
  await shot(page, '71-provision-confirmed');

  // Receipts for a received list (Art. 30).
  const receipts = page.getByTestId('provision-receipts-form');
  await receipts.getByLabel('提供元の名称').fill('架空共済連（E2E一括）');
  await receipts.getByLabel('提供元の取得の経緯').fill('本人から共済加入申込書により取得');
  await receipts.getByRole('checkbox', { name: '氏名' }).check();
  await receipts.getByLabel('組合員コード（改行・カンマ区切り）').fill('1000024, 1000025, 9999998');
  await page.getByTestId('provision-receipts-save').click();
  await expect(page.getByTestId('provision-receipts-done')).toContainText('2人の受領を記録しました（組合員でないコード 1件');

  // A receipt (Art. 30) on a member's screen.
  await page.goto(`/members/${await memberId(page, '1000023')}?purpose=P01`);
  await page.getByTestId('provision-record-open').click();
  const record = page.getByTestId('provision-record-form');
  await record.getByLabel('提供元の名称').fill('架空共済連（E2E）');
  await record.getByLabel('提供元の住所').fill('東京都架空区1-2-3');
  await record.getByLabel('提供元の代表者').fill('会長 架空一郎');
  await record.getByLabel('提供元の取得の経緯').fill('本人から共済加入申込書により取得');
  await record.getByRole('checkbox', { name: '氏名' }).check();
  await record.getByRole('checkbox', { name: '住所' }).check();
  await page.getByTestId('provision-record-save').click();
  await expect(page.getByTestId('provision-record-saved')).toContainText('記録しました');
  await expect(page.getByTestId('provision-row').filter({ hasText: '架空共済連（E2E）' })).toContainText('受領');
  await shot(page, '72-provision-receipt');
});
