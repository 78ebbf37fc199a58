/**
 * Provision runs over HTTP, on both dialects: each exclusion reason counted, the Art. 27(1) exception with its
 * written reason and no record, the foreign recipient refused until the Art. 28 information is on record and
 * consent given while it was shown, per-person and continuous records with their keeping dates, the file, and
 * the disposal job under a clock.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectOrdering, createOrderingDb } from '../../../test/support/connected-systems.ts';
import { availableDialects, chained } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { Client, testServer } from '../../../test/support/http.ts';
import { changeConsent } from '../consent/consents.ts';
import { mamoriJobs } from '../jobs/catalogue.ts';
import type { PolicyDocument } from '../policy/document.ts';

type ThirdParty = PolicyDocument['third_parties'][number];

const insurer: ThirdParty = {
  code: 'insurer',
  name: '架空損害保険株式会社',
  kind: 'recipient',
  address: '東京都千代田区架空町1-1',
  representative: '代表取締役 架空太郎',
  legal_basis: 'consent',
  items: ['name', 'address', 'gender'],
  transmission: ['electronic'],
};
const police: ThirdParty = {
  code: 'police',
  name: '架空警察署',
  kind: 'recipient',
  legal_basis: 'law',
  items: ['name', 'address'],
  transmission: [],
};
const overseas: ThirdParty = {
  code: 'overseas',
  name: 'Fictional Analytics Inc.',
  kind: 'recipient',
  legal_basis: 'consent',
  items: ['name'],
  transmission: ['electronic'],
  country: 'US',
};

describe.each(availableDialects())('provision runs on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  let officer: Client;
  let auditor: Client;
  let orgId: string;
  let now = new Date('2026-11-24T03:00:00Z'); // 12:00 JST
  const clock = () => now;
  const code = (n: number) => String(1000000 + n);

  /** Publishes a new policy version in effect whose register holds `parties` (the demo's recipients kept). */
  async function publishRegister(parties: ThirdParty[]): Promise<number> {
    const current = await f.ctx.db
      .selectFrom('policy_versions')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('status', '=', 'active')
      .orderBy('number', 'desc')
      .executeTakeFirstOrThrow();
    const doc = JSON.parse(current.document) as PolicyDocument;
    const keep = doc.third_parties.filter((t) => !parties.some((p) => p.code === t.code));
    const document = JSON.stringify({ ...doc, third_parties: [...keep, ...parties] });
    const number = current.number! + 1;
    await f.ctx.db
      .insertInto('policy_versions')
      .values({
        ...current,
        id: randomUUID(),
        number,
        document,
        sha256: createHash('sha256').update(document).digest('hex'),
      })
      .execute();
    return number;
  }

  async function consent(n: number, subject: string, state: 'granted' | 'withdrawn', requestId?: string) {
    const actor = requestId ? { type: 'system' as const, orgId, label: 'test', requestId } : await f.actor('officer');
    await changeConsent(f.ctx, actor, {
      memberId: await f.memberId(code(n)),
      subject: { kind: 'third_party', code: subject },
      state,
      source: requestId ? 'request' : 'paper',
    });
  }

  /** The clock moved on: fresh sessions (a session does not outlive a day idle). */
  async function at(time: string) {
    now = new Date(time);
    officer = new Client(app);
    auditor = new Client(app);
    expect((await officer.login(f, 'officer')).status).toBe(200);
    expect((await auditor.login(f, 'auditor')).status).toBe(200);
  }

  const preview = (body: Record<string, unknown>) => officer.post('/api/v1/provision/runs', body);

  beforeAll(async () => {
    f = await demoFixture(dialect, { clock, members: 30 });
    app = await testServer(f, { sessionIdleMinutes: 24 * 60 });
    officer = new Client(app);
    auditor = new Client(app);
    expect((await officer.login(f, 'officer')).status).toBe(200);
    expect((await auditor.login(f, 'auditor')).status).toBe(200);
    orgId = (await f.actor('officer')).orgId;
    await publishRegister([insurer, police, overseas]);
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
  });

  it('previews a run with everyone left out counted by reason, then confirms it into one record per person', async () => {
    await consent(1, 'insurer', 'granted');
    await consent(2, 'insurer', 'granted');
    await consent(4, 'insurer', 'granted');
    await consent(4, 'insurer', 'withdrawn');
    await consent(5, 'insurer', 'granted');
    await consent(5, 'insurer', 'withdrawn', randomUUID());
    await consent(6, 'insurer', 'granted');
    await f.ctx.db
      .updateTable('members')
      .set({ status: 'withdrawn' })
      .where('id', '=', await f.memberId(code(6)))
      .execute();

    const p = await preview({
      third_party_code: 'insurer',
      population: { kind: 'codes', member_codes: [code(1), code(2), code(3), code(4), code(5), code(6), '9999999', code(1)] },
    });
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    expect(p.body).toMatchObject({
      status: 'previewed',
      included: 2,
      excluded: {
        not_in_organization: 1,
        duplicate: 1,
        withdrawn_member: 1,
        no_consent: 1,
        consent_withdrawn: 1,
        provision_stopped: 1,
      },
      excluded_total: 6,
      items: ['name', 'address', 'gender'],
      recipient: { name: insurer.name, representative: insurer.representative },
      population: { kind: 'codes', codes: 8 },
    });
    // Nothing is provided or recorded by a preview.
    expect((await officer.get(`/api/v1/members/${await f.memberId(code(1))}/provisions`)).body.records).toEqual([]);
    const early = await officer.get(`/api/v1/provision/runs/${p.body.id}/file`);
    expect(early.body.error?.code).toBe('provision_run_not_confirmed');

    const c = await officer.post(`/api/v1/provision/runs/${p.body.id}/confirm`);
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    expect(c.body).toMatchObject({ status: 'confirmed', included: 2, records: 2, changed_since_preview: false, occurred_on: '2026-11-24' });
    expect((await officer.post(`/api/v1/provision/runs/${p.body.id}/confirm`)).body.error?.code).toBe('provision_run_confirmed');

    const records = await officer.get(`/api/v1/members/${await f.memberId(code(1))}/provisions`);
    expect(records.body.records).toMatchObject([
      {
        direction: 'provided',
        third_party_code: 'insurer',
        counterparty_name: insurer.name,
        items: ['name', 'address', 'gender'],
        legal_basis: 'consent',
        occurred_on: '2026-11-24',
        keep_until: '2029-11-24',
        retention: 'record',
        continuous: null,
      },
    ]);
    expect((await officer.get(`/api/v1/members/${await f.memberId(code(3))}/provisions`)).body.records).toEqual([]);

    const utf8 = await officer.get(`/api/v1/provision/runs/${p.body.id}/file`);
    expect(utf8.status).toBe(200);
    expect(utf8.headers['content-type']).toMatch(/text\/csv; charset=UTF-8/);
    const lines = utf8.raw
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('組合員コード,氏名,住所,性別');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(new RegExp(`^${code(1)},`));
    expect(lines[1]).toMatch(/,(女性|男性|その他|未回答)$/);
    const sjis = await officer.get(`/api/v1/provision/runs/${p.body.id}/file?charset=shift_jis`);
    expect(iconv.decode(sjis.bytes!, 'cp932').split('\r\n')[0]).toBe('組合員コード,氏名,住所,性別');

    const trail = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('action', 'in', ['provision.preview', 'provision.run', 'provision.download'])
      .orderBy('seq')
      .execute();
    expect(trail.map((t) => t.action)).toEqual(['provision.preview', 'provision.run', 'provision.download', 'provision.download']);
    expect(JSON.parse(trail[1]!.detail)).toMatchObject({ included: 2, records: 2, excluded: { no_consent: 1, provision_stopped: 1 } });
    // Names never reach the trail.
    expect(trail.map((t) => t.detail).join()).not.toContain(insurer.address);
  });

  it('takes the population from an uploaded CSV (Shift_JIS) or a filter over the ledger', async () => {
    const csv = iconv.encode(`組合員コード,メモ\r\n${code(1)},あ\r\n${code(2)},い\r\n`, 'cp932').toString('base64');
    const p = await preview({ third_party_code: 'insurer', population: { kind: 'codes', member_codes_csv_base64: csv } });
    expect(p.body).toMatchObject({ included: 2, excluded_total: 0 });
    const filtered = await preview({ third_party_code: 'insurer', population: { kind: 'filter', status: ['withdrawn'] } });
    expect(filtered.body).toMatchObject({ included: 0, excluded: { withdrawn_member: 1 } });
    const none = await preview({ third_party_code: 'insurer', population: { kind: 'codes', member_codes: [] } });
    expect(none.body.error?.code).toBe('validation_failed');
  });

  it('takes the population from the members with rows in a connected system, read again on confirmation', async () => {
    const file = createOrderingDb([code(1), code(2), code(3), 'X0000001']);
    await connectOrdering(f.ctx, orgId, file);
    const p = await preview({ third_party_code: 'insurer', population: { kind: 'system', system: 'ordering' } });
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    expect(p.body).toMatchObject({
      population: { kind: 'system', system: 'ordering' },
      included: 2,
      excluded: { not_in_organization: 1, no_consent: 1 },
    });
    const unknown = await preview({ third_party_code: 'insurer', population: { kind: 'system', system: 'nowhere' } });
    expect(unknown.body.error?.code).toBe('system_unknown');
    const notLinked = await preview({ third_party_code: 'insurer', population: { kind: 'system', system: 'ordering', table: 'orders' } });
    expect(notLinked.body.error?.code).toBe('system_table_missing');
  });

  it('provides under an Art. 27(1) exception only with a written reason, and keeps no record for it', async () => {
    const bare = await preview({ third_party_code: 'police', population: { kind: 'codes', member_codes: [code(3), code(6)] } });
    expect(bare.status).toBe(400);
    expect(bare.body.error?.issues?.[0]?.field).toBe('exception_reason');
    const p = await preview({
      third_party_code: 'police',
      exception_reason: '刑事訴訟法第197条第2項に基づく照会（令和8年11月20日付）',
      population: { kind: 'codes', member_codes: [code(3), code(6)] },
    });
    expect(p.body).toMatchObject({ legal_basis: 'law', record_mode: 'none', included: 1, excluded: { withdrawn_member: 1 } });
    const c = await officer.post(`/api/v1/provision/runs/${p.body.id}/confirm`);
    expect(c.body).toMatchObject({ status: 'confirmed', records: 0, included: 1 });
    expect((await officer.get(`/api/v1/members/${await f.memberId(code(3))}/provisions`)).body.records).toEqual([]);
    const entry = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'provision.run')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(entry.detail)).toMatchObject({
      legal_basis: 'law',
      record_mode: 'none',
      exception_reason: expect.stringContaining('刑事訴訟法'),
    });
  });

  it('refuses a foreign recipient until the Art. 28 information is on record, and leaves out consent given before it was shown', async () => {
    const refused = await preview({ third_party_code: 'overseas', population: { kind: 'codes', member_codes: [code(7)] } });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'provision_foreign_info_missing', message_ja: expect.stringContaining('第28条') });
    const refusal = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select(['outcome', 'error_code'])
      .where('action', '=', 'provision.preview')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(refusal).toMatchObject({ outcome: 'refused', error_code: 'provision_foreign_info_missing' });
    const single = await officer.post(`/api/v1/members/${await f.memberId(code(7))}/provisions`, {
      direction: 'provided',
      third_party_code: 'overseas',
      items: ['name'],
    });
    expect(single.body.error?.code).toBe('provision_foreign_info_missing');
    const singleRefusal = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select(['outcome', 'error_code'])
      .where('action', '=', 'provision.record')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(singleRefusal).toMatchObject({ outcome: 'refused', error_code: 'provision_foreign_info_missing' });

    await consent(7, 'overseas', 'granted'); // shown a version without the information
    await publishRegister([
      {
        ...overseas,
        country_regime: '米国には包括的な連邦法はなく、州法（CCPA等）がある。',
        recipient_measures: 'OECD8原則に対応する措置を講じている。',
      },
    ]);
    await consent(8, 'overseas', 'granted'); // shown the information
    const p = await preview({ third_party_code: 'overseas', population: { kind: 'codes', member_codes: [code(7), code(8)] } });
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    expect(p.body).toMatchObject({ included: 1, excluded: { consent_before_foreign_info: 1 } });
    const old = await officer.post(`/api/v1/members/${await f.memberId(code(7))}/provisions`, {
      direction: 'provided',
      third_party_code: 'overseas',
      items: ['name'],
    });
    expect(old.body.error?.code).toBe('provision_consent_before_foreign_info');
  });

  it('keeps one continuous record per recipient, extended by later runs and kept 3 years from its last entry', async () => {
    await consent(9, 'insurer', 'granted');
    const first = await preview({
      third_party_code: 'insurer',
      record_mode: 'continuous',
      population: { kind: 'codes', member_codes: [code(1), code(2)] },
    });
    await officer.post(`/api/v1/provision/runs/${first.body.id}/confirm`);
    await at('2027-01-15T03:00:00Z');
    const second = await preview({
      third_party_code: 'insurer',
      record_mode: 'continuous',
      population: { kind: 'codes', member_codes: [code(1), code(9)] },
    });
    const c = await officer.post(`/api/v1/provision/runs/${second.body.id}/confirm`);
    expect(c.body).toMatchObject({ records: 1, record_mode: 'continuous' });
    const list = await auditor.get('/api/v1/provision/continuous');
    expect(list.body.records).toMatchObject([
      { third_party_code: 'insurer', first_on: '2026-11-24', last_on: '2027-01-15', keep_until: '2030-01-15', people: 3, runs: 2 },
    ]);
    const mine = await officer.get(`/api/v1/members/${await f.memberId(code(2))}/provisions`);
    const entry = (mine.body.records as { continuous: unknown; keep_until: string }[]).find((r) => r.continuous);
    expect(entry).toMatchObject({ keep_until: '2030-01-15', continuous: { first_on: '2026-11-24', last_on: '2027-01-15' } });
  });

  it('keeps a record 1 year where a contract stands in, and the job disposes of expired records with a disposal record', async () => {
    await at('2027-02-01T03:00:00Z');
    const p = await preview({ third_party_code: 'insurer', retention: 'contract', population: { kind: 'codes', member_codes: [code(9)] } });
    await officer.post(`/api/v1/provision/runs/${p.body.id}/confirm`);
    // The register entry may say so itself: runs to it then default to the contract's keeping period.
    await publishRegister([{ ...insurer, code: 'insurer-contract', contract_record: true }]);
    const byRegister = await preview({ third_party_code: 'insurer-contract', population: { kind: 'codes', member_codes: [code(9)] } });
    expect(byRegister.body).toMatchObject({ retention: 'contract', included: 0, excluded: { no_consent: 1 } });
    const rec = await officer.get(`/api/v1/members/${await f.memberId(code(9))}/provisions`);
    expect((rec.body.records as { retention: string; keep_until: string }[]).find((r) => r.retention === 'contract')?.keep_until).toBe(
      '2028-02-01',
    );

    const job = mamoriJobs.find((j) => j.name === 'dispose_provision_records')!;
    expect(job.schedule).toEqual({ dailyAtJst: '02:30' });
    const runJob = async (time: string) => {
      now = new Date(time);
      const dueAt = now.toISOString();
      const id = randomUUID();
      await f.ctx.db
        .insertInto('job_runs')
        .values({
          id,
          job: job.name,
          due_at: dueAt,
          state: 'running',
          attempts: 1,
          max_attempts: 6,
          next_attempt_at: dueAt,
          lease_owner: null,
          lease_until: null,
          last_error: null,
          result: null,
          created_at: dueAt,
          started_at: dueAt,
          finished_at: null,
          updated_at: dueAt,
        })
        .execute();
      return { id, result: await job.handler(f.ctx, { dueAt, attempt: 1 }) };
    };

    // On the keeping date itself nothing goes; the day after, the contract record does.
    expect((await runJob('2028-02-01T03:00:00Z')).result).toMatchObject({ records: 0, continuous: 0 });
    const after = await runJob('2028-02-02T03:00:00Z');
    expect(after.result).toMatchObject({ records: 1, continuous: 0 });
    expect((await runJob('2028-02-02T04:00:00Z')).result).toMatchObject({ records: 0 });
    await at('2028-02-02T05:00:00Z');
    let disposals = await auditor.get('/api/v1/provision/disposals');
    expect(disposals.body.disposals).toMatchObject([
      {
        kind: 'record',
        count: 1,
        oldest_on: '2027-02-01',
        newest_on: '2027-02-01',
        job: 'dispose_provision_records',
        job_run_id: after.id,
      },
    ]);

    // Three years on: the per-person records of the first run, then the continuous record with its people.
    expect((await runJob('2029-11-25T03:00:00Z')).result).toMatchObject({ records: 2, continuous: 0 });
    expect((await runJob('2030-01-16T03:00:00Z')).result).toMatchObject({ records: 0, continuous: 1 });
    await at('2030-01-16T05:00:00Z');
    disposals = await auditor.get('/api/v1/provision/disposals');
    expect(disposals.body.disposals).toMatchObject([
      { kind: 'continuous', count: 1, oldest_on: '2026-11-24', newest_on: '2027-01-15' },
      { kind: 'record', count: 2, oldest_on: '2026-11-24', newest_on: '2026-11-24' },
      { kind: 'record', count: 1 },
    ]);
    expect((await auditor.get('/api/v1/provision/continuous')).body.records).toEqual([]);
    const left = await f.ctx.db.selectFrom('provision_records').select('id').where('org_id', '=', orgId).execute();
    expect(left).toEqual([]);
    const trail = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'provision.dispose')
      .execute();
    expect(trail).toHaveLength(3);
    // The runs keep their counts; their lists of people go with the records.
    const runs = await auditor.get('/api/v1/provision/runs');
    expect((runs.body.runs as unknown[]).length).toBeGreaterThan(3);
    const lists = await f.ctx.db.selectFrom('provision_run_members').select('run_id').execute();
    expect(lists).toEqual([]);
  });

  it('records a receipt from a provider for a list of people (Art. 30), counting codes that name nobody', async () => {
    const body = {
      population: { kind: 'codes', member_codes: [code(10), code(11), '0000000'] },
      provider: { name: '架空共済連', address: '東京都架空区1-2-3', representative: '会長 架空一郎' },
      acquisition: '本人から共済加入申込書により取得',
      items: ['name', 'address'],
    };
    const r = await officer.post('/api/v1/provision/receipts', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ recorded: 2, unmatched: { not_in_organization: 1 }, keep_until: '2033-01-16' });
    const records = await officer.get(`/api/v1/members/${await f.memberId(code(10))}/provisions`);
    expect(records.body.records).toMatchObject([
      {
        direction: 'received',
        counterparty_name: '架空共済連',
        acquisition: '本人から共済加入申込書により取得',
        items: ['name', 'address'],
      },
    ]);
    // A single receipt on the member's screen is stored as a receipt too, not under a basis of provision.
    const single = await officer.post(`/api/v1/members/${await f.memberId(code(10))}/provisions`, {
      direction: 'received',
      counterparty: { name: '架空共済連', address: '東京都千代田区架空町1-1', representative: '会長 架空一郎' },
      acquisition: '本人から申込書により取得',
      items: ['name'],
    });
    expect(single.status, JSON.stringify(single.body)).toBe(201);
    const after = await officer.get(`/api/v1/members/${await f.memberId(code(10))}/provisions`);
    const stored = (after.body.records as { id: string; legal_basis: string }[]).find((r) => r.id === single.body.id);
    expect(stored?.legal_basis).toBe('receipt');
    const { acquisition: _, ...withoutAcquisition } = body;
    expect((await officer.post('/api/v1/provision/receipts', withoutAcquisition)).body.error?.code).toBe('validation_failed');
    expect((await officer.post('/api/v1/provision/receipts', { ...body, items: ['shoe_size'] })).body.error?.issues?.[0]?.code).toBe(
      'unknown',
    );
  });
});
