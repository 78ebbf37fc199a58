/**
 * Requests from the person and consents, in the privacy office's console:
 * (a) the officer enters a disclosure request received by phone from a mandated agent (name, relationship,
 *     proof, a scanned proof), finds it in the list with its due date, verifies identity, starts, takes the
 *     request as its assignee, previews the package the person will receive, approves (through a cancelled
 *     confirmation and a version conflict), answers after a confirmation that restates the answer and the
 *     person, and downloads the disclosure package as JSON and CSV; the history names the staff member;
 * (c) the home page shows what needs attention: its counts match the API, the request menu has a badge, and
 *     following a count opens the list filtered (overdue, assigned to me), one read of the counts per navigation;
 *     refusing the overdue request restates the reason before it is sent, and the badge follows; delivery staff
 *     see no counts;
 * (b) member-services staff record on paper that a member opts out of ⑯ (profiling), and the product analyst
 *     can no longer find or open that member for ⑯.
 */
import { readFileSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { mainNav, memberIdOf, shot, signIn } from './helpers.ts';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]);

/** Finds a member by code under a purpose and opens the record. */
async function openMember(page: Page, purpose: string, code: string) {
  await mainNav(page).getByRole('link', { name: '組合員検索' }).click();
  await page.getByLabel('利用目的').selectOption(purpose);
  await page.getByRole('radio', { name: '組合員コード' }).check();
  await page.getByRole('searchbox').fill(code);
  await page.getByRole('button', { name: '検索', exact: true }).click();
  await page.getByTestId('member-row').filter({ hasText: code }).getByRole('link', { name: '開く' }).click();
  await expect(page.getByTestId('member-items')).toContainText(code);
}

async function takeStep(page: Page, button: string, state: string) {
  await page.getByRole('button', { name: button }).click();
  await expect(page.getByTestId('request-state')).toContainText(state);
}

/** A deciding step: the button opens the confirmation, which is confirmed. */
async function confirmStep(page: Page, button: string, state: string) {
  await page.getByRole('button', { name: button }).click();
  await page.getByTestId('step-confirm').getByTestId('confirm-step').click();
  await expect(page.getByTestId('step-confirm')).toHaveCount(0);
  await expect(page.getByTestId('request-state')).toContainText(state);
}

