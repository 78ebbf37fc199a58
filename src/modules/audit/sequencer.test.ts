/**
 * The audit queue and its sequencer (PostgreSQL): concurrent writers in several processes, a crash between
 * queueing and sequencing and in the middle of a batch, tampering with queued and sequenced entries. On SQLite
 * the entries are chained at once and nothing is queued.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { availableDialects, createTestDatabase, postgresUrl, type TestDatabase } from '../../../test/support/db.ts';
import { createContext } from '../../app/context.ts';
import { KeyRing } from '../crypto/data-keys.ts';
import { appendAudit, appendAuditAlone, appendAuditBatch } from './append.ts';
import { entryHash } from './canonical.ts';
import type { Actor } from './events.ts';
import { searchAudit } from './search.ts';
import { auditQueueState, drainAuditQueue, sequenceAuditBatch, startAuditSequencer } from './sequencer.ts';
import { verifyAuditChain } from './verify.ts';

const actor: Actor = { type: 'cli', id: null, orgId: null, label: 'sequencer-test' };
const event = (n: number) => ({
  action: 'keys.rotate' as const,
  outcome: 'ok' as const,
  orgId: null,
  detail: { key_id: `k${n}`, reencrypted: n },
});

const open: TestDatabase[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const d of open.splice(0)) await d.dispose();
});

async function database(dialect: 'sqlite' | 'postgres') {
  const db = await createTestDatabase(dialect);
  open.push(db);
  const keys = KeyRing.generate();
  const ctx = createContext({ db: db.db, dialect, keys, ...(db.sqlite ? { sqlite: db.sqlite } : {}) });
  return { db: db.db, ctx, keys };
}

/** The test schema of a PostgreSQL test database (its connections' search_path). */
async function schemaOf(db: TestDatabase['db']): Promise<string> {
  return (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]!.s;
}

function writer(settings: Record<string, unknown>): ChildProcess {
  const child = spawn(process.execPath, ['test/support/audit-writer.ts'], {
    env: { ...process.env, AUDIT_WRITER: JSON.stringify(settings) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return child;
}

async function waitForLine(child: ChildProcess, line: string): Promise<void> {
  let seen = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.split('\n').includes(line)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`writer exited (${code}) before "${line}"`)));
  });
}

const ring = (keys: KeyRing) => ({ keys: keys.file.keys.map((k) => ({ id: k.id, key: k.key })), primary: keys.primaryId });

async function counts(db: TestDatabase['db']) {
  const log = await db
    .selectFrom('audit_log')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.count<number>('entry_id').distinct().as('ids')])
    .where('action', '=', 'keys.rotate')
    .executeTakeFirstOrThrow();
  const queued = await db
    .selectFrom('audit_queue')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { chained: Number(log.n), distinct: Number(log.ids), queued: Number(queued.n) };
}

describe.each(availableDialects())('audit append on %s', (dialect) => {
  it('chains at once on SQLite and queues on PostgreSQL, and a drain chains what was queued', async () => {
    const { db } = await database(dialect);
    const entry = await appendAuditAlone(db, actor, event(1));
    if (dialect === 'sqlite') {
      expect(entry).toMatchObject({ seq: 1, entryId: null });
      expect((await counts(db)).queued).toBe(0);
    } else {
      expect(entry).toMatchObject({ seq: null, hash: null });
      expect(entry.entryId).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(await counts(db)).toEqual({ chained: 0, distinct: 0, queued: 1 });
      expect(await drainAuditQueue(db)).toBe(1);
      const row = await db.selectFrom('audit_log').selectAll().where('entry_id', '=', entry.entryId).executeTakeFirstOrThrow();
      expect(row.seq).toBe(1);
      expect(row.mac).toMatch(/^k\w+\.[A-Za-z0-9_-]{43}$/);
    }
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, entries: 1 });
  });

  it('an entry exists exactly when its transaction commits', async () => {
    const { db } = await database(dialect);
    await expect(
      db.transaction().execute(async (tx) => {
        await appendAudit(tx, actor, event(1));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await appendAuditAlone(db, actor, event(2));
    await drainAuditQueue(db);
    const rows = await db.selectFrom('audit_log').select(['seq', 'detail']).execute();
    expect(rows.map((r) => JSON.parse(r.detail).key_id)).toEqual(['k2']);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, entries: 1 });
  });
});

