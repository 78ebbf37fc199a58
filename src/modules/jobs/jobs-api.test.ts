/**
 * Scheduled jobs over HTTP on both dialects: a failing handler is retried after its back-off and then dead,
 * and the administrators' list shows it first with its redacted error; the system administrator retries it
 * (it then runs and succeeds) or discards it, each audited; the privacy officer reads but may not retry;
 * other roles are refused; stable codes for a run that is not there or not retryable; the endpoints are in
 * the OpenAPI document.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects, chained } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { Client, testServer } from '../../../test/support/http.ts';
import { mamoriJobs } from './catalogue.ts';
import type { JobDefinition } from './definitions.ts';
import { ensureRun } from './lease.ts';
import type { JobRunView, JobsOverview } from './read-runs.ts';
import { JobRunner } from './runner.ts';

const clock = { now: new Date('2026-06-15T01:10:00.000Z') };
const advance = (ms: number) => {
  clock.now = new Date(clock.now.getTime() + ms);
};

describe.each(availableDialects())('jobs API on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  const clients: Record<string, Client> = {};
  let broken = true;
  let calls = 0;
  /** `send_reminders` as the catalogue defines it, with a handler that fails while `broken`, and short back-offs. */
  const jobs: JobDefinition[] = [
    {
      ...mamoriJobs.find((j) => j.name === 'send_reminders')!,
      maxAttempts: 2,
      backoff: { baseSeconds: 1, maxSeconds: 1 },
      handler: async () => {
        calls += 1;
        if (broken) {
          throw Object.assign(new Error('connect ECONNREFUSED 192.0.2.25:587 for office@demo-coop.example'), { code: 'ECONNREFUSED' });
        }
        return { organizations: 1, requests: 2 };
      },
    },
  ];
  let runner: JobRunner;
  const overview = async (who: string, query = '') => {
    const r = await clients[who]!.get(`/api/v1/jobs${query}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as unknown as JobsOverview;
  };
  const deadRun = async () => (await overview('admin', '?state=dead')).runs[0]!;

  beforeAll(async () => {
    clock.now = new Date('2026-06-15T01:10:00.000Z');
    broken = true;
    calls = 0;
    f = await demoFixture(dialect, { members: 3, clock: () => clock.now });
    app = await testServer(f, { sessionIdleMinutes: 24 * 60 });
    for (const login of ['admin', 'officer', 'auditor', 'staff']) {
      clients[login] = new Client(app);
      expect((await clients[login].login(f, login)).status).toBe(200);
    }
    runner = new JobRunner(f.ctx, { jobs, pollMs: 1000, leaseMs: 60_000, owner: 'test' });
    // 10:10 JST: today's 09:00 run is due. Two tries, a second apart, then dead.
    await runner.poll();
    advance(1000);
    await runner.poll();
    advance(1000);
    await runner.poll();
  });
  afterAll(async () => {
    await runner?.stop();
    await app?.close();
    await f?.dispose();
  });

  it('shows the dead run first, with its tries and an error without addresses', async () => {
    expect(calls).toBe(2);
    const o = await overview('admin');
    expect(o.can_manage).toBe(true);
    expect(o.counts).toMatchObject({ dead: 1, scheduled: 1, failed: 0, running: 0 });
    const [first] = o.runs;
    expect(first).toMatchObject({ job: 'send_reminders', state: 'dead', attempts: 2, max_attempts: 2, due_at: '2026-06-15T00:00:00.000Z' });
    expect(first!.last_error).toBe('Error [ECONNREFUSED]: connect ECONNREFUSED # for …@…');
    expect(o.runs[1]).toMatchObject({ state: 'scheduled', due_at: '2026-06-16T00:00:00.000Z' });
    // Every job of the catalogue with its schedule (this server's runner ran only the reminders).
    expect(o.jobs.map((j) => j.name)).toEqual(mamoriJobs.map((j) => j.name));
    expect(o.jobs.find((j) => j.name === 'send_reminders')).toMatchObject({
      schedule: { daily_at_jst: '09:00' },
      next_due_at: '2026-06-16T00:00:00.000Z',
      last_succeeded_at: null,
    });
    expect((await overview('admin', '?state=scheduled')).runs.map((r) => r.state)).toEqual(['scheduled']);
  });

  it('lets the privacy officer read, not retry; refuses the other roles', async () => {
    const o = await overview('officer');
    expect(o.can_manage).toBe(false);
    const id = (await deadRun()).id;
    for (const action of ['retry', 'discard']) {
      const r = await clients.officer!.post(`/api/v1/jobs/${id}/${action}`);
      expect([r.status, r.body.error?.code]).toEqual([403, 'forbidden']);
    }
    for (const who of ['auditor', 'staff']) {
      const r = await clients[who]!.get('/api/v1/jobs');
      expect([r.status, r.body.error?.code]).toEqual([403, 'forbidden']);
    }
  });

  it('retries a dead run: scheduled now with fresh tries, audited, then run once and succeeded', async () => {
    const dead = await deadRun();
    const r = await clients.admin!.post(`/api/v1/jobs/${dead.id}/retry`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ id: dead.id, state: 'scheduled', attempts: 0, next_attempt_at: clock.now.toISOString() });
    const entry = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .innerJoin('users', 'users.id', 'audit_log.actor_id')
      .select(['audit_log.detail', 'audit_log.outcome', 'users.login'])
      .where('audit_log.action', '=', 'job.retry')
      .executeTakeFirstOrThrow();
    expect(entry.login).toBe('admin');
    expect(JSON.parse(entry.detail)).toEqual({
      run: dead.id,
      job: 'send_reminders',
      due_at: dead.due_at,
      from: 'dead',
      attempts: 2,
    });
    // A second retry is refused: the run is no longer failed or dead.
    const again = await clients.admin!.post(`/api/v1/jobs/${dead.id}/retry`);
    expect([again.status, again.body.error?.code]).toEqual([409, 'job_run_not_retryable']);

    broken = false;
    await runner.poll();
    expect(calls).toBe(3);
    const run = (await overview('admin')).runs.find((x) => x.id === dead.id) as JobRunView;
    expect(run).toMatchObject({ state: 'succeeded', attempts: 1, result: { organizations: 1, requests: 2 } });
    expect((await overview('admin')).jobs.find((j) => j.name === 'send_reminders')!.last_succeeded_at).toBe(clock.now.toISOString());
  });

  it('discards a dead run, audited; unknown and malformed ids get stable codes', async () => {
    broken = true;
    // A run left over from an outage dies too.
    await ensureRun(f.ctx.db, { job: 'send_reminders', dueAt: new Date('2026-06-14T00:00:00.000Z'), maxAttempts: 2, now: clock.now });
    await runner.poll();
    advance(1000);
    await runner.poll();
    const dead = await deadRun();
    expect(dead.due_at).toBe('2026-06-14T00:00:00.000Z');
    const r = await clients.admin!.post(`/api/v1/jobs/${dead.id}/discard`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ state: 'discarded' });
    expect((await overview('admin')).counts.dead).toBe(0);
    const trail = await (await chained(f.ctx.db)).selectFrom('audit_log').select('detail').where('action', '=', 'job.discard').execute();
    expect(trail.map((e) => JSON.parse(e.detail).from)).toEqual(['dead']);

    const missing = await clients.admin!.post('/api/v1/jobs/6a0d1c8e-3f0b-4c55-9d7e-0f5f7f6f2a11/retry');
    expect([missing.status, missing.body.error?.code]).toEqual([404, 'job_run_not_found']);
    const malformed = await clients.admin!.post('/api/v1/jobs/not-a-run/retry');
    expect(malformed.status).toBe(400);
  });

  it('shows the endpoints in the OpenAPI document', async () => {
    const doc = await clients.admin!.get('/api/docs/json');
    const paths = Object.keys(doc.body.paths as Record<string, unknown>);
    for (const p of ['/api/v1/jobs', '/api/v1/jobs/{id}/retry', '/api/v1/jobs/{id}/discard']) expect(paths).toContain(p);
  });
});
