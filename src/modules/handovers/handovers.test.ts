/**
 * Joint-use transfers and contractor hand-overs (issue 14 §2) on SQLite and PostgreSQL: the items a transfer
 * carries (a narrower `purpose_items` list; `items_all` following the registers; an undeclared item refused by
 * name), the people it covers (opted out, stopped, withdrawn beyond retention, erased and — for a consent purpose — not consented
 * are left out and counted), the joint use's dates, and the contractor's blocks moving with a clock: an overdue
 * inspection, a recorded inspection that unblocks, the contract's expiry, a missing clause.
 */
import { createHash } from 'node:crypto';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects, chained } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import type { StaffActor } from '../../base/actors.ts';
import { AppError } from '../../base/errors.ts';
import { INSPECTION_DUE_SOON_DAYS, REQUIRED_CONTRACT_CLAUSES, WITHDRAWN_MEMBER_RETENTION_YEARS } from '../../base/rules.ts';
import { addMonths } from '../ledger/schedule.ts';
import { contractorSchema, type PolicyDocument, policyDocumentSchema } from '../policy/document.ts';
import { contractorState } from './contract-state.ts';
import { retainedUntil } from './coverage.ts';
import { makeHandoverFile } from './handover-file.ts';
import { declaredItems, makeTransferFile, previewTransfer } from './joint-use-transfer.ts';
import { getContractor, listContractors } from './read-contractors.ts';
import { recordHandover } from './record-handover.ts';
import { recordInspection } from './record-inspection.ts';

/** The code of the error a promise rejects with. */
async function refusal(p: Promise<unknown>): Promise<{ code: string; issues: string[] }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return { code: e.code, issues: (e.issues ?? []).map((i) => i.message_ja) };
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('the rules of a contractor’s state', () => {
  const contractor = (over: Partial<PolicyDocument['contractors'][number]> = {}) =>
    contractorSchema.parse({
      code: 'c',
      name: 'C',
      service: 's',
      contract: { confidentiality: true, no_reprovision: true, expires_on: '2027-03-31' },
      inspection: { interval_months: 6, last_on: '2026-06-01' },
      ...over,
    });
  it('names its numbers in the rules module', () => {
    expect(WITHDRAWN_MEMBER_RETENTION_YEARS).toBe(10);
    expect(retainedUntil('2016-11-24')).toBe('2026-11-24');
    expect(retainedUntil('2016-02-29')).toBe('2026-02-28');
    expect(INSPECTION_DUE_SOON_DAYS).toBe(30);
    expect(REQUIRED_CONTRACT_CLAUSES).toEqual(['confidentiality', 'no_reprovision']);
  });
  it.each([
    ['2026-10-01', 'ok', []],
    ['2026-11-01', 'due_soon', []],
    ['2026-12-01', 'due_soon', []],
    ['2026-12-02', 'overdue', ['inspection_overdue']],
    ['2027-04-01', 'overdue', ['contract_expired', 'inspection_overdue']],
  ])('on %s the register’s inspection (every 6 months from 2026-06-01) is %s', (today, state, blocks) => {
    const s = contractorState(contractor(), null, today);
    expect(s.inspection).toMatchObject({ state, last_source: 'register', next_due_on: '2026-12-01' });
    expect(s.blocks).toEqual(blocks);
  });
  it('an inspection recorded in mamori supersedes the register’s date, unless the register’s is later', () => {
    expect(contractorState(contractor(), { inspected_on: '2026-11-20', next_due_on: '2027-11-20' }, '2026-12-10').inspection).toMatchObject(
      {
        state: 'ok',
        last_source: 'mamori',
        next_due_on: '2027-11-20',
      },
    );
    expect(contractorState(contractor(), { inspected_on: '2026-05-01', next_due_on: '2026-11-01' }, '2026-11-10').inspection).toMatchObject(
      {
        state: 'due_soon',
        last_source: 'register',
      },
    );
  });
  it('never inspected blocks; a missing required clause blocks; other missing clauses only show', () => {
    const never = contractorState(contractor({ inspection: { interval_months: 12 } }), null, '2026-10-01');
    expect(never.inspection.state).toBe('never');
    expect(never.blocks).toEqual(['inspection_overdue']);
    const lacking = contractorState(
      contractor({ contract: { confidentiality: true, no_reprovision: false } as never }),
      null,
      '2026-10-01',
    );
    expect(lacking.blocks).toEqual(['contract_clauses_missing']);
    expect(lacking.contract).toMatchObject({
      state: 'open_ended',
      clauses_missing: expect.arrayContaining(['no_reprovision', 'incident_liability']),
    });
    expect(contractorState(contractor(), null, '2026-10-01').contract.clauses_missing).toEqual([
      'incident_liability',
      'return_or_destruction',
    ]);
  });
});

