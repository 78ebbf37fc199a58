/**
 * The `import_runs` table: one row per import of a file (not for dry runs). A run is `running` from its
 * start (committed on its own, so an interrupted run stays visible), and becomes `completed` in the same
 * transaction as its data, or `failed`. A run still `running` when the next import of the organization
 * starts was interrupted (its data was rolled back); that import marks it `failed`.
 */
import type { DbOrTx } from '../../db/database.ts';
import type { ImportRunTable } from '../../db/schema.ts';
import type { Actor } from '../audit/events.ts';

export type RunCounts = Pick<ImportRunTable, 'rows_total' | 'rows_created' | 'rows_updated' | 'rows_unchanged' | 'rows_rejected'>;

export const noCounts: RunCounts = { rows_total: 0, rows_created: 0, rows_updated: 0, rows_unchanged: 0, rows_rejected: 0 };

export function actorName(actor: Actor): string {
  if (actor.type === 'user') return actor.login ?? actor.id;
  if (actor.type === 'anonymous') return 'anonymous';
  if (actor.type === 'member') return `member:${actor.id}`;
  return actor.label;
}

export async function startRun(
  db: DbOrTx,
  run: { id: string; orgId: string; file: string; actor: Actor; at: string; status?: 'running' | 'failed'; sha256?: string },
): Promise<void> {
  await db
    .insertInto('import_runs')
    .values({
      id: run.id,
      org_id: run.orgId,
      file_name: run.file,
      file_sha256: run.sha256 ?? '',
      started_at: run.at,
      finished_at: run.status === 'failed' ? run.at : null,
      status: run.status ?? 'running',
      ...noCounts,
      actor: actorName(run.actor),
    })
    .execute();
}

export async function finishRun(
  db: DbOrTx,
  id: string,
  outcome: { status: 'completed' | 'failed'; at: string; sha256: string; counts: RunCounts },
): Promise<void> {
  await db
    .updateTable('import_runs')
    .set({ status: outcome.status, finished_at: outcome.at, file_sha256: outcome.sha256, ...outcome.counts })
    .where('id', '=', id)
    .execute();
}

/** Marks the organization's earlier runs that are still `running` as failed; returns how many. */
export async function markInterruptedRuns(db: DbOrTx, orgId: string, currentId: string, at: string): Promise<number> {
  const result = await db
    .updateTable('import_runs')
    .set({ status: 'failed', finished_at: at })
    .where('org_id', '=', orgId)
    .where('status', '=', 'running')
    .where('id', '!=', currentId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
