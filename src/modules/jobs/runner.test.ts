/**
 * The job runner on SQLite and PostgreSQL: runs exist once per (job, due time) whoever schedules them; two
 * runners (two instances, each with its own connections) claiming the same due runs at the same moment run
 * each exactly once; a crashed instance's lease expires and the run is taken over once; a failing handler is
 * retried after its back-off and then dead, with its error redacted; a finisher that lost its lease records
 * nothing; and `stop` waits for the run in progress and claims nothing after.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { availableDialects, createTestDatabase, postgresUrl, type TestDatabase } from '../../../test/support/db.ts';
import { createContext } from '../../app/context.ts';
import type { AppContext } from '../../base/context.ts';
import { type DialectName, type OpenedDatabase, openDatabase } from '../../db/database.ts';
import { iso } from '../../db/time.ts';
import { KeyRing } from '../crypto/data-keys.ts';
import type { JobDefinition } from './definitions.ts';
import { claimNext, ensureRun } from './lease.ts';
import { JobRunner } from './runner.ts';

const T0 = new Date('2026-05-01T00:00:00.000Z');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A context with a clock the test moves. */
function contextOn(opened: Pick<OpenedDatabase, 'db' | 'dialect' | 'sqlite'>, clock: { now: Date }): AppContext {
  return createContext({
    db: opened.db,
    dialect: opened.dialect,
    ...(opened.sqlite ? { sqlite: opened.sqlite } : {}),
    keys: KeyRing.generate(),
    clock: () => clock.now,
  });
}

/** A second instance: its own connections to the same database (schema or file). */
async function secondInstance(first: TestDatabase, dialect: DialectName): Promise<OpenedDatabase> {
  if (dialect === 'postgres') {
    const { rows } = await (await import('kysely')).sql<{ schema: string }>`select current_schema() as schema`.execute(first.db);
    return openDatabase(postgresUrl()!, { schema: rows[0]!.schema, poolSize: 4 });
  }
  const file = (first.sqlite!.pragma('database_list') as { name: string; file: string }[]).find((d) => d.name === 'main')!.file;
  return openDatabase(`sqlite:${file}`);
}

const job = (name: string, handler: JobDefinition['handler'], over: Partial<JobDefinition> = {}): JobDefinition => ({
  name,
  schedule: { everyMinutes: 60 },
  maxAttempts: 3,
  backoff: { baseSeconds: 10, maxSeconds: 60 },
  handler,
  ...over,
});

const runs = (ctx: AppContext, name?: string) => {
  let q = ctx.db.selectFrom('job_runs').selectAll().orderBy('due_at').orderBy('job');
  if (name) q = q.where('job', '=', name);
  return q.execute();
};

