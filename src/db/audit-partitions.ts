/**
 * The monthly partitions of `audit_log` on PostgreSQL (migration 0013): names and creation. The sequencer
 * (modules/audit/sequencer.ts) creates a month's partition before it chains the month's first entry.
 */
import { type Kysely, sql } from 'kysely';

/** The name of a month's partition: `audit_log_y2026m12`. */
export function monthPartitionName(month: string): string {
  return `audit_log_y${month.slice(0, 4)}m${month.slice(5, 7)}`;
}

/** The month after `YYYY-MM`. */
export function nextMonth(month: string): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 12 ? `${String(y + 1).padStart(4, '0')}-01` : `${month.slice(0, 4)}-${String(m + 1).padStart(2, '0')}`;
}

/** Creates the partition of `month` (`YYYY-MM`) under `parent` if it does not exist. */
// biome-ignore lint/suspicious/noExplicitAny: used by the migration (any schema) and by the sequencer.
export async function createMonth(db: Kysely<any>, month: string, parent = 'audit_log'): Promise<void> {
  if (!/^\d{4}-\d{2}$/.test(month)) throw new Error(`not a month: ${month}`);
  await sql`create table if not exists ${sql.raw(monthPartitionName(month))} partition of ${sql.raw(parent)}
    for values from (${sql.lit(month)}) to (${sql.lit(nextMonth(month))})`.execute(db);
}
