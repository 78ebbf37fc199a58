import { describe, expect, it } from 'vitest';
import { systemSchema } from './document.ts';
import { eraseTables } from './erase-rule.ts';

const map = (tables: unknown[]) => systemSchema.parse({ code: 's', name: 'S', kind: 'sqlite', tables });
const all = () => true;

describe('which tables an erasure deletes (every kind of connector)', () => {
  it('deletes the tables that say delete_row and the tables found through them', () => {
    const m = map([
      {
        table: 'customers',
        link: { column: 'code', identity: 'member_code' },
        columns: [{ column: 'name', item: 'name', erase: 'delete_row' }],
      },
      { table: 'orders', via: { table: 'customers', column: 'customer_id', references: 'id' } },
      { table: 'lines', via: { table: 'orders', column: 'order_id', references: 'id' } },
    ]);
    expect(eraseTables(m, all)).toEqual({ deleted: new Set(['customers', 'orders', 'lines']), retained: new Set() });
    // Only the items asked: a table whose delete_row item is not asked is not deleted.
    expect(eraseTables(m, (item) => item === 'phone').deleted).toEqual(new Set());
  });

  it('rows the law keeps hold up the rows they are found through, and stop the cascade below them', () => {
    const m = map([
      {
        table: 'customers',
        link: { column: 'code', identity: 'member_code' },
        columns: [{ column: 'name', item: 'name', erase: 'delete_row' }],
      },
      { table: 'orders', via: { table: 'customers', column: 'customer_id', references: 'id' } },
      {
        table: 'lines',
        via: { table: 'orders', column: 'order_id', references: 'id' },
        columns: [{ column: 'product', item: 'purchase_history', erase: 'keep', keep_rule: '7年' }],
      },
      { table: 'notes', via: { table: 'lines', column: 'line_id', references: 'id' } },
      { table: 'mails', via: { table: 'customers', column: 'customer_id', references: 'id' } },
    ]);
    const { deleted, retained } = eraseTables(m, all);
    expect(retained).toEqual(new Set(['customers', 'orders', 'lines']));
    // Mails hang from the customer, who stays: nothing deletes them. Notes under kept lines are not cascaded either.
    expect(deleted).toEqual(new Set());
  });

  it('a table of its own with delete_row beside kept rows elsewhere is still deleted', () => {
    const m = map([
      {
        table: 'customers',
        link: { column: 'code', identity: 'member_code' },
        columns: [{ column: 'code', item: 'member_code', erase: 'keep', keep_rule: '7年' }],
      },
      {
        table: 'wishes',
        via: { table: 'customers', column: 'customer_id', references: 'id' },
        columns: [{ column: 'text', item: 'note', erase: 'delete_row' }],
      },
    ]);
    expect(eraseTables(m, all)).toEqual({ deleted: new Set(['wishes']), retained: new Set() });
  });
});
