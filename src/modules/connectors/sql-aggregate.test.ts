/**
 * The connectors' bulk read for anonymized releases (`aggregate`), on every database kind against the fixture
 * ordering system: per member (by the identity the map links with, through `via`), the sum and count of a mapped
 * table's amount over a period — one query, equal to the sums computed beside it; a column or table the map does
 * not know is refused by name; the drop folder has no such read (the release refuses it as `system_not_queryable`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDatabaseKinds, createOrderingSystem, type OrderingSystem, orderingMap } from '../../../test/support/ordering-system.ts';
import { AppError } from '../../base/errors.ts';
import type { Connector } from './connector.ts';
import { openConnector } from './kinds.ts';

describe.each(availableDatabaseKinds())('the %s connector sums purchases per member', (kind) => {
  let system: OrderingSystem;
  let connector: Connector;
  const map = orderingMap(kind);

  beforeAll(async () => {
    system = await createOrderingSystem(kind);
    connector = await openConnector(kind, system.settings, { code: 'ordering' });
  });
  afterAll(async () => {
    await connector?.close();
    await system?.dispose();
  });

  it('sums and counts per member code over [from, to), equal to the sums read beside it', async () => {
    const result = await connector.aggregate!(map, {
      table: 'orders',
      amount: 'amount',
      date: 'ordered_on',
      from: '2025-03-01',
      to: '2025-07-01',
    });
    expect(result.identity).toBe('member_code');
    const expected = await system.admin(
      `select c.member_code as m, sum(o.amount) as total, count(*) as n from orders o join customers c on o.customer_id = c.id
       where o.ordered_on >= '2025-03-01' and o.ordered_on < '2025-07-01' group by c.member_code order by c.member_code`,
    );
    const got = [...result.rows].sort((a, b) => a.person.localeCompare(b.person));
    expect(got).toEqual(expected.map((r) => ({ person: String(r.m), total: Number(r.total), count: Number(r.n) })));
    expect(got.map((r) => r.person)).toEqual(['M0000001', 'M0000002']);
  });

  it('refuses a column or a table the system or the map does not have, by name', async () => {
    const column = await connector.aggregate!(map, {
      table: 'orders',
      amount: 'price',
      date: 'ordered_on',
      from: '2025-01-01',
      to: '2026-01-01',
    }).catch((e: unknown) => e);
    expect(column).toBeInstanceOf(AppError);
    expect((column as AppError).code).toBe('system_column_missing');
    expect((column as AppError).message).toContain('orders.price');
    const table = await connector.aggregate!(map, {
      table: 'invoices',
      amount: 'amount',
      date: 'ordered_on',
      from: '2025-01-01',
      to: '2026-01-01',
    }).catch((e: unknown) => e);
    expect((table as AppError).code).toBe('system_table_missing');
  });
});
