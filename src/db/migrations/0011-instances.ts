import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../database.ts';

/**
 * Several instances on one PostgreSQL: the rate limits of @fastify/rate-limit counted in the database
 * (`rate_limits`, one row per limited route and client address, hashed), so that two instances do not double
 * every limit. On PostgreSQL the table is UNLOGGED: counters of the current minute are not worth a WAL write
 * per request, and a crash that empties them only restarts the windows. SQLite gets the same table for one
 * schema history but never uses it (one process keeps its limits in memory).
 */
export function instances(dialect: DialectName) {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the database as it was then.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('rate_limits')
        .$call((t) => (dialect === 'postgres' ? t.modifyFront(sql`unlogged`) : t))
        .addColumn('key_hash', 'text', (c) => c.primaryKey())
        .addColumn('hits', 'integer', (c) => c.notNull())
        // Milliseconds since the epoch (the database's clock), when the window ends.
        .addColumn('window_ends', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('rate_limits_window_ends').on('rate_limits').column('window_ends').execute();
    },
  };
}
