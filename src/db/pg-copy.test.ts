import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects, createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { copyClientOf, copyIn, copyInLater, copyText, flushCopies, settleCopies, transactionWithCopy } from './pg-copy.ts';

describe('COPY text values', () => {
  it('escapes what COPY would read otherwise, and writes null as \\N', () => {
    expect(copyText(null)).toBe('\\N');
    expect(copyText(undefined)).toBe('\\N');
    expect(copyText(12)).toBe('12');
    expect(copyText('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(copyText('\\N')).toBe('\\\\N');
    expect(copyText('生協 🌾')).toBe('生協 🌾');
  });
});

describe.each(availableDialects())('transactionWithCopy on %s', (dialect) => {
  let d: TestDatabase;
  beforeAll(async () => {
    d = await createTestDatabase(dialect);
    await sql`create table copy_probe (id integer primary key, note text, amount bigint)`.execute(d.db);
  });
  afterAll(async () => {
    await d?.dispose();
  });

  if (dialect === 'sqlite') {
    it('is a plain transaction on SQLite, without a COPY client', async () => {
      const seen = await transactionWithCopy(d.db, async (tx) => copyClientOf(tx));
      expect(seen).toBeUndefined();
    });
    return;
  }

  const values = ['tab\there', 'line\nbreak', 'carriage\rreturn', 'back\\slash', '\\N', '', '組合員 🌾', null];

  it('copies rows inside the transaction, values exactly as given, and commits them with it', async () => {
    const n = await transactionWithCopy(d.db, async (tx) => {
      const client = copyClientOf(tx);
      expect(client).toBeDefined();
      const lines = values.map((v, i) => `${i}\t${copyText(v)}\t${copyText(i * 1_000_000_000)}\n`);
      const rows = await copyIn(client!, 'copy copy_probe (id, note, amount) from stdin', lines);
      // The same connection: the transaction sees the rows before commit.
      const inside = await tx
        .selectFrom('copy_probe' as never)
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow();
      expect(inside).toEqual({ n: values.length });
      return rows;
    });
    expect(n).toBe(values.length);
    const rows = await sql<{
      id: number;
      note: string | null;
      amount: number;
    }>`select id, note, amount from copy_probe order by id`.execute(d.db);
    expect(rows.rows.map((r) => r.note)).toEqual(values);
    expect(rows.rows.map((r) => r.amount)).toEqual(values.map((_, i) => i * 1_000_000_000));
  });

  it('rolls the copied rows back with the transaction, and a bad line fails the COPY with the server’s error', async () => {
    await sql`delete from copy_probe`.execute(d.db);
    await expect(
      transactionWithCopy(d.db, async (tx) => {
        await copyIn(copyClientOf(tx)!, 'copy copy_probe (id, note, amount) from stdin', ['1\tkept?\t1\n']);
        throw new Error('later step failed');
      }),
    ).rejects.toThrow('later step failed');
    await expect(
      transactionWithCopy(d.db, (tx) =>
        copyIn(copyClientOf(tx)!, 'copy copy_probe (id, note, amount) from stdin', ['2\tok\t2\n', '3\tnot a number\tx\n']),
      ),
    ).rejects.toMatchObject({ code: '22P02' });
    const left = await sql<{ n: number }>`select count(*)::int as n from copy_probe`.execute(d.db);
    expect(left.rows[0]!.n).toBe(0);
    // The pool's connections still work afterwards.
    await transactionWithCopy(d.db, (tx) => copyIn(copyClientOf(tx)!, 'copy copy_probe (id, note, amount) from stdin', ['4\tafter\t4\n']));
    expect((await sql<{ n: number }>`select count(*)::int as n from copy_probe`.execute(d.db)).rows[0]!.n).toBe(1);
  });

  it('sends COPYs ahead without waiting: later statements see them in order; a failed one fails the transaction', async () => {
    await sql`delete from copy_probe`.execute(d.db);
    const seen = await transactionWithCopy(d.db, async (tx) => {
      for (let i = 0; i < 10; i++) await copyInLater(tx, 'copy copy_probe (id, note, amount) from stdin', [`${100 + i}\tn${i}\t${i}\n`]);
      // Small lines are gathered, not sent yet: a read sees none of them.
      const before = (await sql<{ n: number }>`select count(*)::int as n from copy_probe`.execute(tx)).rows[0]!.n;
      expect(before).toBe(0);
      // Once flushed, a read issued runs after the COPY on the same connection, without waiting for it first.
      flushCopies(tx);
      return (await sql<{ n: number }>`select count(*)::int as n from copy_probe`.execute(tx)).rows[0]!.n;
    });
    expect(seen).toBe(10);
    await expect(
      transactionWithCopy(d.db, async (tx) => {
        await copyInLater(tx, 'copy copy_probe (id, note, amount) from stdin', ['200\tfine\t1\n']);
        await copyInLater(tx, 'copy copy_probe (id, note, amount) from stdin', ['100\tduplicate key\t1\n']);
        await copyInLater(tx, 'copy copy_probe (id, note, amount) from stdin', ['201\tafter the failure\t1\n']).catch(() => {});
        await settleCopies(tx);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    const ids = await sql<{ id: number }>`select id from copy_probe order by id`.execute(d.db);
    expect(ids.rows.map((r) => r.id)).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
  });

  it('gathers many lines into COPYs of a few MiB, sends them while more are given, and loses none', async () => {
    await sql`delete from copy_probe`.execute(d.db);
    const note = 'あ'.repeat(300); // multi-byte text: 900 bytes a line in UTF-8
    const lines = Array.from({ length: 60_500 }, (_, i) => `${1000 + i}\t${note}\t${i}\n`); // ~54 MB
    await transactionWithCopy(d.db, async (tx) => {
      for (let i = 0; i < lines.length; i += 1000)
        await copyInLater(tx, 'copy copy_probe (id, note, amount) from stdin', lines.slice(i, i + 1000));
      // Most of it has gone out by now (only the last few MiB are still gathered).
      const sent = (await sql<{ n: number }>`select count(*)::int as n from copy_probe`.execute(tx)).rows[0]!.n;
      expect(sent).toBeGreaterThan(30_000);
      expect(sent).toBeLessThan(60_500);
      await settleCopies(tx);
    });
    const r = await sql<{ n: number; sum: string; bad: number }>`select count(*)::int as n, sum(amount)::text as sum,
      count(*) filter (where note <> ${note})::int as bad from copy_probe`.execute(d.db);
    expect(r.rows[0]).toEqual({ n: 60_500, sum: String((60_499 * 60_500) / 2), bad: 0 });
  });

  it('gives each of several concurrent transactions its own client', async () => {
    const clients = await Promise.all(
      [1, 2, 3].map(() =>
        transactionWithCopy(d.db, async (tx) => {
          await new Promise((r) => setTimeout(r, 20));
          return copyClientOf(tx);
        }),
      ),
    );
    expect(new Set(clients).size).toBe(3);
  });
});