test('staff enter a phone request with an agent', async ({ page }) => {
  const code = '1000021';
  await signIn(page, 'officer', { totp: true, reuse: true });
  await openMember(page, 'P04', code);
  const memberId = memberIdOf(page);

  // From the member's page, the form opens with the member chosen.
  await page.getByRole('link', { name: '請求を受け付ける' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('請求の受付');
  await expect(page.getByTestId('request-member')).toContainText(code);
  await page.getByLabel('請求の種類').selectOption({ label: '開示' });
  await page.getByRole('radio', { name: '電話' }).check();
  // Agent fields appear only for an agent, and the agent's name is required.
  await expect(page.getByTestId('agent-fields')).toHaveCount(0);
  await page.getByRole('radio', { name: '任意代理人' }).check();
  await page.getByRole('button', { name: '受け付ける', exact: true }).click();
  await expect(page.getByTestId('field-error')).toContainText('代理人の氏名を入力してください。');
  await page.getByLabel('代理人の氏名').fill('代理 一郎');
  await page.getByLabel('本人との関係').fill('弁護士');
  await page.getByLabel('代理権の確認').fill('委任状と代理人の運転免許証を確認');
  await page.getByLabel('開示の方法').selectOption('json');
  await shot(page, '50-request-new-agent');
  await page.getByRole('button', { name: '受け付ける', exact: true }).click();

  await expect(page.getByTestId('request-notice')).toContainText('請求を受け付けました');
  await expect(page.getByTestId('request-state')).toContainText('受付');
  await expect(page.getByTestId('request-identity')).toContainText('任意代理人');
  await expect(page.getByTestId('agent-proof')).toContainText('委任状と代理人の運転免許証を確認');
  const requestId = /\/requests\/([^/?]+)/.exec(new URL(page.url()).pathname)?.[1] ?? '';
  const filed = (await (await page.request.get(`/api/v1/requests/${requestId}`)).json()) as { reference: string; due_on: string };
  expect(filed.reference).toMatch(/^R\d{4}-\d{5}$/);

  // The list of open requests shows it with its due date; so does the member's page.
  await mainNav(page).getByRole('link', { name: '開示等の請求' }).click();
  await expect(page.getByRole('tab', { name: '対応中' })).toHaveAttribute('aria-selected', 'true');
  const row = page.locator(`[data-testid="request-row"][data-reference="${filed.reference}"]`);
  await expect(row).toContainText(code);
  await expect(row).toContainText('開示');
  await expect(row).toContainText('電話');
  await expect(row).toContainText('任意代理人');
  const [y, m, d] = filed.due_on.split('-').map(Number);
  await expect(row.getByTestId('request-due')).toContainText(`${y}年${m}月${d}日`);
  await expect(row).not.toHaveAttribute('data-overdue', 'true');
  await shot(page, '51-requests-list');
  await page.getByRole('tab', { name: '期限超過' }).click();
  await expect(page.locator(`[data-testid="request-row"][data-reference="${filed.reference}"]`)).toHaveCount(0);
  await page.getByRole('tab', { name: '対応中' }).click();
  await page.getByRole('link', { name: filed.reference }).click();

  // A scanned power of attorney is added; then identity is verified and the request handled.
  const documents = page.getByTestId('document-form');
  await documents.getByLabel('書類の種類').selectOption('agent_proof');
  await documents.getByLabel('ファイル').setInputFiles({ name: '委任状.png', mimeType: 'image/png', buffer: PNG });
  await documents.getByRole('button', { name: '書類を登録' }).click();
  await expect(page.getByTestId('request-document')).toContainText('委任状.png');
  await expect(page.getByTestId('request-document')).toContainText('代理権の証明');

  await page.getByLabel('本人確認の方法').selectOption('documents');
  await page.getByLabel('確認の記録').fill('代理人の運転免許証と委任状');
  await takeStep(page, '本人確認済みにする', '本人確認済み');
  await takeStep(page, '対応を開始する', '対応中');
  const progress = page.getByTestId('request-progress');
  await expect(progress.locator('[aria-current="step"]')).toHaveText('対応中');
  await expect(page.getByTestId('request-days-left')).toContainText(/あと \d+ 日/);

  // The officer takes the request; the change is named in the history.
  await page.getByTestId('assignee-form').getByLabel('担当者を選ぶ').selectOption({ label: '保護 管理子' });
  await page.getByRole('button', { name: '担当者を変更' }).click();
  await expect(page.getByTestId('request-notice')).toContainText('担当者を「保護 管理子」にしました。');
  await expect(page.getByTestId('assignee-name')).toHaveText('保護 管理子');
  await shot(page, '52-request-in-progress');

  // Before approving, the package the person will receive: the rows of their CSV, in Japanese only.
  await page.getByTestId('preview-show').click();
  const preview = page.getByTestId('preview-table');
  await expect(preview).toContainText('保有情報');
  await expect(preview).toContainText(code);
  await expect(preview).not.toContainText('Items held');
  await shot(page, '52a-request-preview');
  const [previewCsv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('preview-csv').click()]);
  const previewText = readFileSync((await previewCsv.path()) ?? '', 'utf8');
  expect(previewText).toContain('区分,項目,値,日時,詳細');
  expect(previewText).not.toContain(' / ');

  // Approving asks first; cancelling changes nothing.
  await page.getByRole('button', { name: '承認する' }).click();
  const approveDialog = page.getByTestId('step-confirm');
  await expect(approveDialog).toContainText('この請求への対応を承認しますか');
  await expect(approveDialog.getByTestId('confirm-person')).toContainText(code);
  await approveDialog.getByRole('button', { name: 'やめる' }).click();
  await expect(page.getByTestId('step-confirm')).toHaveCount(0);
  await expect(page.getByTestId('request-state')).toContainText('対応中');

  // Someone else adjusts the request meanwhile: the approval is refused, the latest version loaded.
  await page.evaluate(async (id) => {
    const current = (await (await fetch(`/api/v1/requests/${id}`)).json()) as { version: number };
    const { token } = (await (await fetch('/api/v1/auth/csrf')).json()) as { token: string };
    const r = await fetch(`/api/v1/requests/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'x-csrf-token': token },
      body: JSON.stringify({ version: current.version, agent_proof: '委任状の原本と代理人の運転免許証を確認' }),
    });
    if (!r.ok) throw new Error(await r.text());
  }, requestId);
  await page.getByRole('button', { name: '承認する' }).click();
  await page.getByTestId('step-confirm').getByTestId('confirm-step').click();
  await expect(page.getByTestId('version-conflict')).toContainText('他の担当者がこの請求を先に更新しました');
  await expect(page.getByTestId('agent-proof')).toContainText('委任状の原本と代理人の運転免許証を確認');
  await confirmStep(page, '承認する', '承認済み');

  // Answering restates, before anything is sent, the answer exactly as the person reads it and to whom.
  await page.getByLabel('回答の内容').fill('開示します。JSON形式のファイルをお送りします。');
  await page.getByRole('button', { name: '回答する' }).click();
  const answerDialog = page.getByTestId('step-confirm');
  await expect(answerDialog).toContainText('この回答を本人に送りますか');
  await expect(answerDialog.getByTestId('confirm-text')).toHaveText('開示します。JSON形式のファイルをお送りします。');
  await expect(answerDialog).toContainText('組合員ページから開示資料をダウンロード');
  await shot(page, '53a-request-answer-confirm');
  await answerDialog.getByTestId('confirm-step').click();
  await expect(page.getByTestId('request-state')).toContainText('回答済み');
  await expect(page.getByTestId('request-answer')).toContainText('開示します。JSON形式のファイルをお送りします。');
  const history = page.getByTestId('request-events');
  for (const action of ['file', 'document', 'verify', 'start', 'assign', 'update', 'approve', 'answer']) {
    await expect(history.locator(`[data-action="${action}"]`).first()).toBeVisible();
  }
  // The history names the staff member who took each step.
  await expect(history.locator('[data-action="answer"]').getByTestId('event-actor')).toHaveText('保護 管理子');
  await shot(page, '53-request-answered');

  // The disclosure package: JSON (with the member's code) and CSV.
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('package-json').click()]);
  expect(json.suggestedFilename()).toContain(filed.reference);
  const pkg = JSON.parse(readFileSync((await json.path()) ?? '', 'utf8')) as { person: { member_code: string } };
  expect(pkg.person.member_code).toBe(code);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('package-csv').click()]);
  expect(readFileSync((await csv.path()) ?? '', 'utf8')).toContain(code);
  await expect(page.getByTestId('package-pdf')).toBeVisible();

  await takeStep(page, '完了にする', '完了');
  await page.goto(`/members/${memberId}?purpose=P04`);
  await expect(page.locator(`[data-testid="request-row"][data-reference="${filed.reference}"]`)).toContainText('完了');
  await shot(page, '54-member-requests');
});

test('an opt-out blocks a purpose', async ({ page }) => {
  const code = '1000022';
  // Member services record the opt-out the member sent on paper.
  await signIn(page, 'service');
  await openMember(page, 'P01', code);
  const memberId = memberIdOf(page);
  const consents = page.getByTestId('consent-form');
  await consents
    .getByLabel('対象')
    .selectOption({ label: '⑯ 本人に関する行動、関心等の情報を分析し、本人の嗜好に沿った商品・サービスの提供のため' });
  await consents.getByLabel('新しい状態').selectOption('opted_out');
  await consents.getByLabel('申出の方法').selectOption('paper');
  await consents.getByRole('button', { name: '記録する' }).click();
  await expect(page.getByTestId('consent-saved')).toContainText('停止（オプトアウト）');
  await expect(page.locator('[data-testid="consent-row"][data-code="P16"]')).toHaveAttribute('data-state', 'opted_out');
  const event = page.getByTestId('consent-event').first();
  await expect(event).toContainText('書面');
  await expect(event).toContainText('職員');
  // The version shown when the choice was made (another journey may have published a later one).
  await expect(event).toContainText(/第\d+版/);
  await shot(page, '55-consent-opt-out');
  await page.getByRole('button', { name: 'ログアウト' }).click();

  // The analyst's purpose ⑯ no longer reaches the member: not found by search, refused when opened.
  await signIn(page, 'analyst');
  await mainNav(page).getByRole('link', { name: '組合員検索' }).click();
  await page.getByLabel('利用目的').selectOption('P16');
  await page.getByRole('radio', { name: '組合員コード' }).check();
  await page.getByRole('searchbox').fill(code);
  await page.getByRole('button', { name: '検索', exact: true }).click();
  await expect(page.getByTestId('result-count')).toHaveText('0 件');
  await page.goto(`/members/${memberId}?purpose=P16`);
  await expect(page.getByTestId('refusal')).toContainText('この利用目的では表示できません');
  await expect(page.getByTestId('refusal')).toContainText('この組合員はこの利用目的への利用を拒否（オプトアウト）しています。');
  await expect(page.getByTestId('member-items')).toHaveCount(0);
  await shot(page, '56-opted-out-refused');
});

test('home shows what needs attention, each count opening its list', async ({ page }) => {
  await signIn(page, 'officer', { totp: true, reuse: true });
  // An overdue phone request assigned to the officer (entered and adjusted through the API).
  const reference = await page.evaluate(async () => {
    const { token } = (await (await fetch('/api/v1/auth/csrf')).json()) as { token: string };
    const send = async (method: string, path: string, body: unknown) => {
      const r = await fetch(`/api/v1${path}`, {
        method,
        headers: { 'content-type': 'application/json', 'x-csrf-token': token },
        body: JSON.stringify(body),
      });
      if (!r.ok) throw new Error(await r.text());
      return r.json();
    };
    const found = (await (await fetch('/api/v1/members?purpose=P04&code=1000023')).json()) as { members: { id: string }[] };
    const me = (await (await fetch('/api/v1/auth/me')).json()) as { user: { id: string } };
    let r = await send('POST', '/requests', { channel: 'phone', member_id: found.members[0]?.id, kind: 'disclosure' });
    const past = new Date(Date.now() + 9 * 3600_000 - 2 * 86_400_000).toISOString().slice(0, 10);
    r = await send('PATCH', `/requests/${r.id}`, { version: r.version, due_on: past });
    await send('PUT', `/requests/${r.id}/assignee`, { version: r.version, assignee_id: me.user.id });
    return r.reference as string;
  });

  await page.goto('/');
  const attention = (await (await page.request.get('/api/v1/attention')).json()) as {
    requests: { open: number; overdue: number; mine: number };
    alerts: { open: number };
  };
  expect(attention.requests.overdue).toBeGreaterThan(0);
  await expect(page.getByTestId('attention-requests-open')).toHaveAttribute('data-count', String(attention.requests.open));
  await expect(page.getByTestId('attention-requests-open')).toContainText('日超過');
  await expect(page.getByTestId('attention-requests-overdue')).toHaveAttribute('data-count', String(attention.requests.overdue));
  await expect(page.getByTestId('attention-alerts')).toHaveAttribute('data-count', String(attention.alerts.open));
  await expect(page.getByTestId('attention-ledger-overdue')).toBeVisible();
  await expect(page.getByTestId('attention-policy')).toBeVisible();
  await expect(page.getByTestId('nav-badge-requests')).toHaveText(String(attention.requests.open));
  await shot(page, '57-home-attention');

  // The overdue count opens the overdue list, with exactly that many requests.
  await page.getByTestId('attention-requests-overdue').click();
  await expect(page.getByRole('tab', { name: '期限超過' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('request-row')).toHaveCount(attention.requests.overdue);
  await expect(page.locator(`[data-testid="request-row"][data-reference="${reference}"]`)).toContainText('2 日超過');

  // "Assigned to me" opens the list filtered to the officer's requests.
  await mainNav(page).getByRole('link', { name: 'ホーム' }).click();
  await page.getByTestId('attention-requests-mine').click();
  await expect(page.getByTestId('filter-mine')).toBeChecked();
  await expect(page.getByTestId('request-row')).toHaveCount(attention.requests.mine);
  await expect(page.locator(`[data-testid="request-row"][data-reference="${reference}"]`)).toContainText('保護 管理子');

  // The counts and the menu's badges share one read of what needs attention per navigation.
  const reads: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/v1/attention') reads.push(r.url());
  });
  await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/attention'),
    mainNav(page).getByRole('link', { name: 'ホーム' }).click(),
  ]);
  await expect(page.getByTestId('attention-requests-open')).toBeVisible();
  await page.waitForTimeout(300);
  expect(reads).toHaveLength(1);

  // Refusing asks first, restating the reason exactly as the person will read it; the badge follows at once.
  await page.getByTestId('attention-requests-mine').click();
  await page.getByRole('link', { name: reference }).click();
  const badge = Number(await page.getByTestId('nav-badge-requests').textContent());
  await page.getByTestId('step-other').locator('summary').click();
  const reason = '当組合では、ご請求の記録を保有していないためです。';
  await page.getByLabel('不応諾の理由').fill(reason);
  await page.getByRole('button', { name: '不応諾として通知する' }).click();
  const refuseDialog = page.getByTestId('step-confirm');
  await expect(refuseDialog).toContainText('不応諾として本人に通知しますか');
  await expect(refuseDialog.getByTestId('confirm-person')).toContainText('1000023');
  await expect(refuseDialog.getByTestId('confirm-text')).toHaveText(reason);
  await shot(page, '57a-request-refuse-confirm');
  await refuseDialog.getByTestId('confirm-step').click();
  await expect(page.getByTestId('request-state')).toContainText('不応諾');
  // One fewer open request: the badge counts down (and is gone when none is left).
  if (badge > 1) await expect(page.getByTestId('nav-badge-requests')).toHaveText(String(badge - 1));
  else await expect(page.getByTestId('nav-badge-requests')).toHaveCount(0);
  await page.getByRole('button', { name: 'ログアウト' }).click();

  // Delivery staff's work is none of these: no counts, no request menu.
  await signIn(page, 'staff');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expect(await (await page.request.get('/api/v1/attention')).json()).toMatchObject({
    requests: null,
    alerts: null,
    ledger: null,
    policy: null,
  });
  await expect(page.getByTestId('attention')).toHaveCount(0);
  await expect(page.getByTestId('nav-badge-requests')).toHaveCount(0);
});
