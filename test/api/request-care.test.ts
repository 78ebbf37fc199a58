/**
 * Careful answers to the person (issue 12 §4), over HTTP on both dialects: the days left to the due date, an
 * assignee per request (set, changed, audited, listed as "assigned to me", named in the history), the history
 * naming the staff member who took each step (never shown to the person), and the package previewed before
 * approval being exactly the CSV the person receives — in Japanese only.
 */

import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MEMBER_CODE, DEMO_MEMBER_PASSWORD } from '../../src/modules/demo/demo-portal.ts';
import { availableDialects, chained } from '../support/db.ts';
import { demoFixture, type Fixture } from '../support/fixtures.ts';
import { Client, testServer } from '../support/http.ts';
import { PortalClient } from '../support/portal.ts';

type Req = {
  id: string;
  state: string;
  version: number;
  due_on: string;
  days_left: number;
  overdue: boolean;
  assignee_id: string | null;
  assignee_name: string | null;
  answer: string | null;
  events: { action: string; actor_type: string; actor_name: string | null; note: string | null }[];
};

describe.each(availableDialects())('request care on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  let officer: Client;
  let service: Client;
  let auditor: Client;
  let now = new Date('2026-11-24T03:00:00Z'); // Tuesday 12:00 JST
  const clock = () => now;
  const userId = async (login: string) =>
    (await f.ctx.db.selectFrom('users').select('id').where('login', '=', login).executeTakeFirstOrThrow()).id;

  beforeAll(async () => {
    f = await demoFixture(dialect, { clock, members: 20 });
    app = await testServer(f, { sessionIdleMinutes: 24 * 60 });
    officer = new Client(app);
    service = new Client(app);
    auditor = new Client(app);
    for (const [c, login] of [
      [officer, 'officer'],
      [service, 'service'],
      [auditor, 'auditor'],
    ] as const) {
      expect((await c.login(f, login)).status).toBe(200);
    }
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
  });

  const file = async (code: string, kind = 'disclosure'): Promise<Req> => {
    const detail = kind === 'correction' ? { changes: { phone: '090-0000-0000' } } : {};
    const res = await service.post('/api/v1/requests', { channel: 'phone', member_id: await f.memberId(code), kind, detail });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as unknown as Req;
  };
  const step = async (c: Client, r: Req, body: Record<string, unknown>): Promise<Req> => {
    const res = await c.post(`/api/v1/requests/${r.id}/steps`, { version: r.version, ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as unknown as Req;
  };

  it('counts the days left to the due date, and the days past it once overdue', async () => {
    const r = await file('1000001', 'correction');
    expect(r.days_left).toBeGreaterThan(0);
    const from = new Date(`${r.due_on}T00:00:00Z`).getTime();
    const today = new Date(now.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
    expect(r.days_left).toBe(Math.round((from - new Date(`${today}T00:00:00Z`).getTime()) / 86_400_000));
    // Two days past the due date (moved back in the database: the sessions would not outlive a jump of weeks).
    const twoDaysAgo = new Date(new Date(`${today}T00:00:00Z`).getTime() - 2 * 86_400_000).toISOString().slice(0, 10);
    await f.ctx.db.updateTable('subject_requests').set({ due_on: twoDaysAgo }).where('id', '=', r.id).execute();
    const late = (await officer.get(`/api/v1/requests/${r.id}`)).body as unknown as Req;
    expect(late.days_left).toBe(-2);
    expect(late.overdue).toBe(true);
  });

  it('assigns a request to a staff member whose role handles requests, lists it as "mine", and audits each change', async () => {
    const r = await file('1000002', 'correction');
    const assignees = (await service.get('/api/v1/requests/assignees')).body.assignees as { id: string; display_name: string }[];
    const names = assignees.map((a) => a.display_name);
    expect(names).toEqual(expect.arrayContaining(['保護 管理子', '窓口 花子']));
    // Delivery staff and the system administrator do not handle requests; the auditor only reads.
    expect(names).not.toContain('配達 一郎');
    expect(names).not.toContain('システム 管理者');
    expect(names).not.toContain('監査 三郎');

    const serviceId = await userId('service');
    now = new Date(now.getTime() + 1000);
    const set = await service.request('PUT', `/api/v1/requests/${r.id}/assignee`, {
      json: { assignee_id: serviceId, version: r.version },
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const assigned = set.body as unknown as Req;
    expect(assigned).toMatchObject({ assignee_id: serviceId, assignee_name: '窓口 花子', version: r.version + 1 });
    expect(assigned.events.at(-1)).toMatchObject({ action: 'assign', actor_name: '窓口 花子', note: '窓口 花子' });

    // The version guards against two people assigning at once; someone who cannot handle requests is refused.
    const stale = await service.request('PUT', `/api/v1/requests/${r.id}/assignee`, { json: { assignee_id: null, version: r.version } });
    expect(stale.body.error?.code).toBe('request_version_conflict');
    const delivery = await userId('staff');
    const wrong = await service.request('PUT', `/api/v1/requests/${r.id}/assignee`, {
      json: { assignee_id: delivery, version: assigned.version },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error?.code).toBe('request_assignee_invalid');
    expect(
      (await auditor.request('PUT', `/api/v1/requests/${r.id}/assignee`, { json: { assignee_id: null, version: assigned.version } }))
        .status,
    ).toBe(403);

    const mine = (await service.get('/api/v1/requests?assignee=me')).body.requests as Req[];
    expect(mine.map((x) => x.id)).toEqual([r.id]);
    expect((await officer.get('/api/v1/requests?assignee=me')).body.requests).toEqual([]);
    const nobody = (await officer.get('/api/v1/requests?assignee=none')).body.requests as Req[];
    expect(nobody.map((x) => x.id)).not.toContain(r.id);
    expect(mine[0]?.assignee_name).toBe('窓口 花子');

    const trail = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select(['detail'])
      .where('action', '=', 'request.assign')
      .execute();
    expect(trail.map((e) => JSON.parse(e.detail))).toContainEqual(
      expect.objectContaining({ request: r.id, assignee: serviceId, previous: null }),
    );
  });

  it('names the staff member of each step in the history for staff, and never for the person', async () => {
    let r = await file('1000003', 'correction');
    now = new Date(now.getTime() + 1000);
    r = await step(service, r, { step: 'verify', identity_method: 'callback' });
    const events = r.events.map((e) => [e.action, e.actor_name]);
    expect(events).toEqual([
      ['file', '窓口 花子'],
      ['verify', '窓口 花子'],
    ]);
    // No raw id stands in for a name.
    expect(JSON.stringify(r.events)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
  });

  it('keeps staff names from the person: no assignee, no staff name, no assignment in the history on their page', async () => {
    let r = await file(DEMO_MEMBER_CODE, 'correction');
    now = new Date(now.getTime() + 1000);
    const set = await service.request('PUT', `/api/v1/requests/${r.id}/assignee`, {
      json: { assignee_id: await userId('service'), version: r.version },
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    r = set.body as unknown as Req;
    expect(r.events.map((e) => e.actor_name)).toEqual(['窓口 花子', '窓口 花子']);

    const member = new PortalClient(app);
    const signIn = await member.post('/api/v1/portal/auth/login', {
      org: 'demo-coop',
      member_code: DEMO_MEMBER_CODE,
      password: DEMO_MEMBER_PASSWORD,
    });
    expect(signIn.status, JSON.stringify(signIn.body)).toBe(200);
    const mine = await member.get(`/api/v1/portal/requests/${r.id}`);
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    expect(mine.body.assignee_name).toBeNull();
    const events = mine.body.events as Req['events'];
    expect(events.map((e) => e.action)).toEqual(['file']);
    expect(events.every((e) => e.actor_name === null && e.actor_type === 'user')).toBe(true);
    expect(JSON.stringify(mine.body)).not.toContain('窓口 花子');
  });

  it('previews before approval exactly the CSV the person receives, in Japanese only, and audits the preview', async () => {
    let r = await file('1000004');
    expect((await officer.get(`/api/v1/requests/${r.id}/package/preview`)).body.error?.code).toBe('disclosure_not_ready');
    r = await step(officer, r, { step: 'verify', identity_method: 'callback' });
    r = await step(officer, r, { step: 'start' });
    expect((await service.get(`/api/v1/requests/${r.id}/package/preview`)).status).toBe(403);

    const preview = await officer.get(`/api/v1/requests/${r.id}/package/preview`);
    expect(preview.status, JSON.stringify(preview.body).slice(0, 300)).toBe(200);
    const rows = preview.body.rows as { sectionLabel: string; item: string; value: string | number; at: string; detail: string }[];
    expect(preview.body.columns).toEqual(['区分', '項目', '値', '日時', '詳細']);
    expect(rows.find((x) => x.item === '氏名')?.value).toBeTruthy();
    // No code of mamori's own stands in for a word (the values the person gave, e-mail and codes of the co-op aside).
    const raw = rows.filter((x) => x.sectionLabel !== '保有情報' && /\b[a-z]+_[a-z_]+\b/.test(`${x.item} ${x.value} ${x.detail}`));
    expect(raw).toEqual([]);

    const csv = await officer.get(`/api/v1/requests/${r.id}/package?form=csv`);
    expect(csv.status).toBe(200);
    const parsed = parse(csv.raw.replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][];
    expect(parsed[0]).toEqual(preview.body.columns);
    // The same rows, apart from the generation time (each build is stamped) and the access log, which the
    // preview itself extends by one entry (開示資料の作成).
    const previewed = rows.map((x) =>
      [x.sectionLabel, x.item, String(x.value), x.at, x.detail].map((c) => (/^[=+\-@\t\r]/.test(c) ? `'${c}` : c)),
    );
    const delivered = parsed.slice(1);
    const facts = (cells: string[][]) => cells.slice(1).filter((c) => c[0] !== 'アクセス記録');
    const accesses = (cells: string[][]) => cells.filter((c) => c[0] === 'アクセス記録');
    expect(facts(delivered)).toEqual(facts(previewed));
    expect(delivered[0]?.slice(0, 3)).toEqual(previewed[0]?.slice(0, 3));
    expect(accesses(delivered)).toEqual(expect.arrayContaining(accesses(previewed)));
    expect(accesses(delivered)).toHaveLength(accesses(previewed).length + 1);
    expect(accesses(delivered)[0]?.[1]).toBe('開示資料の作成');
    expect(parsed.flat().filter((c) => / \/ [A-Za-z]/.test(c))).toEqual([]);

    const trail = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select(['detail'])
      .where('action', '=', 'disclosure.package')
      .execute();
    expect(trail.map((e) => JSON.parse(e.detail))).toContainEqual({ request: r.id, form: 'preview', via: 'console' });

    r = await step(officer, r, { step: 'approve' });
    r = await step(officer, r, { step: 'answer' });
    // The answer told to the person is Japanese only.
    expect(r.answer).toMatch(/^開示しました。/);
    expect(r.answer).not.toMatch(/[A-Za-z]{4,}/);
  });
});
