/**
 * A deletion reaches the ordering system after preview and approval (issue 13 §4, §8): the officer files a
 * deletion for a demo member who has orders in the demo ordering system (a SQLite database of its own, mapped in
 * the demo policy and registered by `npm start`), starts the work — which plans it across the connected systems —
 * reads the preview (tables, row counts, columns written, what is kept by law and why), cannot answer yet,
 * approves after a confirmation that restates the changes, watches the progress to 完了, answers; the ordering
 * system's customer row is masked, the order lines kept.
 */
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import Database from 'better-sqlite3';
import { E2E_DATA_DIR, mainNav, memberIdOf, shot, signIn } from './helpers.ts';

const CODE = '1000007';

async function openMember(page: Page, purpose: string, code: string) {
  await mainNav(page).getByRole('link', { name: '組合員検索' }).click();
  await page.getByLabel('利用目的').selectOption(purpose);
  await page.getByRole('radio', { name: '組合員コード' }).check();
  await page.getByRole('searchbox').fill(code);
  await page.getByRole('button', { name: '検索', exact: true }).click();
  await page.getByTestId('member-row').filter({ hasText: code }).getByRole('link', { name: '開く' }).click();
  await expect(page.getByTestId('member-items')).toContainText(code);
}

function orderingCustomer(code: string): Record<string, unknown> | undefined {
  const db = new Database(join(E2E_DATA_DIR, 'systems', 'ordering.db'), { readonly: true });
  try {
    return db.prepare('select * from customers where member_code = ?').get(code) as Record<string, unknown> | undefined;
  } finally {
    db.close();
  }
}

test('a deletion reaches the ordering system after preview and approval', async ({ page }) => {
  const before = orderingCustomer(CODE);
  expect(before?.shimei).toBeTruthy();
  await signIn(page, 'officer', { totp: true, reuse: true });
  await openMember(page, 'P04', CODE);
  memberIdOf(page);
  await page.getByRole('link', { name: '請求を受け付ける' }).click();
  await page.getByLabel('請求の種類').selectOption({ label: '削除' });
  await page.getByRole('radio', { name: '電話' }).check();
  await page.getByRole('button', { name: '受け付ける', exact: true }).click();
  await expect(page.getByTestId('request-state')).toContainText('受付');

  await page.getByLabel('本人確認の方法').selectOption('callback');
  await page.getByRole('button', { name: '本人確認済みにする' }).click();
  await expect(page.getByTestId('request-state')).toContainText('本人確認済み');
  await page.getByRole('button', { name: '対応を開始する' }).click();
  await expect(page.getByTestId('request-state')).toContainText('対応中');

  // Starting the work planned it: the ordering system's preview, awaiting approval.
  const panel = page.getByTestId('request-systems');
  const ordering = panel.locator('[data-testid="system-task"][data-system="ordering"]');
  await expect(ordering).toHaveAttribute('data-state', 'planned');
  await expect(ordering.getByTestId('system-task-state')).toHaveText('承認待ち');
  const tables = ordering.getByTestId('system-task-tables');
  await expect(tables).toContainText('customers');
  await expect(tables).toContainText('shimei');
  await expect(tables).toContainText('orders');
  await expect(ordering.getByTestId('system-task-kept')).toContainText('法人税法により7年間保存');
  await expect(ordering.getByTestId('system-task-kept')).toContainText('order_lines.product');
  await shot(page, '90-system-tasks-preview');

  // Approve the request; the answer waits for the systems.
  await page.getByRole('button', { name: '承認する' }).click();
  await page.getByTestId('step-confirm').getByTestId('confirm-step').click();
  await expect(page.getByTestId('request-state')).toContainText('承認済み');
  await page.getByRole('button', { name: '回答する' }).click();
  await page.getByTestId('step-confirm').getByTestId('confirm-step').click();
  await expect(page.getByText('連携システムへの反映が終わっていないため')).toBeVisible();
  expect(orderingCustomer(CODE)?.shimei).toBe(before?.shimei);

  // 承認して実行: the confirmation restates the changes, system by system.
  await panel.getByTestId('systems-approve').click();
  const dialog = page.getByTestId('systems-confirm');
  await expect(dialog).toContainText('注文システム');
  await expect(dialog).toContainText('customers');
  await shot(page, '91-system-tasks-confirm');
  await dialog.getByTestId('systems-confirm-approve').click();
  await expect(dialog).toHaveCount(0);

  // The worker carries it out; the panel refreshes to 完了.
  await expect(ordering).toHaveAttribute('data-state', 'done', { timeout: 45_000 });
  await expect(ordering.getByTestId('system-task-state')).toHaveText('完了');
  await expect(panel).toHaveAttribute('data-running', 'false', { timeout: 45_000 });
  await shot(page, '92-system-tasks-done');
  const after = orderingCustomer(CODE)!;
  expect(after.shimei).toBe('＊＊＊');
  expect(after.tel).toBeNull();
  expect(after.member_code).toBe(CODE);

  // Now the request is answered.
  await page.reload();
  await page.getByRole('button', { name: '回答する' }).click();
  await page.getByTestId('step-confirm').getByTestId('confirm-step').click();
  await expect(page.getByTestId('request-state')).toContainText('回答済み');
});
