/**
 * Discovery as a feature, over HTTP on both dialects: the officer runs a scan of a connected SQLite ordering
 * system (synthetic data), the proposals are stored without a single sampled value, the My Number column raises
 * an alert and its own audit entry (never the number), confirmed columns join the policy DRAFT's dataset map
 * (never a published version), an item missing from the draft is named, decided proposals are skipped, a system
 * that cannot be reached leaves a failed run with its error code, and each role gets what the table gives it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertConnection } from '../../../test/support/connected-systems.ts';
import { availableDialects, chained, postgresUrl } from '../../../test/support/db.ts';
import { syntheticMyNumber, writeOrderingSystem } from '../../../test/support/discovery-system.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { Client, testServer } from '../../../test/support/http.ts';
import { getDraft } from '../policy/versions.ts';

type Proposal = { id: string; table: string; column: string; kind: string; item_code: string; confidence: number; decision: string };
type Run = { id: string; status: string; proposals: number; my_numbers: number; columns: number; error: { code: string } | null };

describe.each(availableDialects())('discovery on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  let dir: string;
  const clients: Record<string, Client> = {};
  let proposals: Proposal[] = [];
  let run: Run;
  const at = (table: string, column: string) => proposals.find((p) => p.table === table && p.column === column);

  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 5 });
    dir = mkdtempSync(join(tmpdir(), 'mamori-discovery-feature-'));
    writeOrderingSystem(join(dir, 'ordering.db'));
    const officer = await f.actor('officer');
    await insertConnection(f.ctx, {
      orgId: officer.orgId,
      code: 'ordering',
      name: '注文システム',
      kind: 'sqlite',
      settings: { file: join(dir, 'ordering.db') },
    });
    await insertConnection(f.ctx, {
      orgId: officer.orgId,
      code: 'gone',
      name: '移設済みのシステム',
      kind: 'sqlite',
      settings: { file: join(dir, 'missing.db') },
    });
    const other = await f.ctx.db.selectFrom('organizations').select('id').where('code', '=', 'demo-other-coop').executeTakeFirstOrThrow();
    await insertConnection(f.ctx, {
      orgId: other.id,
      code: 'theirs',
      name: '他組合のシステム',
      kind: 'sqlite',
      settings: { file: join(dir, 'ordering.db') },
    });
    app = await testServer(f, { sessionIdleMinutes: 24 * 60 });
    for (const login of ['officer', 'admin', 'auditor', 'staff', 'manager']) {
      clients[login] = new Client(app);
      expect((await clients[login].login(f, login)).status).toBe(200);
    }
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs a scan and stores the proposals: the personal-data columns, nothing else', async () => {
    const res = await clients.officer!.post('/api/v1/systems/ordering/discovery');
    expect(res.status, res.raw).toBe(201);
    run = res.body.run as Run;
    proposals = res.body.proposals as Proposal[];
    expect(run).toMatchObject({ status: 'done', columns: 11, my_numbers: 1, error: null });
    expect(at('kaiin', 'tel_no')).toMatchObject({ kind: 'phone', item_code: 'phone', decision: 'pending' });
    expect(at('kaiin', 'shimei')).toMatchObject({ kind: 'name', item_code: 'name' });
    expect(at('kaiin', 'contact')).toMatchObject({ kind: 'email' });
    expect(at('kaiin', 'ref_no')).toMatchObject({ kind: 'my_number', item_code: 'my_number' });
    expect(at('kaiin', 'kaiin_cd')).toMatchObject({ kind: 'member_code' });
    for (const [t, c] of [
      ['kaiin', 'haisou_kubun'],
      ['chumon', 'kingaku'],
      ['chumon', 'shohin_mei'],
      ['chumon', 'chumon_no'],
    ])
      expect(at(t!, c!), `${t}.${c}`).toBeUndefined();
    expect(run.proposals).toBe(proposals.length);

    const listed = await clients.officer!.get('/api/v1/systems/ordering/discovery');
    expect(listed.status).toBe(200);
    expect((listed.body.runs as Run[])[0]).toMatchObject({ id: run.id, status: 'done', pending: proposals.length });
    const again = await clients.officer!.get(`/api/v1/systems/ordering/discovery/proposals?run=${run.id}`);
    expect((again.body.proposals as Proposal[]).map((p) => p.id).sort()).toEqual(proposals.map((p) => p.id).sort());
  });

  it('keeps no sampled value anywhere: not in the answer, the proposals, the runs, the alerts or the audit trail', async () => {
    const secrets = [syntheticMyNumber(0), syntheticMyNumber(7), '090-1000-2000', 'kaiin3@example.jp', '3000001'];
    const answer = (await clients.officer!.get('/api/v1/systems/ordering/discovery/proposals')).raw;
    const db = await chained(f.ctx.db);
    const dump = JSON.stringify([
      await db.selectFrom('discovery_proposals').selectAll().execute(),
      await db.selectFrom('discovery_runs').selectAll().execute(),
      await db.selectFrom('alerts').selectAll().execute(),
      await db.selectFrom('audit_log').select(['action', 'detail']).execute(),
    ]);
    for (const s of secrets) {
      expect(answer).not.toContain(s);
      expect(dump).not.toContain(s);
    }
  });

  it('the My Number column raises an alert naming system, table and column, counted on the home page, and an audit entry', async () => {
    const alerts = await clients.officer!.get('/api/v1/alerts?status=open');
    const found = (alerts.body.alerts as { kind: string; detail: Record<string, unknown>; actor_login: string }[]).filter(
      (a) => a.kind === 'my_number_found',
    );
    expect(found).toEqual([
      expect.objectContaining({
        actor_login: 'officer',
        detail: expect.objectContaining({ system: 'ordering', system_name: '注文システム', table: 'kaiin', column: 'ref_no' }),
      }),
    ]);
    const open = await f.ctx.db
      .selectFrom('alerts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'open')
      .where('org_id', '=', (await f.actor('officer')).orgId)
      .executeTakeFirstOrThrow();
    const attention = await clients.officer!.get('/api/v1/attention');
    expect(attention.body.alerts).toEqual({ open: Number(open.n) });
    expect(Number(open.n)).toBeGreaterThanOrEqual(1);
    const entries = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select(['action', 'outcome', 'detail'])
      .where('action', 'like', 'discovery.%')
      .orderBy('seq')
      .execute();
    expect(entries.map((e) => e.action)).toEqual(['discovery.run', 'discovery.my_number_found']);
    expect(JSON.parse(entries[1]!.detail)).toMatchObject({ system: 'ordering', table: 'kaiin', column: 'ref_no' });
    // The alert names its entry by sequence number once the chain has it (PostgreSQL: after the sequencer).
    const alert = await (await chained(f.ctx.db))
      .selectFrom('alerts')
      .select('audit_seq')
      .where('kind', '=', 'my_number_found')
      .executeTakeFirstOrThrow();
    expect(alert.audit_seq).not.toBeNull();
  });

  it('confirmed columns join the draft’s dataset map, never a published version; decided ones are skipped', async () => {
    const published = await f.ctx.db
      .selectFrom('policy_versions')
      .select(['number', 'sha256'])
      .where('status', '!=', 'draft')
      .orderBy('number')
      .execute();
    const ids = [at('kaiin', 'tel_no')!.id, at('kaiin', 'shimei')!.id];
    const res = await clients.officer!.post('/api/v1/systems/ordering/discovery/decisions', { ids, decision: 'confirmed' });
    expect(res.status, res.raw).toBe(200);
    expect(res.body).toMatchObject({ skipped: [], draft_revision: expect.any(Number) });
    expect((res.body.decided as unknown[]).length).toBe(2);

    const officer = await f.actor('officer');
    const draft = await getDraft(f.ctx.db, officer.orgId, new Date());
    const system = draft.document.systems.find((s) => s.code === 'ordering');
    expect(system).toMatchObject({ name: '注文システム', kind: 'sqlite' });
    expect(system!.tables).toEqual([
      expect.objectContaining({
        table: 'kaiin',
        key: 'kaiin_cd',
        columns: [
          { column: 'shimei', item: 'name', erase: 'set_null', correct: true },
          { column: 'tel_no', item: 'phone', erase: 'set_null', correct: true },
        ],
      }),
    ]);
    expect(
      await f.ctx.db.selectFrom('policy_versions').select(['number', 'sha256']).where('status', '!=', 'draft').orderBy('number').execute(),
    ).toEqual(published);

    const twice = await clients.officer!.post('/api/v1/systems/ordering/discovery/decisions', { ids: [ids[0]], decision: 'rejected' });
    expect(twice.body).toMatchObject({ decided: [], skipped: [ids[0]], draft_revision: null });
    const listed = await clients.officer!.get('/api/v1/systems/ordering/discovery/proposals');
    const tel = (listed.body.proposals as (Proposal & { decided_by_name: string })[]).find((p) => p.column === 'tel_no');
    expect(tel).toMatchObject({ decision: 'confirmed', decided_by_name: expect.any(String), mapped_item: 'phone' });
    expect(
      (listed.body.proposals as (Proposal & { mapped_item: string | null })[]).find((p) => p.column === 'contact')?.mapped_item,
    ).toBeNull();
  });

  it('a draft without the item is named, and nothing is decided; the My Number column is rejected instead', async () => {
    const myNumber = at('kaiin', 'ref_no')!;
    const res = await clients.officer!.post('/api/v1/systems/ordering/discovery/decisions', {
      ids: [myNumber.id, at('kaiin', 'contact')!.id],
      decision: 'confirmed',
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'discovery_item_missing', message_ja: expect.stringContaining('下書き') });
    expect(res.body.error?.issues).toEqual([expect.objectContaining({ field: 'kaiin.ref_no', code: 'item_missing' })]);
    const still = await f.ctx.db
      .selectFrom('discovery_proposals')
      .select('decision')
      .where('id', 'in', [myNumber.id, at('kaiin', 'contact')!.id])
      .execute();
    expect(still.map((r) => r.decision)).toEqual(['pending', 'pending']);

    const rejected = await clients.officer!.post('/api/v1/systems/ordering/discovery/decisions', {
      ids: [myNumber.id],
      decision: 'rejected',
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({
      decided: [expect.objectContaining({ column: 'ref_no', decision: 'rejected' })],
      draft_revision: null,
    });
  });

  it('a system that cannot be reached leaves a failed run with its error code', async () => {
    const res = await clients.admin!.post('/api/v1/systems/gone/discovery');
    expect(res.status).toBe(201);
    expect(res.body.run).toMatchObject({ status: 'failed', error: { code: 'system_unreachable', message_ja: expect.any(String) } });
    expect(res.body.proposals).toEqual([]);
    const entry = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select(['outcome', 'error_code'])
      .where('action', '=', 'discovery.run')
      .where(sql<boolean>`detail like ${'%gone%'}`)
      .executeTakeFirstOrThrow();
    expect(entry).toEqual({ outcome: 'failed', error_code: 'system_unreachable' });
  });

  it('refuses what is not the caller’s: an unknown system, another co-op’s system or proposal, an unknown run', async () => {
    expect((await clients.officer!.post('/api/v1/systems/nowhere/discovery')).body.error?.code).toBe('system_unknown');
    expect((await clients.officer!.get('/api/v1/systems/theirs/discovery')).body.error?.code).toBe('system_unknown');
    const unknownRun = await clients.officer!.get('/api/v1/systems/ordering/discovery/proposals?run=00000000-0000-4000-8000-000000000000');
    expect(unknownRun.body.error?.code).toBe('discovery_run_unknown');
    const wrongSystem = await clients.officer!.post('/api/v1/systems/gone/discovery/decisions', {
      ids: [at('kaiin', 'contact')!.id],
      decision: 'rejected',
    });
    expect(wrongSystem.status).toBe(404);
    expect(wrongSystem.body.error?.code).toBe('discovery_proposal_unknown');
    const bad = await clients.officer!.post('/api/v1/systems/ordering/discovery/decisions', { ids: [], decision: 'maybe' });
    expect(bad.status).toBe(400);
  });

  // Only where PostgreSQL is (defined only there, so that no run counts a skipped test). The system is a database
  // of its own: a database holding mamori's schemas is refused as mamori's own (connectors, system_is_mamori).
  if (postgresUrl())
    it('reads a connected PostgreSQL system too (one schema, read-only)', async () => {
      const database = `mamori_t_sys_${randomBytes(5).toString('hex')}`;
      const root = new pg.Client({ connectionString: postgresUrl()! });
      await root.connect();
      await root.query(`create database ${database}`);
      const url = new URL(postgresUrl()!);
      url.pathname = `/${database}`;
      const admin = new pg.Client({ connectionString: url.toString() });
      await admin.connect();
      try {
        const schema = 'kyosai';
        await admin.query(`create schema ${schema}`);
        await admin.query(`create table ${schema}.members (id integer primary key, denwa text, mail text, memo text)`);
        for (let i = 0; i < 40; i++)
          await admin.query(`insert into ${schema}.members values ($1, $2, $3, $4)`, [
            i,
            `03-${String(3000 + i)}-${String(4000 + i * 3)}`,
            `m${i}@example.jp`,
            i % 2 ? '配達' : '店舗',
          ]);
        const officer = await f.actor('officer');
        const code = `pg-${dialect}`;
        await insertConnection(f.ctx, {
          orgId: officer.orgId,
          code,
          name: '共済システム',
          kind: 'postgres',
          settings: { url: url.toString(), schema },
        });
        const res = await clients.officer!.post(`/api/v1/systems/${code}/discovery`);
        expect(res.body.run).toMatchObject({ status: 'done', columns: 4, my_numbers: 0 });
        const found = (res.body.proposals as Proposal[]).map((p) => `${p.table}.${p.column}:${p.kind}`).sort();
        expect(found).toEqual(['members.denwa:phone', 'members.mail:email']);
      } finally {
        await admin.end();
        await root.query(`drop database if exists ${database} with (force)`);
        await root.end();
      }
    });

  // biome-ignore format: the table reads as a table
  const cells: [string, 'read' | 'run' | 'decide', boolean][] = [
    ['officer', 'read', true], ['officer', 'run', true], ['officer', 'decide', true],
    ['admin', 'read', true], ['admin', 'run', true], ['admin', 'decide', false],
    ['auditor', 'read', true], ['auditor', 'run', false], ['auditor', 'decide', false],
    ['manager', 'read', false], ['manager', 'run', false], ['manager', 'decide', false],
    ['staff', 'read', false], ['staff', 'run', false], ['staff', 'decide', false],
  ];
  it.each(cells)('%s may %s: %s', async (login, what, allowed) => {
    const c = clients[login]!;
    const res =
      what === 'read'
        ? await c.get('/api/v1/systems/ordering/discovery/proposals')
        : what === 'run'
          ? await c.post('/api/v1/systems/ordering/discovery')
          : await c.post('/api/v1/systems/ordering/discovery/decisions', { ids: [at('kaiin', 'kaiin_cd')!.id], decision: 'rejected' });
    if (allowed) expect(res.status, res.raw).toBeLessThan(300);
    else expect([res.status, res.body.error?.code]).toEqual([403, 'forbidden']);
  });
});
