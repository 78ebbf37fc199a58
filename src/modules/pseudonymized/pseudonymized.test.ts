/**
 * Pseudonymized data (仮名加工情報) on both dialects, through the services the API and the CLI share: the processing
 * standards refuse what they must (a financial item kept — the registered bank account, or any item the policy
 * marks financial — an identifying description kept, a purpose that does not exist or does not hold a column);
 * whatever the definition asks, no identifying value of the ledger reaches the file; a member's pseudonym is the
 * same in every production of a set and unrelated across sets, and survives key rotation; producing is bound to a
 * declared purpose the role holds; anything but internal use is refused by the engine; every step is audited.
 */
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects, chained } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import type { StaffActor } from '../../base/actors.ts';
import { AppError } from '../../base/errors.ts';
import { memberFieldCodes } from '../../contract/member-fields.ts';
import { fieldTreatments, PSEUDONYMIZED_NOTICE, treatments } from '../../contract/pseudonymized-vocabulary.ts';
import { KeyRing } from '../crypto/data-keys.ts';
import { createSet, retireSet, updateSet } from './define-set.ts';
import { type Destination, produceSet } from './produce-set.ts';
import { reencryptPseudonymKeys } from './pseudonym.ts';
import type { SetColumn } from './standards.ts';
import { municipalityOf, prefectureOf } from './treat.ts';

/** Collects a streamed file. */
async function collect(write: (out: Writable) => Promise<void>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
  });
  await write(out);
  return Buffer.concat(chunks);
}

