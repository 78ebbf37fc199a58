import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { entryHash, GENESIS_HASH } from './canonical.ts';
import { BinaryRangeChecker, decodeRow } from './chain-postgres.ts';
import { macColumns as chainColumns } from './chain-range.ts';
import { entryMac, registerAuditMacKeys } from './mac.ts';

registerAuditMacKeys([{ id: 'kpgtest', key: randomBytes(32) }], 'kpgtest');

type Values = (string | number | null)[];

/** One row as PostgreSQL's binary COPY writes it: a field count, then each field's length and bytes. */
function tuple(values: Values): Buffer {
  const parts: Buffer[] = [Buffer.from([values.length >> 8, values.length & 0xff])];
  for (const v of values) {
    const len = Buffer.alloc(4);
    if (v === null) {
      len.writeInt32BE(-1);
      parts.push(len);
    } else if (typeof v === 'number') {
      len.writeInt32BE(8);
      const n = Buffer.alloc(8);
      n.writeBigInt64BE(BigInt(v));
      parts.push(len, n);
    } else {
      const bytes = Buffer.from(v, 'utf8');
      len.writeInt32BE(bytes.length);
      parts.push(len, bytes);
    }
  }
  return Buffer.concat(parts);
}

// Every character JSON escapes (all controls but NUL, which PostgreSQL text cannot hold; quote; backslash), DEL,
// the line separators JSON.stringify leaves alone, kana, an emoji, and a text that is only escapes.
const awkward = [
  Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join(''),
  '窓口 "引用" \\ \n\t\r\b\f\v \u007f \u2028\u2029 😀 ｶﾅ',
  '{"items":["name","phone"],"via":"api"}',
  '\\\\"\\',
  '',
];

/** A valid chain of `n` rows over awkward values, as binary COPY rows. */
function chain(n: number): { values: Values[]; tuples: Buffer[] } {
  const values: Values[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const fields = {
      seq,
      ts: `2026-12-03T10:00:0${seq % 10}.000Z`,
      org_id: seq % 3 === 0 ? null : 'org-1',
      actor_type: 'user',
      actor_id: awkward[seq % awkward.length]!,
      action: 'member.read',
      outcome: 'allowed',
      purpose_code: seq % 2 ? 'P04' : null,
      member_id: awkward[(seq + 1) % awkward.length]!,
      error_code: null,
      detail: awkward[(seq + 2) % awkward.length]!,
    };
    const hash = entryHash(prev, fields);
    // Every third entry chained directly (no MAC, as on SQLite or before 0010); the others queued with one.
    const entry_id = seq % 3 === 1 ? null : `entry-${seq}`;
    const { seq: _seq, ...content } = fields;
    const mac = entry_id === null ? null : entryMac({ entry_id, ...content });
    values.push([...Object.values(fields), prev, hash, entry_id, mac]);
    prev = hash;
  }
  return { values, tuples: values.map(tuple) };
}

describe('checking binary COPY rows', () => {
  it('hashes every awkward value from its bytes exactly as the canonical encoding does', () => {
    const { tuples } = chain(40);
    const checker = new BinaryRangeChecker();
    for (const t of tuples) expect(checker.add(t, 0, t.length)).toBe(true);
    expect(checker.report).toMatchObject({ count: 40, firstSeq: 1, firstPrev: GENESIS_HASH, lastSeq: 40 });
    // No row needed the slow canonical recomputation: the fast encoding is the canonical one.
    expect(checker.fallbacks).toBe(0);
  });

  it('reads rows anywhere in a buffer, and decodes them to their values', () => {
    const { values, tuples } = chain(3);
    const joined = Buffer.concat([Buffer.from('xx'), tuples[0]!, tuples[1]!]);
    const checker = new BinaryRangeChecker();
    expect(checker.add(joined, 2, 2 + tuples[0]!.length)).toBe(true);
    expect(checker.add(joined, 2 + tuples[0]!.length, joined.length)).toBe(true);
    expect(decodeRow(joined, 2 + tuples[0]!.length)).toEqual(values[1]);
    expect(checker.fallbacks).toBe(0);
  });

  it('finds a value altered in any column, after recomputing the row the canonical way', () => {
    for (let column = 1; column <= 10; column++) {
      const { values } = chain(6);
      const altered = [...values[3]!];
      altered[column] = altered[column] === null ? 'x' : `${altered[column]}x`;
      const rows = values.map((v, i) => tuple(i === 3 ? altered : v));
      const checker = new BinaryRangeChecker();
      let i = 0;
      while (i < rows.length && checker.add(rows[i]!, 0, rows[i]!.length)) i++;
      expect({ column: chainColumns[column], bad: checker.report.bad }).toEqual({
        column: chainColumns[column],
        bad: { seq: 4, problem: 'hash_mismatch' },
      });
      expect(checker.fallbacks).toBe(1);
    }
  });

  it('finds an entry whose MAC does not match, even with every hash recomputed', () => {
    const { values } = chain(6);
    const forged = [...values[4]!];
    forged[10] = '{"forged":true}';
    let prev = forged[11] as string;
    const rows: Values[] = values.map((v) => [...v]);
    rows[4] = forged;
    // Recompute the chain from the forged entry on (what an attacker without the MAC key can do).
    for (let i = 4; i < rows.length; i++) {
      const r = rows[i]!;
      r[11] = prev;
      const [seq, ts, org_id, actor_type, actor_id, action, outcome, purpose_code, member_id, error_code, detail] = r;
      r[12] = entryHash(prev, {
        seq: seq as number,
        ts: ts as string,
        org_id: org_id as string | null,
        actor_type: actor_type as string,
        actor_id: actor_id as string | null,
        action: action as string,
        outcome: outcome as string,
        purpose_code: purpose_code as string | null,
        member_id: member_id as string | null,
        error_code: error_code as string | null,
        detail: detail as string,
      });
      prev = r[12] as string;
    }
    const checker = new BinaryRangeChecker();
    for (const r of rows) if (!checker.add(tuple(r), 0, tuple(r).length)) break;
    expect(checker.report).toMatchObject({ lastSeq: 4, bad: { seq: 5, problem: 'mac_mismatch' } });
  });

  it('refuses rows of another shape than chainColumns', () => {
    const checker = new BinaryRangeChecker();
    const short = tuple([1, 'a']);
    expect(() => checker.add(short, 0, short.length)).toThrow(/2 columns/);
  });
});
