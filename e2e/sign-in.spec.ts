/**
 * (d) Signing in: field errors, a wrong password in Japanese, the lockout after repeated failures, a wrong
 * and then a right TOTP code, the English switch, and TOTP enrolment of a new privacy officer.
 */
import { expect, test } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import { demoTotp, fillPassword, freshTotp, shot, signIn } from './helpers.ts';

test('wrong password, lockout, TOTP, English', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'ログイン' })).toBeVisible();
  await page.getByRole('button', { name: 'ログイン', exact: true }).click();
  await expect(page.getByTestId('field-error')).toHaveText(['ログインIDを入力してください。', 'パスワードを入力してください。']);

  await fillPassword(page, 'officer', 'wrong-password-123');
  await expect(page.getByTestId('login-error')).toContainText('ログインIDまたはパスワードが正しくありません。');
  await expect(page.getByLabel('パスワード')).toHaveValue('');
  await shot(page, '14-login-wrong-password');

  // Five failures in a row lock the login; the words do not say whether an account exists (an unknown login locks alike).
  for (let i = 0; i < 5; i++) await fillPassword(page, 'analyst', `wrong-password-${i}`);
  await expect(page.getByTestId('login-error')).toContainText('ログインを一時停止しています');
  await expect(page.getByTestId('login-error')).toContainText(
    'ログインの失敗が続いたため、このログインIDでのログインを一時的に停止しています。',
  );
  await shot(page, '15-login-locked');

  // Password, then a wrong and a right one-time code.
  await fillPassword(page, 'officer');
  await expect(page.getByRole('heading', { name: '二要素認証' })).toBeVisible();
  await page.getByLabel('確認コード').fill('12');
  await page.getByRole('button', { name: '確認', exact: true }).click();
  await expect(page.getByTestId('field-error')).toHaveText('確認コードは6桁の数字で入力してください。');
  const right = demoTotp('officer');
  await page.getByLabel('確認コード').fill(right === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: '確認', exact: true }).click();
  await expect(page.getByTestId('field-error')).toHaveText('確認コードが正しくありません。');
  await shot(page, '16-login-totp');
  await page.getByLabel('確認コード').fill(await freshTotp('officer'));
  await page.getByRole('button', { name: '確認', exact: true }).click();
  await expect(page.getByTestId('current-user')).toContainText('保護 管理子');

  // English, and back.
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Member search' })).toBeVisible();
  await expect(page.getByTestId('current-user')).toContainText('Privacy officer');
  await shot(page, '17-home-english');
  await page.getByRole('button', { name: '日本語' }).click();
  await page.getByRole('button', { name: 'ログアウト' }).click();
  await expect(page.getByText('ログアウトしました。')).toBeVisible();
});

test('a new privacy officer enrols TOTP at first sign-in', async ({ page, browser }) => {
  // The system administrator creates the user (through the API, as the admin's own session).
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, 'admin', { totp: true });
  const login = `officer${Date.now().toString(36)}`;
  await admin.evaluate(async (newLogin) => {
    const { token } = (await (await fetch('/api/v1/auth/csrf')).json()) as { token: string };
    const r = await fetch('/api/v1/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': token },
      body: JSON.stringify({
        login: newLogin,
        display_name: '新任 責任者',
        password: 'mamori-new-officer-2026',
        role: 'privacy_officer',
        department: 'governance',
      }),
    });
    if (!r.ok) throw new Error(await r.text());
  }, login);
  await adminContext.close();

  await page.goto('/');
  await fillPassword(page, login, 'mamori-new-officer-2026');
  await expect(page.getByRole('heading', { name: '二要素認証の登録' })).toBeVisible();
  const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s/g, '');
  await expect(page.getByTestId('totp-uri')).toContainText('otpauth://totp/');
  await shot(page, '18-totp-enrol');
  const code = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate();
  await page.getByLabel('確認コード').fill(code);
  await page.getByRole('button', { name: '登録して続ける' }).click();
  await expect(page.getByTestId('current-user')).toContainText('新任 責任者');
});
