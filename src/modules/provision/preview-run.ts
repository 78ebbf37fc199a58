/**
 * The preview of a provision run (提供の事前確認): who would be included, who left out by reason, the recipient
 * and the items — saved as a run the officer then confirms. Nothing is provided and no record is written yet;
 * the preview is audited with its counts.
 */
import { randomUUID } from 'node:crypto';
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import type { ProvisionRunTable } from '../../db/schema.ts';
import { iso } from '../../db/time.ts';
import { appendAudit } from '../audit/append.ts';
import { evaluateRun, type RunInput } from './evaluate-run.ts';
import { expandPopulation, type Population } from './population.ts';
import { type ProvisionRunView, presentRun } from './presenter.ts';
import { fileFields } from './run-file.ts';

export interface ProvisionRunPreview extends ProvisionRunView {
  recipient: { name: string; address: string | null; representative: string | null; country: string | null };
  /** The register's items the member ledger does not hold: named in the preview, not in the file. */
  items_outside_ledger: string[];
}

export async function previewRun(
  ctx: AppContext,
  opts: { actor: StaffActor; input: Omit<RunInput, 'population'> & { population: Population }; via: 'api' | 'cli' },
): Promise<ProvisionRunPreview> {
  const { actor, input } = opts;
  // A connected system is read before the transaction (a remote system's answer never holds mamori's locks).
  const population = await expandPopulation(ctx, actor.orgId, input.population);
  const outcome = await ctx.db.transaction().execute(async (tx) => {
    let run: Awaited<ReturnType<typeof evaluateRun>>;
    try {
      run = await evaluateRun(tx, actor.orgId, { ...input, population });
    } catch (error) {
      if (!(error instanceof AppError) || error.code === 'validation_failed') throw error;
      // A refusal of the run itself (unknown or foreign recipient without Art. 28 information) is audited.
      await appendAudit(
        tx,
        actor,
        {
          action: 'provision.preview',
          outcome: 'refused',
          orgId: actor.orgId,
          errorCode: error.code,
          detail: { third_party: input.thirdPartyCode, via: opts.via },
        },
        ctx.clock,
      );
      return { refused: error };
    }
    const now = iso(ctx.clock());
    const row: ProvisionRunTable = {
      id: randomUUID(),
      org_id: actor.orgId,
      third_party_code: run.party.code,
      recipient_name: run.party.name,
      items: JSON.stringify(run.items),
      legal_basis: run.basis,
      exception_reason: run.basis === 'consent' ? null : (input.exceptionReason?.trim() ?? null),
      record_mode: run.recordMode,
      retention: run.retention,
      population: JSON.stringify(input.population),
      status: 'previewed',
      included: run.included.length,
      excluded: JSON.stringify(run.excluded),
      policy_version: run.policyVersion,
      continuous_id: null,
      occurred_on: null,
      created_at: now,
      created_by: actor.id,
      confirmed_at: null,
      confirmed_by: null,
    };
    await tx.insertInto('provision_runs').values(row).execute();
    await appendAudit(
      tx,
      actor,
      {
        action: 'provision.preview',
        outcome: 'ok',
        orgId: actor.orgId,
        detail: {
          run: row.id,
          third_party: row.third_party_code,
          legal_basis: row.legal_basis,
          included: row.included,
          excluded: run.excluded,
          via: opts.via,
        },
      },
      ctx.clock,
    );
    const ledgerItems = await tx.selectFrom('data_items').select('code').where('org_id', '=', actor.orgId).execute();
    const held = new Set(ledgerItems.map((i) => i.code));
    return {
      preview: {
        ...presentRun(row),
        recipient: {
          name: run.party.name,
          address: run.party.address ?? null,
          representative: run.party.representative ?? null,
          country: run.party.country ?? null,
        },
        items_outside_ledger: run.items.filter((i) => !held.has(i) || !fileFields.has(i)),
      },
    };
  });
  if ('refused' in outcome) throw outcome.refused;
  return outcome.preview;
}
