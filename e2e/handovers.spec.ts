/**
 * 委託先・共同利用 (issue 14 §2): the demo printer's inspection is overdue, so the privacy officer's hand-over is
 * refused (inspection_overdue); recording the inspection unblocks it and the hand-over is logged. Then a transfer
 * to the co-op group's joint users for ④: the preview counts who is covered and who is left out, and the CSV
 * carries only the items the joint use declares for ④.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { mainNav, shot, signIn } from './helpers.ts';

test('an overdue inspection blocks a hand-over; recording it unblocks; a joint-use transfer is previewed and downloaded', async ({
  page,
}) => {
  await signIn(page, 'officer', { totp: true, reuse: true });
  await page.goto('/');
  await expect(page.getByTestId('attention-contractors-overdue')).not.toHaveAttribute('data-count', '0');

  await mainNav(page).getByRole('link', { name: '委託先・共同利用' }).click();
  await expect(page.getByRole('heading', { name: '委託先・共同利用', level: 1 })).toBeVisible();
  const row = page.locator('[data-testid="contractor-row"][data-code="demo-print"]');
  await expect(row).toHaveAttribute('data-inspection', 'overdue');
  await expect(row.getByTestId('contractor-inspection')).toHaveText('期限切れ');
  await row.getByTestId('contractor-open').click();

  const panel = page.getByTestId('contractor-panel');
  await expect(panel.getByTestId('contractor-blocks')).toContainText('点検');
  const handover = panel.getByTestId('handover-form');
  await handover.getByLabel('件数').fill('250');
  await handover.getByLabel('受け渡しの方法').selectOption('encrypted_email');
  await handover.getByLabel('備考').fill('1月号の案内の宛名');
  await handover.getByTestId('handover-submit').click();
  await expect(panel.getByTestId('handover-error')).toContainText('inspection_overdue');
  await expect(panel.getByTestId('handover-error')).toContainText('点検を記録してください');
  await shot(page, '60-handover-blocked');

  const inspection = panel.getByTestId('inspection-form');
  await inspection.getByLabel('点検した人').fill('監査 花子');
  await inspection.getByLabel('結果').selectOption('improvement_needed');
  await inspection.getByLabel('指摘事項').fill('施錠保管の手順書を更新すること');
  await inspection.getByTestId('inspection-submit').click();
  await expect(panel.getByTestId('handover-done')).toContainText('点検を記録しました');
  await expect(row).toHaveAttribute('data-inspection', 'ok');
  await expect(panel.getByTestId('contractor-blocks')).toHaveCount(0);

  await handover.getByTestId('handover-submit').click();
  await expect(panel.getByTestId('handover-done')).toContainText('受け渡しを記録しました');
  const log = panel.getByTestId('handover-log');
  await expect(log.getByTestId('handover-row')).toHaveCount(1);
  await expect(log).toContainText('暗号化したメール添付');
  await expect(log).toContainText('250');
  await shot(page, '61-handover-logged');

  // A transfer to the joint users of the co-op group for ④ (delivery).
  const transfer = page.getByTestId('transfer-form');
  await transfer.getByTestId('transfer-joint-use').selectOption('miyagi-coop-group');
  await transfer.getByTestId('transfer-purpose').selectOption('P04');
  await expect(transfer.getByTestId('transfer-items')).toContainText('住所');
  await expect(transfer.getByTestId('transfer-items')).not.toContainText('フリガナ');
  await transfer.getByTestId('transfer-preview').click();
  const preview = page.getByTestId('transfer-preview-result');
  await expect(preview).toContainText('対象');
  const covered = Number(await preview.getAttribute('data-covered'));
  expect(covered).toBeGreaterThan(0);
  await shot(page, '62-transfer-preview');
  const [download] = await Promise.all([page.waitForEvent('download'), preview.getByTestId('transfer-download').click()]);
  expect(download.suggestedFilename()).toMatch(/^共同利用_miyagi-coop-group_P04_\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync((await download.path())!, 'utf8');
  const lines = csv.replace('\uFEFF', '').trimEnd().split('\r\n');
  expect(lines[0]).toBe('メンバー（組合員）コード,氏名,住所,電話番号');
  expect(lines).toHaveLength(covered + 1);
  await expect(page.getByTestId('transfer-done')).toBeVisible();
  // The transfer is on record for the joint use: its count and the maker, newest first.
  const history = page.getByTestId('transfer-history');
  await expect(history.getByRole('heading', { name: 'これまでの受け渡し' })).toBeVisible();
  await expect(history.locator('tbody tr').first()).toHaveAttribute('data-rows', String(covered));

  // The English switch.
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: 'Contractors and joint use', level: 1 })).toBeVisible();
  await page.getByRole('button', { name: '日本語' }).click();
});
