/**
 * The audit trail is read by a privacy office, never as raw codes (issue 12 §4): every kind of event the server
 * writes has a Japanese and an English label, the audit screen offers every kind in its filter, and every kind's
 * detail reads as a sentence and as a labelled list — never JSON. The kinds are read from the typed union in
 * src/modules/audit/events.ts (which the type check also ties to the contract's list), so a new kind of event
 * without labels or without a sentence fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type AuditAction,
  type AuditNames,
  auditActionLabels,
  auditActions,
  auditDetailFieldLabels,
  auditDetailList,
  describeAuditEntry,
} from '../../src/contract/audit-vocabulary.ts';

const root = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

function eventActions(): string[] {
  const source = read('src/modules/audit/events.ts');
  const actions = new Set<string>();
  for (const m of source.matchAll(/action:\s*((?:'[a-z_.]+'\s*\|?\s*)+)/g)) {
    for (const a of m[1]!.matchAll(/'([a-z_.]+)'/g)) actions.add(a[1]!);
  }
  return [...actions].sort();
}

const names: AuditNames = {
  item: (c) => ({ name: '氏名', address: '住所', phone: '電話番号' })[c] ?? c,
  purpose: (c) => ({ P04: '④ 商品のお届け', P16: '⑯ 商品案内' })[c] ?? c,
  dateTime: (iso) => `JST(${iso.slice(0, 16)})`,
};

const id = '0b6f6a7e-5d0e-4b7a-9d55-6c1c2f6f0a11';
function taskSample(state: string): Record<string, unknown> {
  return {
    request: id,
    reference: 'R2026-00001',
    kind: 'deletion',
    system: 'ordering',
    task: 'erase',
    task_state: state,
    table_rows: { customers: 1, orders: 12 },
    rows: 13,
    rows_changed: 13,
  };
}
/** A detail as each kind writes it (synthetic values). */
const samples: Record<AuditAction, Record<string, unknown>> = {
  'member.read': { items: ['name', 'address'], via: 'api' },
  'member.search': { by: 'name_kana', results: 12, member_ids: [id] },
  'member.create': { fields: ['name', 'phone'], via: 'api' },
  'member.update': { fields: ['address'], version: 3, via: 'api' },
  'member.import': { run: id, change: 'created', fields: ['name'] },
  'member.self_update': { fields: ['phone'], version: 2, by_guardian: true },
  'import.run': {
    run: id,
    file: 'members.csv',
    sha256: 'ab12',
    encoding: 'shift_jis',
    rows: 10,
    created: 8,
    updated: 1,
    unchanged: 1,
    rejected: 0,
  },
  'input.my_number_rejected': { path: '/api/v1/members', fields: ['note'] },
  'access.refused': { route: '/api/v1/requests/:id', method: 'GET', targets: { request: id } },
  'auth.login': { login: 'suzuki', step: 'password', reason: 'invalid_credentials' },
  'auth.logout': {},
  'auth.locked': { login: 'suzuki', until: '2026-12-04T07:00:00.000Z' },
  'auth.totp_enroll_begin': { rebind: true },
  'auth.totp_enrolled': { rebind: false, ended_sessions: 2 },
  'user.create': { user_id: id, login: 'suzuki', role: 'delivery_staff' },
  'user.update': { user_id: id, login: 'suzuki', status: 'disabled', ended_sessions: 1 },
  'organization.create': { id, code: 'my-coop' },
  'department.create': { id, code: 'delivery' },
  'policy.change': { purposes: ['P04'], reason: 'import' },
  'policy.draft_save': { revision: 4, sha256: 'ab12', via: 'api' },
  'policy.publish': { number: 2, sha256: 'ab12', notice_on: '2027-01-01', effective_on: '2027-02-01', changes: 3, prior_notice: true },
  'policy.activate': { number: 2, effective_on: '2027-02-01' },
  'role.grants': { role: 'delivery_staff', purposes: ['P04'] },
  'role.duties': { role: 'delivery_staff', duties: ['member_requests'], before: [] },
  'audit.search': { actor: 'suzuki', purpose: 'P04', from: '2026-12-01T00:00:00.000Z', to: null },
  'audit.export': {
    format: 'xlsx',
    charset: null,
    rows: 120,
    member: '1000003',
    actor: null,
    purpose: null,
    action: 'member.read',
    outcome: null,
    from: null,
    to: null,
    via: 'api',
  },
  'audit.verify': { entries: 3000, first_bad: null },
  'audit.queue_tampered': { reason: 'mac_mismatch', entry_id: id, queue_id: 7, seq: 42 },
  'alert.acknowledge': { alert_id: id },
  'keys.rotate': { key_id: 'k2', reencrypted: 10 },
  'backup.create': { file: 'mamori.db', dialect: 'sqlite', key_ids: ['k1'] },
  'backup.restore': { file: 'mamori.db', entries: 10, first_bad: null, missing_keys: [] },
  'ledger.create': { asset_id: id, code: 'A-001', version: 1, via: 'api' },
  'ledger.update': { asset_id: id, code: 'A-001', version: 2, fields: ['name'], via: 'api' },
  'ledger.review': {
    asset_id: id,
    code: 'A-001',
    review_id: id,
    result: 'no_change',
    reviewed_on: '2026-12-01',
    next_review_on: '2027-12-01',
  },
  'ledger.retire': { asset_id: id, code: 'A-001', version: 3, via: 'api' },
  'ledger.export': { assets: 12, department: null, via: 'api' },
  'consent.change': {
    subject_kind: 'purpose',
    subject_code: 'P16',
    state: 'opted_out',
    source: 'paper',
    event: 'opt_out',
    policy_version: 1,
  },
  'provision.record': { record: id, third_party: '架空運送株式会社', direction: 'provided', items: ['name', 'address'] },
  'provision.preview': { run: id, third_party: 'insurer', legal_basis: 'consent', included: 3, excluded: { no_consent: 2 }, via: 'api' },
  'provision.run': {
    run: id,
    third_party: 'insurer',
    legal_basis: 'law',
    exception_reason: '裁判所からの照会',
    record_mode: 'none',
    included: 3,
    excluded: { withdrawn_member: 1 },
    records: 0,
    via: 'api',
  },
  'provision.receipts': { recorded: 12, excluded: { not_in_organization: 1 }, items: ['name', 'address'], via: 'api' },
  'provision.download': { run: id, third_party: 'insurer', rows: 3, charset: 'shift_jis', via: 'api' },
  'provision.dispose': { disposal: id, kind: 'record', count: 4, oldest_on: '2023-01-05', newest_on: '2023-02-01', job_run: id },
  'request.file': { request: id, reference: 'R-2026-0001', kind: 'disclosure', channel: 'phone', requester: 'self' },
  'request.step': { request: id, reference: 'R-2026-0001', kind: 'disclosure', step: 'verify', from: 'received', to: 'verified' },
  'request.update': { request: id, reference: 'R-2026-0001', kind: 'disclosure' },
  'request.assign': { request: id, reference: 'R-2026-0001', kind: 'disclosure', assignee: id, previous: null },
  'request.document': { request: id, reference: 'R-2026-0001', kind: 'disclosure', document: 'identity' },
  'request.effect': { request: id, reference: 'R-2026-0002', kind: 'correction', effect: 'corrected', fields: ['address'] },
  'request.export': { format: 'csv', charset: 'shift_jis', rows: 8, state: 'open', kind: null, member: null, via: 'api' },
  'disclosure.package': { request: id, form: 'pdf', via: 'api' },
  'notify.sent': { template: 'request_received', request: id },
  'notify.failed': { template: 'request_received', error: 'ECONNREFUSED' },
  'portal.code_request': { purpose: 'first_sign_in', reason: 'no_email' },
  'portal.sign_in': { step: 'password', reason: 'invalid_credentials' },
  'portal.password_set': { purpose: 'recovery' },
  'portal.locked': { until: '2026-12-04T07:00:00.000Z' },
  'portal.logout': {},
  'portal.act_as': { as: 'ward', link_id: id },
  'guardian.link': { link_id: id, guardian_member_id: id, relationship: 'parent' },
  'guardian.unlink': { link_id: id, guardian_member_id: id, relationship: 'parent' },
  'guardian.list': { links: 1 },
  'job.retry': { run: id, job: 'send_reminders', due_at: '2026-12-04T00:00:00.000Z', from: 'dead', attempts: 6 },
  'job.discard': { run: id, job: 'send_reminders', due_at: '2026-12-04T00:00:00.000Z', from: 'failed', attempts: 2 },
  'system_task.plan': taskSample('planned'),
  'system_task.approve': taskSample('queued'),
  'system_task.apply': taskSample('applied'),
  'system_task.verify': taskSample('done'),
  'system_task.fail': { ...taskSample('failed'), error: 'system_unreachable', attempts: 2 },
  'system_task.resume': taskSample('queued'),
  'system_task.cancel': taskSample('cancelled'),
  'system.stopped_purposes': { system: 'ordering', rows: 3, purposes: ['P04', 'P16'] },
  'system.register': { system_id: id, code: 'order-db', system_kind: 'postgres', version: 1, secret: 'set', via: 'api' },
  'system.update': { system_id: id, code: 'order-db', system_kind: 'postgres', version: 2, changed: ['host'], secret: 'kept' },
  'system.remove': { system_id: id, code: 'order-db', system_kind: 'sqlite', version: 3, via: 'cli' },
  'system.check': { system_id: id, code: 'order-db', system_kind: 'sqlite', error_code: 'system_unreachable', via: 'api' },
  'discovery.run': { system: 'ordering', discovery_run: id, columns: 14, proposals: 6, my_numbers: 1 },
  'discovery.my_number_found': { system: 'ordering', discovery_run: id, table: 'kaiin', column: 'ref_no' },
  'discovery.decide': {
    system: 'ordering',
    discovery_run: id,
    confirmed: ['kaiin.tel_no'],
    rejected_columns: ['kaiin.ref_no'],
    revision: 3,
  },
  'pseudonymized.define': {
    dataset: 'ps-analysis',
    dataset_id: id,
    version: 1,
    purposes: ['P16'],
    fields: ['gender', 'birth_date'],
    via: 'api',
  },
  'pseudonymized.update': { dataset: 'ps-analysis', dataset_id: id, version: 2, purposes: ['P16'], fields: ['gender'], via: 'api' },
  'pseudonymized.retire': { dataset: 'ps-analysis', dataset_id: id, version: 3, purposes: ['P16'], fields: [], via: 'api' },
  'pseudonymized.produce': { dataset: 'ps-analysis', rows: 120, charset: 'utf-8', destination: 'download', via: 'api' },
  'contractor.inspect': {
    contractor: 'printing',
    inspection_id: id,
    inspected_on: '2026-12-01',
    inspection_result: 'improvement_needed',
    next_due_on: '2027-12-01',
    via: 'api',
  },
  'contractor.handover': {
    contractor: 'printing',
    handover_id: id,
    items: ['name', 'address'],
    rows: 120,
    sent_by: 'sftp',
    purposes: 'P04',
    sha256: 'ab'.repeat(32),
    via: 'api',
  },
  'joint_use.transfer': {
    joint_use: 'kyosai',
    purposes: 'P04',
    items: ['name', 'address'],
    rows: 98,
    left_out: { beyond_retention: 1, opted_out: 1 },
    charset: 'shift_jis',
    sha256: 'ab'.repeat(32),
    via: 'api',
  },
  'release.create': { release_id: id, code: 'usage-2026', version: 1, items: 5, via: 'api' },
  'release.update': { release_id: id, code: 'usage-2026', version: 2, changed: ['k'], via: 'api' },
  'release.publish_method': { release_id: id, code: 'usage-2026', version: 3, via: 'api' },
  'release.preview': { release_id: id, code: 'usage-2026', run: id, rows: 950, suppressed: 12, excluded: 38, via: 'api' },
  'release.write_file': { code: 'usage-2026', rows: 950, file: 'usage.csv', via: 'cli' },
  'release.deliver': {
    release_id: id,
    code: 'usage-2026',
    run: id,
    target: 'partners',
    rows: 950,
    sha256: 'ab12',
    via: 'job',
    period: '2026-12',
  },
  'delivery_target.register': { target_id: id, target: 'partner-sftp', target_kind: 'sftp', version: 1, secret: 'set', via: 'api' },
  'delivery_target.check': { target_id: id, target: 'partner-sftp', target_kind: 'sftp', error_code: 'delivery_auth_failed', via: 'api' },
  'delivery_target.remove': { target_id: id, target: 'partner-sftp', target_kind: 'sftp', version: 1, via: 'cli' },
  'delivery.send': {
    delivery_id: id,
    origin_kind: 'anonymized_release',
    origin_id: id,
    target: 'partner-sftp',
    file: 'release-2026-12.csv',
    format: 'csv',
    encoding: 'shift_jis',
    rows: 1200,
    bytes: 48213,
    sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    via: 'job',
  },
};