describe('the audit sequencer on postgres', () => {
  if (!postgresUrl()) {
    it('needs PostgreSQL (the strict run fails without it)', () => {
      expect(process.env.MAMORI_TEST_STRICT).not.toBe('1');
    });
    return;
  }

  it('chains the entries of concurrent writers in four processes once each, in one verifiable order', async () => {
    const { db, keys } = await database('postgres');
    const schema = await schemaOf(db);
    const url = postgresUrl()!;
    const procs = ['a', 'b', 'c', 'd'].map((label) =>
      writer({ url, schema, ...ring(keys), mode: 'write', label, count: 150, parallel: 4 }),
    );
    const codes = await Promise.all(procs.map(async (p) => (p.exitCode ?? (await once(p, 'exit'))[0]) as number));
    expect(codes).toEqual([0, 0, 0, 0]);
    await drainAuditQueue(db);
    expect(await counts(db)).toEqual({ chained: 600, distinct: 600, queued: 0 });
    // Every change has its entry: one access-counter row and one entry per write.
    const changes = await db
      .selectFrom('access_counters')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(changes.n)).toBe(600);
    const result = await verifyAuditChain(db);
    expect(result).toMatchObject({ ok: true, entries: 600, lastSeq: 600 });
    expect(await db.selectFrom('audit_log').select('seq').where('action', '=', 'audit.queue_tampered').execute()).toEqual([]);
  }, 120_000);

  it('a writer killed after queueing loses nothing: another process chains its entries', async () => {
    const { db, keys } = await database('postgres');
    const child = writer({ url: postgresUrl(), schema: await schemaOf(db), ...ring(keys), mode: 'queue-and-wait', label: 'k', count: 500 });
    await waitForLine(child, 'queued');
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(await counts(db)).toEqual({ chained: 0, distinct: 0, queued: 500 });
    const sequencer = startAuditSequencer(db, { idleMs: 5 });
    try {
      await expect.poll(async () => (await counts(db)).queued, { timeout: 10_000 }).toBe(0);
    } finally {
      await sequencer.stop();
    }
    expect(await counts(db)).toEqual({ chained: 500, distinct: 500, queued: 0 });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, entries: 500 });
  }, 120_000);

  it('a sequencer killed in the middle of a batch chains nothing twice: the next one takes the batch again', async () => {
    const { db, keys } = await database('postgres');
    await db.transaction().execute((tx) =>
      appendAuditBatch(
        tx,
        actor,
        Array.from({ length: 60_000 }, (_, n) => event(n)),
      ),
    );
    const child = writer({
      url: postgresUrl(),
      schema: await schemaOf(db),
      ...ring(keys),
      mode: 'sequence',
      label: 's',
      count: 0,
      batch: 30_000,
    });
    await waitForLine(child, 'batch');
    // Kill it while its first batch's transaction is most likely open (it reads, hashes and inserts 30,000
    // entries: hundreds of milliseconds); either way nothing may be lost or chained twice.
    await new Promise((r) => setTimeout(r, 150));
    child.kill('SIGKILL');
    await once(child, 'exit');
    const after = await counts(db);
    expect(after.chained === 0 || after.chained === 30_000).toBe(true); // the batch rolled back, or had committed
    expect(after.chained + after.queued).toBe(60_000);
    await drainAuditQueue(db);
    expect(await counts(db)).toEqual({ chained: 60_000, distinct: 60_000, queued: 0 });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, entries: 60_000 });
  }, 120_000);

  it('a queued entry altered before sequencing is chained as found, recorded as tampered, and named by verify', async () => {
    const { db } = await database('postgres');
    await db.transaction().execute((tx) => appendAuditBatch(tx, actor, [event(1), event(2), event(3)]));
    await sql`update audit_queue set detail = ${'{"key_id":"forged","reencrypted":0}'} where detail like '%"k2"%'`.execute(db);
    await drainAuditQueue(db);
    const rows = await db.selectFrom('audit_log').select(['seq', 'action', 'detail']).orderBy('seq').execute();
    expect(rows.map((r) => r.action)).toEqual(['keys.rotate', 'keys.rotate', 'audit.queue_tampered', 'keys.rotate']);
    expect(JSON.parse(rows[2]!.detail)).toMatchObject({ reason: 'mac_mismatch', seq: 2, actor: 'audit-sequencer' });
    const result = await verifyAuditChain(db);
    expect(result).toMatchObject({ ok: false, firstBad: { seq: 2, problem: 'mac_mismatch' } });
    expect(result.firstBad?.message_ja).toContain('#2');
  });

  it('a forged queued entry (no key) and a copy of a chained entry are caught', async () => {
    const { db } = await database('postgres');
    const first = await appendAuditAlone(db, actor, event(1));
    await drainAuditQueue(db);
    // A copy of the chained entry put back into the queue: not chained twice.
    await sql`insert into audit_queue (entry_id, ts, org_id, actor_type, actor_id, action, outcome, purpose_code, member_id, error_code, detail, mac)
      select entry_id, ts, org_id, actor_type, actor_id, action, outcome, purpose_code, member_id, error_code, detail, mac from audit_log where entry_id = ${first.entryId}`.execute(
      db,
    );
    // A forged entry: a plausible MAC under a key id that is not in the ring.
    await sql`insert into audit_queue (entry_id, ts, org_id, actor_type, actor_id, action, outcome, purpose_code, member_id, error_code, detail, mac)
      values ('forgedforgedforgedforg', '2026-12-03T00:00:00.000Z', null, 'cli', null, 'keys.rotate', 'ok', null, null, null, '{"key_id":"x"}', 'kforged.AAAA')`.execute(
      db,
    );
    await drainAuditQueue(db);
    const rows = await db.selectFrom('audit_log').select(['seq', 'action', 'detail', 'entry_id']).orderBy('seq').execute();
    expect(rows.filter((r) => r.entry_id === first.entryId)).toHaveLength(1);
    const tampered = rows.filter((r) => r.action === 'audit.queue_tampered').map((r) => JSON.parse(r.detail).reason);
    expect(tampered).toEqual(['duplicate', 'mac_key_unknown']);
    expect(await verifyAuditChain(db)).toMatchObject({
      ok: false,
      firstBad: { problem: 'mac_mismatch', seq: rows.find((r) => r.entry_id === 'forgedforgedforgedforg')!.seq },
    });
  });

  it('a sequenced entry altered with the whole chain recomputed after it is still named by verify (its MAC)', async () => {
    const { db } = await database('postgres');
    await db.transaction().execute((tx) => appendAuditBatch(tx, actor, [event(1), event(2), event(3), event(4)]));
    await drainAuditQueue(db);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    // The attacker edits entry 2 and recomputes every hash from there on, and the head: a consistent chain.
    await sql`update audit_log set detail = ${'{"key_id":"k2","reencrypted":999}'} where seq = 2`.execute(db);
    const rows = await db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
    let prev = rows[0]!.hash;
    for (const r of rows.slice(1)) {
      const hash = entryHash(prev, { ...r, seq: Number(r.seq) });
      await db.updateTable('audit_log').set({ prev_hash: prev, hash }).where('seq', '=', r.seq).execute();
      prev = hash;
    }
    await db.updateTable('audit_head').set({ hash: prev }).where('id', '=', 1).execute();
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, firstBad: { seq: 2, problem: 'mac_mismatch' } });
  });

  it('the loop vacuums the queue as it chains, so polls do not walk the rows it deleted', async () => {
    const { db } = await database('postgres');
    const vacuums = async () =>
      Number(
        (
          await sql<{ n: string }>`select (vacuum_count + autovacuum_count)::text as n from pg_stat_user_tables
            where relid = 'audit_queue'::regclass`.execute(db)
        ).rows[0]!.n,
      );
    const before = await vacuums();
    for (let i = 0; i < 3; i++) {
      await db.transaction().execute((tx) =>
        appendAuditBatch(
          tx,
          actor,
          Array.from({ length: 1000 }, (_, n) => event(i * 1000 + n)),
        ),
      );
    }
    const sequencer = startAuditSequencer(db, { idleMs: 5, gatherMs: 5, vacuumEvery: 1000 });
    try {
      await expect.poll(async () => (await counts(db)).queued, { timeout: 10_000 }).toBe(0);
      await expect.poll(vacuums, { timeout: 10_000 }).toBeGreaterThan(before);
    } finally {
      await sequencer.stop();
    }
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, entries: 3000 });
  });

  it('several sequencers at once: one works, the others skip; the queue state reports depth and lag', async () => {
    const { db } = await database('postgres');
    await db.transaction().execute((tx) =>
      appendAuditBatch(
        tx,
        actor,
        Array.from({ length: 5000 }, (_, n) => event(n)),
      ),
    );
    const state = await auditQueueState(db, new Date(Date.now() + 120_000));
    expect(state).toMatchObject({ depth: 5000, keepingUp: false, sequencedAt: null });
    expect(state.oldestSeconds).toBeGreaterThanOrEqual(119);
    const results = await Promise.all([1, 2, 3, 4].map(() => sequenceAuditBatch(db, { limit: 2000 })));
    const worked = results.filter((r) => r !== null);
    expect(worked.length).toBeGreaterThanOrEqual(1);
    expect(worked.reduce((n, r) => n + r!.sequenced, 0)).toBe(2000 * worked.length);
    await drainAuditQueue(db);
    expect(await auditQueueState(db)).toMatchObject({ depth: 0, oldestSeconds: 0, keepingUp: true });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, entries: 5000 });
  });

  it('keeps the log in monthly partitions: each month its own, none in the default; verify and search read across them', async () => {
    const { db } = await database('postgres');
    const months = ['2026-10-31T23:59:59.999Z', '2026-11-15T12:00:00.000Z', '2026-12-01T00:00:00.000Z'];
    for (const [i, at] of months.entries()) {
      await db
        .transaction()
        .execute((tx) => appendAuditBatch(tx, { ...actor, orgId: 'org-p' }, [event(i * 2), event(i * 2 + 1)], () => new Date(at)));
    }
    await drainAuditQueue(db);
    const parts = await sql<{
      name: string;
      n: number;
    }>`select c.relname as name, (select count(*)::int from audit_log where tableoid = c.oid) as n
      from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'audit_log'::regclass order by 1`.execute(db);
    expect(parts.rows).toEqual([
      { name: 'audit_log_default', n: 0 },
      { name: 'audit_log_y2026m10', n: 2 },
      { name: 'audit_log_y2026m11', n: 2 },
      { name: 'audit_log_y2026m12', n: 2 },
    ]);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, entries: 6 });
    const november = await searchAudit(db, { orgId: 'org-p', from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' });
    expect(november.entries.map((e) => e.seq)).toEqual([4, 3]);
    // An entry altered in an old month's partition is found there.
    await sql`update audit_log_y2026m10 set detail = '{}' where seq = 2`.execute(db);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, firstBad: { seq: 2, problem: 'hash_mismatch' } });
  });
});
