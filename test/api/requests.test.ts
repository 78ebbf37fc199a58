/**
 * Consents, requests from the person and provision records over HTTP, on both dialects: effects reach the
 * access engine, refusals give stable codes, and nothing tells another co-op's staff that a member exists.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendReminders } from '../../src/modules/requests/notify.ts';
import { availableDialects, chained } from '../support/db.ts';
import { demoFixture, type Fixture } from '../support/fixtures.ts';
import { Client, testServer } from '../support/http.ts';

type Req = {
  id: string;
  state: string;
  version: number;
  reference: string;
  due_on: string;
  overdue: boolean;
  events: { action: string }[];
};

describe.each(availableDialects())('requests, consents and provision on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  let officer: Client;
  let staff: Client;
  let analyst: Client;
  let service: Client;
  let other: Client;
  let now = new Date('2026-11-24T03:00:00Z'); // Tuesday 12:00 JST
  const clock = () => now;

  beforeAll(async () => {
    f = await demoFixture(dialect, { clock, members: 30 });
    app = await testServer(f, { sessionIdleMinutes: 24 * 60 });
    officer = new Client(app);
    staff = new Client(app);
    analyst = new Client(app);
    service = new Client(app);
    other = new Client(app);
    for (const [c, login] of [
      [officer, 'officer'],
      [staff, 'staff'],
      [analyst, 'analyst'],
      [service, 'service'],
      [other, 'other'],
    ] as const) {
      expect((await c.login(f, login)).status).toBe(200);
    }
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
  });

  const step = async (c: Client, r: Req, body: Record<string, unknown>) =>
    c.post(`/api/v1/requests/${r.id}/steps`, { version: r.version, ...body });
  const advance = async (r: Req, steps: Record<string, unknown>[]): Promise<Req> => {
    let cur = r;
    for (const s of steps) {
      const res = await step(officer, cur, s);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      cur = res.body as unknown as Req;
    }
    return cur;
  };
  const file = async (body: Record<string, unknown>) => {
    const res = await officer.post('/api/v1/requests', { channel: 'phone', ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as unknown as Req;
  };
  const fullPath = [{ step: 'verify', identity_method: 'callback' }, { step: 'start' }, { step: 'approve' }, { step: 'answer' }];

  it('an opt-out recorded on paper blocks the purpose at once, in reads and in search; the history keeps the policy version', async () => {
    const id = await f.memberId('1000004');
    expect((await analyst.get(`/api/v1/members/${id}?purpose=P16`)).status).toBe(200);
    const out = await service.post(`/api/v1/members/${id}/consents`, {
      subject_kind: 'purpose',
      subject_code: 'P16',
      state: 'opted_out',
      source: 'paper',
    });
    expect(out.status, JSON.stringify(out.body)).toBe(200);
    const refused = await analyst.get(`/api/v1/members/${id}?purpose=P16`);
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('member_opted_out');
    const listed = await officer.get(`/api/v1/members/${id}/consents`);
    const p16 = (listed.body.consents as { code: string; state: string }[]).find((c) => c.code === 'P16');
    expect(p16?.state).toBe('opted_out');
    expect((listed.body.history as { subject_code: string; source: string; policy_version: number }[])[0]).toMatchObject({
      subject_code: 'P16',
      source: 'paper',
      policy_version: 1,
    });
    // Back in: the purpose is usable again; both events stay in the history.
    now = new Date(now.getTime() + 1000);
    expect(
      (
        await service.post(`/api/v1/members/${id}/consents`, {
          subject_kind: 'purpose',
          subject_code: 'P16',
          state: 'granted',
          source: 'phone',
        })
      ).status,
    ).toBe(200);
    expect((await analyst.get(`/api/v1/members/${id}?purpose=P16`)).status).toBe(200);
    expect(((await officer.get(`/api/v1/members/${id}/consents`)).body.history as unknown[]).length).toBe(2);
  });

  it('refuses a consent on a purpose that takes none, an unknown subject, and another co-op’s member', async () => {
    const id = await f.memberId('1000005');
    const none = await service.post(`/api/v1/members/${id}/consents`, {
      subject_kind: 'purpose',
      subject_code: 'P04',
      state: 'opted_out',
      source: 'paper',
    });
    expect(none.body.error?.code).toBe('consent_not_applicable');
    const unknown = await service.post(`/api/v1/members/${id}/consents`, {
      subject_kind: 'purpose',
      subject_code: 'P99',
      state: 'opted_out',
      source: 'paper',
    });
    expect(unknown.body.error?.code).toBe('consent_subject_unknown');
    const foreign = await other.post(`/api/v1/members/${id}/consents`, {
      subject_kind: 'purpose',
      subject_code: 'P16',
      state: 'opted_out',
      source: 'paper',
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error?.code).toBe('member_not_found');
  });

  it('a child’s choice needs the guardian named', async () => {
    const id = await f.memberId('1000006');
    await f.ctx.db.updateTable('members').set({ birth_date: '2016-04-01' }).where('id', '=', id).execute();
    const body = { subject_kind: 'purpose', subject_code: 'P02', state: 'opted_out', source: 'paper' };
    expect((await service.post(`/api/v1/members/${id}/consents`, body)).body.error?.code).toBe('guardian_consent_required');
    expect((await service.post(`/api/v1/members/${id}/consents`, { ...body, guardian_name: '保護者 太郎' })).status).toBe(200);
    const event = await f.ctx.db.selectFrom('consent_events').selectAll().where('member_id', '=', id).executeTakeFirstOrThrow();
    expect(event.guardian_name).toBe('保護者 太郎');
  });

  it('a phone request by a mandated agent: proof before verification, officer-only decisions, a package in JSON and CSV', async () => {
    const id = await f.memberId('1000007');
    expect((await staff.get(`/api/v1/members/${id}?purpose=P04`)).status).toBe(200);
    let r = await file({
      member_id: id,
      kind: 'disclosure',
      requester: 'mandated_agent',
      agent_name: '代理 一郎',
      agent_relationship: '弁護士',
    });
    expect(r.state).toBe('received');
    expect(r.due_on).toBe('2026-12-08');
    const early = await step(officer, r, { step: 'verify', identity_method: 'documents' });
    expect(early.body.error?.code).toBe('request_identity_unverified');
    const patched = await officer.patch(`/api/v1/requests/${r.id}`, { version: r.version, agent_proof: '委任状と代理人の本人確認書類' });
    expect(patched.status).toBe(200);
    r = patched.body as unknown as Req;
    r = await advance(r, [{ step: 'verify', identity_method: 'documents' }, { step: 'start' }]);
    const byStaff = await step(service, r, { step: 'approve' });
    expect(byStaff.body.error?.code).toBe('forbidden');
    const stale = await step(officer, { ...r, version: r.version - 1 }, { step: 'approve' });
    expect(stale.body.error?.code).toBe('request_version_conflict');
    r = await advance(r, [{ step: 'approve' }, { step: 'answer' }]);
    expect(r.state).toBe('answered');

    const json = await officer.get(`/api/v1/requests/${r.id}/package?form=json`);
    expect(json.status).toBe(200);
    const pkg = JSON.parse(json.raw) as {
      person: { member_code: string };
      items: { code: string; value: unknown }[];
      accesses: { action: string; purpose_code: string; role: string }[];
      purposes: unknown[];
      safety_measures: unknown[];
    };
    expect(pkg.person.member_code).toBe('1000007');
    expect(pkg.items.find((i) => i.code === 'member_code')?.value).toBe('1000007');
    expect(pkg.accesses.some((a) => a.action === 'member.read' && a.purpose_code === 'P04' && a.role === '宅配担当職員')).toBe(true);
    // The demo policy's 16 purposes less ⑫ (staff employment), which does not concern members.
    expect(pkg.purposes.length).toBe(15);
    expect(JSON.stringify(pkg.purposes)).not.toContain('"P12"');
    const csv = await officer.get(`/api/v1/requests/${r.id}/package?form=csv`);
    expect(csv.raw.startsWith('\uFEFF')).toBe(true);
    expect(csv.raw).toContain('\r\nアクセス記録,');
    expect(csv.raw).not.toContain(' / accesses');
    expect(String(csv.headers['content-disposition'])).toContain(`disclosure-${r.reference}.csv`);
    // The person and the office were told (mails go to the outbox by default; each send is in the trail).
    const sent = await (await chained(f.ctx.db)).selectFrom('audit_log').select('detail').where('action', '=', 'notify.sent').execute();
    expect(sent.some((e) => e.detail.includes(r.id))).toBe(true);
  });

  it('steps out of order, refusals without a reason and a package before the answer are refused', async () => {
    const id = await f.memberId('1000008');
    const r = await file({ member_id: id, kind: 'disclosure' });
    expect((await step(officer, r, { step: 'answer' })).body.error?.code).toBe('request_transition_invalid');
    expect((await officer.get(`/api/v1/requests/${r.id}/package?form=json`)).body.error?.code).toBe('disclosure_not_ready');
    expect((await step(officer, r, { step: 'refuse' })).body.error?.code).toBe('request_reason_required');
    const dup = await officer.post('/api/v1/requests', { channel: 'paper', member_id: id, kind: 'disclosure' });
    expect(dup.body.error?.code).toBe('request_duplicate_open');
    const refused = await step(officer, r, { step: 'refuse', reason: '本人確認ができなかったため' });
    expect(refused.body).toMatchObject({ state: 'refused', reason: '本人確認ができなかったため' });
  });

  it('a correction changes the record, a cessation stops the purpose in the engine', async () => {
    const id = await f.memberId('1000009');
    const c = await file({ member_id: id, kind: 'correction', detail: { changes: { phone: '０９０－１１１１－２２２２' } } });
    await advance(c, fullPath);
    const read = await staff.get(`/api/v1/members/${id}?purpose=P04`);
    expect(read.body.phone).toBe('090-1111-2222');
    const bad = await officer.post('/api/v1/requests', {
      channel: 'paper',
      member_id: id,
      kind: 'correction',
      detail: { changes: { bank_account: 'x' } },
    });
    expect(bad.body.error?.code).toBe('request_detail_invalid');

    const s = await file({ member_id: id, kind: 'cessation', detail: { purposes: ['P04'] } });
    await advance(s, fullPath);
    const stopped = await staff.get(`/api/v1/members/${id}?purpose=P04`);
    expect(stopped.body.error?.code).toBe('member_use_stopped');
    expect((await staff.get(`/api/v1/members/${id}?purpose=P03`)).status).toBe(200);
  });

  it('a deletion erases all but what the law keeps, restricts it, and leaves only disclosure possible', async () => {
    const id = await f.memberId('1000010');
    const d = await file({ member_id: id, kind: 'deletion' });
    await advance(d, fullPath);
    const row = await f.ctx.db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.erased_at).not.toBeNull();
    expect(row.phone).toBeNull();
    expect(row.bank_account_enc).toBeNull();
    expect(row.member_code).toBe('1000010');
    expect(row.name).not.toBe('');
    expect((await staff.get(`/api/v1/members/${id}?purpose=P04`)).body.error?.code).toBe('member_use_stopped');
    const again = await officer.post('/api/v1/requests', {
      channel: 'paper',
      member_id: id,
      kind: 'correction',
      detail: { changes: { phone: '0311112222' } },
    });
    expect(again.body.error?.code).toBe('request_member_erased');
    const disclosure = await file({ member_id: id, kind: 'disclosure' });
    const answered = await advance(disclosure, fullPath);
    const pkg = JSON.parse((await officer.get(`/api/v1/requests/${answered.id}/package?form=json`)).raw) as {
      items: { code: string; value: unknown; retained_by_law: boolean }[];
    };
    expect(pkg.items.find((i) => i.code === 'share_capital')?.retained_by_law).toBe(true);
    expect(pkg.items.find((i) => i.code === 'phone')).toMatchObject({ value: null, retained_by_law: false });
  });

  it('provision with consent: refused without it (and the refusal stays in the trail), recorded with it, stopped on request', async () => {
    const id = await f.memberId('1000011');
    const body = { direction: 'provided', third_party_code: 'with-consent', items: ['name', 'address'] };
    const missing = await officer.post(`/api/v1/members/${id}/provisions`, body);
    expect(missing.body.error?.code).toBe('provision_consent_missing');
    const trail = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select('outcome')
      .where('action', '=', 'provision.record')
      .where('member_id', '=', id)
      .execute();
    expect(trail.map((t) => t.outcome)).toEqual(['refused']);
    expect(
      (
        await service.post(`/api/v1/members/${id}/consents`, {
          subject_kind: 'third_party',
          subject_code: 'with-consent',
          state: 'granted',
          source: 'paper',
        })
      ).status,
    ).toBe(200);
    const ok = await officer.post(`/api/v1/members/${id}/provisions`, body);
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.keep_until).toBe('2029-11-24');
    const stop = await file({ member_id: id, kind: 'provision_cessation', detail: { third_parties: ['with-consent'] } });
    await advance(stop, fullPath);
    expect((await officer.post(`/api/v1/members/${id}/provisions`, body)).body.error?.code).toBe('provision_stopped');
    const records = await officer.get(`/api/v1/members/${id}/provisions`);
    expect((records.body.records as unknown[]).length).toBe(1);
  });

  it('identity documents: PDF/JPEG/PNG only, at most 5 MB, larger bodies refused before parsing', async () => {
    const id = await f.memberId('1000012');
    const r = await file({ member_id: id, kind: 'disclosure', requester: 'legal_representative', agent_name: '法定 代理人' });
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100)]);
    const ok = await officer.post(`/api/v1/requests/${r.id}/documents`, {
      kind: 'agent_proof',
      file_name: '戸籍謄本.png',
      data_base64: png.toString('base64'),
    });
    expect(ok.status).toBe(201);
    const text = await officer.post(`/api/v1/requests/${r.id}/documents`, {
      kind: 'identity',
      file_name: 'a.pdf',
      data_base64: Buffer.from('hello').toString('base64'),
    });
    expect(text.body.error?.code).toBe('document_type_unsupported');
    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(5 * 1024 * 1024)]);
    const tooBig = await officer.post(`/api/v1/requests/${r.id}/documents`, {
      kind: 'identity',
      file_name: 'a.pdf',
      data_base64: big.toString('base64'),
    });
    expect(tooBig.body.error?.code).toBe('document_too_large');
    const huge = await officer.post(`/api/v1/requests/${r.id}/documents`, {
      kind: 'identity',
      file_name: 'a.pdf',
      data_base64: 'A'.repeat(9 * 1024 * 1024),
    });
    expect(huge.status).toBe(413);
    // With the proof on file, the agent's request can be verified; the document reads back for the officer.
    const fresh = (await officer.get(`/api/v1/requests/${r.id}`)).body as unknown as Req & { documents: { id: string }[] };
    expect((await step(officer, fresh, { step: 'verify', identity_method: 'documents' })).status).toBe(200);
    const doc = await officer.get(`/api/v1/requests/${r.id}/documents/${fresh.documents[0]!.id}`);
    expect(doc.headers['content-type']).toBe('image/png');
    expect((await staff.get(`/api/v1/requests/${r.id}/documents/${fresh.documents[0]!.id}`)).status).toBe(403);
  });

  it('another co-op sees neither the member nor the request', async () => {
    const id = await f.memberId('1000013');
    const r = await file({ member_id: id, kind: 'disclosure' });
    const foreignFile = await other.post('/api/v1/requests', { channel: 'phone', member_id: id, kind: 'disclosure' });
    expect(foreignFile.status).toBe(404);
    expect(foreignFile.body.error?.code).toBe('member_not_found');
    const missing = await other.post('/api/v1/requests', {
      channel: 'phone',
      member_id: '00000000-0000-4000-8000-000000000000',
      kind: 'disclosure',
    });
    expect(missing.body).toEqual(foreignFile.body);
    expect((await other.get(`/api/v1/requests/${r.id}`)).body.error?.code).toBe('request_not_found');
  });

  it('reminds the office once a day of requests due soon, and lists the overdue', async () => {
    const start = now;
    now = new Date('2026-12-06T01:00:00Z');
    const first = await sendReminders(f.ctx);
    expect(first.requests).toBeGreaterThan(0);
    expect((await sendReminders(f.ctx)).requests).toBe(0);
    now = new Date('2026-12-20T01:00:00Z');
    const late = new Client(app); // sessions idle out over the weeks the clock moved
    expect((await late.login(f, 'officer')).status).toBe(200);
    const overdue = await late.get('/api/v1/requests?state=overdue');
    expect((overdue.body.requests as Req[]).length).toBeGreaterThan(0);
    expect((overdue.body.requests as Req[]).every((r) => r.overdue)).toBe(true);
    expect((await sendReminders(f.ctx)).requests).toBe((overdue.body.requests as Req[]).length);
    now = start;
  });
});
