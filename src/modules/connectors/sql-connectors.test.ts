/**
 * One conformance suite for every database connector (SQLite, PostgreSQL, MariaDB/MySQL), run on real servers
 * against the fixture ordering system (test/support/ordering-system.ts): the person's rows through `link` and
 * `via` (phone by digits), a plan that never writes, an erasure and a correction applied twice (the second time
 * changes nothing) and read back, a change made behind the connector's back, and every error a system can
 * answer with — each under its code, with no secret in its message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  availableDatabaseKinds,
  createOrderingSystem,
  type OrderingSystem,
  orderingMap,
  PERSON,
  PERSON_ORDERS,
} from '../../../test/support/ordering-system.ts';
import { AppError } from '../../base/errors.ts';
import { MASK } from '../../contract/connector-vocabulary.ts';
import type { PolicySystem } from '../policy/document.ts';
import type { ConnectionSettings, Connector, FoundTable, Plan } from './connector.ts';
import { openConnector } from './kinds.ts';

const TABLES = ['customers', 'orders', 'order_lines', 'deliveries'];

const ids = (found: FoundTable[], table: string) => found.find((f) => f.table === table)!.rows.map((r) => r.id);

/** The error a promise rejects with, checked to be a connector error with that code and none of the secrets in it. */
async function refusal(promise: Promise<unknown>, code: string, secrets: (string | undefined)[] = []): Promise<AppError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${code}, but it succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  const text = `${(error as AppError).message} ${JSON.stringify(error)} ${(error as AppError).stack}`;
  for (const secret of secrets) if (secret) expect(text).not.toContain(secret);
  return error as AppError;
}

