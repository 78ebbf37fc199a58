import { describe, expect, it } from 'vitest';
import type { MemberTable } from '../../db/schema.ts';
import { KeyRing } from '../crypto/data-keys.ts';
import { csvColumns, csvLine, syntheticMember } from '../demo/synthetic.ts';
import { resolveColumns } from './columns.ts';
import { cellsFromCopyText, pushRowCells, type RowCells, rowColumns, transformChunk } from './transform.ts';

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

describe('a chunk sent as COPY text', () => {
  it('gives each passed row its code and its cells as COPY text; the cells and bank accounts come back from it', () => {
    const rows = [
      csvLine({ ...syntheticMember(1), member_code: '5000001', note: 'タブ\tと、バック\\スラッシュ' }),
      csvLine({ ...syntheticMember(2), member_code: '5000002', join_date: 'いつか' }), // refused
      csvLine({ ...syntheticMember(3), member_code: '5000003' }),
    ];
    const { fields, names, constants } = resolveColumns(csvColumns);
    const plan = { fields, names, constants, encoding: 'utf8' as const, delimiter: ',' };
    const keys = KeyRing.generate();
    const chunk = (asCopyText: boolean) => ({ seq: 0, bytes: new TextEncoder().encode(`${rows.join('\n')}\n`), startLine: 2, asCopyText });
    const plain = transformChunk(chunk(false), plan, keys);
    const text = transformChunk(chunk(true), plan, keys);
    expect(text.cells).toEqual([]);
    expect(text.lines).toEqual(plain.lines);
    expect(text.refused).toEqual(plain.refused);
    expect(text.codes).toEqual(['5000001', '5000003']);
    expect(text.copy![0]).toContain('バック\\\\スラッシュ');
    // Made again from the text: the same cells (the bank account is encrypted afresh, so it is compared decrypted).
    const back = cellsFromCopyText(text.copy!, keys);
    const bank = rowColumns.indexOf('bank_account_enc');
    const withoutBank = (cells: RowCells) => cells.map((v, i) => (i % rowColumns.length === bank ? null : v));
    expect(withoutBank(back.cells)).toEqual(withoutBank(plain.cells));
    expect(back.banks).toEqual(plain.banks);
    expect(back.cells.filter((_, i) => i % rowColumns.length === bank && back.cells[i] !== null)).toHaveLength(
      plain.cells.filter((_, i) => i % rowColumns.length === bank && plain.cells[i] !== null).length,
    );
  });
});
