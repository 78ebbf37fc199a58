/**
 * Requests filed at the same moment (counters, phone, the member page) on both dialects: each gets its own
 * reference, and one member cannot end up with two open requests of one kind. On PostgreSQL concurrent
 * transactions used to read the same last reference (a unique violation, answered 500) — found by the soak.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../support/db.ts';
import { demoFixture, type Fixture } from '../support/fixtures.ts';
import { Client, testServer } from '../support/http.ts';

describe.each(availableDialects())('requests filed concurrently on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  let officer: Client;

  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 30 });
    app = await testServer(f);
    officer = new Client(app);
    expect((await officer.login(f, 'officer')).status).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
  });

  it('different members at once: all filed, references distinct', async () => {
    const ids = await Promise.all(['1000011', '1000012', '1000013', '1000014', '1000015', '1000016'].map((c) => f.memberId(c)));
    const filed = await Promise.all(
      ids.map((id) => officer.post('/api/v1/requests', { member_id: id, kind: 'disclosure', channel: 'counter' })),
    );
    expect(filed.map((r) => r.status)).toEqual(ids.map(() => 201));
    const refs = filed.map((r) => String(r.body.reference));
    expect(new Set(refs).size).toBe(ids.length);
  });

  it('one member, one kind, at once: one filed, the others refused as duplicates', async () => {
    const id = await f.memberId('1000017');
    const filed = await Promise.all(
      [1, 2, 3, 4].map(() => officer.post('/api/v1/requests', { member_id: id, kind: 'disclosure', channel: 'phone' })),
    );
    const statuses = filed.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    for (const r of filed.filter((x) => x.status !== 201)) {
      expect(r.status).toBe(409);
      expect(r.body.error?.code).toBe('request_duplicate_open');
    }
  });
});
