/**
 * Minimum necessary for deliveries (issue 14 §5), one table of roles × capabilities asserted over the real HTTP
 * server on SQLite and PostgreSQL, as test/api/minimum-necessary.test.ts does for the registers: where released
 * data may leave the co-op is the privacy office's to decide (register, check, remove targets); the auditor and the
 * system administrator read the list without settings and the deliveries on record; department managers, member
 * services and delivery staff have no part. No role ever reads a secret back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

type Capability = 'targets.list' | 'targets.read' | 'targets.register' | 'targets.check' | 'targets.remove' | 'deliveries.list';

const Y = true;
const N = false;
// biome-ignore format: the table reads as a table
const table: Record<Capability, Record<Role, boolean>> = {
  //                    officer  auditor  manager  service  delivery  admin
  'targets.list':     { officer: Y, auditor: Y, manager: N, service: N, delivery: N, admin: Y },
  'targets.read':     { officer: Y, auditor: Y, manager: N, service: N, delivery: N, admin: Y },
  'targets.register': { officer: Y, auditor: N, manager: N, service: N, delivery: N, admin: N },
  'targets.check':    { officer: Y, auditor: N, manager: N, service: N, delivery: N, admin: N },
  'targets.remove':   { officer: Y, auditor: N, manager: N, service: N, delivery: N, admin: N },
  'deliveries.list':  { officer: Y, auditor: Y, manager: N, service: N, delivery: N, admin: Y },
};

/** Who sees a target's settings (never the secret): the privacy office only. */
const seesSettings: Record<Role, boolean> = { officer: Y, auditor: N, manager: N, service: N, delivery: N, admin: N };

describe.each(availableDialects())('minimum necessary: deliveries on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  let dir: string;
  let seq = 0;
  const clients = {} as Record<Role, Client>;

  const targetBody = () => ({
    code: `t-${++seq}`,
    name: '共有フォルダ',
    kind: 'folder',
    recipient: '共同研究先',
    settings: { directory: dir },
  });
  const freshTarget = async () => {
    const r = await clients.officer.post('/api/v1/delivery-targets', targetBody());
    expect(r.status, r.raw).toBe(201);
    return r.body as { code: string; version: number };
  };

  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 3 });
    dir = mkdtempSync(join(tmpdir(), 'mamori-capability-deliveries-'));
    app = await testServer(f, { sessionIdleMinutes: 24 * 60 });
    for (const role of roles) {
      clients[role] = new Client(app);
      const res = await clients[role].login(f, logins[role]);
      expect(res.status, `${role}: ${JSON.stringify(res.body)}`).toBe(200);
    }
    await freshTarget();
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const calls: Record<Capability, (c: Client) => Promise<Response>> = {
    'targets.list': (c) => c.get('/api/v1/delivery-targets'),
    'targets.read': (c) => c.get('/api/v1/delivery-targets/t-1'),
    'targets.register': (c) => c.post('/api/v1/delivery-targets', targetBody()),
    'targets.check': async (c) => c.post(`/api/v1/delivery-targets/${(await freshTarget()).code}/check`),
    'targets.remove': async (c) => {
      const t = await freshTarget();
      return c.request('DELETE', `/api/v1/delivery-targets/${t.code}?version=${t.version}`);
    },
    'deliveries.list': (c) => c.get('/api/v1/deliveries?target=t-1'),
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

  it.each(roles)('settings of a target are shown to %s only as the table says', async (role) => {
    const res = await clients[role].get('/api/v1/delivery-targets/t-1');
    if (!table['targets.read'][role]) return expect(res.status).toBe(403);
    expect(res.status).toBe(200);
    expect('settings' in res.body, role).toBe(seesSettings[role]);
    expect(res.body.has_secret).toBe(false);
  });
});
