/**
 * (c) The privacy office's side: reading a withdrawn member raises an alert, the officer acknowledges it,
 * then searches the co-op's audit trail with filters (entries read as sentences, the table fits the page),
 * exports the filtered view as Excel and opens it, pages through the trail and verifies the hash chain.
 */
import { expect, type Page, test } from '@playwright/test';
import ExcelJS from 'exceljs';
import { mainNav, shot, signIn } from './helpers.ts';

/** How far the page and the audit table scroll sideways (0: they fit). */
const sidewaysOverflow = (page: Page) =>
  page.evaluate(() => {
    const wrap = document.querySelector('[data-testid="audit-table"]')!.parentElement!;
    return { page: document.documentElement.scrollWidth - window.innerWidth, table: wrap.scrollWidth - wrap.clientWidth };
  });

test('officer: withdrawn-member alert acknowledged, audit trail filtered and paged, chain verified', async ({ page }) => {
  await signIn(page, 'officer', { totp: true, reuse: true });

  // Find a withdrawn member under ① (its items include the status).
  await mainNav(page).getByRole('link', { name: '組合員検索' }).click();
  await page.getByLabel('利用目的').selectOption('P01');
  await page.getByRole('radio', { name: 'フリガナ' }).check();
  const withdrawn = page.getByTestId('member-row').filter({ hasText: '脱退' });
  for (const prefix of ['カ', 'サ', 'タ', 'ア', 'ス', 'イ', 'ワ', 'ヤ', 'キ', 'ハ', 'マ', 'ナ']) {
    await page.getByRole('searchbox').fill(prefix);
    await page.getByRole('button', { name: '検索', exact: true }).click();
    await expect(page.getByTestId('result-count')).toBeVisible();
    if ((await withdrawn.count()) > 0) break;
  }
  await expect(withdrawn.first()).toBeVisible();
  const code = ((await withdrawn.first().locator('td').first().textContent()) ?? '').trim();
  expect(code).toMatch(/^\d{7}$/);
  await withdrawn.first().getByRole('link', { name: '開く' }).click();
  await expect(page.getByTestId('withdrawn')).toContainText('脱退した組合員です');
  await shot(page, '10-member-withdrawn');
  const memberPage = page.url();

  // The read raised an alert; the officer acknowledges it.
  await mainNav(page).getByRole('link', { name: 'アラート' }).click();
  const alert = page.locator(`[data-testid="alert-row"][data-kind="withdrawn_member"][data-member="${code}"]`);
  await expect(alert.first()).toBeVisible();
  await expect(alert.first()).toContainText('脱退者の参照');
  await expect(alert.first()).toContainText('保護 管理子');
  const before = await alert.count();
  await shot(page, '11-alerts-open');
  await alert.first().getByRole('button', { name: '確認済みにする' }).click();
  await expect(page.getByTestId('ack-done')).toContainText('脱退者の参照');
  await expect(alert).toHaveCount(before - 1);

  // Two more reads of the same record: two more alerts, ticked and acknowledged together with a note.
  for (let i = 0; i < 2; i++) {
    await page.goto(memberPage);
    await expect(page.getByTestId('withdrawn')).toContainText('脱退した組合員です');
  }
  await mainNav(page).getByRole('link', { name: 'アラート' }).click();
  const reads = alert.filter({ hasText: '脱退済みの組合員の情報を参照しました' });
  await expect.poll(() => reads.count()).toBeGreaterThanOrEqual(2);
  const open = await alert.count();
  const ackButton = page.getByRole('button', { name: /^選択した \d+ 件を確認済みにする$/ });
  await expect(ackButton).toBeDisabled();
  for (const row of [reads.nth(0), reads.nth(1)]) await row.getByRole('checkbox', { name: /^脱退者の参照（.+）を選択$/ }).check();
  const note = '配達担当からの住所確認の問い合わせ対応（synthetic）。本人に確認済み。';
  await page.getByLabel('確認の記録（任意）').fill(note);
  await expect(ackButton).toHaveText('選択した 2 件を確認済みにする');
  await shot(page, '11b-alerts-selected');
  await ackButton.click();
  await expect(page.getByTestId('ack-done')).toContainText('2 件のアラートを確認済みにしました。');
  await expect(alert).toHaveCount(open - 2);
  await expect(page.getByLabel('確認の記録（任意）')).toHaveValue('');

  // The acknowledged tab: the single one without a note, the two with it (and no tick boxes).
  await page.getByRole('tab', { name: '確認済み' }).click();
  const acknowledged = page.locator(`[data-testid="alert-row"][data-member="${code}"]`);
  await expect(acknowledged.first()).toBeVisible();
  await expect(acknowledged.filter({ has: page.getByTestId('ack-note').filter({ hasText: note }) })).toHaveCount(2);
  // The note is labelled on screen and for a screen reader, as where it was typed.
  await expect(acknowledged.getByRole('note', { name: '確認の記録' }).first()).toContainText(note);
  await expect(page.getByRole('checkbox', { name: 'すべて選択' })).toHaveCount(0);
  await shot(page, '11c-alerts-acknowledged');

  // The alert conditions: records opened and rows listed have limits of their own; both are saved.
  const settings = page.getByTestId('alert-settings');
  await expect(settings.getByLabel('1時間あたりに開いた記録の上限')).toHaveValue('200');
  await settings.getByLabel('1時間あたりに開いた記録の上限').fill('150');
  const listed = settings.getByLabel('1時間あたりの一覧表示件数の上限');
  const listedBefore = Number(await listed.inputValue());
  await listed.fill(String(listedBefore + 500));
  // Working hours read as 24-hour time in Japanese (no 「AM」), typed loosely, refused plainly when impossible.
  const workStart = settings.getByLabel('勤務開始');
  await expect(workStart).toHaveValue('08:00');
  await workStart.fill('25:00');
  await settings.getByRole('button', { name: '条件を保存' }).click();
  await expect(settings.getByTestId('field-error')).toContainText('時刻は24時間表記の「08:00」の形で入力してください');
  await workStart.fill('８：００');
  await settings.getByRole('button', { name: '条件を保存' }).click();
  await expect(settings).toContainText('アラートの条件を保存しました。');
  await expect(workStart).toHaveValue('08:00');
  await page.reload();
  await expect(page.getByTestId('alert-settings').getByLabel('勤務開始')).toHaveValue('08:00');
  await expect(page.getByTestId('alert-settings').getByLabel('1時間あたりに開いた記録の上限')).toHaveValue('150');
  await expect(page.getByTestId('alert-settings').getByLabel('1時間あたりの一覧表示件数の上限')).toHaveValue(String(listedBefore + 500));
  await shot(page, '21-alert-settings');

  // The co-op audit trail, filtered by staff member and action.
  await mainNav(page).getByRole('link', { name: '監査記録' }).click();
  const rows = page.getByTestId('audit-row');
  await expect(rows.first()).toBeVisible();
  const filters = page.getByTestId('audit-filters');
  await filters.getByLabel('職員').selectOption('officer');
  await filters.getByLabel('操作').selectOption('member.read');
  await filters.getByRole('button', { name: 'この条件で表示' }).click();
  await expect(rows.first()).toContainText('組合員の参照');
  await expect(page.locator('[data-testid="audit-row"]:not([data-action="member.read"])')).toHaveCount(0);
  await expect(rows.first()).toContainText('① メンバー（組合員）の出資金・債券');
  await shot(page, '12-audit-filtered');

  // The entries read as sentences; the table fits a 1280 px page without scrolling sideways.
  await expect(rows.first().getByTestId('audit-sentence')).toContainText(`組合員 ${code} を参照（利用目的: ①`);
  await expect(page.getByTestId('audit-table')).not.toContainText('{');
  expect(page.viewportSize()?.width).toBe(1280);
  expect(await sidewaysOverflow(page)).toEqual({ page: 0, table: 0 });

  // The filtered view, exported as Excel: Japanese headers and the rows the screen shows.
  const shown = await rows.locator('td:first-child').allTextContents();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('audit-export').getByRole('button', { name: 'Excel' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^監査記録_\d{4}-\d{2}-\d{2}\.xlsx$/);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(await download.path());
  const sheet = workbook.worksheets[0]!;
  expect(sheet.getRow(1).values).toEqual([
    undefined,
    '記録番号',
    '日時（日本時間）',
    '操作者',
    '操作',
    '結果',
    '利用目的',
    '組合員',
    '内容',
    '拒否・失敗の理由',
    '詳細',
  ]);
  const exported: string[] = [];
  sheet.eachRow((row, n) => {
    if (n > 1) exported.push(String(row.getCell(1).value));
  });
  expect(exported).toEqual(shown.map((s) => s.trim()));
  expect(String(sheet.getRow(2).getCell(4).value)).toBe('組合員の参照');

  // The acknowledgement itself is on record.
  await filters.getByLabel('操作').selectOption('alert.acknowledge');
  await filters.getByRole('button', { name: 'この条件で表示' }).click();
  await expect(rows.first()).toContainText('アラートの確認');

  // Paging through the whole trail (the demo seed alone wrote 300 entries).
  await filters.getByRole('button', { name: '条件をクリア' }).click();
  await expect(page.getByTestId('pager-status')).toHaveText('1 ページ目（50 件）');
  await expect(rows).toHaveCount(50);
  // Fifty entries of every kind (sign-ins, imports, policy, reads) still fit the page, with no JSON.
  expect(await sidewaysOverflow(page)).toEqual({ page: 0, table: 0 });
  await expect(page.getByTestId('audit-table')).not.toContainText('{');
  const firstSeq = async () => Number(await rows.first().locator('td').first().textContent());
  const newest = await firstSeq();
  await page.getByRole('button', { name: '古い記録 →' }).click();
  await expect(page.getByTestId('pager-status')).toHaveText('2 ページ目（50 件）');
  // The rows follow the status line once the page's answer has rendered.
  await expect.poll(firstSeq).toBeLessThan(newest);
  await page.getByRole('button', { name: '← 新しい記録' }).click();
  await expect(page.getByTestId('pager-status')).toHaveText('1 ページ目（50 件）');

  // Verifying the hash chain.
  await page.getByRole('button', { name: '連鎖を検証' }).click();
  await expect(page.getByTestId('verify-result')).toContainText('監査記録の連鎖は正常です');
  await shot(page, '13-audit-verified');
});