describe.each(availableDatabaseKinds())('the %s connector', (kind) => {
  let system: OrderingSystem;
  let connector: Connector;
  const map = orderingMap(kind);
  const withColumn = (column: string, erase: 'mask' | 'set_null'): PolicySystem => ({
    ...map,
    tables: map.tables.map((t) =>
      t.table === 'customers' ? { ...t, columns: [...t.columns, { column, item: column, erase, correct: true }] } : t,
    ),
  });
  const snapshot = async () => {
    const out: Record<string, unknown[]> = {};
    for (const t of TABLES) out[t] = await system.admin(`select * from ${t} order by id`);
    return out;
  };

  beforeAll(async () => {
    system = await createOrderingSystem(kind);
    connector = await openConnector(kind, system.settings, { code: 'ordering' });
  });
  afterAll(async () => {
    await connector?.close();
    await system?.dispose();
  });

  it('describes the tables with their columns, primary keys and foreign keys', async () => {
    const tables = await connector.describe();
    expect(tables.map((t) => t.table).sort()).toEqual(['customers', 'deliveries', 'order_lines', 'orders']);
    const column = (table: string, name: string) => tables.find((t) => t.table === table)!.columns.find((c) => c.name === name)!;
    expect(column('customers', 'id')).toMatchObject({ primaryKey: true });
    expect(column('customers', 'member_code')).toMatchObject({ nullable: false, primaryKey: false });
    expect(column('customers', 'name')).toMatchObject({ nullable: true });
    expect(column('customers', 'name').type).toMatch(/char/i);
    expect(column('orders', 'customer_id').references).toEqual({ table: 'customers', column: 'id' });
    expect(column('order_lines', 'order_id').references).toEqual({ table: 'orders', column: 'id' });
    expect(column('deliveries', 'phone').references).toBeUndefined();
  });

  it('lists the member codes of the tables linked by member code (a provision run’s population)', async () => {
    const before = await snapshot();
    const codes = await connector.memberCodes!(map);
    expect(codes).toContain(PERSON.member_code);
    expect(codes).toEqual([...new Set(codes)].sort());
    expect(codes.length).toBeGreaterThan(1);
    await refusal(connector.memberCodes!(map, { table: 'orders' }), 'system_table_missing');
    expect(await snapshot()).toEqual(before);
  });

  it('samples every column read-only for discovery', async () => {
    const samples = await connector.sample(5);
    const email = samples.find((s) => s.table === 'customers' && s.column === 'email')!;
    expect(email.values).toHaveLength(2);
    expect(samples.find((s) => s.table === 'orders' && s.column === 'id')!.values).toHaveLength(5);
  });

  it('finds the person through link and via (phone by its digits), every column as text, and nobody else', async () => {
    const found = await connector.select(map, PERSON);
    expect(found.map((f) => [f.table, f.key])).toEqual(TABLES.map((t) => [t, 'id']));
    expect(found[0]!.rows).toEqual([
      {
        id: '1',
        member_code: 'M0000001',
        name: '山田 花子',
        name_kana: 'ヤマダ ハナコ',
        phone: '090-1234-5678',
        email: 'Hanako.Yamada@EXAMPLE.jp',
        address: '東京都千代田区試験町1-2-3',
        points: '120',
        memo: 'メモ',
        registered_on: '2019-04-01',
      },
    ]);
    // More orders than one batch of keys: the order lines are found through all of them.
    expect(ids(found, 'orders')).toHaveLength(PERSON_ORDERS);
    expect(ids(found, 'orders')).not.toContain('99');
    expect(ids(found, 'order_lines').sort()).toEqual(['1001', '1002', '1003']);
    // 09012345678 and 090 1234 5678 are the person's 090-1234-5678; 090-1234-5679 is the neighbour's.
    expect(ids(found, 'deliveries').sort()).toEqual(['1', '2']);
    expect(found.find((f) => f.table === 'orders')!.rows[0]!.ordered_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const byEmail: PolicySystem = {
      ...map,
      tables: [{ ...map.tables[0]!, link: { column: 'email', identity: 'email' } }],
    };
    expect(ids(await connector.select(byEmail, { email: ' HANAKO.yamada@example.JP ' }), 'customers')).toEqual(['1']);
    const nobody = await connector.select(map, { member_code: 'M9999999', phone: '03-0000-0000' });
    expect(nobody.every((f) => f.rows.length === 0)).toBe(true);
  });

  it('plans without writing anything', async () => {
    const before = await snapshot();
    await connector.plan(map, PERSON, { kind: 'erase' });
    await connector.plan(map, PERSON, { kind: 'correct', values: { name: '山田 花香' } });
    expect(await snapshot()).toEqual(before);
  });

  it('plans an erasure: rows reached through others deleted first, masks and nulls, kept columns with their rule', async () => {
    const plan = await connector.plan(map, PERSON, { kind: 'erase' });
    expect(plan.system).toBe('ordering');
    expect(plan.steps.map((s) => [s.table, s.action, s.keys.length])).toEqual([
      ['order_lines', 'delete', 3],
      ['orders', 'delete', PERSON_ORDERS],
      ['customers', 'update', 1],
      ['deliveries', 'update', 2],
    ]);
    expect(plan.steps[2]!.set).toEqual({ name: MASK, name_kana: null, phone: null, email: null, address: null });
    expect(plan.steps[3]!.set).toEqual({ phone: null, recipient: MASK, address: null });
    expect(plan.kept).toEqual([
      { table: 'customers', column: 'member_code', item: 'member_code', rows: 1, rule: '法人税法: 帳簿書類 7年' },
    ]);
    expect(plan.rows).toBe(3 + PERSON_ORDERS + 1 + 2);

    const phoneOnly = await connector.plan(map, PERSON, { kind: 'erase', items: ['phone'] });
    expect(phoneOnly.steps.map((s) => [s.table, s.action, s.set])).toEqual([
      ['customers', 'update', { phone: null }],
      ['deliveries', 'update', { phone: null }],
    ]);
    expect(phoneOnly.kept).toEqual([]);
    const history = await connector.plan(map, PERSON, { kind: 'erase', items: ['purchase_history'] });
    expect(history.steps.map((s) => s.table)).toEqual(['order_lines', 'orders']);
  });

  it('rows the law keeps hold up the rows they are found through: order lines kept, so their orders stay, masked', async () => {
    const kept: PolicySystem = {
      ...map,
      tables: map.tables.map((t) =>
        t.table === 'order_lines'
          ? { ...t, columns: [{ column: 'product', item: 'purchase_history', erase: 'keep', keep_rule: '法人税法: 7年', correct: false }] }
          : t,
      ),
    };
    const plan = await connector.plan(kept, PERSON, { kind: 'erase' });
    // Nothing is deleted: the orders (delete_row) stay because the kept lines are found through them.
    expect(plan.steps.filter((s) => s.action === 'delete')).toEqual([]);
    // Their delete_row column is emptied as far as it can be: amount is an integer that cannot be null, so it stays.
    expect(plan.steps.find((s) => s.table === 'orders')).toBeUndefined();
    expect(plan.kept.map((k) => [k.table, k.column, k.rows])).toEqual([
      ['customers', 'member_code', 1],
      ['order_lines', 'product', 3],
    ]);
  });

  it('corrects the mapped columns, once: applying again changes nothing, and reads it back', async () => {
    const plan = await connector.plan(map, PERSON, {
      kind: 'correct',
      values: { name: '山田 花香', name_kana: null, purchase_history: 'x' },
    });
    expect(plan.steps.map((s) => [s.table, s.action, s.keys.sort(), s.set])).toEqual([
      ['customers', 'update', ['1'], { name: '山田 花香', name_kana: null }],
      ['deliveries', 'update', ['1', '2'], { recipient: '山田 花香' }],
    ]);
    expect(plan.rows).toBe(3);
    expect(await connector.apply(plan)).toEqual({ changed: 3 });
    expect(await connector.apply(plan)).toEqual({ changed: 0 });
    expect(await connector.verify(plan)).toEqual({ ok: true, differences: [] });
    const [customer] = await system.admin('select name, name_kana from customers where id = 1');
    expect(customer).toEqual({ name: '山田 花香', name_kana: null });
    const [neighbour] = await system.admin('select name from customers where id = 2');
    expect(neighbour).toEqual({ name: '佐藤 太郎' });
    expect((await connector.plan(map, PERSON, { kind: 'correct', values: { name: '山田 花香' } })).rows).toBe(0);
  });

  let erased: Plan;
  it('erases in one transaction; applying again changes nothing; the neighbour keeps everything', async () => {
    erased = await connector.plan(map, PERSON, { kind: 'erase' });
    const rows = erased.rows;
    expect(await connector.apply(erased)).toEqual({ changed: rows });
    expect(await connector.apply(erased)).toEqual({ changed: 0 });
    expect(await connector.verify(erased)).toEqual({ ok: true, differences: [] });
    const again = await connector.plan(map, PERSON, { kind: 'erase' });
    expect(again.steps).toEqual([]);
    expect(again.kept).toEqual([expect.objectContaining({ column: 'member_code', rows: 1 })]);
    const [customer] = await system.admin('select member_code, name, phone, email, points from customers where id = 1');
    expect(customer).toMatchObject({ member_code: 'M0000001', name: MASK, phone: null, email: null });
    expect(await system.admin('select id from orders where customer_id = 1')).toEqual([]);
    expect((await system.admin('select id from order_lines order by id')).map((r) => String(r.id))).toEqual(['1004']);
    expect((await system.admin('select id, phone from deliveries order by id')).map((r) => [String(r.id), r.phone])).toEqual([
      ['1', null],
      ['2', null],
      ['3', '090-1234-5679'],
    ]);
    const [neighbour] = await system.admin('select name, phone from customers where id = 2');
    expect(neighbour).toEqual({ name: '佐藤 太郎', phone: '090-1234-5679' });
  });

  it('verification names a row changed behind its back by table, column and key, never by value', async () => {
    await system.admin(`update customers set name = '山田 花子' where id = 1`);
    await system.admin(`insert into order_lines values (1005, 99, '再入荷の品', 1)`);
    const result = await connector.verify(erased);
    expect(result.ok).toBe(false);
    expect(result.differences).toEqual(['customers.name (id 1): not as planned']);
    expect(JSON.stringify(result)).not.toContain('山田');
    // Applying the plan again puts it right (the row differs from the plan, so it is written).
    expect(await connector.apply(erased)).toEqual({ changed: 1 });
    expect((await connector.verify(erased)).ok).toBe(true);
  });

  it('applies all or nothing: a table the map does not know still refers to a row, so nothing changes', async () => {
    await system.admin(
      'create table payments (id integer primary key, order_id integer not null, foreign key (order_id) references orders (id))',
    );
    await system.admin('insert into payments values (1, 99)');
    try {
      const before = await snapshot();
      const plan = await connector.plan(map, { member_code: 'M0000002', phone: '09012345679' }, { kind: 'erase' });
      expect(plan.steps.map((s) => [s.table, s.action, s.keys])).toEqual([
        ['order_lines', 'delete', expect.arrayContaining(['1004'])],
        ['orders', 'delete', ['99']],
        ['customers', 'update', ['2']],
        ['deliveries', 'update', ['3']],
      ]);
      await refusal(connector.apply(plan), 'system_constraint');
      // The order line deleted before the refusal is back: one transaction.
      expect(await snapshot()).toEqual(before);
    } finally {
      await system.admin('drop table payments');
    }
  });

  it('refuses to mask a column that is not text, and to null one that cannot be', async () => {
    await refusal(connector.plan(withColumn('points', 'mask'), PERSON, { kind: 'erase' }), 'system_column_type');
    await refusal(
      connector.plan(withColumn('member_code', 'set_null'), PERSON, { kind: 'erase', items: ['member_code'] }),
      'system_column_type',
    );
  });

  it('names a renamed table and a dropped column', async () => {
    await system.admin('alter table deliveries rename to deliveries_old');
    try {
      const e = await refusal(connector.select(map, PERSON), 'system_table_missing');
      expect(e.message).toContain('deliveries');
    } finally {
      await system.admin('alter table deliveries_old rename to deliveries');
    }
    const withMemo = withColumn('memo', 'set_null');
    await connector.select(withMemo, PERSON);
    await system.admin('alter table customers drop column memo');
    const e = await refusal(connector.plan(withMemo, PERSON, { kind: 'erase' }), 'system_column_missing');
    expect(e.message).toContain('customers.memo');
  });

  it('cannot reach a system that is not there', async () => {
    const settings = system.unreachableSettings();
    await refusal(openConnector(kind, settings, { code: 'ordering' }), 'system_unreachable', [settings.secret, 'Url-Secret-4711']);
  });

  it('closes more than once without an error', async () => {
    const other = await openConnector(kind, system.settings, { code: 'ordering' });
    await other.close();
    await expect(other.close()).resolves.toBeUndefined();
  });

  it('refuses settings that lack what the kind needs', async () => {
    await refusal(openConnector(kind, {}, { code: 'ordering' }), 'system_settings_invalid');
    if (kind !== 'sqlite')
      await refusal(openConnector(kind, { url: 'ftp://example.invalid/x' }, { code: 'ordering' }), 'system_settings_invalid');
  });

  it('fails with system_timeout when a statement waits longer than the timeout', async () => {
    const slow = await openConnector(kind, { ...system.settings, timeoutSeconds: 1 }, { code: 'ordering' });
    const release = await system.lock('customers');
    try {
      await refusal(slow.select(map, PERSON), 'system_timeout');
    } finally {
      await release();
      await slow.close();
    }
  });

  it('answers system_read_only when the account may read but not write', async () => {
    const settings = await system.readOnlySettings();
    const reader = await openConnector(kind, settings, { code: 'ordering' });
    try {
      const plan = await reader.plan(map, { member_code: 'M0000002' }, { kind: 'erase' });
      expect(plan.rows).toBeGreaterThan(0);
      await refusal(reader.apply(plan), 'system_read_only', [settings.secret]);
    } finally {
      await reader.close();
    }
  });

  if (kind !== 'sqlite') {
    it('refuses a wrong password as system_auth_failed, without the secret in the message', async () => {
      const settings = (await system.wrongPasswordSettings()) as ConnectionSettings;
      await refusal(openConnector(kind, settings, { code: 'ordering' }), 'system_auth_failed', [settings.secret]);
    });
  }
});
