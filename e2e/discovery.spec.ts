/**
 * Discovery finds a phone column and a My Number column (issue 13 §8): against a SQLite ordering system the
 * journey prepares (synthetic values; the My Numbers are 12-digit numbers with valid check digits by the My
 * Number rule), the privacy officer runs discovery, sees 電話番号 and 個人番号 proposals with the My Number
 * warning in red, confirms the phone column into the policy draft's dataset map, and finds the alert.
 *
 * The systems register's screen and API are another part of issue 13: until they are in, the journey registers
 * the system as the register does (a row with its settings encrypted by the server's key ring) and opens the
 * panel by its URL.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import BetterSqlite3 from 'better-sqlite3';
import { KeyRing } from '../src/modules/crypto/data-keys.ts';
import { writeOrderingSystem } from '../test/support/discovery-system.ts';
import { E2E_DATA_DIR, mainNav, shot, signIn } from './helpers.ts';

const SYSTEM_DIR = resolve('test-results/e2e-discovery');
const SYSTEM_FILE = join(SYSTEM_DIR, 'ordering.db');

test.beforeAll(() => {
  rmSync(SYSTEM_DIR, { recursive: true, force: true });
  mkdirSync(SYSTEM_DIR, { recursive: true });
  writeOrderingSystem(SYSTEM_FILE, 200);
  const keys = new KeyRing(JSON.parse(readFileSync(join(E2E_DATA_DIR, 'keys.json'), 'utf8')));
  const db = new BetterSqlite3(join(E2E_DATA_DIR, 'mamori.db'));
  try {
    db.pragma('busy_timeout = 10000');
    const org = db.prepare("select id from organizations where code = 'demo-coop'").get() as { id: string };
    const now = new Date().toISOString();
    db.prepare(
      `insert into connected_systems (id, org_id, code, name, kind, settings_enc, settings_public, has_secret, status, version, created_at, updated_at)
       values (?, ?, 'ordering-e2e', '注文システム（E2E）', 'sqlite', ?, ?, 0, 'unchecked', 1, ?, ?)
       on conflict (org_id, code) do nothing`,
    ).run(randomUUID(), org.id, keys.encrypt(JSON.stringify({ file: SYSTEM_FILE })), JSON.stringify({ file: SYSTEM_FILE }), now, now);
  } finally {
    db.close();
  }
});

test('discovery finds a phone column and a My Number column', async ({ page }) => {
  await signIn(page, 'officer', { totp: true });
  await page.goto('/systems/ordering-e2e/discovery');
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
