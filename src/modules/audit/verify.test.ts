import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { availableDialects, chained, createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { poolOf } from '../../db/database.ts';
import type { AuditLogTable } from '../../db/schema.ts';
import { appendAuditAlone } from './append.ts';
import { entryHash } from './canonical.ts';
import type { Actor } from './events.ts';
import { ChainVerifier, type VerifyOptions, verifyAuditChain } from './verify.ts';

const ENTRIES = 60;
const actor: Actor = { type: 'user', id: 'u-1', orgId: 'org-1', roleId: 'r-1' };

type Row = Omit<AuditLogTable, 'seq' | 'entry_id' | 'mac'> & { seq: number; entry_id?: string | null; mac?: string | null };

describe.each(availableDialects())('audit chain verification on %s', (dialect) => {
  let database: TestDatabase;
  let original: Row[];
  let originalHead: { seq: number; hash: string };

  const rows = async () => (await (await chained(database.db)).selectFrom('audit_log').selectAll().orderBy('seq').execute()) as Row[];
  const head = async () =>
    (await chained(database.db)).selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
  /** What a plain serial walk over every row reports: the reference for the ranged and parallel paths. */
  const serial = async () => {
    const v = new ChainVerifier();
    for (const row of await rows()) if (!v.push(row)) break;
    return v.finish(await head());
  };
  // Many small ranges: in worker threads on SQLite, in this thread, and Kysely pages (PostgreSQL).
  const paths: Record<string, VerifyOptions> = {
    parallel: { workers: 3, rangeSize: 7, parallelFrom: 0, batchSize: 7 },
    ranges: { workers: 0, rangeSize: 7, batchSize: 7 },
    whole: {},
  };
  /** Every path reports exactly what the serial walk reports. */
  const verifyAll = async () => {
    const expected = await serial();
    for (const [name, options] of Object.entries(paths)) {
      expect({ path: name, result: await verifyAuditChain(database.db, options) }).toEqual({ path: name, result: expected });
    }
    return expected;
  };
  const edit = (seq: number, set: Partial<Omit<Row, 'seq'>>) =>
    database.db.updateTable('audit_log').set(set).where('seq', '=', seq).execute();

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    for (let i = 0; i < ENTRIES; i++) {
      await appendAuditAlone(database.db, actor, {
        action: 'member.read',
        outcome: i % 7 === 0 ? 'refused' : 'allowed',
        orgId: 'org-1',
        memberId: `m-${i}`,
        purpose: 'P04',
        ...(i % 7 === 0 ? { errorCode: 'purpose_not_permitted' } : {}),
        // Text that JSON escapes (quotes, backslashes, control characters, non-ASCII) hashes the same on every path.
        detail: { items: ['name', 'phone'], via: i % 5 === 0 ? `窓口 "引用" \\ \n\t\u0001 😀 \u2028 ${i}` : 'api' },
      });
    }
    original = await rows();
    originalHead = await head();
  });
  afterAll(async () => {
    await database?.dispose();
  });
  // Each test tampers; put the chain back as it was.
  beforeEach(async () => {
    await database.db.deleteFrom('audit_log').execute();
    for (const row of original) await database.db.insertInto('audit_log').values(row).execute();
    await database.db.updateTable('audit_head').set(originalHead).where('id', '=', 1).execute();
  });

  it('finds an intact chain intact', async () => {
    const result = await verifyAll();
    expect(result).toEqual({ ok: true, entries: ENTRIES, lastSeq: ENTRIES });
  });

  it('reports an altered row as hash_mismatch at that entry', async () => {
    await edit(20, { detail: original[19]!.detail.replace('phone', 'bank_account') });
    expect((await verifyAll()).firstBad).toMatchObject({ seq: 20, problem: 'hash_mismatch' });
  });

  it('reports a deleted middle row at the entry after the gap', async () => {
    await database.db.deleteFrom('audit_log').where('seq', '=', 30).execute();
    expect((await verifyAll()).firstBad).toMatchObject({ seq: 31, problem: 'sequence_gap' });
  });

  it('reports a deleted first row, and a deleted first row of a range', async () => {
    await database.db.deleteFrom('audit_log').where('seq', '=', 1).execute();
    expect((await verifyAll()).firstBad).toMatchObject({ seq: 2, problem: 'sequence_gap' });
    await database.db.insertInto('audit_log').values(original[0]!).execute();
    // seq 15 starts the third range of 7 (15–21); seq 14 ends the second.
    await database.db.deleteFrom('audit_log').where('seq', 'in', [14]).execute();
    expect((await verifyAll()).firstBad).toMatchObject({ seq: 15, problem: 'sequence_gap' });
  });

  it('reports a forged row with a recomputed hash as a broken link at the next entry', async () => {
    const forged = { ...original[39]!, detail: '{"items":["bank_account"],"via":"api"}' };
    forged.hash = entryHash(forged.prev_hash, forged);
    await edit(40, { detail: forged.detail, hash: forged.hash });
    // On PostgreSQL the entry's MAC (made by its writer, with a key outside the database) names the row itself.
    expect((await verifyAll()).firstBad).toMatchObject(
      dialect === 'postgres' ? { seq: 40, problem: 'mac_mismatch' } : { seq: 41, problem: 'broken_link' },
    );
  });

  it('reports a row inserted in place of another, with its own link, as a broken link', async () => {
    // Entry 22 replaced by an entry chained to 21 as if it had been appended then.
    const prev = original[20]!;
    const forged = { ...original[21]!, action: 'member.update', outcome: 'ok' as const, prev_hash: prev.hash };
    forged.hash = entryHash(forged.prev_hash, forged);
    await edit(22, { action: forged.action, outcome: forged.outcome, hash: forged.hash });
    expect((await verifyAll()).firstBad).toMatchObject(
      dialect === 'postgres' ? { seq: 22, problem: 'mac_mismatch' } : { seq: 23, problem: 'broken_link' },
    );
  });

  it('reports an entry forged after the last one as head_mismatch', async () => {
    const last = original[ENTRIES - 1]!;
    // Without the key a forger can only leave the MAC out (PostgreSQL entries carry one; the id is unique).
    const forged = { ...last, seq: ENTRIES + 1, prev_hash: last.hash, entry_id: null, mac: null };
    forged.hash = entryHash(forged.prev_hash, forged);
    await database.db.insertInto('audit_log').values(forged).execute();
    expect((await verifyAll()).firstBad).toMatchObject({ seq: ENTRIES + 1, problem: 'head_mismatch' });
  });

  it('reports a truncated tail as head_mismatch at the last entry left', async () => {
    await database.db.deleteFrom('audit_log').where('seq', '>', 57).execute();
    const result = await verifyAll();
    expect(result).toMatchObject({ ok: false, entries: 57, lastSeq: 57, firstBad: { seq: 57, problem: 'head_mismatch' } });
  });

  it('finds the same first bad entry on every path when several rows are bad', async () => {
    // A later range is bad too: the first in sequence order wins, whichever worker finishes first.
    await edit(50, { detail: '{}' });
    await edit(9, { prev_hash: '1'.repeat(64) });
    await edit(33, { detail: '{}' });
    expect((await verifyAll()).firstBad).toMatchObject({ seq: 9, problem: 'broken_link' });
    await edit(9, { prev_hash: original[8]!.prev_hash });
    expect((await verifyAll()).firstBad).toMatchObject({ seq: 33, problem: 'hash_mismatch' });
  });

  it('reports an entry altered in the middle of a late range', async () => {
    // Ranges of 7: entry 53 is in the middle of 50–56, the eighth of nine; the ranges before it are intact.
    await edit(53, { detail: original[52]!.detail.replace('api', 'csv') });
    expect((await verifyAll()).firstBad).toMatchObject({ seq: 53, problem: 'hash_mismatch' });
  });

  it('reports an alteration of any column of the chain at that entry', async () => {
    const columns = [
      'ts',
      'org_id',
      'actor_type',
      'actor_id',
      'action',
      'outcome',
      'purpose_code',
      'member_id',
      'error_code',
      'detail',
    ] as const;
    for (const [i, column] of columns.entries()) {
      const seq = 5 + i * 5;
      const was = original[seq - 1]![column];
      await edit(seq, { [column]: was === null ? 'x' : `${was}x` });
      const expected = await serial();
      expect({ column, firstBad: expected.firstBad }).toMatchObject({ column, firstBad: { seq, problem: 'hash_mismatch' } });
      // In this thread, ranges of 7 (the parallel path is covered by every other test).
      expect({ column, result: await verifyAuditChain(database.db, { workers: 0, rangeSize: 7 }) }).toEqual({ column, result: expected });
      await edit(seq, { [column]: was });
    }
  });

  it('reports missing entries across a range boundary, and a whole range missing, at the entry after the gap', async () => {
    // 13 and 14 end the second range, 15 and 16 start the third.
    await database.db.deleteFrom('audit_log').where('seq', '>=', 13).where('seq', '<=', 16).execute();
    expect((await verifyAll()).firstBad).toMatchObject({ seq: 17, problem: 'sequence_gap' });
    for (const row of original.slice(12, 16)) await database.db.insertInto('audit_log').values(row).execute();
    // 22–28 is the fourth range, gone whole: its worker reports nothing, the fifth range starts at 29.
    await database.db.deleteFrom('audit_log').where('seq', '>=', 22).where('seq', '<=', 28).execute();
    expect((await verifyAll()).firstBad).toMatchObject({ seq: 29, problem: 'sequence_gap' });
  });

  it('reports an intact chain whose head does not match as head_mismatch at the last entry', async () => {
    await database.db
      .updateTable('audit_head')
      .set({ hash: original[ENTRIES - 2]!.hash })
      .where('id', '=', 1)
      .execute();
    expect(await verifyAll()).toMatchObject({ ok: false, entries: ENTRIES, firstBad: { seq: ENTRIES, problem: 'head_mismatch' } });
    // A head that claims one entry more than there are.
    await database.db
      .updateTable('audit_head')
      .set({ seq: ENTRIES + 1, hash: originalHead.hash })
      .where('id', '=', 1)
      .execute();
    expect((await verifyAll()).firstBad).toMatchObject({ seq: ENTRIES, problem: 'head_mismatch' });
  });

  // PostgreSQL: every reader adopts the snapshot the head and bounds were read in. (On SQLite each worker reads
  // the file as it is; entries appended meanwhile lie beyond the bounds and are not read either.)
  if (dialect === 'postgres') {
    it('checks the chain as of one snapshot: entries appended and rows altered meanwhile are not seen', async () => {
      for (const options of [paths.parallel!, paths.ranges!]) {
        const result = await verifyAuditChain(database.db, {
          ...options,
          // Committed through other connections after the snapshot is taken, before any range is read.
          afterSnapshot: async () => {
            await appendAuditAlone(database.db, actor, { action: 'member.read', outcome: 'allowed', orgId: 'org-1', detail: {} });
            await edit(52, { detail: '{}' });
          },
        });
        expect(result).toEqual({ ok: true, entries: ENTRIES, lastSeq: ENTRIES });
        // Seen by the next verification.
        expect((await verifyAuditChain(database.db, options)).firstBad).toMatchObject({ seq: 52, problem: 'hash_mismatch' });
        await edit(52, { detail: original[51]!.detail });
        await database.db.deleteFrom('audit_log').where('seq', '>', ENTRIES).execute();
        await database.db.updateTable('audit_head').set(originalHead).where('id', '=', 1).execute();
      }
    });

    it('fails with the reason when a worker cannot connect, and the next run succeeds', async () => {
      const pool = poolOf(database.db)!;
      const saved = pool.options.connectionString!;
      // The pool keeps its idle connection for this thread; the workers' own connections go to a database that is not there.
      await database.db.selectFrom('audit_head').select('seq').execute();
      const url = new URL(saved);
      url.pathname = '/mamori_no_such_database';
      pool.options.connectionString = url.toString();
      try {
        await expect(verifyAuditChain(database.db, paths.parallel!)).rejects.toThrow(/mamori_no_such_database/);
      } finally {
        pool.options.connectionString = saved;
      }
      expect(await verifyAuditChain(database.db, paths.parallel!)).toEqual({ ok: true, entries: ENTRIES, lastSeq: ENTRIES });
    });
  }

  // SQLite only (PostgreSQL columns are typed): defined for SQLite alone rather than reported as skipped elsewhere.
  if (dialect === 'sqlite') {
    it('checks values SQLite cannot encode as JSON (a BLOB) the canonical way', async () => {
      // A BLOB in the last entry, hashed as mamori would hash what it reads back: still a valid chain.
      database.sqlite!.prepare('update audit_log set detail = ? where seq = ?').run(Buffer.from('{"items":[]}'), ENTRIES);
      const [last] = (await rows()).slice(-1);
      const rehashed = entryHash(last!.prev_hash, last!);
      await edit(ENTRIES, { hash: rehashed });
      await database.db.updateTable('audit_head').set({ hash: rehashed }).where('id', '=', 1).execute();
      expect(await verifyAll()).toEqual({ ok: true, entries: ENTRIES, lastSeq: ENTRIES });
      // One written over an entry's text is found as an alteration, not as an error.
      database.sqlite!.prepare('update audit_log set detail = ? where seq = 12').run(Buffer.from('{}'));
      expect((await verifyAll()).firstBad).toMatchObject({ seq: 12, problem: 'hash_mismatch' });
    });
  }

  it('checks an empty chain against its head', async () => {
    await database.db.deleteFrom('audit_log').execute();
    expect((await verifyAll()).firstBad).toMatchObject({ seq: 0, problem: 'head_mismatch' });
    await database.db
      .updateTable('audit_head')
      .set({ seq: 0, hash: '0'.repeat(64) })
      .where('id', '=', 1)
      .execute();
    expect(await verifyAll()).toEqual({ ok: true, entries: 0, lastSeq: 0 });
  });
});
