/**
 * A discovery run (issue 13 §6): reads a sample of every column of a connected system, proposes which data item
 * each holds (connectors/detect.ts) and stores the proposals for a person to confirm or reject. Only names,
 * kinds, confidences and reasons in words are stored — never a sampled value.
 *
 * A column of My Numbers found anywhere raises a `my_number_found` alert and its own audit entry naming the
 * system, table and column, in the transaction that stores the run: a My Number held outside the number's
 * lawful uses is a finding the privacy officer must see (番号法), and mamori does not copy it to look at it.
 *
 * The run is recorded before the system is read, so a run that fails (unreachable, wrong credentials, a
 * timeout) stays in the list with its error code, and the officer runs it again once the cause is fixed.
 */
import { randomUUID } from 'node:crypto';
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError, type ErrorCode } from '../../base/errors.ts';
import { type DiscoveryKindCode, discoveryKindItems } from '../../contract/discovery-vocabulary.ts';
import { iso } from '../../db/time.ts';
import { raiseAlert } from '../audit/alerts.ts';
import { appendAudit } from '../audit/append.ts';
import { proposeMap } from '../connectors/detect.ts';
import { readConnection } from '../systems/read-connection.ts';
import { assertMay } from './permissions.ts';
import { type DiscoveryProposalView, type DiscoveryRunView, listProposals } from './read-discovery.ts';
import { type SampleSystem, sampleSystem } from './sample-system.ts';

export async function runDiscovery(
  ctx: AppContext,
  opts: { actor: StaffActor; code: string; sample?: SampleSystem },
): Promise<{ run: DiscoveryRunView; proposals: DiscoveryProposalView[] }> {
  const { actor, code } = opts;
  assertMay(actor, 'run');
  const connection = await readConnection(ctx.db, ctx.keys, actor.orgId, code);
  const runId = randomUUID();
  await ctx.db
    .insertInto('discovery_runs')
    .values({
      id: runId,
      org_id: actor.orgId,
      system_code: connection.code,
      status: 'running',
      started_by: actor.id,
      started_at: iso(ctx.clock()),
      finished_at: null,
      tables: 0,
      columns: 0,
      proposals: 0,
      my_numbers: 0,
      error_code: null,
    })
    .execute();

  let sample: Awaited<ReturnType<SampleSystem>>;
  try {
    sample = await (opts.sample ?? sampleSystem)(connection);
  } catch (e) {
    const errorCode: ErrorCode = e instanceof AppError ? e.code : 'internal_error';
    await ctx.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('discovery_runs')
        .set({ status: 'failed', finished_at: iso(ctx.clock()), error_code: errorCode })
        .where('id', '=', runId)
        .execute();
      await appendAudit(
        tx,
        actor,
        {
          action: 'discovery.run',
          outcome: 'failed',
          orgId: actor.orgId,
          errorCode,
          detail: { system: connection.code, discovery_run: runId, columns: 0, proposals: 0, my_numbers: 0, error: errorCode },
        },
        ctx.clock,
      );
    });
    return stored(ctx, actor.orgId, code, runId);
  }

  const proposals = proposeMap(sample.columns);
  const myNumbers = proposals.filter((p) => p.kind === 'my_number');
  const now = ctx.clock();
  await ctx.db.transaction().execute(async (tx) => {
    if (proposals.length > 0) {
      await tx
        .insertInto('discovery_proposals')
        .values(
          proposals.map((p) => ({
            id: randomUUID(),
            run_id: runId,
            org_id: actor.orgId,
            table_name: p.table,
            column_name: p.column,
            table_key: sample.keys[p.table] ?? null,
            kind: p.kind,
            item_code: discoveryKindItems[p.kind as DiscoveryKindCode],
            confidence: Math.round(p.confidence * 100),
            reasons: JSON.stringify(p.reasons),
            decision: 'pending' as const,
            decided_by: null,
            decided_at: null,
          })),
        )
        .execute();
    }
    await tx
      .updateTable('discovery_runs')
      .set({
        status: 'done',
        finished_at: iso(now),
        tables: new Set(sample.columns.map((c) => c.table)).size,
        columns: sample.columns.length,
        proposals: proposals.length,
        my_numbers: myNumbers.length,
      })
      .where('id', '=', runId)
      .execute();
    await appendAudit(
      tx,
      actor,
      {
        action: 'discovery.run',
        outcome: 'ok',
        orgId: actor.orgId,
        detail: {
          system: connection.code,
          discovery_run: runId,
          columns: sample.columns.length,
          proposals: proposals.length,
          my_numbers: myNumbers.length,
        },
      },
      ctx.clock,
    );
    for (const p of myNumbers) {
      const where = { system: connection.code, discovery_run: runId, table: p.table, column: p.column };
      const entry = await appendAudit(
        tx,
        actor,
        { action: 'discovery.my_number_found', outcome: 'ok', orgId: actor.orgId, detail: where },
        ctx.clock,
      );
      await raiseAlert(tx, {
        orgId: actor.orgId,
        kind: 'my_number_found',
        actorId: actor.id,
        audit: entry,
        at: now,
        detail: { ...where, system_name: connection.name },
      });
    }
  });
  // The sample is dropped here with the function's scope; only the proposals remain.
  return stored(ctx, actor.orgId, code, runId);
}

async function stored(ctx: AppContext, orgId: string, code: string, runId: string) {
  const { run, proposals } = await listProposals(ctx.db, { orgId, code, runId });
  return { run: run!, proposals };
}
