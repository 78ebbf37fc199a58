/**
 * (g) The policy registers in the console, on a new organization so that the journeys do not depend on the
 * demo co-op's policy: (a) the system admin sets up a co-op with its first privacy officer, who enrols TOTP,
 * fills in the blank registers until no gap is left, publishes version 1 effective today and grants a role a
 * purpose; (b) a joint use's purposes change, which needs prior notice: publishing today is refused, the
 * earliest date is accepted and the version is scheduled; (c) the public page is linked from the history;
 * (d) a YAML file with an error shows its line, and a save after someone else's is refused as a conflict.
 */
import { type Browser, type BrowserContext, expect, type Locator, type Page, test } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import { fillPassword, mainNav, shot, signIn } from './helpers.ts';

test.describe.configure({ mode: 'serial' });

const suffix = Date.now().toString(36);
const org = { code: `e2e-coop-${suffix}`, name: 'テスト生活協同組合', nameEn: 'Test Consumer Co-operative' };
const officer = { login: `e2e-po-${suffix}`, name: '方針 責任子', password: 'mamori-e2e-officer-2026' };
const PRIOR_NOTICE_DAYS = 30;
const holder1 = { name: '株式会社テストサービス' };
/** A safety measure with a line break and a 「・」 sub-list: the notice keeps both. */
const BASIC_POLICY = '個人情報保護方針を定め、次の事項に取り組みます。\n・関係法令の遵守\n・質問及び苦情への対応';

/** Today in Japan (the server's policy dates are Japan dates). */
const japanToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(new Date());
function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

// One signed-in page for the whole file: the new officer enrols TOTP once and keeps the session.
let context: BrowserContext;
let page: Page;
test.beforeAll(async ({ browser }) => {
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
});
test.afterAll(async () => {
  await context.close();
});

const policyNav = (p: Page) => mainNav(p);
const review = (p: Page) => p.getByTestId('review-panel');
const errorCount = async (p: Page) => Number(await review(p).getByTestId('error-count').textContent());
const tab = (p: Page, name: string) => p.getByRole('tab', { name }).click();
const lastRow = (p: Page, list: string) => p.getByTestId(`${list}-row`).last();

/** A screenshot from the top of the page (the save bar and the review panel are sticky). */
async function snap(p: Page, name: string) {
  await p.evaluate(() => window.scrollTo(0, 0));
  await shot(p, name);
}

async function save(p: Page) {
  await p.getByRole('button', { name: '下書きを保存' }).click();
  await expect(p.getByTestId('saved')).toContainText('下書きを保存しました');
}

async function setUpOrganization(browser: Browser) {
  const context = await browser.newContext();
  const admin = await context.newPage();
  await signIn(admin, 'admin', { totp: true });
  await policyNav(admin).getByRole('link', { name: '組織の新規設定' }).click();
  const form = admin.getByTestId('org-form');
  await form.getByLabel('組織コード').fill(org.code);
  await form.getByLabel('組織の名称').fill(org.name);
  await form.getByLabel('英語の名称').fill(org.nameEn);
  await form.getByLabel('種別').selectOption('coop');
  await expect(form.getByLabel('方針のひな形')).toHaveValue('');
  await form.getByLabel('ログインID').fill(officer.login);
  await form.getByLabel('氏名').fill(officer.name);
  await form.getByLabel('初期パスワード').fill(officer.password);
  await form.getByLabel('メールアドレス').fill(`${officer.login}@example.jp`);
  await form.getByRole('button', { name: '組織を作成する' }).click();
  await expect(admin.getByTestId('org-created')).toContainText(`組織「${org.name}」（${org.code}）を作成しました。`);
  await shot(admin, 'policy-01-organization-setup');
  await context.close();
}

