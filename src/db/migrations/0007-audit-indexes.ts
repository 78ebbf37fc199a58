import { type Kysely, sql } from 'kysely';

/**
 * The audit log's secondary indexes, fitted to the queries that use them (audit/search.ts), each entry's
 * cost being paid by every append (a bulk import appends one entry per member):
 * - `audit_org_ts (org_id, ts)` → `audit_org_seq (org_id, seq)`: the audit screen lists an organization's
 *   entries newest first by sequence number and pages by it; with `ts` in the key the database sorted all of
 *   the organization's entries for every page (1.8 s at a million entries), now it reads the first 101. A
 *   time range is a filter on that walk. The key is also smaller (a number instead of 24 characters).
 * - `audit_actor (actor_id, seq)` and `audit_member (member_id, seq)` → the same, only where the id is set:
 *   entries of the CLI and of jobs have no actor id, sign-ins, searches and an import's closing entry no
 *   member id, and no one searches for a missing id (searches are `actor_id = ?` and `member_id = ?`, which
 *   the partial indexes serve). So an import's million entries stay out of `audit_actor`, and its closing
 *   entry no longer changes the first page of `audit_member` (all entries without a member sort there): on
 *   SQLite, changing a page written early in a large transaction makes the commit rewrite the checksum of
 *   every later page in the write-ahead log (200,000 of them for a million members).
 */
export const auditIndexes = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the database as it was then.
  async up(db: Kysely<any>) {
    await db.schema.dropIndex('audit_org_ts').execute();
    await db.schema.createIndex('audit_org_seq').on('audit_log').columns(['org_id', 'seq']).execute();
    for (const [name, column] of [
      ['audit_actor', 'actor_id'],
      ['audit_member', 'member_id'],
    ] as const) {
      await db.schema.dropIndex(name).execute();
      await db.schema.createIndex(name).on('audit_log').columns([column, 'seq']).where(sql.ref(column), 'is not', null).execute();
    }
  },
};
