/**
 * Confirming a previewed provision run (提供の実行): the population is decided again at this moment (a consent
 * withdrawn since the preview leaves the person out), the people included are kept with the run (the file is
 * made from them), and the Art. 29 records are written — one per person, or the people's entries in the
 * recipient's continuous-provision record, extended by this run — in the transaction that audits the run.
 * An Art. 27(1) exception writes no record, but the run and its exclusions are audited all the same.
 */
import { randomUUID } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { provisionKeepUntil } from '../../base/rules.ts';
import type { Tx } from '../../db/database.ts';
import type { ProvisionContinuousRecordTable, ProvisionRecordTable, ProvisionRunTable } from '../../db/schema.ts';
import { iso, japanDate } from '../../db/time.ts';
import { appendAudit } from '../audit/append.ts';
import type { LegalBasis } from '../policy/document.ts';
import { type EvaluatedRun, evaluateRun } from './evaluate-run.ts';
import { expandPopulation, type Population } from './population.ts';
import { type ProvisionRunView, presentRun } from './presenter.ts';

export interface ConfirmedRun extends ProvisionRunView {
  /** True when the people included differ from the preview's count (consents changed in between). */
  changed_since_preview: boolean;
  records: number;
}

export async function confirmRun(ctx: AppContext, opts: { actor: StaffActor; runId: string; via: 'api' | 'cli' }): Promise<ConfirmedRun> {
  const { actor } = opts;
  const stored = await ctx.db
    .selectFrom('provision_runs')
    .select(['population', 'status'])
    .where('id', '=', opts.runId)
    .where('org_id', '=', actor.orgId)
    .executeTakeFirst();
  if (!stored) throw new AppError('provision_run_not_found');
  if (stored.status !== 'previewed') throw new AppError('provision_run_confirmed');
  // A connected system is read again now, before the transaction.
  const population = await expandPopulation(ctx, actor.orgId, JSON.parse(stored.population) as Population);
  return ctx.db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('provision_runs')
      .selectAll()
      .where('id', '=', opts.runId)
      .where('org_id', '=', actor.orgId)
      .executeTakeFirst();
    if (!row) throw new AppError('provision_run_not_found');
    if (row.status !== 'previewed') throw new AppError('provision_run_confirmed');
    const run = await evaluateRun(tx, actor.orgId, {
      thirdPartyCode: row.third_party_code,
      population,
      legalBasis: row.legal_basis as LegalBasis,
      exceptionReason: row.exception_reason ?? undefined,
      recordMode: row.record_mode === 'continuous' ? 'continuous' : 'per_person',
      retention: row.retention,
    });
    const now = ctx.clock();
    const today = japanDate(now);
    // Only the preview's own status moves it on: a second confirmation racing this one finds nothing to update.
    const claimed = await tx
      .updateTable('provision_runs')
      .set({
        status: 'confirmed',
        included: run.included.length,
        excluded: JSON.stringify(run.excluded),
        policy_version: run.policyVersion,
        occurred_on: today,
        confirmed_at: iso(now),
        confirmed_by: actor.id,
      })
      .where('id', '=', row.id)
      .where('status', '=', 'previewed')
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) throw new AppError('provision_run_confirmed');
    for (let i = 0; i < run.included.length; i += 500) {
      await tx
        .insertInto('provision_run_members')
        .values(run.included.slice(i, i + 500).map((p) => ({ run_id: row.id, member_id: p.memberId, consent_event_id: p.consentEventId })))
        .execute();
    }
    let records = 0;
    let continuousId: string | null = null;
    if (run.recordMode === 'per_person') records = await writePerPerson(tx, actor, row, run, today, iso(now));
    else if (run.recordMode === 'continuous' && run.included.length > 0) {
      ({ id: continuousId, records } = await extendContinuous(tx, actor, row, run, today, iso(now)));
      await tx.updateTable('provision_runs').set({ continuous_id: continuousId }).where('id', '=', row.id).execute();
    }
    await appendAudit(
      tx,
      actor,
      {
        action: 'provision.run',
        outcome: 'ok',
        orgId: actor.orgId,
        detail: {
          run: row.id,
          third_party: row.third_party_code,
          legal_basis: run.basis,
          ...(row.exception_reason ? { exception_reason: row.exception_reason } : {}),
          record_mode: run.recordMode,
          included: run.included.length,
          excluded: run.excluded,
          records,
          ...(continuousId ? { continuous: continuousId } : {}),
          via: opts.via,
        },
      },
      ctx.clock,
    );
    const updated = await tx.selectFrom('provision_runs').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    return { ...presentRun(updated), changed_since_preview: run.included.length !== row.included, records };
  });
}

