/**
 * The SQL core over a recording driver (the real SQLite driver, every statement written down): keys travel in
 * batches of at most 1,000 per query, values only as parameters, and reads never reach a write transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrderingSystem, type OrderingSystem, orderingMap, PERSON, PERSON_ORDERS } from '../../../test/support/ordering-system.ts';
import { BATCH, sqlConnector } from './sql-connector.ts';
import type { SqlDriver, SqlParam } from './sql-driver.ts';
import { sqliteDriver } from './sqlite.ts';

interface Statement {
  sql: string;
  params: readonly SqlParam[];
  write: boolean;
}

function recording(driver: SqlDriver, log: Statement[]): SqlDriver {
  const wrap =
    (write: boolean) =>
    <T>(fn: Parameters<SqlDriver['read']>[0]) =>
      (write ? driver.write : driver.read)((s) =>
        fn({
          query: (sql, params = []) => {
            log.push({ sql, params, write });
            return s.query(sql, params);
          },
          execute: (sql, params = []) => {
            log.push({ sql, params, write });
            return s.execute(sql, params);
          },
        }),
      ) as Promise<T>;
  return { ...driver, read: wrap(false), write: wrap(true) } as SqlDriver;
}

describe('the SQL core', () => {
  let system: OrderingSystem;
  beforeAll(async () => {
    system = await createOrderingSystem('sqlite');
  });
  afterAll(() => system.dispose());

  it('sends keys in batches of at most 1,000, values only as parameters, and writes only in apply', async () => {
    const log: Statement[] = [];
    const connector = sqlConnector(recording(sqliteDriver(system.settings.file!), log), { code: 'ordering' });
    const map = orderingMap('sqlite');
    await connector.select(map, PERSON);
    const plan = await connector.plan(map, PERSON, { kind: 'erase' });
    expect(log.every((s) => !s.write)).toBe(true);
    const reads = log.length;
    expect(await connector.apply(plan)).toEqual({ changed: plan.rows });
    const writes = log.slice(reads);
    expect(writes.every((s) => s.write)).toBe(true);

    expect(BATCH).toBe(1000);
    expect(Math.max(...log.map((s) => s.params.length))).toBeLessThanOrEqual(BATCH + 10);
    // The person's 1,200 orders: the order lines are looked up (by select, then by plan), and the orders deleted,
    // in two statements each time.
    expect(log.filter((s) => !s.write && s.sql.includes('from "order_lines" where "order_id" in'))).toHaveLength(4);
    expect(writes.filter((s) => s.sql.startsWith('delete from "orders"')).map((s) => s.params.length)).toEqual([
      BATCH,
      PERSON_ORDERS - BATCH,
    ]);
    // No value of the person is ever written into a statement's text.
    for (const s of log) {
      for (const value of ['M0000001', '09012345678', 'hanako', '山田', '＊＊＊'])
        expect(s.sql.toLowerCase()).not.toContain(value.toLowerCase());
    }
  });
});