async function enrolOfficer(p: Page) {
  await p.goto('/');
  await fillPassword(p, officer.login, officer.password);
  await expect(p.getByRole('heading', { name: '二要素認証の登録' })).toBeVisible();
  const secret = ((await p.getByTestId('totp-secret').textContent()) ?? '').replace(/\s/g, '');
  const code = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate();
  await p.getByLabel('確認コード').fill(code);
  await p.getByRole('button', { name: '登録して続ける' }).click();
  await expect(p.getByTestId('current-user')).toContainText(officer.name);
  await expect(p.getByTestId('org-name')).toHaveText(org.name);
}

async function addListEntry(scope: Page | Locator, button: string, label: string, value: string) {
  await scope.getByRole('button', { name: button }).click();
  // Required fields' names end with 必須 (the label's badge).
  await scope.getByLabel(new RegExp(`^${label}(必須)?$`)).fill(value);
}

test('(a) a co-op configured from scratch: blank registers, gaps to none, version 1 in effect, a role granted a purpose', async ({
  browser,
}) => {
  // Two sign-ins with TOTP (each may wait for a fresh 30-s step) and a long form.
  test.setTimeout(180_000);
  await setUpOrganization(browser);
  await enrolOfficer(page);

  await policyNav(page).getByRole('link', { name: '登録簿の編集' }).click();
  await expect(page.getByRole('heading', { name: '登録簿の編集' })).toBeVisible();
  await expect(page.getByTestId('draft-status')).toContainText('改訂 2');
  const blankErrors = await errorCount(page);
  expect(blankErrors).toBeGreaterThanOrEqual(5);
  await expect(review(page).getByTestId('gap').filter({ hasText: '利用目的が一つもありません。' })).toBeVisible();
  await snap(page, 'policy-02-blank');

  // A gap leads to its tab and input.
  await review(page)
    .getByRole('button', { name: /組織の住所がありません。/ })
    .click();
  await expect(page.getByRole('tab', { name: '組織' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByLabel('住所', { exact: true })).toBeFocused();
  await page.getByLabel('住所', { exact: true }).fill('宮城県仙台市青葉区本町1-1-1');
  await page.getByLabel('代表者', { exact: true }).fill('代表理事 理事長 試験太郎');
  // A joint holder (a subsidiary): named in the notice's title with the co-op.
  await page.getByRole('button', { name: '保有者を追加' }).click();
  const holder = lastRow(page, 'holders');
  await holder.getByLabel(/^保有者 1 の名称/).fill(holder1.name);
  await holder.getByLabel('保有者 1 の住所').fill('宮城県仙台市青葉区本町1-1-2');

  await tab(page, '情報項目');
  await page.getByRole('button', { name: '情報項目を追加' }).click();
  const item = lastRow(page, 'items');
  await item.getByLabel(/^名称/).fill('氏名');
  await item.getByLabel('英語の名称').fill('Name');
  await item.getByLabel(/^コード/).fill('name');
  await page.getByRole('button', { name: '情報項目を追加' }).click();
  await lastRow(page, 'items').getByLabel(/^名称/).fill('電話番号');
  await lastRow(page, 'items')
    .getByLabel(/^コード/)
    .fill('phone');

  await tab(page, '利用目的');
  // Two groups of people: the members (in the ledger) and the staff (not), each with its own purposes.
  await page.getByRole('button', { name: '本人の区分を追加' }).click();
  await lastRow(page, 'data_subjects')
    .getByLabel(/^区分の名称/)
    .fill('組合員');
  await expect(lastRow(page, 'data_subjects').getByLabel(/^組合員台帳に載る人/)).toBeChecked();
  await page.getByRole('button', { name: '本人の区分を追加' }).click();
  const staff = lastRow(page, 'data_subjects');
  await staff.getByLabel(/^コード/).fill('staff');
  await staff.getByLabel(/^区分の名称/).fill('役職員');
  await expect(staff.getByLabel(/^組合員台帳に載る人/)).not.toBeChecked();
  for (const [name, group] of [
    ['組合員台帳の作成・管理のため', '組合員'],
    ['商品のお届けのため', '組合員'],
    ['役職員の労務管理のため', '役職員'],
  ] as const) {
    await page.getByRole('button', { name: '利用目的を追加' }).click();
    const purpose = lastRow(page, 'purposes');
    await purpose.getByLabel(/^利用目的/).fill(name);
    await purpose.getByRole('group', { name: '利用する情報項目' }).getByLabel('氏名').check();
    await purpose
      .getByRole('group', { name: /^この利用目的の本人の区分/ })
      .getByLabel(group)
      .check();
  }
  await expect(lastRow(page, 'purposes')).toContainText('③ 役職員の労務管理のため');

  await save(page);
  const afterFirstSave = await errorCount(page);
  expect(afterFirstSave).toBeLessThan(blankErrors);
  // The holder's missing representative leads to its own input, not the organization's.
  await review(page)
    .getByRole('button', { name: new RegExp(`保有者「${holder1.name}」の代表者がありません。`) })
    .click();
  await expect(page.getByRole('tab', { name: '組織' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByLabel('保有者 1 の代表者')).toBeFocused();
  await page.getByLabel('保有者 1 の代表者').fill('代表取締役 試験花子');

  // A joint use with a partner (so that (b) can change its purposes later).
  await tab(page, '共同利用');
  await page.getByRole('button', { name: '共同利用を追加' }).click();
  const jointUse = lastRow(page, 'joint_uses');
  await jointUse.getByLabel(/^名称/).fill('テスト事業連合との共同利用');
  await jointUse.getByLabel(/^コード/).fill('federation');
  await addListEntry(jointUse, '共同利用者を追加', '共同利用者 1 の名称', 'テスト事業連合');
  await jointUse.getByLabel(/^すべての項目を共同利用する/).check();
  await expect(jointUse.getByRole('group', { name: '共同利用する項目' })).toHaveCount(0);
  await jointUse.getByTestId('joint-use-purposes').getByLabel('① 組合員台帳の作成・管理のため').check();
  // For ① the partner uses the name only (not the phone number).
  await jointUse.getByLabel('利用目的を選んで項目を絞る').selectOption({ label: '① 組合員台帳の作成・管理のため' });
  const narrowed = jointUse.getByRole('group', { name: '① 組合員台帳の作成・管理のため' });
  await narrowed.getByLabel('氏名').check();
  await expect(narrowed.getByLabel('電話番号')).not.toBeChecked();
  await jointUse.getByLabel('管理責任者の名称').fill('テスト生活協同組合');
  await jointUse.getByLabel('管理責任者の住所').fill('宮城県仙台市青葉区本町1-1-1');
  await jointUse.getByLabel('管理責任者の代表者').fill('代表理事 理事長 試験太郎');

  // No contractors: said explicitly, or the notice would say nothing about outsourcing and the lint refuses.
  await tab(page, '委託先');
  await page.getByLabel(/個人データの取扱いを委託していない/).check();

  await tab(page, '窓口・開示等の手続');
  await page.getByLabel(/^窓口の部署/).fill('個人情報相談窓口');
  await page.getByLabel(/^電話番号/).fill('022-000-0000');
  await page.getByLabel('受付時間').fill('平日 9:00〜17:00');
  const methods = page.getByRole('group', { name: '請求の方法', exact: true });
  await methods.getByLabel('窓口', { exact: true }).check();
  await methods.getByLabel(/^組合員ページ/).check();
  // No kinds ticked yet: the review says so, and its link lands on the kinds' first tick box.
  await save(page);
  await review(page)
    .getByRole('button', { name: /請求できる内容（開示、訂正等）が選ばれていません。/ })
    .click();
  const kinds = page.getByRole('group', { name: '受け付ける請求の種類' });
  await expect(kinds.getByLabel('利用目的の通知')).toBeFocused();
  for (const kind of ['開示', '訂正・追加・削除', '利用停止・消去']) await kinds.getByLabel(kind, { exact: true }).check();
  await addListEntry(page, '応じられない場合を追加', '応じられない場合 1', '法令に違反することとなる場合');
  await page.getByLabel('手数料', { exact: true }).selectOption('free');

  await tab(page, '安全管理措置');
  await addListEntry(page, '基本方針の策定を追加', '基本方針の策定 1', BASIC_POLICY);
  await addListEntry(page, '組織的安全管理措置を追加', '組織的安全管理措置 1', '個人情報保護管理責任者を置き、取扱規程を定めています。');
  await addListEntry(page, '人的安全管理措置を追加', '人的安全管理措置 1', '職員に定期的な研修を行っています。');
  await addListEntry(page, '物理的安全管理措置を追加', '物理的安全管理措置 1', '入退室を管理しています。');
  await addListEntry(page, '技術的安全管理措置を追加', '技術的安全管理措置 1', 'アクセス制御と二要素認証を行っています。');

  await save(page);
  await expect(review(page).getByTestId('error-count')).toHaveText('0');
  await expect(review(page).getByTestId('review-ok')).toContainText('公表に必要な記載はそろっています。');
  await expect(review(page).getByTestId('earliest-date')).toHaveText(japanToday());
  await snap(page, 'policy-03-complete');

  await page.getByRole('button', { name: '公表する…' }).click();
  const dialog = page.getByRole('dialog', { name: '公表' });
  await expect(dialog.getByLabel(/^施行日/)).toHaveValue(japanToday());
  // The warnings being accepted are restated in the dialog, each.
  await expect(dialog.getByTestId('publish-warnings')).toContainText('注意事項を承知のうえで公表');
  await expect(dialog.getByTestId('publish-warning').filter({ hasText: 'テスト事業連合との共同利用' })).toContainText(
    '開始日が記載されていません',
  );
  await dialog.getByLabel('改定の概要').fill('初版を制定');
  await snap(page, 'policy-04-publish');
  await dialog.getByRole('button', { name: '公表する', exact: true }).click();

  await expect(page).toHaveURL(/\/policy\/versions\?published=1$/);
  await expect(page.getByTestId('published')).toContainText(`第1版を公表しました（施行日 ${japanToday()}）。`);
  const v1 = page.locator('[data-testid="version-row"][data-number="1"]');
  await expect(v1.getByTestId('version-status')).toHaveText('施行中');
  await expect(v1).toContainText('初版を制定');
  await snap(page, 'policy-05-versions');

  // The purposes now in effect can be granted: 職員 may use ①.
  await policyNav(page).getByRole('link', { name: '役割と利用目的' }).click();
  const grant = page.getByTestId('grant-staff-P01');
  await expect(grant).not.toBeChecked();
  await grant.check();
  await page.getByTestId('save-role-staff').click();
  await expect(page.getByTestId('roles-saved')).toContainText('「職員」の利用目的を保存しました。');
  await snap(page, 'policy-06-roles');
  await page.reload();
  await expect(page.getByTestId('grant-staff-P01')).toBeChecked();
  await expect(page.getByTestId('grant-staff-P02')).not.toBeChecked();

  // Duties: a new organization's staff role has none; the officer gives it requests and consents. The other
  // kinds' duties follow from the kind (the auditor reads, the officer always has them).
  const duty = page.getByTestId('duty-staff-member_requests');
  await expect(duty).not.toBeChecked();
  await expect(page.getByTestId('duty-auditor-member_requests')).toHaveCount(0);
  const dutyRow = page.locator('[data-testid="role-duty-row"][data-duty="member_requests"]');
  await expect(dutyRow).toContainText('閲覧のみ');
  await expect(dutyRow).toContainText('常に');
  await duty.check();
  await page.getByTestId('save-role-staff').click();
  await expect(page.getByTestId('roles-saved')).toContainText('「職員」の利用目的を保存しました。');
  await page.reload();
  await expect(page.getByTestId('duty-staff-member_requests')).toBeChecked();
  await expect(page.getByTestId('duty-staff-provision_records')).not.toBeChecked();
});

test('(b) a joint use gets another purpose: prior notice, publishing today refused, scheduled at the earliest date', async () => {
  await page.goto('/policy?tab=joint_uses');
  const jointUse = lastRow(page, 'joint_uses');
  await jointUse.getByTestId('joint-use-purposes').getByLabel('② 商品のお届けのため').check();
  await expect(page.getByTestId('draft-status')).toContainText('未保存の変更があります。');
  // Leaving with unsaved changes asks first; staying keeps them.
  page.once('dialog', (d) => void d.dismiss());
  await policyNav(page).getByRole('link', { name: '版の履歴' }).click();
  await expect(page).toHaveURL(/\/policy\?tab=joint_uses$/);
  await save(page);

  const earliest = addDays(japanToday(), PRIOR_NOTICE_DAYS);
  const change = review(page).locator('[data-testid="change"][data-notice="prior"]');
  await expect(change).toContainText('共同利用「テスト事業連合との共同利用」の利用目的を変更');
  await expect(change).toContainText('事前通知が必要');
  await expect(review(page).getByTestId('earliest-date')).toHaveText(earliest);
  await expect(review(page).getByTestId('prior-notice')).toHaveText(
    `この変更は会員への事前通知が必要です。施行日は ${earliest} 以降になります。`,
  );
  await snap(page, 'policy-07-prior-notice');

  await page.getByRole('button', { name: '公表する…' }).click();
  const dialog = page.getByRole('dialog', { name: '公表' });
  await expect(dialog.getByTestId('publish-prior-notice')).toContainText(`施行日は ${earliest} 以降になります。`);
  await dialog.getByLabel(/^施行日/).fill(japanToday());
  await dialog.getByRole('button', { name: '公表する', exact: true }).click();
  const refusal = dialog.getByTestId('publish-error');
  await expect(refusal).toContainText('事前の通知・公表が必要な変更を含むため、この施行日にはできません。');
  await expect(refusal.getByTestId('publish-issue')).toContainText(`事前の通知が必要です。施行日は ${earliest} 以降`);
  await snap(page, 'policy-08-publish-refused');

  await dialog.getByLabel(/^施行日/).fill(earliest);
  await dialog.getByLabel('改定の概要').fill('共同利用の利用目的に②を追加');
  await dialog.getByRole('button', { name: '公表する', exact: true }).click();
  await expect(page).toHaveURL(/\/policy\/versions\?published=2$/);
  const v2 = page.locator('[data-testid="version-row"][data-number="2"]');
  await expect(v2.getByTestId('version-status')).toHaveText('施行予定');
  await expect(v2.getByTestId('effective-on')).toHaveText(earliest);
  await expect(v2.getByTestId('notice-prior')).toBeVisible();
  await expect(page.locator('[data-testid="version-row"][data-number="1"]').getByTestId('version-status')).toHaveText('施行中');
  await snap(page, 'policy-09-versions-scheduled');

  // A version opens read-only.
  await v2.getByRole('link', { name: '第2版' }).click();
  await expect(page.getByRole('heading', { name: '第2版' })).toBeVisible();
  await page.getByRole('tab', { name: '共同利用' }).click();
  await expect(page.getByTestId('joint-use-purposes').getByLabel('② 商品のお届けのため')).toBeChecked();
  await expect(page.getByTestId('joint-use-purposes').getByLabel('② 商品のお届けのため')).toBeDisabled();
});

test('(c) the public page is linked from the history', async () => {
  await page.goto('/policy/versions');
  const link = page.getByTestId('public-link');
  await expect(link).toHaveAttribute('href', `/notices/${org.code}`);
  // The public pages are served by the server itself (not the console); on a build without them the
  // console's index.html answers, and only the link is checked.
  await link.click();
  await expect(page).toHaveURL(new RegExp(`/notices/${org.code}$`));
  // Version 1 (in effect): the holder is named with the co-op in the title.
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`${org.name}及び${holder1.name}`);
  // Each group of people under its own heading; the staff's purpose only under theirs.
  // The innermost section under the group's heading (the 利用目的 section holds them all).
  const groupSection = (name: string) =>
    page
      .locator('section')
      .filter({ has: page.getByRole('heading', { name, exact: true }) })
      .last();
  const staffSection = groupSection('役職員の個人情報');
  await expect(page.getByRole('heading', { name: '組合員の個人情報' })).toBeVisible();
  await expect(staffSection).toContainText('③役職員の労務管理のため');
  await expect(staffSection).not.toContainText('商品のお届け');
  await expect(groupSection('組合員の個人情報')).not.toContainText('労務管理');
  await expect(page.getByText('「取り扱う個人情報の項目」に記載のすべての項目')).toBeVisible();
  // The request sentence names exactly the kinds ticked; the member page is linked.
  await expect(page.getByText(/^保有個人データの.*のご請求は、次の手続でお受けします。$/)).toHaveText(
    '保有個人データの開示、内容の訂正・追加・削除及び利用の停止・消去のご請求は、次の手続でお受けします。',
  );
  await expect(page.getByRole('link', { name: '組合員ページへ' })).toHaveAttribute('href', '/my');
  await expect(page.getByText('法令に違反することとなる場合')).toBeVisible();
  // The safety measure keeps its first line and makes the 「・」 lines a sub-list.
  const measure = page.getByRole('listitem').filter({ hasText: '個人情報保護方針を定め、次の事項に取り組みます。' });
  await expect(measure.getByRole('listitem')).toHaveText(['関係法令の遵守', '質問及び苦情への対応']);
  await snap(page, 'policy-10-public-notice');
});

test('(d) a YAML file with an error shows its line; a save after someone else’s is a conflict', async () => {
  await page.goto('/policy');
  const status = await page.getByTestId('draft-status').textContent();
  const yaml = [
    'format: mamori-policy/1',
    'organization:',
    `  code: ${org.code}`,
    `  name: ${org.name}`,
    'items:',
    '  - code: name',
    '    name: 氏名',
    '    sensitive: maybe',
    '',
  ].join('\n');
  await page
    .getByLabel('YAMLファイルを読み込む')
    .setInputFiles({ name: 'broken.yaml', mimeType: 'application/yaml', buffer: Buffer.from(yaml) });
  const problems = page.getByTestId('sources-error');
  await expect(problems).toContainText('ポリシーファイルに誤りがあります。行と項目を確認してください。');
  await expect(problems.getByTestId('file-issue')).toContainText('8行目');
  await expect(problems.getByTestId('file-issue')).toContainText('items[0].sensitive');
  await expect(page.getByTestId('draft-status')).toHaveText(status ?? '');
  await snap(page, 'policy-11-yaml-error');

  // Two tabs on the same draft: the later save is refused, and the officer reloads.
  const other = await context.newPage();
  await other.goto('/policy?tab=organization');
  await other.getByLabel('郵便番号', { exact: true }).fill('980-0000');
  await other.getByRole('button', { name: '下書きを保存' }).click();
  await expect(other.getByTestId('saved')).toBeVisible();
  await other.close();

  await page.getByLabel('ウェブサイト', { exact: true }).fill('https://coop.example.jp/');
  await page.getByRole('button', { name: '下書きを保存' }).click();
  await expect(page.getByTestId('conflict')).toContainText('他の担当者がこの下書きを先に保存したため、保存できませんでした。');
  await snap(page, 'policy-12-conflict');
  await page.getByRole('button', { name: '最新の下書きを読み込む' }).click();
  await expect(page.getByTestId('conflict')).toHaveCount(0);
  await expect(page.getByLabel('郵便番号', { exact: true })).toHaveValue('980-0000');
  await expect(page.getByLabel('ウェブサイト', { exact: true })).toHaveValue('');
});
