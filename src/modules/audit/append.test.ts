/**
 * Bulk appends: on SQLite through the raw handle, blocks of 64 entries that share everything but member and
 * hashes go through a statement that binds the shared values once. Whatever the mix of blocks, the stored
 * rows are exactly the events, in order, and the chain verifies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects, chained, createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { SqliteTx } from '../../db/database.ts';
import { copyClientOf, transactionWithCopy } from '../../db/pg-copy.ts';
import { appendAuditBatch } from './append.ts';
import type { Actor, AuditEvent } from './events.ts';
import { checkEntryMac } from './mac.ts';
import { verifyAuditChain } from './verify.ts';

const actor: Actor = { type: 'cli', id: null, orgId: null, label: 'test:bulk' };

/** 64 alike, 64 alike but one, a partial block, 64 of another kind, and a tail: every path of the append. */
function events(): AuditEvent[] {
  const created = { run: 'r-1', change: 'created' as const };
  const out: AuditEvent[] = [];
  for (let i = 0; i < 64; i++) out.push({ action: 'member.import', outcome: 'ok', orgId: 'org-1', memberId: `m-${i}`, detail: created });
  for (let i = 64; i < 128; i++) {
    out.push(
      i === 100
        ? { action: 'member.import', outcome: 'ok', orgId: 'org-1', memberId: `m-${i}`, detail: { run: 'r-1', change: 'updated' } }
        : { action: 'member.import', outcome: 'ok', orgId: 'org-1', memberId: `m-${i}`, detail: created },
    );
  }
  for (let i = 128; i < 192; i++) {
    out.push({
      action: 'input.my_number_rejected',
      outcome: 'refused',
      orgId: 'org-2',
      errorCode: 'my_number',
      detail: { path: 'import:members', run: 'r-1', line: i, fields: ['note'] },
    });
  }
  for (let i = 192; i < 256; i++)
    out.push({
      action: 'member.read',
      outcome: 'allowed',
      orgId: 'org-1',
      purpose: 'P04',
      memberId: `m-${i}`,
      detail: { items: ['name'] },
    });
  for (let i = 256; i < 270; i++) out.push({ action: 'member.import', outcome: 'ok', orgId: 'org-1', memberId: `m-${i}`, detail: created });
  return out;
}

describe.each(availableDialects())('bulk audit append on %s', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });
  afterAll(() => database?.close());
  /** The chain's entries after sequence number `seq`, in order (on PostgreSQL once the queue is chained). */
  const entriesAfter = async (seq: number | string) =>
    (await chained(database.db)).selectFrom('audit_log').selectAll().where('seq', '>', Number(seq)).orderBy('seq').execute();

  it('stores every event as given, in order, with a chain that verifies', async () => {
    const given = events();
    const before = await (await chained(database.db)).selectFrom('audit_head').select('seq').where('id', '=', 1).executeTakeFirstOrThrow();
    const appended = await database.db.transaction().execute(async (tx) => {
      const raw = database.sqlite;
      // On SQLite the raw handle runs inside the transaction Kysely holds (as the import does).
      return appendAuditBatch(raw ? new SqliteTx(raw) : tx, actor, given);
    });
    if (dialect === 'sqlite') expect(appended.map((e) => e.seq)).toEqual(given.map((_, i) => Number(before.seq) + 1 + i));
    // PostgreSQL: queued in the order given; the sequencer chains them in that order (queue ids ascend).
    else expect(new Set(appended.map((e) => e.entryId)).size).toBe(given.length);

    const rows = await entriesAfter(before.seq);
    expect(rows.map((r) => [r.action, r.outcome, r.org_id, r.purpose_code, r.member_id, r.error_code, JSON.parse(r.detail)])).toEqual(
      given.map((e) => [
        e.action,
        e.outcome,
        e.orgId,
        e.purpose ?? null,
        e.memberId ?? null,
        e.errorCode ?? null,
        { ...e.detail, actor: 'test:bulk' },
      ]),
    );
    if (dialect === 'sqlite') expect(rows.map((r) => r.hash)).toEqual(appended.map((e) => e.hash));
    else expect(rows.map((r) => r.entry_id)).toEqual(appended.map((e) => e.entryId));
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true });
  });

  if (dialect === 'postgres') {
    it('in a COPY transaction (an import) queues the same rows by COPY, each with the MAC the sequencer expects', async () => {
      const odd = {
        run: 'r-2',
        change: 'updated' as const,
        fields: ['tab\there', 'line\nbreak', 'back\\slash', '"quoted"', '全角　空白', '\\N'],
      };
      const given: AuditEvent[] = [
        ...events(),
        ...Array.from(
          { length: 40 },
          (_, i): AuditEvent => ({
            action: 'member.import',
            outcome: 'ok',
            orgId: 'org-1',
            memberId: i % 2 ? `odd\t"${i}"` : `odd-${i}`,
            detail: odd,
          }),
        ),
        { action: 'member.import', outcome: 'ok', orgId: 'org-1', detail: odd },
      ];
      const before = await (await chained(database.db))
        .selectFrom('audit_head')
        .select('seq')
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
      const appended = await transactionWithCopy(database.db, async (tx) => {
        expect(copyClientOf(tx)).toBeDefined();
        return appendAuditBatch(tx, actor, given);
      });
      const rows = await entriesAfter(before.seq);
      expect(rows.map((r) => r.entry_id)).toEqual(appended.map((e) => e.entryId));
      expect(rows.map((r) => [r.action, r.org_id, r.member_id, r.error_code, JSON.parse(r.detail)])).toEqual(
        given.map((e) => [e.action, e.orgId ?? null, e.memberId ?? null, e.errorCode ?? null, { ...e.detail, actor: 'test:bulk' }]),
      );
      // Every MAC made from the shared parts is the one made from the whole entry: none recorded as tampered.
      for (const r of rows) expect(checkEntryMac({ ...r, entry_id: r.entry_id! }, r.mac!)).toBe('ok');
      expect(rows.some((r) => r.action === 'audit.queue_tampered')).toBe(false);
      expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true });
    });
  }
});
