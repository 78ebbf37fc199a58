/**
 * Re-binding the second factor once signed in (二要素認証の再登録, issue 10 §2): the privacy officer confirms it
 * is them with the password and a current code (a wrong password is refused, in Japanese and English),
 * cancels once (the old factor stays in force), binds a new authenticator entry from the secret the page
 * shows, and from then on signs in with codes from the new entry only.
 */
import { expect, type Page, test } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import { DEMO_PASSWORD, demoTotp, fillPassword, freshStep, freshTotp, shot, signIn } from './helpers.ts';

const stepNow = () => Math.floor(Date.now() / 30_000);

/**
 * A code of the officer's factor in force, for a step not used yet (marked used): taken before the re-bind,
 * since afterwards the old secret is gone. Taken early enough in a step that the step before it can still
 * activate the new factor (see below).
 */
async function oldFactorCode(): Promise<{ step: number; code: string }> {
  for (;;) {
    if (30_000 - (Date.now() % 30_000) < 5_000) await new Promise((r) => setTimeout(r, 6_000));
    const { step, ahead } = await freshStep('officer');
    const code = demoTotp('officer', ahead);
    if (stepNow() + ahead === step) return { step, code }; // else a step boundary passed while the CLI ran: again
  }
}

const newTotp = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });

async function reauthenticate(page: Page, password: string, code: string) {
  await page.getByLabel('現在のパスワード').fill(password);
  await page.getByLabel('現在の確認コード').fill(code);
  await page.getByRole('button', { name: '次へ', exact: true }).click();
}

test('the officer re-binds the second factor, and only the new one works afterwards', async ({ page }) => {
  // Each code spends a 30-s step of the officer's (no replay); the journey needs six of them.
  test.setTimeout(240_000);
  await signIn(page, 'officer', { totp: true });
  await page.getByTestId('totp-rebind-link').click();
  await expect(page.getByRole('heading', { name: '二要素認証の再登録', level: 1 })).toBeVisible();
  // The officer has a factor (/auth/me's `totp`), so a current code is asked for too.
  await expect(page.getByLabel('現在の確認コード')).toBeVisible();

  // A wrong password is refused with the API's message, in English and, switching back, in Japanese.
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: 'Re-bind two-factor authentication', level: 1 })).toBeVisible();
  await page.getByLabel('Current password').fill('wrong-password-rebind');
  await page.getByLabel('Current one-time code').fill(demoTotp('officer'));
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await expect(page.getByTestId('rebind-error')).toContainText('The current password or one-time code is wrong.');
  await expect(page.getByTestId('rebind-error')).toContainText('reauth_failed');
  await expect(page.getByLabel('Current password')).toHaveValue('');
  await page.getByRole('button', { name: '日本語' }).click();
  await expect(page.getByTestId('rebind-error')).toContainText('現在のパスワードまたは確認コードが正しくありません。');
  await shot(page, '60-totp-rebind-wrong-password');

  // The right answers show a new secret; cancelling leaves the factor in force (the next code from it works).
  await reauthenticate(page, DEMO_PASSWORD, await freshTotp('officer'));
  await expect(page.getByRole('heading', { name: '新しい認証アプリの登録' })).toBeVisible();
  const cancelled = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s/g, '');
  await page.getByRole('button', { name: 'キャンセル', exact: true }).click();
  await expect(page.getByTestId('rebind-cancelled')).toContainText('これまでの認証アプリの登録が引き続き有効です。');
  await reauthenticate(page, DEMO_PASSWORD, await freshTotp('officer'));

  // The new secret and URI, shown as at the sign-in enrolment; a code from the new entry activates it.
  await expect(page.getByRole('heading', { name: '新しい認証アプリの登録' })).toBeVisible();
  const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  expect(secret).not.toBe(cancelled);
  await expect(page.getByTestId('totp-uri')).toContainText('otpauth://totp/');
  await expect(page.getByTestId('totp-uri')).toContainText(`secret=${secret}`);
  await shot(page, '61-totp-rebind-new-secret');
  // The activation code is for the step before the old code's, so the old code would still pass a replay
  // check: only the replaced secret can refuse it.
  const old = await oldFactorCode();
  await page.getByLabel('新しい確認コード').fill(newTotp(secret).generate({ timestamp: (old.step - 1) * 30_000 }));
  await page.getByRole('button', { name: '有効にする' }).click();
  await expect(page.getByTestId('rebind-done')).toContainText('新しい二要素認証が有効になりました');
  await expect(page.getByTestId('rebind-done')).toContainText('ほかの端末でのログインは終了しました。');
  await shot(page, '62-totp-rebind-done');

  // Signed out and in again: the old entry's code (for a step never used) is refused, one from the new entry works.
  await page.getByRole('button', { name: 'ログアウト' }).click();
  await expect(page.getByText('ログアウトしました。')).toBeVisible();
  await fillPassword(page, 'officer');
  await expect(page.getByRole('heading', { name: '二要素認証' })).toBeVisible();
  expect(old.code).not.toBe(newTotp(secret).generate({ timestamp: old.step * 30_000 }));
  await page.getByLabel('確認コード').fill(old.code);
  await page.getByRole('button', { name: '確認', exact: true }).click();
  await expect(page.getByTestId('field-error')).toHaveText('確認コードが正しくありません。');
  const next = await freshStep('officer');
  await page.getByLabel('確認コード').fill(newTotp(secret).generate({ timestamp: next.step * 30_000 }));
  await page.getByRole('button', { name: '確認', exact: true }).click();
  await expect(page.getByTestId('current-user')).toContainText('保護 管理子');
});
