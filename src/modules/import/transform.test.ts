import { describe, expect, it } from 'vitest';
import type { MemberTable } from '../../db/schema.ts';
import { pushRowCells, type RowCells, rowColumns } from './transform.ts';

describe('row cells', () => {
  it('are written in the order of rowColumns, absent values as null', () => {
    const row = Object.fromEntries(rowColumns.map((c) => [c, `v:${c}`])) as unknown as Partial<MemberTable>;
    const cells: RowCells = [];
    pushRowCells(cells, row);
    expect(cells).toEqual(rowColumns.map((c) => `v:${c}`));
    pushRowCells(cells, {});
    expect(cells.slice(rowColumns.length)).toEqual(rowColumns.map(() => null));
  });
});
