/**
 * Minimum necessary for pseudonymized data (仮名加工情報, issue 14 §6): one table of roles × capabilities, each cell
 * the real HTTP status over the real server, on SQLite and PostgreSQL (modules/pseudonymized/permissions.ts).
 * The privacy office defines; auditors read the definitions and never the data; a role produces a set only for a
 * declared purpose it holds (the demo's product analyst holds ⑯, the officer too; the department manager, member
 * services and delivery staff do not); other roles see only the sets of their purposes (none here); the system
 * administrator has no part.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../support/db.ts';
import { demoFixture, type Fixture } from '../support/fixtures.ts';
import { Client, type Response, testServer } from '../support/http.ts';

type Role = 'officer' | 'auditor' | 'manager' | 'service' | 'delivery' | 'analyst' | 'admin';
const roles: Role[] = ['officer', 'auditor', 'manager', 'service', 'delivery', 'analyst', 'admin'];
const logins: Record<Role, string> = {
  officer: 'officer',
  auditor: 'auditor',
  manager: 'manager',
  service: 'service',
  delivery: 'staff',
  analyst: 'analyst',
  admin: 'admin',
};

type Capability = 'list' | 'read' | 'define' | 'update' | 'retire' | 'produce';

// biome-ignore format: the table reads as a table
const table: Record<Capability, Record<Role, number>> = {
  //          officer       auditor       manager       service       delivery      analyst       admin
  list:    { officer: 200, auditor: 200, manager: 200, service: 200, delivery: 200, analyst: 200, admin: 403 },
  read:    { officer: 200, auditor: 200, manager: 404, service: 404, delivery: 404, analyst: 200, admin: 403 },
  define:  { officer: 201, auditor: 403, manager: 403, service: 403, delivery: 403, analyst: 403, admin: 403 },
  update:  { officer: 200, auditor: 403, manager: 403, service: 403, delivery: 403, analyst: 403, admin: 403 },
  retire:  { officer: 200, auditor: 403, manager: 403, service: 403, delivery: 403, analyst: 403, admin: 403 },
  produce: { officer: 200, auditor: 403, manager: 403, service: 403, delivery: 403, analyst: 200, admin: 403 },
};

/** How many sets each role's list shows (the one set below is declared for ⑯ only). */
const listed: Record<Role, number> = { officer: 1, auditor: 1, manager: 0, service: 0, delivery: 0, analyst: 1, admin: 0 };

const definition = (code: string) => ({
  code,
  name: '購買傾向の分析',
  purposes: ['P16'],
  columns: [
    { field: 'member_code', treatment: 'pseudonym' },
    { field: 'gender', treatment: 'keep' },
    { field: 'birth_date', treatment: 'year' },
  ],
});

describe.each(availableDialects())('minimum necessary: roles × pseudonymized data on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  const clients = {} as Record<Role, Client>;
  let sets = 0;
  /** A set of its own for each cell that changes one. */
  const freshSet = async (): Promise<string> => {
    const code = `cap-${sets++}`;
    const r = await clients.officer.post('/api/v1/pseudonymized/sets', definition(code));
    expect(r.status, r.raw).toBe(201);
    return code;
  };

  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 20 });
    app = await testServer(f, { sessionIdleMinutes: 24 * 60 });
    for (const role of roles) {
      clients[role] = new Client(app);
      const res = await clients[role].login(f, logins[role]);
      expect(res.status, `${role}: ${JSON.stringify(res.body)}`).toBe(200);
    }
    const r = await clients.officer.post('/api/v1/pseudonymized/sets', definition('shared'));
    expect(r.status, r.raw).toBe(201);
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
  });

  const calls: Record<Capability, (c: Client) => Promise<Response>> = {
    list: (c) => c.get('/api/v1/pseudonymized/sets'),
    read: (c) => c.get('/api/v1/pseudonymized/sets/shared'),
    define: (c) => c.post('/api/v1/pseudonymized/sets', definition(`def-${sets++}`)),
    update: async (c) => c.patch(`/api/v1/pseudonymized/sets/${await freshSet()}`, { version: 1, changes: { name: '変更後の名称' } }),
    retire: async (c) => c.post(`/api/v1/pseudonymized/sets/${await freshSet()}/retire`, { version: 1 }),
    produce: (c) => c.get('/api/v1/pseudonymized/sets/shared/export.csv?purpose=P16'),
  };

  const cells = (Object.keys(table) as Capability[]).flatMap((cap) => roles.map((role) => [cap, role, table[cap][role]] as const));
  it.each(cells)('%s by %s → %i', async (cap, role, status) => {
    const r = await calls[cap](clients[role]);
    expect(r.status, r.raw.slice(0, 400)).toBe(status);
    if (status >= 400) {
      expect(r.body.error?.code).toBeTruthy();
      expect(r.body.error?.message_ja).toBeTruthy();
      expect(r.body.error?.message_en).toBeTruthy();
    }
    if (cap === 'list' && status === 200) expect((r.body.sets as unknown[]).length).toBe(listed[role]);
    if (cap === 'produce' && status === 200) expect(r.raw).toContain('【仮名加工情報】');
    if (cap === 'produce' && role === 'manager') expect(r.body.error?.code).toBe('purpose_not_permitted');
  });

  it('never answers a key', async () => {
    const r = await clients.officer.get('/api/v1/pseudonymized/sets?status=all');
    expect(r.raw).not.toMatch(/key_enc|"v1\./);
  });
});
