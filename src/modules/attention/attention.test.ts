/**
 * The home page's attention counts, over HTTP on SQLite and PostgreSQL: a table of roles × parts (which role
 * sees which count: permissions.ts), then the numbers themselves — open, overdue and "mine" requests with the
 * nearest days left, new alerts, ledger reviews due (a department manager only their department's), and a
 * scheduled policy version with its notice period.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { Client, testServer } from '../../../test/support/http.ts';
import { addDays } from '../../base/rules.ts';
import type { Attention } from './schemas.ts';

type Role = 'officer' | 'auditor' | 'manager' | 'service' | 'delivery' | 'admin';
const roles: Role[] = ['officer', 'auditor', 'manager', 'service', 'delivery', 'admin'];
const logins: Record<Role, string> = {
  officer: 'officer',
  auditor: 'auditor',
  manager: 'manager',
  service: 'service',
  delivery: 'staff',
  admin: 'admin',
};
type Part = 'requests' | 'system_tasks' | 'alerts' | 'ledger' | 'policy' | 'contractors';
const Y = true;
const N = false;
// biome-ignore format: the table reads as a table
const table: Record<Part, Record<Role, boolean>> = {
  //          officer     auditor     manager     service     delivery     admin
  requests: { officer: Y, auditor: Y, manager: Y, service: Y, delivery: N, admin: N },
  system_tasks: { officer: Y, auditor: Y, manager: Y, service: Y, delivery: N, admin: N },
  alerts:   { officer: Y, auditor: Y, manager: N, service: N, delivery: N, admin: N },
  ledger:   { officer: Y, auditor: Y, manager: Y, service: N, delivery: N, admin: N },
  policy:   { officer: Y, auditor: Y, manager: N, service: N, delivery: N, admin: N },
  contractors: { officer: Y, auditor: Y, manager: N, service: N, delivery: N, admin: N },
};

describe.each(availableDialects())('attention counts on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  const clients = {} as Record<Role, Client>;
  const now = new Date('2026-11-24T03:00:00Z'); // 12:00 JST
  const today = '2026-11-24';
  const answers = {} as Record<Role, Attention>;

  beforeAll(async () => {
    f = await demoFixture(dialect, { clock: () => now, members: 12 });
    app = await testServer(f, { sessionIdleMinutes: 24 * 60 });
    for (const role of roles) {
      clients[role] = new Client(app);
      expect((await clients[role].login(f, logins[role])).status).toBe(200);
    }
    const org = await f.ctx.db.selectFrom('organizations').select('id').where('code', '=', 'demo-coop').executeTakeFirstOrThrow();
    const user = async (login: string) =>
      (await f.ctx.db.selectFrom('users').select('id').where('login', '=', login).executeTakeFirstOrThrow()).id;

    // Three open requests: one overdue by 3 days, one assigned to member services, one due in 10 days.
    const ids: string[] = [];
    for (const code of ['1000001', '1000002', '1000003']) {
      const r = await clients.service.post('/api/v1/requests', { channel: 'phone', member_id: await f.memberId(code), kind: 'disclosure' });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      ids.push(String(r.body.id));
    }
    await f.ctx.db
      .updateTable('subject_requests')
      .set({ due_on: addDays(today, -3) })
      .where('id', '=', ids[0]!)
      .execute();
    await f.ctx.db
      .updateTable('subject_requests')
      .set({ due_on: addDays(today, 10) })
      .where('id', '=', ids[2]!)
      .execute();
    await f.ctx.db
      .updateTable('subject_requests')
      .set({ assignee_id: await user('service') })
      .where('id', '=', ids[1]!)
      .execute();

    // Two new alerts and one acknowledged.
    for (const status of ['open', 'open', 'acknowledged'] as const) {
      await f.ctx.db
        .insertInto('alerts')
        .values({
          id: randomUUID(),
          org_id: org.id,
          kind: 'off_hours',
          actor_id: await user('staff'),
          member_id: null,
          audit_seq: null,
          audit_entry: null,
          created_at: now.toISOString(),
          detail: '{}',
          status,
          acknowledged_by: null,
          acknowledged_at: null,
        })
        .execute();
    }

    // Ledger: every active asset up to date, then one of the manager's department overdue and one elsewhere due soon.
    await f.ctx.db
      .updateTable('ledger_assets')
      .set({ next_review_on: addDays(today, 200) })
      .where('org_id', '=', org.id)
      .execute();
    const manager = await f.ctx.db.selectFrom('users').select('department_id').where('login', '=', 'manager').executeTakeFirstOrThrow();
    const mine = await f.ctx.db
      .selectFrom('ledger_assets')
      .select('id')
      .where('department_id', '=', manager.department_id!)
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    const other = await f.ctx.db
      .selectFrom('ledger_assets')
      .select('id')
      .where('department_id', '!=', manager.department_id!)
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    await f.ctx.db
      .updateTable('ledger_assets')
      .set({ next_review_on: addDays(today, -1) })
      .where('id', '=', mine.id)
      .execute();
    await f.ctx.db
      .updateTable('ledger_assets')
      .set({ next_review_on: addDays(today, 5) })
      .where('id', '=', other.id)
      .execute();

    // A version published for a later date: noticed today, in effect in 30 days.
    await f.ctx.db
      .insertInto('policy_versions')
      .values({
        id: randomUUID(),
        org_id: org.id,
        number: 2,
        status: 'scheduled',
        document: '{}',
        sha256: 'x'.repeat(64),
        revision: 1,
        summary: null,
        changes: '[]',
        warnings: '[]',
        notice_on: today,
        effective_on: addDays(today, 30),
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
        updated_by: null,
        published_at: now.toISOString(),
        published_by: null,
        activated_at: null,
      })
      .execute();

    for (const role of roles) {
      const res = await clients[role].get('/api/v1/attention');
      expect(res.status, `${role}: ${JSON.stringify(res.body)}`).toBe(200);
      answers[role] = res.body as unknown as Attention;
    }
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
  });

  const cells = (Object.keys(table) as Part[]).flatMap((part) => roles.map((role) => [part, role, table[part][role]] as const));
  it.each(cells)('%s counts for %s: shown = %s', (part, role, shown) => {
    if (shown) expect(answers[role][part]).not.toBeNull();
    else expect(answers[role][part]).toBeNull();
  });

  it('counts open and overdue requests, the nearest days left, and those assigned to the reader', () => {
    expect(answers.service.requests).toEqual({ open: 3, overdue: 1, nearest_days_left: -3, nearest_due_on: addDays(today, -3), mine: 1 });
    expect(answers.officer.requests?.mine).toBe(0);
    expect(answers.officer.today).toBe(today);
  });

  it('counts new alerts only, and ledger reviews in the reader’s reach', () => {
    expect(answers.officer.alerts).toEqual({ open: 2 });
    expect(answers.officer.ledger).toEqual({ overdue: 1, due_soon: 1 });
    // The department manager reaches their department's assets only: the overdue one, not the other.
    expect(answers.manager.ledger).toEqual({ overdue: 1, due_soon: 0 });
  });

  it('lists scheduled policy versions with their effective date and notice period', () => {
    expect(answers.officer.policy?.scheduled).toEqual([
      { number: 2, notice_on: today, effective_on: addDays(today, 30), notice_days: 30, days_until: 30 },
    ]);
  });

  it('counts contractors whose inspection is overdue (or never done) and contracts expired', () => {
    // The demo policy: two contractors of the Miyagi seed never inspected, and the demo printer inspected 13 months ago.
    expect(answers.officer.contractors).toEqual({ inspection_overdue: 3, inspection_due_soon: 0, contract_expired: 0 });
  });

  it('refuses a caller who is not signed in', async () => {
    expect((await new Client(app).get('/api/v1/attention')).status).toBe(401);
  });
});
