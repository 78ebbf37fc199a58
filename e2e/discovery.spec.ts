/**
 * Discovery finds a phone column and a My Number column (issue 13 §8): against a SQLite ordering system the
 * journey prepares (synthetic values; the My Numbers are 12-digit numbers with valid check digits by the My
 * Number rule), the privacy officer registers it in 連携システム, opens its 検出, runs discovery, sees 電話番号 and
 * 個人番号 proposals with the My Number warning in red, confirms the phone column into the policy draft's dataset
 * map, and finds the alert.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { writeOrderingSystem } from '../test/support/discovery-system.ts';
import { E2E_DATA_DIR, mainNav, shot, signIn } from './helpers.ts';

// Inside the folder SQLite systems may be in: the server's data folder's systems.
const SYSTEM_DIR = resolve(E2E_DATA_DIR, 'systems', 'e2e-discovery');
const SYSTEM_FILE = join(SYSTEM_DIR, 'ordering.db');

test.beforeAll(() => {
  rmSync(SYSTEM_DIR, { recursive: true, force: true });
  mkdirSync(SYSTEM_DIR, { recursive: true });
  writeOrderingSystem(SYSTEM_FILE, 200);
});

test('discovery finds a phone column and a My Number column', async ({ page }) => {
  await signIn(page, 'officer', { totp: true, reuse: true });
  await mainNav(page).getByRole('link', { name: '連携システム' }).click();
  await page.getByTestId('system-new').click();
  const form = page.getByTestId('system-form');
  await form.getByLabel('コード').fill('ordering-e2e');
  await form.getByLabel('名称').fill('注文システム（E2E）');
  await form.getByLabel('連携方式').selectOption('sqlite');
  await form.getByLabel('SQLite ファイル').fill(SYSTEM_FILE);
  await form.getByRole('button', { name: '登録する' }).click();
  await expect(page.getByTestId('systems-done')).toContainText('連携システム ordering-e2e を登録しました。');
  await page.locator('[data-testid="system-row"][data-code="ordering-e2e"]').getByTestId('system-discovery').click();

  const panel = page.getByTestId('discovery-panel');
  await expect(panel).toContainText('まだ検出していません');

  await page.getByTestId('discovery-run').click();
  await expect(page.getByTestId('discovery-summary')).toHaveAttribute('data-status', 'done');
  const phone = panel.locator('[data-testid="proposal-row"][data-column="kaiin.tel_no"]');
  const myNumber = panel.locator('[data-testid="proposal-row"][data-column="kaiin.ref_no"]');
  await expect(phone).toContainText('電話番号');
  await expect(myNumber).toContainText('個人番号（マイナンバー）');
  await expect(phone).toContainText('未判断');
  // The reasons are words (the name, the share of the sample), never a value.
  await expect(myNumber).toContainText('%が個人番号');
  await expect(myNumber).not.toContainText(/\d{12}/);

  // The My Number warning, in red, naming the column.
  const warning = page.getByTestId('my-number-warning');
  await expect(warning).toContainText('個人番号（マイナンバー）の列が見つかりました');
  await expect(warning).toContainText('kaiin.ref_no');
  await expect(warning).toHaveClass(/notice-error/);
  await expect(myNumber).toHaveClass(/discovery-my-number/);
  await shot(page, '60-discovery-proposals');

  // Confirm the phone column: it joins the policy draft's dataset map.
  await phone.getByRole('checkbox').check();
  await expect(page.getByTestId('discovery-bar')).toContainText('1 件を選択中');
  await page.getByTestId('discovery-confirm').click();
  await expect(page.getByTestId('discovery-decided')).toContainText('1 件を確定し、方針の下書きのデータマップに追加しました');
  await expect(phone).toContainText('確定');
  await expect(phone.getByRole('checkbox')).toHaveCount(0);
  await expect(phone.getByTestId('mapped-item')).toContainText('マップ済み: phone');
  await expect(myNumber).toContainText('未判断');
  await shot(page, '61-discovery-confirmed');

  // The alert is in the list, naming the system, the table and the column.
  await mainNav(page)
    .getByRole('link', { name: /アラート/ })
    .click();
  const alert = page.locator('[data-testid="alert-row"][data-kind="my_number_found"]');
  await expect(alert).toHaveCount(1);
  await expect(alert).toContainText('個人番号の検出');
  await expect(alert).toContainText('注文システム（E2E）');
  await expect(alert).toContainText('kaiin.ref_no');
  await shot(page, '62-discovery-alert');
});