describe.each(availableDialects())('joint-use transfers and contractor hand-overs on %s', (dialect) => {
  let f: Fixture;
  let now = new Date('2026-11-24T03:00:00Z'); // 12:00 JST
  let officer: StaffActor;
  let auditor: StaffActor;
  let orgId: string;
  let doc: PolicyDocument;
  let total: number;

  /** Writes `change` into the policy version in effect (as the registers would read a new version). */
  async function patchPolicy(change: (d: PolicyDocument) => PolicyDocument) {
    const row = await f.ctx.db
      .selectFrom('policy_versions')
      .select(['id', 'document'])
      .where('org_id', '=', orgId)
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    doc = policyDocumentSchema.parse(change(JSON.parse(row.document)));
    const json = JSON.stringify(doc);
    await f.ctx.db
      .updateTable('policy_versions')
      .set({ document: json, sha256: createHash('sha256').update(json).digest('hex') })
      .where('id', '=', row.id)
      .execute();
  }
  const purposeId = async (code: string) =>
    (await f.ctx.db.selectFrom('purposes').select('id').where('org_id', '=', orgId).where('code', '=', code).executeTakeFirstOrThrow()).id;
  const block = async (member: string, purpose: string, kind: 'opt_out' | 'stopped' | 'consented') =>
    f.ctx.db
      .insertInto('member_purpose_blocks')
      .values({
        member_id: await f.memberId(member),
        purpose_id: await purposeId(purpose),
        kind,
        reason: null,
        created_at: now.toISOString(),
        created_by: null,
      })
      .execute();

  beforeAll(async () => {
    f = await demoFixture(dialect, { clock: () => now, members: 20 });
    officer = await f.actor('officer');
    auditor = await f.actor('auditor');
    orgId = officer.orgId;
    // A clean population: every member active, no choices on record; then one of each reason to leave out.
    await f.ctx.db.deleteFrom('member_purpose_blocks').execute();
    await f.ctx.db.updateTable('members').set({ status: 'active', erased_at: null }).where('org_id', '=', orgId).execute();
    total = Number(
      (
        await f.ctx.db
          .selectFrom('members')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('org_id', '=', orgId)
          .executeTakeFirstOrThrow()
      ).n,
    );
    await block('1000001', 'P16', 'opt_out');
    await block('1000002', 'P16', 'stopped');
    await block('1000002', 'P04', 'opt_out'); // another purpose: no effect on P16
    await f.ctx.db
      .updateTable('members')
      .set({ status: 'withdrawn', leave_date: '2016-11-23' })
      .where('id', '=', await f.memberId('1000003'))
      .execute();
    await f.ctx.db
      .updateTable('members')
      .set({ erased_at: now.toISOString() })
      .where('id', '=', await f.memberId('1000004'))
      .execute();
    await block('1000005', 'P05', 'consented');
    // Withdrawn ten years ago to the day: still kept, so still covered (1000003 left a day earlier: beyond).
    await f.ctx.db
      .updateTable('members')
      .set({ status: 'withdrawn', leave_date: '2016-11-24' })
      .where('id', '=', await f.memberId('1000006'))
      .execute();
    await patchPolicy((d) => ({
      ...d,
      // P05 used only with consent, for the consent case.
      purposes: d.purposes.map((p) => (p.code === 'P05' ? { ...p, consent: 'opt_in' } : p)),
      joint_uses: [
        ...d.joint_uses,
        {
          code: 'narrow',
          name: '試験用の共同利用',
          users: [{ name: '架空の連合会' }],
          items: [],
          items_all: true,
          purposes: ['P04', 'P05', 'P12', 'P16'],
          purposes_all: false,
          purpose_items: [{ purpose: 'P16', items: ['member_code', 'gender', 'email'] }],
          starts_on: '2026-01-01',
          ends_on: '2027-03-31',
        },
      ],
      contractors: [
        ...d.contractors,
        {
          code: 'no-clause',
          name: '条項不足の委託先（架空）',
          service: '発送',
          items: ['name', 'address'],
          contract: { confidentiality: true, no_reprovision: false, incident_liability: false, return_or_destruction: false },
          inspection: { interval_months: 12, last_on: '2026-10-01' },
        },
      ],
    }));
  });
  afterAll(async () => {
    await f?.dispose();
  });

  it('declares for a purpose the joint use’s items within the purpose’s, narrowed by purpose_items; items_all follows the registers', () => {
    const ju = doc.joint_uses.find((j) => j.code === 'narrow')!;
    const purpose = (code: string) => doc.purposes.find((p) => p.code === code)!;
    expect(declaredItems(doc, ju, purpose('P04'))).toEqual([
      'member_code',
      'name',
      'name_kana',
      'postal_code',
      'address',
      'phone',
      'delivery_type',
    ]);
    // P16's narrower list names email, which P16 itself does not use: the purpose's items still bound it.
    expect(purpose('P16').items).not.toContain('email');
    expect(declaredItems(doc, ju, purpose('P16'))).toEqual(['member_code', 'gender']);
    // A later version adds an item to the registers and to P04: items_all takes it, a fixed list does not.
    const later = policyDocumentSchema.parse({
      ...doc,
      items: [...doc.items, { code: 'allergy_note', name: 'アレルギーの申出' }],
      purposes: doc.purposes.map((p) => (p.code === 'P04' ? { ...p, items: [...p.items, 'allergy_note'] } : p)),
    });
    expect(declaredItems(later, ju, later.purposes.find((p) => p.code === 'P04')!)).toContain('allergy_note');
    expect(
      declaredItems(later, { ...ju, items_all: false, items: ['name', 'address'] }, later.purposes.find((p) => p.code === 'P04')!),
    ).toEqual(['name', 'address']);
  });

  it('previews the people covered and those left out, by reason', async () => {
    const p16 = await previewTransfer(f.ctx, { actor: auditor, jointUse: 'narrow', purpose: 'P16' });
    expect(p16.items.map((i) => i.code)).toEqual(['member_code', 'gender']);
    expect(p16.left_out).toEqual({ beyond_retention: 1, erased: 1, use_stopped: 1, opted_out: 1, consent_missing: 0 });
    expect(p16.covered).toBe(total - 4);
    expect(p16.withdrawn_covered).toBe(1);
    // A purpose used only with consent covers only who consented (1000005); beyond retention and erased still go.
    const p05 = await previewTransfer(f.ctx, { actor: officer, jointUse: 'narrow', purpose: 'P05' });
    expect(p05.covered).toBe(1);
    expect(p05.left_out).toMatchObject({ beyond_retention: 1, erased: 1, consent_missing: total - 3 });
    // P04: the opt-out of another purpose is nothing to it.
    expect((await previewTransfer(f.ctx, { actor: officer, jointUse: 'narrow', purpose: 'P04' })).covered).toBe(total - 3);
  });

  it('refuses an item the joint use does not declare for the purpose, naming it', async () => {
    const r = await refusal(
      previewTransfer(f.ctx, { actor: officer, jointUse: 'narrow', purpose: 'P16', items: ['gender', 'birth_date'] }),
    );
    expect(r.code).toBe('joint_use_item_not_declared');
    // P16 uses the birth date, but the joint use's narrower list for P16 does not declare it.
    expect(r.issues).toEqual([expect.stringContaining('「生年月日」（birth_date）')]);
    expect(
      (await refusal(makeTransferFile(f.ctx, { actor: officer, jointUse: 'narrow', purpose: 'P16', items: ['phone'], charset: 'utf-8' })))
        .code,
    ).toBe('joint_use_item_not_declared');
    expect((await refusal(previewTransfer(f.ctx, { actor: officer, jointUse: 'narrow', purpose: 'P03' }))).code).toBe(
      'joint_use_purpose_not_declared',
    );
    expect((await refusal(previewTransfer(f.ctx, { actor: officer, jointUse: 'narrow', purpose: 'P12' }))).code).toBe(
      'purpose_not_for_members',
    );
    expect((await refusal(previewTransfer(f.ctx, { actor: officer, jointUse: 'nothing', purpose: 'P04' }))).code).toBe('joint_use_unknown');
    expect((await refusal(makeTransferFile(f.ctx, { actor: auditor, jointUse: 'narrow', purpose: 'P04', charset: 'utf-8' }))).code).toBe(
      'forbidden',
    );
  });

  it('writes the file with the declared items only, Japanese headers, in Shift_JIS, audited with its checksum', async () => {
    const file = await makeTransferFile(f.ctx, { actor: officer, jointUse: 'narrow', purpose: 'P16', charset: 'shift_jis', via: 'test' });
    const text = iconv.decode(file.body, 'cp932');
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('メンバー（組合員）コード,性別');
    expect(lines.slice(1).every((l) => /^\d+,(女性|男性|その他|未回答)$/.test(l))).toBe(true);
    expect(lines).toHaveLength(total - 4 + 1);
    expect(file.rows).toBe(total - 4);
    const codes = lines.slice(1).map((l) => l.split(',')[0]);
    expect(codes).toEqual([...codes].sort());
    for (const gone of ['1000001', '1000002', '1000003', '1000004']) expect(codes).not.toContain(gone);
    const entry = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'joint_use.transfer')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(entry.detail)).toMatchObject({
      joint_use: 'narrow',
      items: ['member_code', 'gender'],
      rows: total - 4,
      left_out: { beyond_retention: 1, erased: 1, use_stopped: 1, opted_out: 1 },
      sha256: createHash('sha256').update(file.body).digest('hex'),
    });
    // Coded values as Japanese words (P04 carries the delivery type).
    const p04 = (await makeTransferFile(f.ctx, { actor: officer, jointUse: 'narrow', purpose: 'P04', charset: 'utf-8' })).body.toString(
      'utf8',
    );
    expect(p04.startsWith('\uFEFF')).toBe(true);
    expect(p04).toMatch(/班（グループ配達）|個配（個人宅配）|店舗のみ/);
  });

  it('refuses a transfer outside the joint use’s dates', async () => {
    const saved = now;
    try {
      now = new Date('2027-04-01T03:00:00Z');
      expect((await refusal(previewTransfer(f.ctx, { actor: officer, jointUse: 'narrow', purpose: 'P04' }))).code).toBe('joint_use_ended');
      now = new Date('2025-12-31T03:00:00Z');
      expect((await refusal(previewTransfer(f.ctx, { actor: officer, jointUse: 'narrow', purpose: 'P04' }))).code).toBe(
        'joint_use_not_effective',
      );
    } finally {
      now = saved;
    }
  });

  it('blocks hand-overs while the inspection is overdue; a recorded inspection unblocks them; the clock brings the blocks back', async () => {
    const input = { items: ['name', 'address'], record_count: 120, method: 'sftp' as const };
    const listed = (await listContractors(f.ctx, { actor: auditor })).contractors.find((c) => c.code === 'demo-print')!;
    expect(listed.inspection).toMatchObject({
      state: 'overdue',
      last_source: 'register',
      last_on: '2025-10-24',
      next_due_on: '2026-10-24',
    });
    expect(listed.blocks.map((b) => b.code)).toEqual(['inspection_overdue']);
    expect((await refusal(recordHandover(f.ctx, { actor: officer, code: 'demo-print', input }))).code).toBe('inspection_overdue');
    const refused = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select(['outcome', 'error_code'])
      .where('action', '=', 'contractor.handover')
      .execute();
    expect(refused).toEqual([{ outcome: 'refused', error_code: 'inspection_overdue' }]);

    expect(
      (
        await refusal(
          recordInspection(f.ctx, { actor: auditor, code: 'demo-print', input: { inspector: '監査 花子', result: 'satisfactory' } }),
        )
      ).code,
    ).toBe('forbidden');
    const inspected = await recordInspection(f.ctx, {
      actor: officer,
      code: 'demo-print',
      input: { inspected_on: '2026-11-01', inspector: '監査 花子', result: 'improvement_needed', findings: '施錠保管の手順書が古い' },
    });
    expect(inspected.contractor.inspection).toMatchObject({
      state: 'ok',
      last_source: 'mamori',
      last_on: '2026-11-01',
      next_due_on: '2027-11-01',
    });
    expect(inspected.contractor.blocks).toEqual([]);

    const done = await recordHandover(f.ctx, { actor: officer, code: 'demo-print', input: { ...input, note: '12月号の案内' } });
    expect(done.handover).toMatchObject({
      handed_over_on: '2026-11-24',
      items: ['name', 'address'],
      record_count: 120,
      method: 'sftp',
      file_sha256: null,
    });
    // An item outside the contractor's register items is refused by name.
    const outside = await refusal(
      recordHandover(f.ctx, { actor: officer, code: 'demo-print', input: { ...input, items: ['name', 'phone'] } }),
    );
    expect(outside).toEqual({ code: 'contractor_item_not_declared', issues: [expect.stringContaining('「電話番号」（phone）')] });

    // A year on: the contract (to 2027-11-24) still runs but the inspection (due 2027-11-01) falls due, then is
    // overdue; once recorded again, the contract's expiry blocks.
    const saved = now;
    try {
      now = new Date(`${addMonths('2026-10-15', 12)}T03:00:00Z`);
      expect((await listContractors(f.ctx, { actor: officer })).contractors.find((c) => c.code === 'demo-print')!.inspection.state).toBe(
        'due_soon',
      );
      now = new Date(`${addMonths('2026-11-02', 12)}T03:00:00Z`);
      expect((await refusal(recordHandover(f.ctx, { actor: officer, code: 'demo-print', input }))).code).toBe('inspection_overdue');
      await recordInspection(f.ctx, { actor: officer, code: 'demo-print', input: { inspector: '監査 花子', result: 'satisfactory' } });
      now = new Date('2027-11-25T03:00:00Z');
      expect((await refusal(recordHandover(f.ctx, { actor: officer, code: 'demo-print', input }))).code).toBe('contract_expired');
    } finally {
      now = saved;
    }
    expect((await refusal(recordHandover(f.ctx, { actor: officer, code: 'no-clause', input }))).code).toBe('contract_clauses_missing');
    expect((await refusal(recordHandover(f.ctx, { actor: officer, code: 'nobody', input }))).code).toBe('contractor_unknown');
  });

  it('produces the hand-over file with the contractor’s items within the purpose, logged with its count and checksum', async () => {
    const file = await makeHandoverFile(f.ctx, {
      actor: officer,
      code: 'demo-print',
      input: { purpose: 'P04', method: 'encrypted_email' },
    });
    const lines = file.body.toString('utf8').replace('\uFEFF', '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('メンバー（組合員）コード,氏名,郵便番号,住所');
    expect(file.rows).toBe(total - 3);
    const detail = await getContractor(f.ctx, { actor: auditor, code: 'demo-print' });
    expect(detail.handovers[0]).toMatchObject({
      purpose_code: 'P04',
      record_count: total - 3,
      file_sha256: file.sha256,
      method: 'encrypted_email',
    });
    expect(detail.inspections.map((i) => i.result)).toEqual(['satisfactory', 'improvement_needed']);
    expect(detail.contractor.handovers).toBe(2);
  });
});
