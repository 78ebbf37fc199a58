/**
 * Disposal of provision and receipt records past their keeping date (Rules 20, 24: 3 years, or 1 year where a
 * contract stands in; a continuous record from its last entry). Run daily by the job `dispose_provision_records`
 * (modules/jobs/catalogue.ts). Each organization's disposal is one transaction that deletes the records, writes a
 * disposal record (kind, how many, the oldest and newest dates, when, by which job run) and audits it; the list
 * of people of a run whose records are gone goes too (its file can no longer be made). Idempotent: a second run
 * on the same day finds nothing left to dispose of.
 */
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../base/context.ts';
import { addYears, PROVISION_CONTRACT_KEEP_YEARS, provisionKeepUntil } from '../../base/rules.ts';
import type { Tx } from '../../db/database.ts';
import type { ProvisionDisposalTable } from '../../db/schema.ts';
import { iso, japanDate } from '../../db/time.ts';
import { appendAudit } from '../audit/append.ts';
import type { Actor } from '../audit/events.ts';

export const DISPOSAL_JOB = 'dispose_provision_records';

export interface DisposalResult {
  records: number;
  continuous: number;
  run_lists: number;
}

export async function disposeExpiredRecords(ctx: AppContext, run: { dueAt: string } | null = null): Promise<DisposalResult> {
  const now = ctx.clock();
  const today = japanDate(now);
  const jobRun = run
    ? await ctx.db.selectFrom('job_runs').select('id').where('job', '=', DISPOSAL_JOB).where('due_at', '=', run.dueAt).executeTakeFirst()
    : undefined;
  const jobRunId = jobRun?.id ?? null;
  const orgs = new Set<string>();
  for (const r of await ctx.db.selectFrom('provision_records').select('org_id').distinct().where('keep_until', '<', today).execute()) {
    orgs.add(r.org_id);
  }
  for (const r of await ctx.db
    .selectFrom('provision_continuous_records')
    .select('org_id')
    .distinct()
    .where('keep_until', '<', today)
    .execute()) {
    orgs.add(r.org_id);
  }
  const total: DisposalResult = { records: 0, continuous: 0, run_lists: 0 };
  for (const orgId of [...orgs].sort()) {
    const done = await ctx.db.transaction().execute((tx) => disposeForOrg(ctx, tx, { orgId, today, at: iso(now), run, jobRunId }));
    total.records += done.records;
    total.continuous += done.continuous;
  }
  total.run_lists = await pruneRunLists(ctx, today);
  return total;
}

async function disposeForOrg(
  ctx: AppContext,
  tx: Tx,
  o: { orgId: string; today: string; at: string; run: { dueAt: string } | null; jobRunId: string | null },
): Promise<{ records: number; continuous: number }> {
  const actor: Actor = { type: 'system', id: null, orgId: o.orgId, label: DISPOSAL_JOB };
  const write = async (kind: ProvisionDisposalTable['kind'], count: number, oldest: string, newest: string) => {
    const row: ProvisionDisposalTable = {
      id: randomUUID(),
      org_id: o.orgId,
      kind,
      count,
      oldest_on: oldest,
      newest_on: newest,
      disposed_at: o.at,
      job: o.run ? DISPOSAL_JOB : null,
      job_due_at: o.run?.dueAt ?? null,
      job_run_id: o.jobRunId,
    };
    await tx.insertInto('provision_disposals').values(row).execute();
    await appendAudit(
      tx,
      actor,
      {
        action: 'provision.dispose',
        outcome: 'ok',
        orgId: o.orgId,
        detail: { disposal: row.id, kind, count, oldest_on: oldest, newest_on: newest, job_run: o.jobRunId },
      },
      ctx.clock,
    );
  };

  // Single records (one per person and provision or receipt).
  const single = await tx
    .selectFrom('provision_records')
    .select((eb) => [
      eb.fn.countAll<number | string>().as('n'),
      eb.fn.min('occurred_on').as('oldest'),
      eb.fn.max('occurred_on').as('newest'),
    ])
    .where('org_id', '=', o.orgId)
    .where('continuous_id', 'is', null)
    .where('keep_until', '<', o.today)
    .executeTakeFirstOrThrow();
  const records = Number(single.n);
  if (records > 0) {
    await tx
      .deleteFrom('provision_records')
      .where('org_id', '=', o.orgId)
      .where('continuous_id', 'is', null)
      .where('keep_until', '<', o.today)
      .execute();
    await write('record', records, String(single.oldest), String(single.newest));
  }

  // Continuous records, with their people's entries.
  const expired = await tx
    .selectFrom('provision_continuous_records')
    .select(['id', 'first_on', 'last_on'])
    .where('org_id', '=', o.orgId)
    .where('keep_until', '<', o.today)
    .execute();
  if (expired.length > 0) {
    const ids = expired.map((c) => c.id);
    await tx.deleteFrom('provision_records').where('continuous_id', 'in', ids).execute();
    await tx.updateTable('provision_runs').set({ continuous_id: null }).where('continuous_id', 'in', ids).execute();
    await tx.deleteFrom('provision_continuous_records').where('id', 'in', ids).execute();
    const oldest = expired.map((c) => c.first_on).sort()[0]!;
    const newest = expired
      .map((c) => c.last_on)
      .sort()
      .at(-1)!;
    await write('continuous', expired.length, oldest, newest);
  }
  return { records, continuous: expired.length };
}

/** Drops the list of people of confirmed runs whose keeping period has ended (the run's counts stay). */
async function pruneRunLists(ctx: AppContext, today: string): Promise<number> {
  const runs = await ctx.db
    .selectFrom('provision_runs')
    .select(['id', 'occurred_on', 'retention'])
    .where('status', '=', 'confirmed')
    .where('occurred_on', 'is not', null)
    // The shortest keeping period bounds the search; each run's own basis decides.
    .where('occurred_on', '<', addYears(today, -PROVISION_CONTRACT_KEEP_YEARS))
    .execute();
  let pruned = 0;
  for (const r of runs) {
    if (provisionKeepUntil(r.occurred_on!, r.retention) >= today) continue;
    const res = await ctx.db.deleteFrom('provision_run_members').where('run_id', '=', r.id).executeTakeFirst();
    pruned += Number(res.numDeletedRows) > 0 ? 1 : 0;
  }
  return pruned;
}
