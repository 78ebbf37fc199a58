/**
 * A system that answers later (a drop folder: its own batch reads mamori's instruction file and writes the
 * answer): `AnswerPending` is not a failure. The task goes back to waiting — `applied` once the instruction is
 * written, `queued` for a disclosure — without counting an attempt, and is looked at again after a while; the
 * instruction is written once (a task waiting for its answer is only verified again); the answer finishes it.
 * The connector here stands in for the drop folder's (its own tests run against a real SFTP server), so that the
 * answer's timing is the test's to choose; the task's id reaches the connector as the work's reference.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertConnection, mapSystems } from '../../../test/support/connected-systems.ts';
import { availableDialects } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { AnswerPending, type Plan } from '../connectors/connector.ts';
import { registerOpener } from '../connectors/kinds.ts';
import { systemSchema } from '../policy/document.ts';
import { fileRequest, stepRequest } from '../requests/requests.ts';
import { approveTasks } from './approve-tasks.ts';
import { listRequestTasks } from './read-tasks.ts';
import { SystemTaskWorker } from './worker.ts';

const drop = { answered: false, applies: 0, references: new Set<string>() };

registerOpener('sftp_drop', async () => ({
  describe: async () => [],
  sample: async () => [],
  select: async (_map, _person, opts) => {
    if (opts?.reference) drop.references.add(opts.reference);
    if (!drop.answered) throw new AnswerPending('in/select.answer.csv');
    return [{ table: 'kaiin', key: 'id', rows: [{ id: '7', shimei: '試験 花子' }] }];
  },
  plan: async (map, _person, _change, opts): Promise<Plan> => {
    if (opts?.reference) drop.references.add(opts.reference);
    return {
      system: map.code,
      steps: [{ table: 'kaiin', key: 'id', action: 'update', keys: [], set: { shimei: null } }],
      kept: [],
      rows: -1,
    };
  },
  apply: async () => {
    drop.applies += 1;
    return { changed: -1 };
  },
  verify: async () => {
    if (!drop.answered) throw new AnswerPending('in/erase.answer.csv');
    return { ok: true, differences: [] };
  },
  close: async () => {},
}));

describe.each(availableDialects())('a system that answers later, on %s', (dialect) => {
  let f: Fixture;
  let now = new Date('2026-11-24T03:00:00Z');
  const clock = () => now;
  const PENDING_MS = 60_000;

  beforeAll(async () => {
    f = await demoFixture(dialect, { clock, members: 4 });
    const org = await f.ctx.db.selectFrom('organizations').select('id').where('code', '=', 'demo-coop').executeTakeFirstOrThrow();
    await insertConnection(f.ctx, {
      orgId: org.id,
      code: 'welfare',
      name: '福祉システム',
      kind: 'sftp_drop',
      settings: { host: '127.0.0.1', user: 'mamori', folder: '/drop' },
    });
    await mapSystems(f.ctx, org.id, [
      systemSchema.parse({
        code: 'welfare',
        name: '福祉システム',
        kind: 'sftp_drop',
        tables: [
          {
            table: 'kaiin',
            key: 'id',
            link: { column: 'kumiaiin_cd', identity: 'member_code' },
            columns: [{ column: 'shimei', item: 'name', erase: 'set_null' }],
          },
        ],
      }),
    ]);
  });
  afterAll(async () => {
    await f?.dispose();
  });

  const worker = () => new SystemTaskWorker(f.ctx, { pollMs: 1000, leaseMs: 60_000, pendingMs: PENDING_MS });
  const later = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };

  it('an erasure waits for the answer without using attempts, writes its instruction once, and is done with it', async () => {
    drop.answered = false;
    drop.applies = 0;
    const officer = await f.actor('officer');
    let r = await fileRequest(f.ctx, officer, { memberId: await f.memberId('1000001'), kind: 'deletion', detail: {}, channel: 'phone' });
    r = await stepRequest(f.ctx, officer, r.id, { step: 'verify', identityMethod: 'callback', version: r.version });
    r = await stepRequest(f.ctx, officer, r.id, { step: 'start', version: r.version });
    const view = await listRequestTasks(f.ctx, { actor: officer, requestId: r.id });
    expect(view.tasks).toHaveLength(1);
    const task = view.tasks[0]!;
    // Rows unknown until the system answers.
    expect(task).toMatchObject({ state: 'planned', rows: -1, approvable: true });
    expect(task.tables).toEqual([{ table: 'kaiin', action: 'update', rows: -1, columns: ['shimei'] }]);
    expect(drop.references.has(task.id)).toBe(true);
    await approveTasks(f.ctx, { actor: officer, requestId: r.id });

    const row = () => f.ctx.db.selectFrom('system_tasks').selectAll().where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(await worker().poll()).toBe(1);
    let t = await row();
    expect(t).toMatchObject({ state: 'applied', lease_owner: null, error_code: null });
    expect(Number(t.attempts)).toBe(0);
    expect(Number(t.changed)).toBe(0);
    expect(drop.applies).toBe(1);
    // Not looked at again before the wait is over; then only verified again (no second instruction).
    expect(await worker().poll()).toBe(0);
    for (let i = 0; i < 8; i++) {
      later(PENDING_MS);
      expect(await worker().poll()).toBe(1);
    }
    t = await row();
    expect(t.state).toBe('applied');
    expect(Number(t.attempts)).toBe(0);
    expect(drop.applies).toBe(1);

    drop.answered = true;
    later(PENDING_MS);
    await worker().poll();
    t = await row();
    expect(t).toMatchObject({ state: 'done', error_code: null });
    expect(Number(t.attempts)).toBe(1);
    expect(drop.applies).toBe(1);
  });

  it('a disclosure waits queued and gathers the answer', async () => {
    drop.answered = false;
    const officer = await f.actor('officer');
    let r = await fileRequest(f.ctx, officer, { memberId: await f.memberId('1000002'), kind: 'disclosure', detail: {}, channel: 'phone' });
    r = await stepRequest(f.ctx, officer, r.id, { step: 'verify', identityMethod: 'callback', version: r.version });
    r = await stepRequest(f.ctx, officer, r.id, { step: 'start', version: r.version });
    await worker().poll();
    const row = () => f.ctx.db.selectFrom('system_tasks').selectAll().where('request_id', '=', r.id).executeTakeFirstOrThrow();
    let t = await row();
    expect(t.state).toBe('queued');
    expect(Number(t.attempts)).toBe(0);
    expect(drop.references.has(t.id)).toBe(true);
    drop.answered = true;
    later(PENDING_MS);
    await worker().poll();
    t = await row();
    expect(t.state).toBe('done');
    expect(JSON.parse(f.ctx.keys.decrypt(t.result_enc!))).toEqual([
      { table: 'kaiin', key: 'id', rows: [{ id: '7', shimei: '試験 花子' }] },
    ]);
  });
});
