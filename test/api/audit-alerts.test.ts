/** The privacy office's view over HTTP: audit search by member, actor, purpose and time; alerts; settings. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects, chained } from '../support/db.ts';
import { demoFixture, type Fixture } from '../support/fixtures.ts';
import { Client, testServer } from '../support/http.ts';

type Entry = {
  seq: number;
  ts: string;
  action: string;
  outcome: string;
  purpose_code: string | null;
  member_id: string | null;
  actor_login: string | null;
  error_code: string | null;
};
type Alert = { id: string; kind: string; actor_login: string; member_code: string | null; status: string };

describe.each(availableDialects())('audit and alerts over HTTP on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  let officer: Client;
  let staff: Client;
  let now = new Date('2026-11-24T03:00:00Z'); // Tuesday 12:00 JST: working hours
  const clock = () => now;

  beforeAll(async () => {
    f = await demoFixture(dialect, { clock, members: 40 });
    app = await testServer(f, { sessionIdleMinutes: 24 * 60 });
    officer = new Client(app);
    staff = new Client(app);
    expect((await officer.login(f, 'officer')).status).toBe(200);
    expect((await staff.login(f, 'staff')).status).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
  });

  it('finds reads and refusals by member, actor, purpose and time', async () => {
    const id = await f.memberId('1000003');
    const from = now.toISOString();
    expect((await staff.get(`/api/v1/members/${id}?purpose=P04`)).status).toBe(200);
    expect((await staff.get(`/api/v1/members/${id}?purpose=P14`)).status).toBe(403);
    now = new Date(now.getTime() + 60_000);
    const byMember = await officer.get(`/api/v1/members/${id}/audit`);
    const entries = byMember.body.entries as Entry[];
    expect(entries.map((e) => `${e.action}:${e.outcome}:${e.purpose_code}:${e.actor_login}`).slice(0, 2)).toEqual([
      'member.read:refused:P14:staff',
      'member.read:allowed:P04:staff',
    ]);
    const refused = await officer.get(`/api/v1/audit?actor=staff&outcome=refused&from=${encodeURIComponent(from)}`);
    expect((refused.body.entries as Entry[]).every((e) => e.outcome === 'refused' && e.actor_login === 'staff')).toBe(true);
    expect((refused.body.entries as Entry[])[0]).toMatchObject({ error_code: 'purpose_not_permitted', member_id: id });
    const byPurpose = await officer.get('/api/v1/audit?purpose=P04&action=member.read');
    expect((byPurpose.body.entries as Entry[]).length).toBeGreaterThan(0);
    expect((byPurpose.body.entries as Entry[]).every((e) => e.purpose_code === 'P04')).toBe(true);
    const byCode = (await officer.get('/api/v1/audit?member=1000003')).body.entries as (Entry & { member_code: string })[];
    expect(byCode.length).toBeGreaterThanOrEqual(2);
    expect(byCode.every((e) => e.member_id === id && e.member_code === '1000003')).toBe(true);
    const none = await officer.get(`/api/v1/audit?to=${encodeURIComponent(from)}&member=${id}`);
    expect(none.body.entries).toEqual([]);
  });

  it('pages newest first', async () => {
    const page1 = await officer.get('/api/v1/audit?limit=5');
    const entries = page1.body.entries as Entry[];
    expect(entries).toHaveLength(5);
    expect(entries[0]!.seq).toBeGreaterThan(entries[4]!.seq);
    const page2 = await officer.get(`/api/v1/audit?limit=5&before=${page1.body.next_before}`);
    expect((page2.body.entries as Entry[])[0]!.seq).toBe(entries[4]!.seq - 1);
  });

  it('keeps auditors read-only and staff out', async () => {
    const auditor = new Client(app);
    await auditor.login(f, 'auditor');
    expect((await auditor.get('/api/v1/audit?limit=1')).status).toBe(200);
    expect((await auditor.get('/api/v1/alerts')).status).toBe(200);
    expect((await auditor.post('/api/v1/alerts/x/acknowledge')).body.error?.code).toBe('forbidden');
    expect((await staff.get('/api/v1/alerts')).body.error?.code).toBe('forbidden');
    expect((await staff.post('/api/v1/audit/verify')).body.error?.code).toBe('forbidden');
  });

  it('raises an off-hours alert once per hour, a withdrawn-member alert each time, and lets the officer acknowledge', async () => {
    now = new Date('2026-11-24T14:30:00Z'); // 23:30 JST
    const a = await f.memberId('1000004');
    await staff.get(`/api/v1/members/${a}?purpose=P04`);
    await staff.get(`/api/v1/members/${a}?purpose=P04`);
    const withdrawn = await f.ctx.db
      .selectFrom('members')
      .select(['id', 'member_code'])
      .where('status', '=', 'withdrawn')
      .executeTakeFirst();
    const target = withdrawn ?? { id: await f.memberId('1000005'), member_code: '1000005' };
    if (!withdrawn)
      await f.ctx.db.updateTable('members').set({ status: 'withdrawn', leave_date: '2026-01-31' }).where('id', '=', target.id).execute();
    await staff.get(`/api/v1/members/${target.id}?purpose=P04`);
    const alerts = (await officer.get('/api/v1/alerts?status=open')).body.alerts as Alert[];
    expect(alerts.filter((x) => x.kind === 'off_hours' && x.actor_login === 'staff')).toHaveLength(1);
    const wd = alerts.find((x) => x.kind === 'withdrawn_member' && x.member_code === target.member_code);
    expect(wd).toBeTruthy();
    const ack1 = await officer.post(`/api/v1/alerts/${wd!.id}/acknowledge`);
    expect(ack1.body).toEqual({ ok: true });
    expect((await officer.post(`/api/v1/alerts/${wd!.id}/acknowledge`)).body.error?.code).toBe('alert_not_found');
    const open = (await officer.get('/api/v1/alerts?status=open')).body.alerts as Alert[];
    expect(open.find((x) => x.id === wd!.id)).toBeUndefined();
    const acked = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'alert.acknowledge')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(acked.detail).alert_id).toBe(wd!.id);
  });

  it('acknowledges several alerts at once with a note, one audit entry each, and skips those already closed', async () => {
    now = new Date('2026-11-24T16:30:00Z'); // 01:30 JST: each read below is off hours, and the member withdrawn
    const target = await f.ctx.db.selectFrom('members').select(['id', 'member_code']).where('status', '=', 'withdrawn').executeTakeFirst();
    const id = target?.id ?? (await f.memberId('1000006'));
    if (!target)
      await f.ctx.db.updateTable('members').set({ status: 'withdrawn', leave_date: '2026-01-31' }).where('id', '=', id).execute();
    for (let i = 0; i < 3; i++) await staff.get(`/api/v1/members/${id}?purpose=P04`);
    const open = (await officer.get('/api/v1/alerts?status=open')).body.alerts as Alert[];
    const mine = open.filter((a) => a.actor_login === 'staff' && (a.kind === 'withdrawn_member' || a.kind === 'off_hours'));
    expect(mine.length).toBeGreaterThanOrEqual(4);
    const [first, ...rest] = mine.map((a) => a.id);
    // One closed alone first: the batch below reports it skipped, the rest acknowledged.
    expect((await officer.post(`/api/v1/alerts/${first}/acknowledge`, { note: '単独で確認' })).status).toBe(200);
    const batch = await officer.post('/api/v1/alerts/acknowledge', {
      ids: [first, ...rest, ...rest],
      note: '夜間の配達準備。担当者に確認済み。',
    });
    expect(batch.status).toBe(200);
    expect(batch.body).toEqual({ acknowledged: rest, skipped: [first] });
    const acked = (await officer.get('/api/v1/alerts?status=acknowledged')).body.alerts as (Alert & {
      acknowledged_note: string | null;
      acknowledged_by_name: string | null;
    })[];
    for (const a of acked.filter((x) => rest.includes(x.id))) {
      expect(a.acknowledged_note).toBe('夜間の配達準備。担当者に確認済み。');
      expect(a.acknowledged_by_name).toBeTruthy();
    }
    expect(acked.find((x) => x.id === first)?.acknowledged_note).toBe('単独で確認');
    const entries = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'alert.acknowledge')
      .execute();
    const details = entries.map((e) => JSON.parse(e.detail) as { alert_id: string; note?: string });
    for (const alertId of rest) {
      expect(details.filter((d) => d.alert_id === alertId)).toEqual([{ alert_id: alertId, note: '夜間の配達準備。担当者に確認済み。' }]);
    }
    // Nothing open among them: a batch of only closed alerts is an error; bad bodies are refused; auditors may not.
    expect((await officer.post('/api/v1/alerts/acknowledge', { ids: rest })).body.error?.code).toBe('alert_not_found');
    expect((await officer.post('/api/v1/alerts/acknowledge', { ids: [] })).status).toBe(400);
    expect((await officer.post('/api/v1/alerts/acknowledge', { ids: ['x'], note: 'n'.repeat(1001) })).status).toBe(400);
    const auditor = new Client(app);
    await auditor.login(f, 'auditor');
    expect((await auditor.post('/api/v1/alerts/acknowledge', { ids: [first] })).body.error?.code).toBe('forbidden');
    now = new Date('2026-11-24T03:00:00Z');
  });

  it('lets the privacy officer set the alert thresholds, and validates them', async () => {
    const r = await officer.request('PATCH', '/api/v1/organization/settings', {
      json: { alerts: { readsPerHour: 2, workStart: '09:00' } },
    });
    expect(r.status).toBe(200);
    expect(r.body.alerts).toMatchObject({ readsPerHour: 2, workStart: '09:00', workEnd: '20:00' });
    expect((await officer.request('PATCH', '/api/v1/organization/settings', { json: { alerts: { workStart: '25:00' } } })).status).toBe(
      400,
    );
    // An end at or before the start is refused at its field, and nothing changes.
    const reversed = await officer.request('PATCH', '/api/v1/organization/settings', {
      json: { alerts: { workStart: '18:00', workEnd: '09:00' } },
    });
    expect(reversed.body.error?.code).toBe('validation_failed');
    expect((reversed.body.error as unknown as { issues: { field: string; message_ja: string }[] }).issues).toEqual([
      expect.objectContaining({ field: 'alerts.workEnd', message_ja: '勤務終了は勤務開始より後の時刻にしてください。' }),
    ]);
    expect((await officer.get('/api/v1/organization')).body.settings).toMatchObject({ alerts: { workStart: '09:00', workEnd: '20:00' } });
    expect(
      (await staff.request('PATCH', '/api/v1/organization/settings', { json: { alerts: { readsPerHour: 1 } } })).body.error?.code,
    ).toBe('forbidden');
    now = new Date('2026-11-24T15:10:00Z'); // the next hour: a fresh bulk-read count
    for (const code of ['1000010', '1000011', '1000012']) await staff.get(`/api/v1/members/${await f.memberId(code)}?purpose=P04`);
    const alerts = (await officer.get('/api/v1/alerts?status=open')).body.alerts as Alert[];
    expect(alerts.some((x) => x.kind === 'bulk_reads' && x.actor_login === 'staff')).toBe(true);
  });

  it('lets the system admin add departments', async () => {
    const admin = new Client(app);
    await admin.login(f, 'admin');
    expect((await admin.post('/api/v1/departments', { code: 'catalog', name: 'カタログ部' })).status).toBe(201);
    expect((await admin.post('/api/v1/departments', { code: 'catalog', name: 'x' })).status).toBe(400);
    const org = await admin.get('/api/v1/organization');
    expect((org.body.departments as { code: string }[]).map((d) => d.code)).toContain('catalog');
  });

  it('serves the joint user exactly the declared items over HTTP, and the owner sees those reads', async () => {
    const kyosai = new Client(app);
    await kyosai.login(f, 'kyosai');
    const id = await f.memberId('1000006');
    const r = await kyosai.get(`/api/v1/members/${id}?purpose=P15`);
    expect(r.status).toBe(200);
    expect(r.body).not.toHaveProperty('email');
    expect(r.body).not.toHaveProperty('bank_account');
    expect((await kyosai.get(`/api/v1/members/${id}?purpose=P01`)).status).toBe(403);
    const trail = (await officer.get(`/api/v1/members/${id}/audit`)).body.entries as Entry[];
    expect(trail[0]).toMatchObject({ action: 'member.read', outcome: 'allowed', purpose_code: 'P15', actor_login: 'kyosai' });
  });

  it('lets a joint user search the owner co-op’s members, showing only the joint use’s items', async () => {
    const kyosai = new Client(app);
    await kyosai.login(f, 'kyosai');
    const me = await kyosai.get('/api/v1/auth/me');
    const joint = me.body.joint_use as { org_code: string; purposes: { code: string; items: string[] }[] }[];
    expect(joint.map((j) => j.org_code)).toEqual(['demo-coop']);
    expect(joint[0]!.purposes.map((p) => p.code)).toEqual(['P14', 'P15']);
    expect(joint[0]!.purposes[0]!.items).toContain('name');
    expect(joint[0]!.purposes[0]!.items).not.toContain('name_kana');
    const hits = await kyosai.get('/api/v1/members?purpose=P14&org=demo-coop&code=1000007');
    expect(hits.status).toBe(200);
    const members = hits.body.members as Record<string, unknown>[];
    expect(members.map((m) => m.member_code)).toEqual(['1000007']);
    expect(Object.keys(members[0]!).sort()).toEqual(['address', 'id', 'member_code', 'name', 'phone', 'version']);
    // Its own organization (the default) has no such member; another co-op is out of scope; an unknown code is a clear error.
    expect((await kyosai.get('/api/v1/members?purpose=P14&code=1000007')).body.members).toEqual([]);
    expect((await kyosai.get('/api/v1/members?purpose=P14&org=demo-other-coop&code=6000001')).status).toBe(404);
    expect((await kyosai.get('/api/v1/members?purpose=P14&org=no-such-org&code=1')).body.error?.code).toBe('organization_unknown');
    const trail = (await officer.get('/api/v1/audit?action=member.search&actor=kyosai')).body.entries as Entry[];
    expect(trail.length).toBe(0); // the actor filter resolves logins of the officer's own organization only
    const owner = (await officer.get('/api/v1/audit?action=member.search&purpose=P14')).body.entries as Entry[];
    expect(owner[0]).toMatchObject({ action: 'member.search', outcome: 'allowed', actor_login: 'kyosai' });
  });

  it('shows the newest 200 alerts and says when there are more', async () => {
    const org = await f.ctx.db.selectFrom('organizations').select('id').where('code', '=', 'demo-coop').executeTakeFirstOrThrow();
    const before = ((await officer.get('/api/v1/alerts?status=open')).body.alerts as Alert[]).length;
    expect((await officer.get('/api/v1/alerts?status=open')).body.more).toBe(false);
    const extra = Array.from({ length: 201 - before }, (_, n) => ({
      id: `test-more-${n}`,
      org_id: org.id,
      kind: 'bulk_reads' as const,
      created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
      detail: JSON.stringify({ count: 201, hour: '2026-01-01T00' }),
      status: 'open' as const,
    }));
    await f.ctx.db.insertInto('alerts').values(extra).execute();
    try {
      const r = await officer.get('/api/v1/alerts?status=open');
      expect((r.body.alerts as Alert[]).length).toBe(200);
      expect(r.body.more).toBe(true);
      expect((await officer.get('/api/v1/attention')).body.alerts).toEqual({ open: 201 });
    } finally {
      await f.ctx.db.deleteFrom('alerts').where('id', 'like', 'test-more-%').execute();
    }
  });

  it('verifies the chain from the API', async () => {
    const r = await officer.post('/api/v1/audit/verify');
    expect(r.body).toMatchObject({ ok: true });
    expect(Number(r.body.entries)).toBeGreaterThan(40);
  });
});
