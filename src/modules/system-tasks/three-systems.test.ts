/**
 * One erasure across three connected systems of three kinds (issue 13 §4, §7): the same ordering system in a
 * SQLite file, a PostgreSQL database and a MariaDB database (test/support/ordering-system.ts, created and dropped
 * by the test), mapped and registered under three codes. A deletion request plans one task per system, the
 * officer approves them together, one worker poll applies and verifies all three through the real connectors;
 * the person's customer rows are masked, their orders and lines deleted, the neighbour's rows untouched. The time
 * from planning to the last verification is printed (issue 13's target: ≤ 2 s). mamori's own database on SQLite
 * and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertConnection, mapSystems } from '../../../test/support/connected-systems.ts';
import { availableDialects } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import {
  availableDatabaseKinds,
  createOrderingSystem,
  type OrderingSystem,
  orderingMap,
  PERSON,
} from '../../../test/support/ordering-system.ts';
import { MASK } from '../../contract/connector-vocabulary.ts';
import { fileRequest, stepRequest } from '../requests/requests.ts';
import { approveTasks } from './approve-tasks.ts';
import { SystemTaskWorker } from './worker.ts';

describe.each(availableDialects())('an erasure across three kinds of system, mamori on %s', (dialect) => {
  let f: Fixture;
  let systems: OrderingSystem[] = [];
  let memberId: string;

  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 4 });
    const org = await f.ctx.db.selectFrom('organizations').select('id').where('code', '=', 'demo-coop').executeTakeFirstOrThrow();
    // A demo member who is the fixture's person in the ordering systems (synthetic identities).
    memberId = await f.memberId('1000002');
    await f.ctx.db
      .updateTable('members')
      .set({ member_code: PERSON.member_code!, email: PERSON.email!, phone: PERSON.phone!, phone_norm: PERSON.phone!.replace(/\D/g, '') })
      .where('id', '=', memberId)
      .execute();
    systems = await Promise.all(availableDatabaseKinds().map((kind) => createOrderingSystem(kind)));
    for (const s of systems) {
      await insertConnection(f.ctx, {
        orgId: org.id,
        code: `ordering-${s.kind}`,
        name: `注文システム（${s.kind}）`,
        kind: s.kind,
        settings: s.settings,
      });
    }
    await mapSystems(
      f.ctx,
      org.id,
      systems.map((s) => ({ ...orderingMap(s.kind), code: `ordering-${s.kind}`, name: `注文システム（${s.kind}）` })),
    );
  });
  afterAll(async () => {
    await Promise.all(systems.map((s) => s.dispose()));
    await f?.dispose();
  });

  it('plans one task per system, applies and verifies them all, and touches nobody else', async () => {
    const officer = await f.actor('officer');
    let r = await fileRequest(f.ctx, officer, { memberId, kind: 'deletion', detail: {}, channel: 'phone' });
    r = await stepRequest(f.ctx, officer, r.id, { step: 'verify', identityMethod: 'callback', version: r.version });
    const started = Date.now();
    r = await stepRequest(f.ctx, officer, r.id, { step: 'start', version: r.version });
    const planned = await f.ctx.db.selectFrom('system_tasks').selectAll().where('request_id', '=', r.id).orderBy('system_code').execute();
    expect(planned.map((t) => [t.system_code, t.state, t.error_code])).toEqual(
      systems.map((s) => [`ordering-${s.kind}`, 'planned', null]).sort(),
    );
    expect(await approveTasks(f.ctx, { actor: officer, requestId: r.id })).toEqual({ approved: systems.length });
    const worker = new SystemTaskWorker(f.ctx, { pollMs: 1000, leaseMs: 60_000 });
    expect(await worker.poll()).toBe(systems.length);
    const elapsed = Date.now() - started;
    console.info(`erasure across ${systems.map((s) => s.kind).join(', ')}: plan + apply + verify in ${elapsed} ms (mamori on ${dialect})`);
    const done = await f.ctx.db.selectFrom('system_tasks').selectAll().where('request_id', '=', r.id).execute();
    expect(done.map((t) => t.state)).toEqual(systems.map(() => 'done'));
    for (const s of systems) {
      const customers = await s.admin('select id, name, phone from customers order by id');
      expect(customers[0]).toMatchObject({ name: MASK, phone: null });
      expect(customers[1]).toMatchObject({ name: '佐藤 太郎', phone: '090-1234-5679' });
      expect(await s.admin('select id from orders where customer_id = 1')).toEqual([]);
      expect(await s.admin('select id from orders where customer_id = 2')).toHaveLength(1);
      const deliveries = await s.admin('select phone, recipient from deliveries order by id');
      expect(deliveries[2]).toMatchObject({ phone: '090-1234-5679', recipient: '佐藤 太郎' });
    }
    // The answer is possible now.
    r = await stepRequest(f.ctx, officer, r.id, { step: 'approve', version: r.version });
    r = await stepRequest(f.ctx, officer, r.id, { step: 'answer', version: r.version });
    expect(r.state).toBe('answered');
  });
});
