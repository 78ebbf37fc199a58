/**
 * Audit search over the indexes of migration 0007: entries without an actor or a member (the CLI, an
 * import's closing entry) are in no partial index, and still found by organization and time; by member and
 * by actor the search finds every entry, and on SQLite each search walks the index meant for it, newest first,
 * without sorting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects, chained, createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { appendAuditAlone } from './append.ts';
import type { Actor, AuditEvent } from './events.ts';
import { type AuditQuery, auditSearchQuery, searchAudit } from './search.ts';

const ORG = 'org-a';
const OTHER = 'org-b';
const staff: Actor = { type: 'user', id: 'user-1', orgId: ORG, roleId: 'role-1' };
const cli: Actor = { type: 'cli', id: null, orgId: null, label: 'test:search' };
const read = (memberId: string, orgId = ORG): AuditEvent => ({
  action: 'member.read',
  outcome: 'allowed',
  orgId,
  purpose: 'P04',
  memberId,
  detail: { items: ['name'], via: 'test' },
});
const imported = (memberId: string): AuditEvent => ({
  action: 'member.import',
  outcome: 'ok',
  orgId: ORG,
  memberId,
  detail: { run: 'run-1', change: 'created' },
});
const closing: AuditEvent = { action: 'import.run', outcome: 'ok', orgId: ORG, detail: { run: 'run-1', created: 2 } };

describe.each(availableDialects())('audit search on %s', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    // One entry a minute from 09:00: [actor, event]
    const entries: [Actor, AuditEvent][] = [
      [cli, imported('m-1')],
      [cli, imported('m-2')],
      [cli, closing],
      [staff, read('m-1')],
      [staff, read('m-2')],
      [staff, read('m-9', OTHER)],
      [staff, read('m-1')],
    ];
    for (const [i, [actor, event]] of entries.entries()) {
      const at = new Date(Date.UTC(2026, 3, 1, 9, i));
      await appendAuditAlone(database.db, actor, event, () => at);
    }
    await chained(database.db);
  });
  afterAll(async () => {
    await database?.dispose();
  });

  const seqs = async (q: Omit<AuditQuery, 'orgId'>) => (await searchAudit(database.db, { orgId: ORG, ...q })).entries.map((e) => e.seq);

  it('finds entries without an actor or a member by organization and time, newest first, page by page', async () => {
    expect(await seqs({})).toEqual([7, 5, 4, 3, 2, 1]);
    expect(await seqs({ from: '2026-04-01T09:02:00.000Z', to: '2026-04-01T09:05:00.000Z' })).toEqual([5, 4, 3]);
    const first = await searchAudit(database.db, { orgId: ORG, limit: 4 });
    expect(first.next_before).toBe(3);
    expect(await seqs({ before: first.next_before!, limit: 4 })).toEqual([2, 1]);
    expect(await seqs({ action: 'import.run' })).toEqual([3]);
  });

  it('finds every entry of a member, whoever acted, and every entry of an actor', async () => {
    expect(await seqs({ memberId: 'm-1' })).toEqual([7, 4, 1]);
    expect(await seqs({ memberId: 'm-9' })).toEqual([]);
    expect(await seqs({ actorId: 'user-1' })).toEqual([7, 5, 4]);
    expect(await seqs({ actorId: 'user-1', memberId: 'm-2' })).toEqual([5]);
  });

  // SQLite's query planner only: defined for that dialect, never skipped on the other.
  if (dialect === 'sqlite') {
    it('walks the index meant for each search, without sorting', () => {
      // Without statistics SQLite breaks ties between indexes by their order in the schema: the organization's
      // index made last (as on a database where it was rebuilt) must still not be chosen for a member or an actor.
      database.sqlite!.exec('drop index audit_org_seq; create index audit_org_seq on audit_log (org_id, seq)');
      const plan = (q: Omit<AuditQuery, 'orgId'>) => {
        const { sql, parameters } = auditSearchQuery(database.db, { orgId: ORG, ...q }, 100).compile();
        const rows = database.sqlite!.prepare(`explain query plan ${sql}`).all(...parameters) as { detail: string }[];
        return rows.map((r) => r.detail).join(' | ');
      };
      for (const [q, index] of [
        [{}, 'audit_org_seq'],
        [{ before: 5 }, 'audit_org_seq'],
        [{ from: '2026-04-01T09:00:00.000Z', action: 'member.read' }, 'audit_org_seq'],
        [{ memberId: 'm-1' }, 'audit_member'],
        [{ actorId: 'user-1', from: '2026-04-01T09:00:00.000Z' }, 'audit_actor'],
      ] as const) {
        const p = plan(q);
        expect(p, JSON.stringify(q)).toMatch(new RegExp(`SEARCH audit_log USING INDEX ${index} `));
        expect(p, JSON.stringify(q)).not.toContain('TEMP B-TREE');
      }
    });
  }
});