describe('audit event labels', () => {
  const actions = eventActions();

  it('reads the kinds of event from the typed union, and the contract lists exactly those', () => {
    expect(actions.length).toBeGreaterThan(40);
    expect(actions).toContain('member.read');
    expect(actions).toContain('audit.export');
    expect([...auditActions].sort()).toEqual(actions);
  });

  it('every kind of event has a Japanese and an English label', () => {
    const labels = auditActionLabels as Record<string, { ja: string; en: string }>;
    const missing = actions.filter(
      (a) => !labels[a]?.ja.trim() || !labels[a]?.en.trim() || !/[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]/u.test(labels[a]!.ja),
    );
    expect(missing).toEqual([]);
  });

  it('the audit screen offers every kind of event in its filter, from the contract’s list', () => {
    expect(read('web/src/audit/audit-labels.ts')).toMatch(
      /export \{ auditActions, auditOutcomes \} from '..\/..\/..\/src\/contract\/audit-vocabulary.ts'/,
    );
    expect(read('web/src/audit/audit-page.tsx')).toMatch(
      /\{auditActions\.map\(\(a\) => \(\s*<option key=\{a\} value=\{a\}>\s*\{actionLabel\(i18n, a\)\}/,
    );
  });

  it.each(actions)('%s reads as a sentence and a labelled list, never JSON or raw keys', (action) => {
    const detail = samples[action as AuditAction];
    expect(detail, `no sample detail for ${action}: add one`).toBeDefined();
    for (const lang of ['ja', 'en'] as const) {
      const sentence = describeAuditEntry(
        lang,
        { action, outcome: 'ok', purpose_code: 'P04', member_id: id, member_code: '1000003', detail },
        names,
      );
      expect(sentence.trim().length).toBeGreaterThan(2);
      expect(sentence).not.toMatch(/[{}"]|\[object|undefined|null/);
      if (lang === 'ja') expect(sentence).toMatch(/[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]/u);
      for (const f of auditDetailList(lang, detail, names)) {
        expect(auditDetailFieldLabels[f.key], `${action}: field ${f.key} has no label`).toBeDefined();
        expect(f.value).not.toMatch(/[{}"]|\[object/);
      }
    }
  });

  it('names members, purposes, items and values in words', () => {
    const e = {
      action: 'member.read',
      outcome: 'allowed',
      purpose_code: 'P04',
      member_id: id,
      member_code: '1000003',
      detail: samples['member.read'],
    };
    expect(describeAuditEntry('ja', e, names)).toBe('組合員 1000003 を参照（利用目的: ④ 商品のお届け、項目: 氏名、住所、経路: 画面・API）');
    expect(describeAuditEntry('en', e, names)).toBe(
      'Read member 1000003 (Purpose: ④ 商品のお届け, Items: 氏名, 住所, Via: console or API)',
    );
    const step = { ...e, action: 'request.step', detail: samples['request.step'] };
    expect(describeAuditEntry('ja', step, names)).toBe('請求 R-2026-0001（開示）の手続き「本人確認」（状態: 受付 → 本人確認済み）');
    const locked = { ...e, action: 'auth.locked', detail: samples['auth.locked'] };
    expect(describeAuditEntry('ja', locked, names)).toBe('ログインID suzuki を JST(2026-12-04T07:00) までロック');
    const consent = { ...e, action: 'consent.change', detail: samples['consent.change'] };
    expect(describeAuditEntry('ja', consent, names)).toBe(
      '組合員 1000003 の同意・選択を変更（対象: ⑯ 商品案内、状態: オプトアウト、受付方法: 書面）',
    );
  });
});