describe.each(availableDialects())('job runner on %s', (dialect) => {
  let database: TestDatabase;
  let ctx: AppContext;
  const clock = { now: T0 };
  const runners: JobRunner[] = [];
  const newRunner = (c: AppContext, jobs: JobDefinition[], owner: string, leaseMs = 60_000) => {
    const r = new JobRunner(c, { jobs, pollMs: 20, leaseMs, owner });
    runners.push(r);
    return r;
  };

  // One database per dialect, emptied before each test (each new schema is one more chance of meeting another
  // test run's teardown while the migrator reads the catalog).
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    ctx = contextOn(database, clock);
  });
  afterAll(async () => {
    await database?.dispose();
  });
  beforeEach(async () => {
    clock.now = T0;
    await ctx.db.deleteFrom('job_runs').execute();
  });
  afterEach(async () => {
    for (const r of runners.splice(0)) await r.stop({ waitMs: 1000 });
  });

  it('makes sure of the current and next runs once, whichever instance schedules them', async () => {
    clock.now = new Date('2026-05-01T00:30:00.000Z');
    const calls: string[] = [];
    const jobs = [
      job('hourly', async (_c, run) => {
        calls.push(run.dueAt);
        return { pruned: 2 };
      }),
      job('daily', async () => undefined, { schedule: { dailyAtJst: '09:00' } }),
    ];
    const a = newRunner(ctx, jobs, 'a');
    const b = newRunner(ctx, jobs, 'b');
    await Promise.all([a.poll(), b.poll()]);
    await a.poll();
    const rows = await runs(ctx);
    expect(rows.map((r) => [r.job, r.due_at, r.state])).toEqual([
      // 09:00 JST is 00:00 UTC: the current day's run (due, done) and the next day's.
      ['daily', '2026-05-01T00:00:00.000Z', 'succeeded'],
      ['hourly', '2026-05-01T00:00:00.000Z', 'succeeded'],
      ['hourly', '2026-05-01T01:00:00.000Z', 'scheduled'],
      ['daily', '2026-05-02T00:00:00.000Z', 'scheduled'],
    ]);
    expect(calls).toEqual(['2026-05-01T00:00:00.000Z']);
    expect(JSON.parse(rows[1]!.result!)).toEqual({ pruned: 2 });
    // An hour on, the next hourly run is due and the one after is made sure of.
    clock.now = new Date('2026-05-01T01:00:05.000Z');
    await Promise.all([a.poll(), b.poll()]);
    expect(calls).toEqual(['2026-05-01T00:00:00.000Z', '2026-05-01T01:00:00.000Z']);
    expect((await runs(ctx, 'hourly')).map((r) => r.state)).toEqual(['succeeded', 'succeeded', 'scheduled']);
  });

  it('two instances claiming the same due runs at once run each exactly once', async () => {
    const other = await secondInstance(database, dialect);
    try {
      const ctx2 = contextOn(other, clock);
      const done = new Map<string, number>();
      const handler: JobDefinition['handler'] = async (_c, run) => {
        done.set(run.dueAt, (done.get(run.dueAt) ?? 0) + 1);
        await sleep(5);
        return undefined;
      };
      // 30 runs due in the past (an outage's backlog); the yearly schedule adds its current run (due) and next.
      const jobs = [job('sweep', handler, { schedule: { everyMinutes: 24 * 60 * 365 } })];
      for (let i = 0; i < 30; i++) {
        await ensureRun(ctx.db, { job: 'sweep', dueAt: new Date(T0.getTime() - (i + 1) * 60_000), maxAttempts: 3, now: T0 });
      }
      clock.now = new Date(T0.getTime() + 10_000);
      const [a, b] = [newRunner(ctx, jobs, 'instance-a'), newRunner(ctx2, jobs, 'instance-b')];
      const [ranA, ranB] = await Promise.all([a.poll(), b.poll()]);
      const rows = await runs(ctx, 'sweep');
      // 30 backlog runs plus the current and next slots' (made sure of by both instances: one row each).
      expect(rows).toHaveLength(32);
      const ran = rows.filter((r) => r.state === 'succeeded');
      expect(ran).toHaveLength(31);
      expect(rows.filter((r) => r.state === 'scheduled').map((r) => r.due_at)).toEqual([rows.at(-1)!.due_at]);
      expect(ranA + ranB).toBe(31);
      expect([...done.values()].every((n) => n === 1)).toBe(true);
      expect(done.size).toBe(31);
      expect(ran.every((r) => Number(r.attempts) === 1)).toBe(true);
      if (dialect === 'postgres') {
        // Both instances did work: neither waited for the other's locks (SKIP LOCKED), neither ran a run twice.
        expect(ranA).toBeGreaterThan(0);
        expect(ranB).toBeGreaterThan(0);
      }
    } finally {
      await other.close();
    }
  });

  it('a crashed instance’s lease expires and one other instance takes the run over, once', async () => {
    let calls = 0;
    const jobs = [
      job('reminders', async () => {
        calls += 1;
        return { sent: 1 };
      }),
    ];
    await ensureRun(ctx.db, { job: 'reminders', dueAt: T0, maxAttempts: 3, now: T0 });
    // Instance "crashed" claims the run and dies before finishing.
    const claimed = await claimNext(ctx.db, dialect, { owner: 'crashed', now: T0, leaseMs: 60_000, jobs: ['reminders'] });
    expect(claimed?.attempts).toBe(1);
    const other = await secondInstance(database, dialect);
    try {
      const ctx2 = contextOn(other, clock);
      const [a, b] = [newRunner(ctx, jobs, 'a'), newRunner(ctx2, jobs, 'b')];
      // Within the lease: nobody takes it.
      clock.now = new Date(T0.getTime() + 59_000);
      await Promise.all([a.poll(), b.poll()]);
      const held = (await runs(ctx, 'reminders')).find((r) => r.due_at === iso(T0))!;
      expect([held.state, held.lease_owner, calls]).toEqual(['running', 'crashed', 0]);
      // The lease expired: taken over by exactly one of the two.
      clock.now = new Date(T0.getTime() + 61_000);
      await Promise.all([a.poll(), b.poll()]);
      const row = (await runs(ctx, 'reminders')).find((r) => r.due_at === iso(T0))!;
      expect(calls).toBe(1);
      expect(row.state).toBe('succeeded');
      expect(Number(row.attempts)).toBe(2);
      expect(row.lease_owner).toBeNull();
    } finally {
      await other.close();
    }
  });

  it('a run whose instance crashed on its last try is dead, not run again', async () => {
    let calls = 0;
    const jobs = [
      job('once', async () => {
        calls += 1;
        return undefined;
      }),
    ];
    await ensureRun(ctx.db, { job: 'once', dueAt: T0, maxAttempts: 1, now: T0 });
    await claimNext(ctx.db, dialect, { owner: 'crashed', now: T0, leaseMs: 1000, jobs: ['once'] });
    clock.now = new Date(T0.getTime() + 2000);
    await newRunner(ctx, jobs, 'a').poll();
    const row = (await runs(ctx, 'once')).find((r) => r.due_at === iso(T0))!;
    expect(row.state).toBe('dead');
    expect(row.last_error).toMatch(/lease expired/);
    expect(calls).toBe(0);
    // The next hour's run is scheduled as usual.
    expect((await runs(ctx, 'once')).map((r) => [r.due_at, r.state])).toEqual([
      [iso(T0), 'dead'],
      ['2026-05-01T01:00:00.000Z', 'scheduled'],
    ]);
  });

  it('retries a failing handler after its back-off, then marks the run dead, its error without personal data', async () => {
    const tries: string[] = [];
    const jobs = [
      job(
        'mailer',
        async () => {
          tries.push(iso(clock.now));
          throw Object.assign(new Error('550 recipient "山田花子 <hanako@example.jp>" refused, phone=09012345678 会員 1000001'), {
            code: 'EENVELOPE',
          });
        },
        { schedule: { everyMinutes: 24 * 60 * 365 }, maxAttempts: 3, backoff: { baseSeconds: 10, maxSeconds: 15 } },
      ),
    ];
    // A year-long schedule: the current slot is the only run.
    const runner = newRunner(ctx, jobs, 'a');
    await runner.poll();
    let [row] = await runs(ctx, 'mailer');
    expect([row!.state, Number(row!.attempts), row!.next_attempt_at]).toEqual(['failed', 1, iso(new Date(T0.getTime() + 10_000))]);
    clock.now = new Date(T0.getTime() + 9_000);
    await runner.poll();
    expect(tries).toHaveLength(1);
    clock.now = new Date(T0.getTime() + 10_000);
    await runner.poll();
    [row] = await runs(ctx, 'mailer');
    // Second back-off: 20 s, capped at 15 s.
    expect([row!.state, Number(row!.attempts), row!.next_attempt_at]).toEqual(['failed', 2, iso(new Date(T0.getTime() + 25_000))]);
    clock.now = new Date(T0.getTime() + 25_000);
    await runner.poll();
    clock.now = new Date(T0.getTime() + 3600_000);
    await runner.poll();
    [row] = await runs(ctx, 'mailer');
    expect(row!.state).toBe('dead');
    expect(Number(row!.attempts)).toBe(3);
    expect(tries).toHaveLength(3);
    expect(row!.last_error).toBe('Error [EENVELOPE]: # recipient … refused, phone=… #');
    for (const leak of ['hanako', 'example.jp', '山田', '09012345678', '1000001']) expect(row!.last_error).not.toContain(leak);
  });

  it('a finisher that lost its lease records nothing over the instance that took the run over', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let calls = 0;
    const jobs = [
      job(
        'slow',
        async () => {
          calls += 1;
          if (calls === 1) await gate;
          return { n: calls };
        },
        { schedule: { everyMinutes: 24 * 60 * 365 } },
      ),
    ];
    // Lease renewal every 100 ms would keep the lease; the clock jumps past it instead (a frozen instance).
    const slow = newRunner(ctx, jobs, 'frozen', 1000);
    const polling = slow.poll();
    while (calls === 0) await sleep(5);
    clock.now = new Date(T0.getTime() + 10_000);
    const other = await secondInstance(database, dialect);
    try {
      await newRunner(contextOn(other, clock), jobs, 'rescuer', 60_000).poll();
    } finally {
      await other.close();
    }
    release();
    await polling;
    const [row] = await runs(ctx, 'slow');
    expect(calls).toBe(2);
    expect([row!.state, JSON.parse(row!.result!)]).toEqual(['succeeded', { n: 2 }]);
  });

  it('stops at shutdown: waits for the run in progress, then claims nothing more', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const started: string[] = [];
    const jobs = [
      job(
        'work',
        async (_c, run) => {
          started.push(run.dueAt);
          if (started.length === 1) await gate;
          return undefined;
        },
        { schedule: { everyMinutes: 24 * 60 * 365 } },
      ),
    ];
    for (let i = 1; i <= 3; i++) {
      await ensureRun(ctx.db, { job: 'work', dueAt: new Date(T0.getTime() - i * 60_000), maxAttempts: 3, now: T0 });
    }
    const runner = newRunner(ctx, jobs, 'a');
    runner.start();
    while (started.length === 0) await sleep(5);
    let stopped = false;
    const stopping = runner.stop().then(() => {
      stopped = true;
    });
    await sleep(50);
    expect(stopped).toBe(false); // still waiting for the run in progress
    release();
    await stopping;
    await sleep(100); // several poll intervals: nothing more is claimed
    const rows = await runs(ctx, 'work');
    expect(started).toHaveLength(1);
    // Three backlog runs and the yearly schedule's current and next: one done, the rest left for later.
    expect(rows.map((r) => r.state).sort()).toEqual(['scheduled', 'scheduled', 'scheduled', 'scheduled', 'succeeded']);
  });
});
