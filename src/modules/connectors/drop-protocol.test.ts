/**
 * The drop folder's file protocol without a transport: plans from the map (items, cascades, the legal retention),
 * identities as the instruction gives them, and answers — any bytes at all are either read or refused with
 * `system_answer_invalid`, never another failure. Synthetic data only.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../base/errors.ts';
import { MASK } from '../../contract/connector-vocabulary.ts';
import { systemSchema } from '../policy/document.ts';
import { findTables, normaliseIdentity, parseAnswer, planDrop, renderInstruction } from './drop-protocol.ts';

const map = systemSchema.parse({
  code: 'kyosai',
  name: '共済システム',
  kind: 'sftp_drop',
  tables: [
    {
      table: 'households',
      key: 'household_no',
      link: { column: 'contact_email', identity: 'email' },
      columns: [
        { column: 'contact_email', item: 'email', erase: 'delete_row' },
        { column: 'head_name', item: 'name', erase: 'delete_row' },
      ],
    },
    {
      table: 'contracts',
      key: 'contract_no',
      via: { table: 'households', column: 'household_no', references: 'household_no' },
      columns: [
        { column: 'insured_name', item: 'name', erase: 'mask' },
        { column: 'premium', item: 'contract', erase: 'keep', keep_rule: '保険業法: 帳簿 10年' },
      ],
    },
    {
      table: 'claims',
      key: 'claim_no',
      via: { table: 'contracts', column: 'contract_no', references: 'contract_no' },
      columns: [{ column: 'memo', item: 'claim', erase: 'set_null' }],
    },
    // Reached by neither link nor via: nothing of the person can be found there.
    { table: 'agents', key: 'id', columns: [{ column: 'name', item: 'name', erase: 'set_null' }] },
    // Through a table the map does not have.
    {
      table: 'notes',
      key: 'id',
      via: { table: 'unmapped', column: 'x', references: 'y' },
      columns: [{ column: 'text', item: 'name', erase: 'set_null' }],
    },
  ],
});

describe('planning from the map', () => {
  it('a deletion reaches the tables found through it, but stops at a table the law keeps', () => {
    const plan = planDrop('kyosai', map, { email: 'Member.Test@Example.JP' }, { kind: 'erase' });
    // Contracts are kept (premium: 10 years): the household they are found through stays too (its names masked),
    // and the claims under them are not cascaded: only their own column.
    expect(plan.steps.map((s) => [s.table, s.action, s.set])).toEqual([
      ['claims', 'update', { memo: null }],
      ['contracts', 'update', { insured_name: MASK }],
      ['households', 'update', { contact_email: MASK, head_name: MASK }],
    ]);
    expect(plan.kept).toEqual([{ table: 'contracts', column: 'premium', item: 'contract', rows: -1, rule: '保険業法: 帳簿 10年' }]);
    expect(plan.drop.finds.map((f) => f.table)).toEqual(['households', 'contracts', 'claims']);
    expect(plan.drop.finds[0]?.link?.value).toBe('member.test@example.jp');
  });

  it('only the items asked', () => {
    const plan = planDrop('kyosai', map, { email: 'member.test@example.jp' }, { kind: 'erase', items: ['claim'] });
    expect(plan.steps.map((s) => [s.table, s.action, s.set])).toEqual([['claims', 'update', { memo: null }]]);
    expect(plan.kept).toEqual([]);
  });

  it('nothing reachable: no steps, zero rows, an empty instruction', () => {
    const plan = planDrop('kyosai', map, { phone: '09000000000' }, { kind: 'erase' });
    expect(plan).toMatchObject({ steps: [], kept: [], rows: 0 });
    expect(renderInstruction(plan).toString('utf8').split('\r\n').filter(Boolean)).toHaveLength(1);
  });

  it('identities as the instruction gives them', () => {
    expect(normaliseIdentity('phone', '０９０－１２３４－５６７８')).toBe('09012345678');
    expect(normaliseIdentity('email', ' Hanako@Example.JP ')).toBe('hanako@example.jp');
    expect(normaliseIdentity('member_code', 'Ｍ０００１')).toBe('M0001');
    expect(normaliseIdentity('phone', '---')).toBeUndefined();
    expect(findTables(map, {}).finds).toEqual([]);
  });
});

describe('reading an answer', () => {
  const steps = [
    { table: 'households', key: 'household_no', select: true },
    { table: 'contracts', key: 'contract_no', select: true },
  ];

  it('values keep their commas, quotes, line breaks and spaces; columns in any order', () => {
    const text = [
      'reason,value,column,key,table,status,step,extra',
      ',"東京都, 試験区 ""1-1""",address,H-1,households,row,1,x',
      ',"一行目\r\n二行目",memo,H-1,households,row,1,',
      ',  前後に空白  ,head_name,H-1,households,row,1,',
      ',,phone,H-1,households,row,1,',
      ',,,,households,done,1,',
      'no contracts table here,,,,contracts,failed,2,',
    ].join('\r\n');
    const answer = parseAnswer('in/x.answer.csv', Buffer.from(`\ufeff${text}\r\n`), steps);
    expect(answer[0]).toMatchObject({ status: 'done' });
    expect(answer[0]?.found).toEqual([
      { household_no: 'H-1', address: '東京都, 試験区 "1-1"', memo: '一行目\r\n二行目', head_name: '  前後に空白  ', phone: null },
    ]);
    expect(answer[1]).toMatchObject({ status: 'failed', reason: 'no contracts table here', found: [] });
  });

  it('any bytes at all: read, or refused as system_answer_invalid — nothing else', () => {
    const valid = 'step,status,table,rows,key,column,value,reason\r\n1,done,households,0\r\n2,done,contracts,0\r\n';
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.string({ maxLength: 300 }).map((s) => new TextEncoder().encode(s)),
          fc
            .tuple(fc.nat(valid.length), fc.string({ maxLength: 12 }))
            .map(([at, junk]) => new TextEncoder().encode(valid.slice(0, at) + junk + valid.slice(at))),
        ),
        (bytes) => {
          try {
            const answer = parseAnswer('in/x.answer.csv', Buffer.from(bytes), steps);
            expect(answer).toHaveLength(2);
          } catch (e) {
            expect(e).toBeInstanceOf(AppError);
            expect((e as AppError).code).toBe('system_answer_invalid');
            expect((e as AppError).message.startsWith('in/x.answer.csv')).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