const refusal = async (p: Promise<unknown>): Promise<AppError> => {
  const e = await p.then(
    () => null,
    (error: unknown) => error,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
};

/** The most a definition may keep of each field (its first allowed treatment other than remove, if any). */
const mostRevealing: SetColumn[] = memberFieldCodes.map((field) => ({
  field,
  treatment:
    fieldTreatments[field].allowed.find((t) => t === 'keep') ?? fieldTreatments[field].allowed.find((t) => t !== 'remove') ?? 'remove',
}));

describe('treatments', () => {
  it('cuts an address to its prefecture or municipality, never writing more', () => {
    expect(prefectureOf('宮城県仙台市青葉区一番町1丁目2-3')).toBe('宮城県');
    expect(municipalityOf('宮城県仙台市青葉区一番町1丁目2-3')).toBe('宮城県仙台市青葉区');
    expect(municipalityOf('宮城県宮城郡利府町利府2丁目4-5')).toBe('宮城県宮城郡利府町');
    expect(municipalityOf('宮城県塩竈市海岸通3丁目1-1')).toBe('宮城県塩竈市');
    expect(municipalityOf('東京都千代田区丸の内1-1')).toBe('東京都千代田区');
    expect(municipalityOf('三重県四日市市諏訪町1-5')).toBe('三重県四日市市');
    expect(municipalityOf('神奈川県横浜市中区日本大通1')).toBe('神奈川県横浜市中区');
    // An address that does not start with a prefecture is not written at all.
    expect(municipalityOf('一番町1丁目2-3')).toBeNull();
    expect(prefectureOf('Sendai 1-2-3')).toBeNull();
  });

  it('allows no identifying, financial or free-text field to be kept as it is, whatever the screen offers', () => {
    for (const field of memberFieldCodes) {
      const rule = fieldTreatments[field];
      if (rule.class !== 'attribute') expect(rule.allowed, field).not.toContain('keep');
      if (rule.class === 'financial' || rule.class === 'free_text') expect(rule.allowed, field).toEqual(['remove']);
    }
  });
});

describe.each(availableDialects())('pseudonymized data on %s', (dialect) => {
  let f: Fixture;
  let officer: StaffActor;
  let analyst: StaffActor;
  let manager: StaffActor;
  let auditor: StaffActor;
  let orgId: string;
  let n = 0;
  const code = () => `ps-${dialect}-${n++}`;
  const analysis = (over: Partial<Parameters<typeof createSet>[1]['input']> = {}) => ({
    code: code(),
    name: '購買傾向の分析',
    purposes: ['P16'],
    columns: [
      { field: 'member_code', treatment: 'pseudonym' },
      { field: 'gender', treatment: 'keep' },
      { field: 'birth_date', treatment: 'year' },
      { field: 'delivery_type', treatment: 'keep' },
    ] as SetColumn[],
    ...over,
  });
  const produce = async (actor: StaffActor, setCode: string, purpose: string, destination: Destination = { kind: 'download' }) => {
    const file = await produceSet(f.ctx, { actor, code: setCode, purpose, destination });
    const text = (await collect(file.write)).toString('utf8').replace(/^\uFEFF/, '');
    const lines = parse(text, { relax_column_count: true }) as string[][];
    return { file, text, notice: lines[0]!, about: lines[1]!, header: lines[2]!, rows: lines.slice(3) };
  };

  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 40 });
    officer = await f.actor('officer');
    analyst = await f.actor('analyst');
    manager = await f.actor('manager');
    auditor = await f.actor('auditor');
    orgId = officer.orgId;
  });
  afterAll(async () => {
    await f?.dispose();
  });

  it('refuses a definition that keeps the registered bank account, naming the column', async () => {
    for (const treatment of ['keep', 'pseudonym'] as const) {
      const e = await refusal(
        createSet(f.ctx, {
          actor: officer,
          input: analysis({
            purposes: ['P01'],
            columns: [
              { field: 'gender', treatment: 'keep' },
              { field: 'bank_account', treatment },
            ],
          }),
        }),
      );
      expect(e.code).toBe('pseudonymized_financial_item');
      expect(e.issues?.[0]).toMatchObject({ field: 'columns[1].treatment', code: 'financial' });
      expect(e.issues?.[0]?.message_ja).toContain('登録口座');
    }
    const none = await f.ctx.db.selectFrom('pseudonymized_sets').select('id').where('org_id', '=', orgId).execute();
    expect(none).toHaveLength(0);
  });

  it('refuses keeping an item the policy in effect marks financial, on definition and again on production', async () => {
    // Defined while share capital is an ordinary attribute…
    const set = await createSet(f.ctx, {
      actor: officer,
      input: analysis({ purposes: ['P01'], columns: [{ field: 'share_capital', treatment: 'keep' }] }),
    });
    // …then the registers mark it financial (a new policy version in effect).
    const version = await f.ctx.db
      .selectFrom('policy_versions')
      .select(['id', 'document', 'sha256'])
      .where('org_id', '=', orgId)
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    const doc = JSON.parse(version.document) as { items: { code: string; financial?: boolean }[] };
    for (const item of doc.items) if (item.code === 'share_capital') item.financial = true;
    const changed = JSON.stringify(doc);
    await f.ctx.db
      .updateTable('policy_versions')
      .set({ document: changed, sha256: createHash('sha256').update(changed).digest('hex') })
      .where('id', '=', version.id)
      .execute();
    try {
      const e = await refusal(
        createSet(f.ctx, {
          actor: officer,
          input: analysis({ purposes: ['P01'], columns: [{ field: 'share_capital', treatment: 'keep' }] }),
        }),
      );
      expect(e.code).toBe('pseudonymized_financial_item');
      expect(e.issues?.[0]?.message_en).toContain('Share capital');
      expect((await refusal(produce(officer, set.code, 'P01'))).code).toBe('pseudonymized_financial_item');
    } finally {
      await f.ctx.db
        .updateTable('policy_versions')
        .set({ document: version.document, sha256: version.sha256 })
        .where('id', '=', version.id)
        .execute();
    }
  });

  it('refuses identifying descriptions kept, and treatments a field does not allow', async () => {
    for (const [field, treatment] of [
      ['name', 'keep'],
      ['name_kana', 'keep'],
      ['phone', 'keep'],
      ['email', 'keep'],
      ['member_code', 'keep'],
      ['address', 'keep'],
      ['postal_code', 'keep'],
    ] as const) {
      const e = await refusal(
        createSet(f.ctx, { actor: officer, input: analysis({ purposes: ['P01'], columns: [{ field, treatment }] }) }),
      );
      expect(e.code, field).toBe('pseudonymized_identifying_kept');
      expect(e.issues?.[0]?.field).toBe('columns[0].treatment');
    }
    const note = await refusal(
      createSet(f.ctx, { actor: officer, input: analysis({ purposes: ['P01'], columns: [{ field: 'note', treatment: 'keep' }] }) }),
    );
    expect(note.code).toBe('pseudonymized_treatment_invalid');
    const twice = await refusal(
      createSet(f.ctx, {
        actor: officer,
        input: analysis({
          columns: [
            { field: 'gender', treatment: 'keep' },
            { field: 'gender', treatment: 'remove' },
          ],
        }),
      }),
    );
    expect(twice.code).toBe('pseudonymized_treatment_invalid');
  });

  it('whatever the definition says, every treatment of every field is allowed by the table or refused', async () => {
    for (const field of memberFieldCodes) {
      for (const treatment of treatments) {
        const attempt = createSet(f.ctx, {
          actor: officer,
          input: analysis({ purposes: ['P01'], columns: [{ field, treatment }] }),
        });
        if (fieldTreatments[field].allowed.includes(treatment)) await attempt;
        else await refusal(attempt);
      }
    }
  });

  it('binds a set to purposes that exist and hold its columns', async () => {
    const unknown = await refusal(createSet(f.ctx, { actor: officer, input: analysis({ purposes: ['P16', 'P99'] }) }));
    expect(unknown.code).toBe('pseudonymized_purpose_invalid');
    expect(unknown.issues).toEqual([expect.objectContaining({ field: 'purposes[1]', code: 'unknown' })]);
    // ⑯ does not hold the address: a set for ⑯ cannot write it, even cut to the prefecture.
    const address = await refusal(
      createSet(f.ctx, {
        actor: officer,
        input: analysis({ columns: [...analysis().columns, { field: 'address', treatment: 'prefecture' }] }),
      }),
    );
    expect(address.code).toBe('pseudonymized_item_not_in_purpose');
    expect(address.issues?.[0]?.message_ja).toContain('住所');
    // Removed columns are not written, so they need no purpose.
    await createSet(f.ctx, {
      actor: officer,
      input: analysis({ columns: [...analysis().columns, { field: 'address', treatment: 'remove' }] }),
    });
    // Only the privacy office defines.
    expect((await refusal(createSet(f.ctx, { actor: analyst, input: analysis() }))).code).toBe('forbidden');
  });

  it('writes no identifying value of the ledger, whatever the definition keeps', async () => {
    // Members with every identifying field filled (the demo's synthetic members, plus a note and an account).
    const members = await f.ctx.db
      .selectFrom('members')
      .select(['id', 'member_code', 'name', 'name_kana', 'phone', 'email', 'address', 'postal_code'])
      .where('org_id', '=', orgId)
      .where('erased_at', 'is', null)
      .execute();
    const first = members[0]!;
    await f.ctx.db
      .updateTable('members')
      .set({ note: '備考: 長女 花子 090-1111-2222', bank_account_enc: f.ctx.keys.encrypt('七十七銀行 本店 普通 1234567') })
      .where('id', '=', first.id)
      .execute();
    const set = await createSet(f.ctx, { actor: officer, input: analysis({ purposes: ['P01'], columns: mostRevealing }) });
    const { text, header, rows } = await produce(officer, set.code, 'P01');
    expect(rows).toHaveLength(members.length);
    for (const m of members) {
      for (const value of [m.member_code, m.name, m.name_kana, m.phone, m.email, m.address, m.id]) {
        if (value) expect(text, `${value} reached the file`).not.toContain(value);
      }
      if (m.postal_code) expect(text).not.toContain(m.postal_code.replace('-', ''));
    }
    for (const secret of ['長女', '090-1111-2222', '1234567', '七十七銀行']) expect(text).not.toContain(secret);
    expect(header[0]).toBe('仮名ID');
    expect(header).not.toContain('登録口座');
    expect(header).not.toContain('備考');
    expect(header).toContain('住所（市区町村まで）');
    expect(header).toContain('氏名（仮名に置換）');
    const municipality = header.indexOf('住所（市区町村まで）');
    for (const r of rows) if (r[municipality]) expect(r[municipality]).toMatch(/^宮城県[^0-9０-９丁目]+[市区町村]$/u);
  });

  it('gives a member the same pseudonym in every production of a set, and unrelated ones across sets and members', async () => {
    const a = await createSet(f.ctx, { actor: officer, input: analysis() });
    const b = await createSet(f.ctx, { actor: officer, input: analysis() });
    const a1 = await produce(analyst, a.code, 'P16');
    const a2 = await produce(analyst, a.code, 'P16');
    const b1 = await produce(analyst, b.code, 'P16');
    expect(a1.rows.length).toBeGreaterThan(10);
    expect(a2.rows).toEqual(a1.rows);
    const ids = (rows: string[][]) => rows.map((r) => r[0]!);
    expect(new Set(ids(a1.rows)).size).toBe(a1.rows.length);
    for (const id of ids(b1.rows)) expect(ids(a1.rows)).not.toContain(id);
    // The replaced member code differs from the row's own pseudonym (scoped by column) and across sets too.
    for (const r of a1.rows) expect(r[1]).not.toBe(r[0]);
    expect(new Set([...a1.rows.map((r) => r[1]), ...b1.rows.map((r) => r[1])]).size).toBe(a1.rows.length * 2);
    // Values are written with Japanese labels; the file states what it is.
    expect(a1.notice[0]).toBe(PSEUDONYMIZED_NOTICE);
    expect(a1.about[0]).toContain(`データセット: ${a.code}`);
    expect(a1.about[0]).toContain('利用目的: ⑯');
    expect(a1.header).toEqual(['仮名ID', '組合員コード（仮名に置換）', '性別', '生年月日（年まで）', '利用形態']);
    for (const r of a1.rows) {
      expect(['女性', '男性', 'その他', '不明', '']).toContain(r[2]);
      expect(['班配', '個配', '店舗のみ']).toContain(r[4]);
      expect(r[3]).toMatch(/^(\d{4})?$/);
    }
  });

  it('keeps the pseudonyms through key rotation, the keys re-encrypted under the new primary key', async () => {
    const set = await createSet(f.ctx, { actor: officer, input: analysis() });
    const before = await produce(analyst, set.code, 'P16');
    const rotated = f.ctx.keys.rotated();
    const count = await f.ctx.db.transaction().execute((tx) => reencryptPseudonymKeys(tx, rotated));
    expect(count).toBeGreaterThan(0);
    const rows = await f.ctx.db.selectFrom('pseudonymized_sets').select('key_enc').where('org_id', '=', orgId).execute();
    for (const r of rows) expect(KeyRing.keyIdOf(r.key_enc)).toBe(rotated.primaryId);
    f.ctx.keys = new KeyRing({ primary: rotated.primaryId, keys: rotated.file.keys.filter((k) => k.id === rotated.primaryId) });
    try {
      const after = await produce(analyst, set.code, 'P16');
      expect(after.rows).toEqual(before.rows);
    } finally {
      // The rotated ring still holds the old keys (the ledger's accounts are under them).
      f.ctx.keys = rotated;
    }
  });

  it('produces only for a declared purpose the role holds, and only for internal use', async () => {
    const set = await createSet(f.ctx, { actor: officer, input: analysis() });
    // The department manager's role does not hold ⑯.
    expect((await refusal(produce(manager, set.code, 'P16'))).code).toBe('purpose_not_permitted');
    // ① is held by the officer but is not a purpose of this set.
    expect((await refusal(produce(officer, set.code, 'P01'))).code).toBe('pseudonymized_purpose_not_declared');
    // Auditors read definitions, never data.
    expect((await refusal(produce(auditor, set.code, 'P16'))).code).toBe('forbidden');
    for (const kind of ['recipient', 'joint_user', 'contractor', 'delivery_target', 'mail_merge'] as const) {
      const e = await refusal(produce(officer, set.code, 'P16', { kind, name: '架空商事株式会社' }));
      expect(e.code).toBe('pseudonymized_provision_refused');
    }
    await produce(analyst, set.code, 'P16', { kind: 'file', path: '/tmp/analysis.csv' });
    const retired = await retireSet(f.ctx, { actor: officer, code: set.code, version: 1 });
    expect(retired.status).toBe('retired');
    expect((await refusal(produce(analyst, set.code, 'P16'))).code).toBe('pseudonymized_set_retired');
    expect((await refusal(produce(analyst, 'no-such-set', 'P16'))).code).toBe('pseudonymized_set_unknown');
  });

  it('leaves out members who opted out of or stopped the purpose', async () => {
    const set = await createSet(f.ctx, { actor: officer, input: analysis() });
    const all = await produce(analyst, set.code, 'P16');
    const p16 = await f.ctx.db
      .selectFrom('purposes')
      .select('id')
      .where('org_id', '=', orgId)
      .where('code', '=', 'P16')
      .executeTakeFirstOrThrow();
    const [m1, m2] = await f.ctx.db
      .selectFrom('members')
      .select('id')
      .where('org_id', '=', orgId)
      .orderBy('member_code')
      .limit(2)
      .execute();
    const now = new Date().toISOString();
    await f.ctx.db
      .insertInto('member_purpose_blocks')
      .values([
        { member_id: m1!.id, purpose_id: p16.id, kind: 'opt_out', reason: null, created_at: now, created_by: null },
        { member_id: m2!.id, purpose_id: p16.id, kind: 'stopped', reason: null, created_at: now, created_by: null },
      ])
      .execute();
    try {
      const fewer = await produce(analyst, set.code, 'P16');
      expect(fewer.rows.length).toBe(all.rows.length - 2);
      expect(fewer.file.rows).toBe(fewer.rows.length);
    } finally {
      await f.ctx.db
        .deleteFrom('member_purpose_blocks')
        .where('purpose_id', '=', p16.id)
        .where('member_id', 'in', [m1!.id, m2!.id])
        .execute();
    }
  });

  it('writes Shift_JIS when asked', async () => {
    const set = await createSet(f.ctx, { actor: officer, input: analysis() });
    const file = await produceSet(f.ctx, {
      actor: analyst,
      code: set.code,
      purpose: 'P16',
      charset: 'shift_jis',
      destination: { kind: 'download' },
    });
    const bytes = await collect(file.write);
    expect(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    const text = iconv.decode(bytes, 'cp932');
    expect(text.split('\r\n')[0]).toBe(PSEUDONYMIZED_NOTICE);
    expect(file.mediaType).toBe('text/csv; charset=Shift_JIS');
  });

  it('changes a definition at its version and audits definitions and every production with its purpose', async () => {
    const set = await createSet(f.ctx, { actor: officer, input: analysis() });
    const changed = await updateSet(f.ctx, {
      actor: officer,
      code: set.code,
      input: { version: 1, changes: { columns: [{ field: 'gender', treatment: 'keep' }] } },
    });
    expect(changed.version).toBe(2);
    expect(changed.columns).toEqual([{ field: 'gender', treatment: 'keep', class: 'attribute' }]);
    expect(
      (await refusal(updateSet(f.ctx, { actor: officer, code: set.code, input: { version: 1, changes: { name: '古い版' } } }))).code,
    ).toBe('version_conflict');
    await produce(analyst, set.code, 'P16');
    await refusal(produce(manager, set.code, 'P16'));
    await refusal(produce(officer, set.code, 'P16', { kind: 'recipient' }));
    const db = await chained(f.ctx.db);
    const entries = await db
      .selectFrom('audit_log')
      .select(['action', 'outcome', 'purpose_code', 'error_code', 'actor_id', 'detail'])
      .where('action', 'like', 'pseudonymized.%')
      .orderBy('seq')
      .execute();
    const mine = entries.filter((e) => (JSON.parse(e.detail) as { dataset: string }).dataset === set.code);
    expect(mine.map((e) => [e.action, e.outcome, e.purpose_code, e.error_code])).toEqual([
      ['pseudonymized.define', 'ok', null, null],
      ['pseudonymized.update', 'ok', null, null],
      ['pseudonymized.produce', 'ok', 'P16', null],
      ['pseudonymized.produce', 'refused', 'P16', 'purpose_not_permitted'],
      ['pseudonymized.produce', 'refused', 'P16', 'pseudonymized_provision_refused'],
    ]);
    expect(JSON.parse(mine[0]!.detail)).toMatchObject({ purposes: ['P16'], fields: expect.arrayContaining(['member_code:pseudonym']) });
    expect(JSON.parse(mine[2]!.detail)).toMatchObject({ destination: 'download', charset: 'utf-8' });
    expect(mine[2]!.actor_id).toBe(analyst.id);
    expect(JSON.parse(mine[4]!.detail)).toMatchObject({ destination: 'recipient' });
    // No value of any member and no key is in the trail.
    expect(JSON.stringify(mine)).not.toMatch(/key_enc|v1\./);
  });

  it('stores no correspondence: the register holds definitions and a sealed key only', async () => {
    const row = await f.ctx.db.selectFrom('pseudonymized_sets').selectAll().where('org_id', '=', orgId).limit(1).executeTakeFirstOrThrow();
    expect(Object.keys(row).sort()).toEqual(
      [
        'code',
        'columns',
        'created_at',
        'created_by',
        'description',
        'id',
        'key_enc',
        'name',
        'org_id',
        'purposes',
        'status',
        'updated_at',
        'updated_by',
        'version',
      ].sort(),
    );
    expect(row.key_enc.startsWith('v1.')).toBe(true);
  });
});
