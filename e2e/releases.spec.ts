/**
 * 匿名加工情報: the privacy officer defines a release over the demo co-op's members × its ordering system (starting
 * from the template, k and one hierarchy step edited in the form), previews its report (levels, metric, class-size
 * histogram, suppressed, risks), is refused a delivery before the method of provision is published, publishes it,
 * delivers to the partners' folder, and finds the delivery in the history with its checksum and on the public
 * notice with its items and method.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { E2E_DATA_DIR, mainNav, shot, signIn } from './helpers.ts';

test('officer defines, previews, publishes and delivers an anonymized release', async ({ page }) => {
  await signIn(page, 'officer', { totp: true, reuse: true });
  await mainNav(page).getByRole('link', { name: '匿名加工情報' }).click();
  await expect(page.getByRole('heading', { name: '匿名加工情報', level: 1 })).toBeVisible();
  await page.getByTestId('release-new').click();

  // Define: the template is the demo's members × ordering system; the form edits the same spec as the YAML.
  const form = page.getByTestId('release-form');
  await expect(page.getByTestId('release-yaml')).toHaveValue(/system: ordering/);
  await form.locator('input[name="code"]').fill('e2e-usage');
  await form.locator('input[name="name"]').fill('組合員の利用状況（E2E）');
  await form.locator('input[name="k"]').fill('5');
  // The age column's hierarchy, edited step by step: a custom 10-year band, then 20.
  const age = page.locator('[data-testid="release-column"][data-column="age"]');
  await age.getByTestId('release-column-preset').selectOption('');
  await expect(age.getByTestId('release-step-param')).toHaveCount(3);
  await age.getByRole('button', { name: '削除' }).first().click();
  await expect(age.getByTestId('release-step-param')).toHaveCount(2);
  await expect(page.getByTestId('release-yaml')).toHaveValue(/k: 5/);
  await expect(page.getByTestId('release-yaml')).toHaveValue(/width: 10/);
  await shot(page, '50-release-define');
  await page.getByTestId('release-save').click();

  // The release: items published at once, method not yet.
  await expect(page.getByRole('heading', { name: '組合員の利用状況（E2E）', level: 1 })).toBeVisible();
  await expect(page.getByTestId('release-items')).toHaveText('顧客ID、年代、性別、はん個配区分、月間利用額');
  await expect(page.getByTestId('release-method')).toContainText('未公表');

  // Preview: the report, nothing delivered.
  await page.getByTestId('release-preview').click();
  const report = page.getByTestId('release-report');
  await expect(report.getByTestId('report-verified')).toContainText('k OK');
  await expect(report.getByTestId('report-levels').locator('tr')).toHaveCount(3);
  await expect(report.getByTestId('report-histogram').locator('tr').first()).toBeVisible();
  await expect(report.getByTestId('report-risk')).toContainText('検察官モデル');
  await expect(report.getByTestId('report-metric')).toContainText('loss');
  await shot(page, '51-release-preview');

  // A delivery before the method is published is refused.
  const target = page.getByTestId('release-target');
  if ((await target.evaluate((e) => e.tagName)) === 'SELECT') await target.selectOption('partners');
  else await target.fill('partners');
  await page.getByTestId('release-deliver').click();
  await expect(page.getByTestId('error')).toContainText('release_method_unpublished');

  // Publish the method of provision, then deliver.
  await page.getByTestId('release-method-input').fill('取引先と共同利用可能なサーバーにアップロードします。（E2E）');
  await page.getByTestId('release-publish').click();
  await expect(page.getByTestId('release-done')).toContainText('提供の方法を公表しました');
  await expect(page.getByTestId('release-method')).toContainText('（E2E）');
  await page.getByTestId('release-deliver').click();
  await expect(page.getByTestId('release-done')).toContainText('提供しました');
  const delivered = page.locator('[data-testid="release-run"][data-kind="delivery"][data-status="succeeded"]');
  await expect(delivered).toHaveCount(1);
  await expect(delivered).toContainText('SHA-256');
  await shot(page, '52-release-delivered');

  // The file and its notice in the partners' folder.
  const folder = resolve(E2E_DATA_DIR, 'deliveries', 'partners');
  expect(existsSync(folder)).toBe(true);
  const files = readdirSync(folder).filter((n) => n.startsWith('e2e-usage_'));
  expect(files.length).toBe(2);
  const notice = files.find((n) => n.endsWith('.txt'))!;
  expect(readFileSync(resolve(folder, notice), 'utf8')).toContain('匿名加工情報');

  // The public notice: the items and the method, with their dates.
  await page.goto('/notices/demo-coop');
  const section = page.locator('#anonymized-e2e-usage');
  await expect(section).toContainText('顧客ID、年代、性別、はん個配区分、月間利用額');
  await expect(section).toContainText('取引先と共同利用可能なサーバーにアップロードします。（E2E）');
});
