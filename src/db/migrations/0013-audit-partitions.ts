import { type Kysely, sql } from 'kysely';
import { createMonth } from '../audit-partitions.ts';
import type { DialectName } from '../database.ts';

/**
 * The audit log partitioned by month on PostgreSQL (declarative partitioning, by range of `ts`): a month's entries
 * live in `audit_log_yYYYYmMM`, so that old months can be moved to cheaper storage, detached and archived as a
 * whole, and vacuumed apart, and a search by time reads only its months. Verification, search and the chain
 * read the parent `audit_log` as before: partitioning is invisible to queries.
 *
 * - `ts` is compared byte-wise (COLLATE "C"): ISO-8601 UTC text sorts as time, and a month's range is
 *   ['YYYY-MM', next 'YYYY-MM').
 * - The key is (seq, ts) — a partitioned table's unique keys must include the partition key; the chain itself
 *   proves that sequence numbers are unique and consecutive (`audit verify`). `entry_id` stays unique per month
 *   (a copy of an entry has its time too); the sequencer refuses a second chaining of any entry id anyway.
 * - A default partition catches what no month holds; the sequencer creates the month's partition before it
 *   chains the first entry of a month (audit/sequencer.ts), so the default partition stays empty.
 * - Existing entries are moved month by month into their partitions, in this migration's transaction.
 *
 * SQLite has no partitioning: nothing changes there.
 */
export function auditPartitions(dialect: DialectName) {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the database as it was then.
    async up(db: Kysely<any>) {
      if (dialect !== 'postgres') return;
      await sql`create table audit_log_by_month (
        seq bigint not null,
        ts text collate "C" not null,
        org_id text,
        actor_type text not null,
        actor_id text,
        action text not null,
        outcome text not null,
        purpose_code text,
        member_id text,
        error_code text,
        detail text not null,
        prev_hash text not null,
        hash text not null,
        entry_id text,
        mac text,
        constraint audit_log_by_month_pk primary key (seq, ts)
      ) partition by range (ts)`.execute(db);
      await sql`create table audit_log_default partition of audit_log_by_month default`.execute(db);
      const months = await sql<{ month: string }>`select distinct substr(ts, 1, 7) as month from audit_log order by 1`.execute(db);
      for (const { month } of months.rows) {
        if (/^\d{4}-\d{2}$/.test(month)) await createMonth(db, month, 'audit_log_by_month');
      }
      await sql`insert into audit_log_by_month (seq, ts, org_id, actor_type, actor_id, action, outcome, purpose_code, member_id,
        error_code, detail, prev_hash, hash, entry_id, mac)
        select seq, ts, org_id, actor_type, actor_id, action, outcome, purpose_code, member_id,
        error_code, detail, prev_hash, hash, entry_id, mac from audit_log`.execute(db);
      await sql`drop table audit_log`.execute(db);
      await sql`alter table audit_log_by_month rename to audit_log`.execute(db);
      await sql`alter table audit_log rename constraint audit_log_by_month_pk to audit_log_pk`.execute(db);
      // The indexes of migrations 0007 and 0010, now on every partition.
      await sql`create index audit_org_seq on audit_log (org_id, seq)`.execute(db);
      await sql`create index audit_actor on audit_log (actor_id, seq) where actor_id is not null`.execute(db);
      await sql`create index audit_member on audit_log (member_id, seq) where member_id is not null`.execute(db);
      await sql`create unique index audit_entry_id on audit_log (entry_id, ts) where entry_id is not null`.execute(db);
    },
  };
}
