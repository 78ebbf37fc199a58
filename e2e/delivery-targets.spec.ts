/**
 * 提供先サーバー: the privacy officer registers the partners' SFTP server (a real SSH server on loopback, the key
 * pasted once and never shown again) and a folder on mamori's server, checks both (接続可), sees a host key that
 * does not match refused with the fingerprint the server presented, and removes a target. The English switch.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { sshFingerprint } from '../src/modules/deliveries/sftp-destination.ts';
import { startSftpServer } from '../test/support/sftp-server.ts';
import { E2E_DATA_DIR, mainNav, shot, signIn } from './helpers.ts';

test('officer registers an SFTP and a folder target, checks them, and the key is never shown', async ({ page }) => {
  const server = await startSftpServer();
  mkdirSync(resolve(server.root, 'drop'));
  const folder = resolve(E2E_DATA_DIR, 'deliveries', 'research');
  mkdirSync(folder, { recursive: true });
  const keyLine = server.privateKey.split('\n')[1]!;
  try {
    await signIn(page, 'officer', { totp: true, reuse: true });
    await mainNav(page).getByRole('link', { name: '提供先サーバー' }).click();
    await expect(page.getByRole('heading', { name: '提供先サーバー', level: 1 })).toBeVisible();

    const register = async (fields: Record<string, string>, kind: 'sftp' | 'folder') => {
      await page.getByTestId('target-new').click();
      const form = page.getByTestId('target-form');
      await form.locator('select[name="kind"]').selectOption(kind);
      for (const [name, value] of Object.entries(fields)) await form.locator(`[name="${name}"]`).fill(value);
      await form.getByRole('button', { name: '登録する' }).click();
      await expect(page.getByTestId('deliveries-done')).toContainText(`提供先サーバー ${fields.code} を登録しました。`);
    };
    const sftp = {
      code: 'partner-sftp',
      name: '取引先共有サーバー',
      recipient: '株式会社みやぎ流通研究所',
      host: '127.0.0.1',
      port: String(server.port),
      user: server.user,
      directory: '/drop',
      host_key: sshFingerprint(server.hostKey),
      secret: server.privateKey,
    };
    await register(sftp, 'sftp');
    await register({ ...sftp, code: 'wrong-host', host_key: `SHA256:${'B'.repeat(43)}` }, 'sftp');
    await register({ code: 'research', name: '共同研究フォルダ', recipient: '共同研究先の大学', directory: folder }, 'folder');

    const row = (code: string) => page.locator(`[data-testid="target-row"][data-code="${code}"]`);
    await expect(row('partner-sftp').getByTestId('target-status')).toHaveText('未確認');
    await expect(row('partner-sftp').getByTestId('target-secret-set')).toContainText('設定済み');
    expect(await page.content()).not.toContain(keyLine);

    await row('partner-sftp').getByTestId('target-check').click();
    await expect(page.getByTestId('target-check-result')).toContainText(
      'partner-sftp に接続し、確認用ファイルを書き込んで削除できました。',
    );
    await expect(row('partner-sftp')).toHaveAttribute('data-status', 'ok');
    await row('research').getByTestId('target-check').click();
    await expect(row('research')).toHaveAttribute('data-status', 'ok');

    await row('wrong-host').getByTestId('target-check').click();
    const refused = page.getByTestId('target-check-result');
    await expect(refused).toContainText('delivery_host_key_unknown');
    await expect(refused).toContainText(sshFingerprint(server.hostKey));
    await expect(row('wrong-host')).toHaveAttribute('data-status', 'failing');
    await shot(page, '60-delivery-targets');

    page.once('dialog', (d) => void d.accept());
    await row('wrong-host').getByTestId('target-remove').click();
    await expect(page.getByTestId('deliveries-done')).toContainText('wrong-host を削除しました');
    await expect(row('wrong-host')).toHaveCount(0);

    await page.getByRole('button', { name: 'English' }).click();
    await expect(page.getByRole('heading', { name: 'Delivery targets', level: 1 })).toBeVisible();
    await expect(row('partner-sftp').getByTestId('target-status')).toHaveText('OK');
    expect(await page.content()).not.toContain(keyLine);
  } finally {
    await server.close();
  }
});
