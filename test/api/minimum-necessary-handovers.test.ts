/**
 * Minimum necessary for joint-use transfers and contractor hand-overs (issue 14 §2): the privacy office hands
 * data over and records inspections, the auditor reads the contractors, the log and a transfer's counts, no
 * other role reaches any of it (handovers/permissions.ts). One table of roles × capabilities, each cell asserted
 * over the real HTTP server on SQLite and PostgreSQL.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../support/db.ts';
import { demoFixture, type Fixture } from '../support/fixtures.ts';
import { Client, type Response, testServer } from '../support/http.ts';

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

type Capability =
  | 'contractors.list'
  | 'contractors.read'
  | 'contractors.inspect'
  | 'contractors.handover'
  | 'contractors.file'
  | 'jointUses.list'
  | 'jointUses.preview'
  | 'jointUses.transfer'
  | 'jointUses.transfers';

const Y = true;
const N = false;
// biome-ignore format: the table reads as a table
const table: Record<Capability, Record<Role, boolean>> = {
  //                        officer     auditor     manager     service     delivery     admin
  'contractors.list':     { officer: Y, auditor: Y, manager: N, service: N, delivery: N, admin: N },
  'contractors.read':     { officer: Y, auditor: Y, manager: N, service: N, delivery: N, admin: N },
  'contractors.inspect':  { officer: Y, auditor: N, manager: N, service: N, delivery: N, admin: N },
  'contractors.handover': { officer: Y, auditor: N, manager: N, service: N, delivery: N, admin: N },
  'contractors.file':     { officer: Y, auditor: N, manager: N, service: N, delivery: N, admin: N },
  'jointUses.list':       { officer: Y, auditor: Y, manager: N, service: N, delivery: N, admin: N },
  'jointUses.preview':    { officer: Y, auditor: Y, manager: N, service: N, delivery: N, admin: N },
  'jointUses.transfer':   { officer: Y, auditor: N, manager: N, service: N, delivery: N, admin: N },
  'jointUses.transfers':  { officer: Y, auditor: Y, manager: N, service: N, delivery: N, admin: N },
};

describe.each(availableDialects())('minimum necessary: roles × joint use and contractors on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  const clients = {} as Record<Role, Client>;

  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 12 });
    app = await testServer(f, { sessionIdleMinutes: 24 * 60 });
    for (const role of roles) {
      clients[role] = new Client(app);
      const res = await clients[role].login(f, logins[role]);
      expect(res.status, `${role}: ${JSON.stringify(res.body)}`).toBe(200);
    }
    // The demo contractor's inspection is overdue: recorded once, so a hand-over may go ahead.
    const inspected = await clients.officer.post('/api/v1/contractors/demo-print/inspections', {
      inspector: '監査 花子',
      result: 'satisfactory',
    });
    expect(inspected.status, inspected.raw).toBe(201);
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
  });

  const calls: Record<Capability, (c: Client) => Promise<Response>> = {
    'contractors.list': (c) => c.get('/api/v1/contractors'),
    'contractors.read': (c) => c.get('/api/v1/contractors/demo-print'),
    'contractors.inspect': (c) => c.post('/api/v1/contractors/demo-print/inspections', { inspector: '監査 花子', result: 'satisfactory' }),
    'contractors.handover': (c) =>
      c.post('/api/v1/contractors/demo-print/handovers', { items: ['name', 'address'], record_count: 10, method: 'paper' }),
    'contractors.file': (c) => c.post('/api/v1/contractors/demo-print/handover-file', { purpose: 'P04', method: 'sftp' }),
    'jointUses.list': (c) => c.get('/api/v1/joint-uses'),
    'jointUses.preview': (c) => c.post('/api/v1/joint-uses/coop-kyosai-ren/preview', { purpose: 'P14' }),
    'jointUses.transfer': (c) => c.post('/api/v1/joint-uses/miyagi-coop-group/transfer', { purpose: 'P04' }),
    'jointUses.transfers': (c) => c.get('/api/v1/joint-uses/miyagi-coop-group/transfers'),
  };

  const cells = (Object.keys(table) as Capability[]).flatMap((cap) => roles.map((role) => [cap, role, table[cap][role]] as const));

  it.each(cells)('%s by %s: allowed = %s', async (cap, role, allowed) => {
    const res = await calls[cap](clients[role]);
    if (allowed) {
      expect(res.status, res.raw.slice(0, 300)).toBeGreaterThanOrEqual(200);
      expect(res.status, res.raw.slice(0, 300)).toBeLessThan(300);
    } else {
      expect(res.status, res.raw.slice(0, 300)).toBe(403);
      expect(res.body.error?.code).toBe('forbidden');
    }
  });

  it('the privacy officer grants the handovers duty to delivery staff, who may then hand over; taken back, refused again', async () => {
    const grant = (duties: string[]) => clients.officer.request('PUT', '/api/v1/roles/delivery_staff/duties', { json: { duties } });
    expect((await grant(['handovers'])).status).toBe(200);
    expect((await clients.delivery.get('/api/v1/auth/me')).body.duties).toMatchObject({ handovers: 'handle' });
    const r = await calls['contractors.handover'](clients.delivery);
    expect(r.status, r.raw).toBe(201);
    expect((await calls['jointUses.transfer'](clients.delivery)).status).toBe(200);
    expect((await grant([])).status).toBe(200);
    expect((await calls['contractors.list'](clients.delivery)).status).toBe(403);
  });
});
