import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../database.ts';

/**
 * The audit queue (PostgreSQL): writers no longer take the chain head's row lock. Each entry is inserted into
 * `audit_queue` in the writer's own transaction, with a random `entry_id` and a keyed MAC over its content, and
 * the sequencer (audit/sequencer.ts) gives queued entries their place in the chain in batches. See
 * ARCHITECTURE.md "The audit trail on PostgreSQL".
 *
 * - `audit_queue`: the queued entries; `id` orders them (an identity, assigned at insert, no lock).
 * - `audit_log.entry_id`, `audit_log.mac`: carried over from the queue; unique on PostgreSQL, so an entry
 *   queued twice is never sequenced twice. Null on SQLite, which appends under its write lock as before.
 * - `audit_head.sequenced_at`: when the sequencer last finished a batch (readiness and lag).
 * - `alerts.audit_entry`: an alert raised with a read names its entry by `entry_id` until the sequencer fills
 *   in `audit_seq`.
 * - `access_counters` is unchanged; on PostgreSQL the read counters are spread over several rows per actor and
 *   hour (audit/alerts.ts), so concurrent reads of one user no longer wait for each other on one row.
 */
export function auditQueue(dialect: DialectName) {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the database as it was then.
    async up(db: Kysely<any>) {
      const bigint = dialect === 'postgres' ? 'bigint' : 'integer';
      await db.schema
        .createTable('audit_queue')
        .addColumn('id', bigint, (c) =>
          dialect === 'postgres' ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement(),
        )
        .addColumn('entry_id', 'text', (c) => c.notNull())
        .addColumn('ts', 'text', (c) => c.notNull())
        .addColumn('org_id', 'text')
        .addColumn('actor_type', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('purpose_code', 'text')
        .addColumn('member_id', 'text')
        .addColumn('error_code', 'text')
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('mac', 'text', (c) => c.notNull())
        .execute();
      await db.schema.alterTable('audit_log').addColumn('entry_id', 'text').execute();
      await db.schema.alterTable('audit_log').addColumn('mac', 'text').execute();
      await db.schema
        .createIndex('audit_entry_id')
        .unique()
        .on('audit_log')
        .column('entry_id')
        .where(sql.ref('entry_id'), 'is not', null)
        .execute();
      await db.schema.alterTable('audit_head').addColumn('sequenced_at', 'text').execute();
      await db.schema.alterTable('alerts').addColumn('audit_entry', 'text').execute();
      await db.schema
        .createIndex('alerts_unsequenced')
        .on('alerts')
        .column('audit_entry')
        .where(sql.ref('audit_seq'), 'is', null)
        .execute();
    },
  };
}