function recordBase(row: ProvisionRunTable, run: EvaluatedRun, today: string, now: string, actor: StaffActor) {
  return {
    org_id: row.org_id,
    direction: 'provided' as const,
    third_party_code: run.party.code,
    counterparty_name: run.party.name,
    counterparty_address: run.party.address ?? null,
    counterparty_representative: run.party.representative ?? null,
    items: JSON.stringify(run.items),
    legal_basis: run.basis,
    acquisition: null,
    occurred_on: today,
    note: null,
    created_at: now,
    created_by: actor.id,
    run_id: row.id,
    retention: row.retention,
  };
}

async function writePerPerson(tx: Tx, actor: StaffActor, row: ProvisionRunTable, run: EvaluatedRun, today: string, now: string) {
  const base = recordBase(row, run, today, now, actor);
  const keepUntil = provisionKeepUntil(today, row.retention);
  const rows: Insertable<ProvisionRecordTable>[] = run.included.map((p) => ({
    ...base,
    id: randomUUID(),
    member_id: p.memberId,
    consent_event_id: p.consentEventId,
    keep_until: keepUntil,
    continuous_id: null,
  }));
  for (let i = 0; i < rows.length; i += 200)
    await tx
      .insertInto('provision_records')
      .values(rows.slice(i, i + 200))
      .execute();
  return rows.length;
}

/**
 * The recipient's continuous-provision record still kept (same retention basis) is extended: its last date,
 * its keeping date (3 years, or 1, from this last entry) — for every entry — its items, and the people added.
 * A person already named keeps the one entry (dated to the first provision; the record's dates span the rest);
 * without such a record, one is opened.
 */
async function extendContinuous(tx: Tx, actor: StaffActor, row: ProvisionRunTable, run: EvaluatedRun, today: string, now: string) {
  const keepUntil = provisionKeepUntil(today, row.retention);
  const open = await tx
    .selectFrom('provision_continuous_records')
    .selectAll()
    .where('org_id', '=', row.org_id)
    .where('third_party_code', '=', run.party.code)
    .where('retention', '=', row.retention)
    .where('keep_until', '>=', today)
    .orderBy('last_on', 'desc')
    .limit(1)
    .executeTakeFirst();
  let record: ProvisionContinuousRecordTable;
  if (open) {
    const items = [...new Set([...(JSON.parse(open.items) as string[]), ...run.items])];
    record = { ...open, items: JSON.stringify(items), last_on: today, keep_until: keepUntil, runs: open.runs + 1, updated_at: now };
  } else {
    record = {
      id: randomUUID(),
      org_id: row.org_id,
      third_party_code: run.party.code,
      counterparty_name: run.party.name,
      counterparty_address: run.party.address ?? null,
      counterparty_representative: run.party.representative ?? null,
      items: JSON.stringify(run.items),
      legal_basis: run.basis,
      retention: row.retention,
      first_on: today,
      last_on: today,
      keep_until: keepUntil,
      people: 0,
      runs: 1,
      created_at: now,
      updated_at: now,
    };
    await tx.insertInto('provision_continuous_records').values(record).execute();
  }
  const named = new Set<string>();
  const ids = run.included.map((p) => p.memberId);
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await tx
      .selectFrom('provision_records')
      .select('member_id')
      .where('continuous_id', '=', record.id)
      .where('member_id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) named.add(r.member_id);
  }
  const base = recordBase(row, run, today, now, actor);
  const fresh: Insertable<ProvisionRecordTable>[] = run.included
    .filter((p) => !named.has(p.memberId))
    .map((p) => ({
      ...base,
      id: randomUUID(),
      member_id: p.memberId,
      consent_event_id: p.consentEventId,
      keep_until: keepUntil,
      continuous_id: record.id,
    }));
  for (let i = 0; i < fresh.length; i += 200)
    await tx
      .insertInto('provision_records')
      .values(fresh.slice(i, i + 200))
      .execute();
  // Every entry is kept as long as the record: 3 years (or 1) from its last entry.
  await tx
    .updateTable('provision_records')
    .set({ keep_until: keepUntil, items: record.items })
    .where('continuous_id', '=', record.id)
    .execute();
  const people = open ? open.people + fresh.length : fresh.length;
  await tx
    .updateTable('provision_continuous_records')
    .set({
      items: record.items,
      last_on: record.last_on,
      keep_until: record.keep_until,
      runs: record.runs,
      people,
      updated_at: now,
    })
    .where('id', '=', record.id)
    .execute();
  return { id: record.id, records: fresh.length };
}
