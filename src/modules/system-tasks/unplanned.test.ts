/**
 * "No task" is not "nothing to do there": a deletion started before its co-op mapped its ordering system has no
 * task, and is not answered until it has been planned across the systems (system_tasks_unplanned); planned, its
 * task approved and carried out, it is answered. A request planned where no system holds the person has no task
 * and may be answered at once.
 */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectOrdering, createOrderingDb } from '../../../test/support/connected-systems.ts';
import { availableDialects } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import type { AppError } from '../../base/errors.ts';
import { fileRequest, stepRequest } from '../requests/requests.ts';
import { approveTasks } from './approve-tasks.ts';
import { planRequest } from './plan-request.ts';
import { SystemTaskWorker } from './worker.ts';

describe.each(availableDialects())('a request never planned across the systems, on %s', (dialect) => {
  let f: Fixture;
  let ordering: string;
  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 4 });
    ordering = createOrderingDb(['1000001']);
  });
  afterAll(async () => {
    await f?.dispose();
    rmSync(dirname(ordering), { recursive: true, force: true });
  });

  const refusal = async (work: () => Promise<unknown>) => {
    try {
      await work();
      return null;
    } catch (error) {
      return (error as AppError).code;
    }
  };

  it('is not answered until planned; planned and carried out, it is', async () => {
    const officer = await f.actor('officer');
    const org = officer.orgId;
    // Started while the policy mapped no system: nothing was planned.
    let r = await fileRequest(f.ctx, officer, { memberId: await f.memberId('1000001'), kind: 'deletion', detail: {}, channel: 'phone' });
    r = await stepRequest(f.ctx, officer, r.id, { step: 'verify', identityMethod: 'callback', version: r.version });
    r = await stepRequest(f.ctx, officer, r.id, { step: 'start', version: r.version });
    r = await stepRequest(f.ctx, officer, r.id, { step: 'approve', version: r.version });
    // Then the ordering system is mapped and registered: the request has no task, and may not be answered so.
    await connectOrdering(f.ctx, org, ordering);
    const version = r.version;
    expect(await refusal(() => stepRequest(f.ctx, officer, r.id, { step: 'answer', version }))).toBe('system_tasks_unplanned');

    expect((await planRequest(f.ctx, { actor: officer, requestId: r.id, orgId: org })).planned).toBe(1);
    expect(await refusal(() => stepRequest(f.ctx, officer, r.id, { step: 'answer', version }))).toBe('system_tasks_open');
    await approveTasks(f.ctx, { actor: officer, requestId: r.id });
    await new SystemTaskWorker(f.ctx, { pollMs: 600_000, leaseMs: 60_000 }).poll();
    const answered = await stepRequest(f.ctx, officer, r.id, { step: 'answer', version });
    expect(answered.state).toBe('answered');
  });

  it('planned where no system holds the person: no task, answered at once', async () => {
    const officer = await f.actor('officer');
    let r = await fileRequest(f.ctx, officer, { memberId: await f.memberId('1000002'), kind: 'deletion', detail: {}, channel: 'phone' });
    r = await stepRequest(f.ctx, officer, r.id, { step: 'verify', identityMethod: 'callback', version: r.version });
    r = await stepRequest(f.ctx, officer, r.id, { step: 'start', version: r.version });
    r = await stepRequest(f.ctx, officer, r.id, { step: 'approve', version: r.version });
    const tasks = await f.ctx.db.selectFrom('system_tasks').select('id').where('request_id', '=', r.id).execute();
    expect(tasks).toEqual([]);
    const answered = await stepRequest(f.ctx, officer, r.id, { step: 'answer', version: r.version });
    expect(answered.state).toBe('answered');
  });
});
