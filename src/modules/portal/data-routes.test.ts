/**
 * The member page's data over HTTP, on both dialects: the person sees their own data (bank account masked),
 * corrects their contact data, opts out (the engine refuses staff at once), files and withdraws requests and
 * downloads an answered disclosure; a child cannot decide alone but the guardian can; another member's
 * request is answered like a missing one.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { Client, testServer } from '../../../test/support/http.ts';
import { PortalClient } from '../../../test/support/portal.ts';
import { changeConsent } from '../consent/consents.ts';
import { DEMO_CHILD_CODE, DEMO_MEMBER_CODE, DEMO_MEMBER_PASSWORD } from '../demo/demo-portal.ts';

type Req = { id: string; state: string; version: number; reference: string; requester: string; identity_method: string | null };

describe.each(availableDialects())('member page data on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  let member: PortalClient;
  let officer: Client;
  let analyst: Client;
  const now = new Date('2026-11-24T02:00:00Z');

  beforeAll(async () => {
    f = await demoFixture(dialect, { clock: () => now, members: 10 });
    app = await testServer(f, { sessionIdleMinutes: 24 * 60 });
    member = new PortalClient(app);
    const signIn = await member.post('/api/v1/portal/auth/login', {
      org: 'demo-coop',
      member_code: DEMO_MEMBER_CODE,
      password: DEMO_MEMBER_PASSWORD,
    });
    expect(signIn.status, JSON.stringify(signIn.body)).toBe(200);
    officer = new Client(app);
    analyst = new Client(app);
    expect((await officer.login(f, 'officer')).status).toBe(200);
    expect((await analyst.login(f, 'analyst')).status).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
  });

  it('shows the person’s items, purposes and joint uses; the bank account masked', async () => {
    const my = await member.get('/api/v1/portal/my');
    expect(my.status).toBe(200);
    const items = my.body.items as { code: string; value: unknown }[];
    expect(items.find((i) => i.code === 'member_code')?.value).toBe(DEMO_MEMBER_CODE);
    const account = items.find((i) => i.code === 'bank_account')?.value;
    if (account !== null) expect(String(account)).toMatch(/^\*+\d{4}$/);
    const purposes = my.body.purposes as { code: string; name: string; name_en: string }[];
    // The demo policy's 16 purposes less ⑫ (staff employment): it does not concern members.
    expect(purposes.length).toBe(15);
    expect(purposes.some((p) => p.code === 'P12')).toBe(false);
    // The page switches language: each purpose carries its English name too.
    expect(purposes.find((p) => p.code === 'P16')?.name_en).toMatch(/profiling/i);
    expect((my.body.joint_uses as unknown[]).length).toBeGreaterThan(0);
    expect(my.body.accesses).toBeUndefined();
  });

  it('corrects contact data, refuses other fields, catches a stale version', async () => {
    const my = await member.get('/api/v1/portal/my');
    const version = my.body.version as number;
    const ok = await member.request('PATCH', '/api/v1/portal/my/contact', { version, changes: { phone: '０３－１２３４－５６７８' } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect((ok.body.items as { code: string; value: unknown }[]).find((i) => i.code === 'phone')?.value).toBe('03-1234-5678');
    const stale = await member.request('PATCH', '/api/v1/portal/my/contact', { version, changes: { phone: '0311112222' } });
    expect(stale.body.error?.code).toBe('version_conflict');
    const name = await member.request('PATCH', '/api/v1/portal/my/contact', { version: version + 1, changes: { name: '別人' } });
    expect(name.status).toBe(400);
  });

  it('an opt-out on the page blocks the purpose for staff at once', async () => {
    const id = await f.memberId(DEMO_MEMBER_CODE);
    expect((await analyst.get(`/api/v1/members/${id}?purpose=P16`)).status).toBe(200);
    const out = await member.post('/api/v1/portal/consents', { subject_kind: 'purpose', subject_code: 'P16', state: 'opted_out' });
    expect(out.status, JSON.stringify(out.body)).toBe(200);
    expect((await analyst.get(`/api/v1/members/${id}?purpose=P16`)).body.error?.code).toBe('member_opted_out');
    const consents = await member.get('/api/v1/portal/consents');
    expect((consents.body.history as { source: string; actor_type: string }[])[0]).toMatchObject({ source: 'page', actor_type: 'member' });
  });

  it('a child cannot decide alone; the guardian acting for the child can', async () => {
    const me = await member.get('/api/v1/portal/me');
    const ward = (me.body.wards as { id: string; member_code: string }[]).find((w) => w.member_code === DEMO_CHILD_CODE)!;
    expect((await member.post('/api/v1/portal/act-as', { member_id: ward.id })).status).toBe(200);
    const byGuardian = await member.post('/api/v1/portal/consents', { subject_kind: 'purpose', subject_code: 'P02', state: 'opted_out' });
    expect(byGuardian.status, JSON.stringify(byGuardian.body)).toBe(200);
    const event = await f.ctx.db.selectFrom('consent_events').selectAll().where('member_id', '=', ward.id).executeTakeFirstOrThrow();
    expect(event.actor_type).toBe('guardian');
    expect(event.guardian_member_id).toBe((me.body.member as { id: string }).id);
    // A guardian's request for the ward is filed by a legal representative, verified by the link.
    const r = await member.post('/api/v1/portal/requests', { kind: 'provision_records' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ requester: 'legal_representative', state: 'verified', identity_method: 'signed_in' });
    expect((await member.post('/api/v1/portal/act-as', { member_id: (me.body.member as { id: string }).id })).status).toBe(200);

    // The child signed in on their own cannot change a choice.
    const childId = ward.id;
    const childActor = {
      type: 'member' as const,
      accountId: 'x',
      memberId: childId,
      orgId: (await f.actor('officer')).orgId,
      subjectId: childId,
      asGuardian: false,
    };
    await expect(
      changeConsent(f.ctx, childActor, {
        memberId: childId,
        subject: { kind: 'purpose', code: 'P16' },
        state: 'opted_out',
        source: 'page',
      }),
    ).rejects.toMatchObject({ code: 'guardian_consent_required' });
  });

  it('files a disclosure, downloads it once answered, and cannot reach another member’s request', async () => {
    const filed = await member.post('/api/v1/portal/requests', { kind: 'disclosure', delivery_form: 'json' });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    let r = filed.body as unknown as Req;
    expect(r).toMatchObject({ state: 'verified', requester: 'self', identity_method: 'signed_in' });
    expect((await member.get(`/api/v1/portal/requests/${r.id}/package?form=json`)).body.error?.code).toBe('disclosure_not_ready');
    expect((await member.post('/api/v1/portal/requests', { kind: 'disclosure' })).body.error?.code).toBe('request_duplicate_open');
    for (const step of [{ step: 'start' }, { step: 'approve' }, { step: 'answer' }]) {
      const res = await officer.post(`/api/v1/requests/${r.id}/steps`, { version: r.version, ...step });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      r = res.body as unknown as Req;
    }
    const json = await member.get(`/api/v1/portal/requests/${r.id}/package?form=json`);
    expect(json.status).toBe(200);
    const pkg = JSON.parse(json.raw) as {
      person: { member_code: string };
      accesses: { action: string }[];
      items: { code: string; value: unknown }[];
    };
    expect(pkg.person.member_code).toBe(DEMO_MEMBER_CODE);
    expect(pkg.accesses.some((a) => a.action === 'member.read')).toBe(true);
    // The package discloses the bank account in full (it is the person's own data).
    const account = pkg.items.find((i) => i.code === 'bank_account')?.value;
    if (account !== null) expect(String(account)).not.toContain('*');
    // The form the member asked for on the page by default.
    const pdf = await member.get(`/api/v1/portal/requests/${r.id}/package?form=pdf`);
    expect(pdf.status, pdf.raw.slice(0, 300)).toBe(200);
    expect(pdf.raw.startsWith('%PDF-')).toBe(true);

    // Another member's request: a staff-entered one for a synthetic member.
    const otherId = await f.memberId('1000002');
    const foreign = await officer.post('/api/v1/requests', { member_id: otherId, kind: 'disclosure', channel: 'paper' });
    expect(foreign.status).toBe(201);
    const foreignId = (foreign.body as unknown as Req).id;
    const peek = await member.get(`/api/v1/portal/requests/${foreignId}`);
    expect(peek.status).toBe(404);
    expect(peek.body.error?.code).toBe('request_not_found');
    expect((await member.post(`/api/v1/portal/requests/${foreignId}/withdraw`, { version: 1 })).body.error?.code).toBe('request_not_found');
  });

  it('withdraws an open request; cannot take staff steps', async () => {
    const filed = await member.post('/api/v1/portal/requests', { kind: 'safety_measures' });
    const r = filed.body as unknown as Req;
    const w = await member.post(`/api/v1/portal/requests/${r.id}/withdraw`, { version: r.version, reason: '不要になったため' });
    expect(w.status).toBe(200);
    expect(w.body.state).toBe('withdrawn');
    const list = await member.get('/api/v1/portal/requests');
    expect((list.body.requests as Req[]).some((x) => x.id === r.id && x.state === 'withdrawn')).toBe(true);
    expect((await new PortalClient(app).get('/api/v1/portal/my')).body.error?.code).toBe('member_not_signed_in');
  });
});
