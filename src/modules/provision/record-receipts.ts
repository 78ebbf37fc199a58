/**
 * 受領の記録（一括）: the records of a receipt of personal data from a third party (Art. 30) for a list of people
 * — the member codes of the file received, typed or uploaded as CSV — in one transaction: the provider's name,
 * address and representative, how the provider obtained the data (取得の経緯), the items and the date, one record
 * per person found. Codes naming nobody are counted, never echoed. One audit entry holds the counts.
 */
import { randomUUID } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { provisionKeepUntil } from '../../base/rules.ts';
import type { ProvisionRecordTable, ProvisionRetention } from '../../db/schema.ts';
import { iso, japanDate } from '../../db/time.ts';
import { appendAudit } from '../audit/append.ts';
import type { ExclusionReason } from './legal-basis.ts';
import { type Population, resolvePopulation } from './population.ts';

export interface ReceiptsInput {
  population: Extract<Population, { kind: 'codes' }>;
  provider: { name: string; address?: string | undefined; representative?: string | undefined };
  acquisition: string;
  items: string[];
  occurredOn?: string | undefined;
  retention?: ProvisionRetention | undefined;
  note?: string | undefined;
}

export interface ReceiptsResult {
  recorded: number;
  unmatched: Partial<Record<ExclusionReason, number>>;
  keep_until: string;
}

export async function recordReceipts(
  ctx: AppContext,
  opts: { actor: StaffActor; input: ReceiptsInput; via: 'api' | 'cli' },
): Promise<ReceiptsResult> {
  const { actor, input } = opts;
  return ctx.db.transaction().execute(async (tx) => {
    const known = await tx.selectFrom('data_items').select('code').where('org_id', '=', actor.orgId).execute();
    const unknown = input.items.filter((i) => !known.some((k) => k.code === i));
    if (unknown.length) {
      throw new AppError(
        'validation_failed',
        unknown.map((i) => ({
          field: 'items',
          code: 'unknown',
          message_ja: `登録されていない情報項目です: ${i}`,
          message_en: `Unknown item: ${i}`,
        })),
      );
    }
    const { members, unmatched } = await resolvePopulation(tx, actor.orgId, input.population);
    const now = ctx.clock();
    const occurredOn = input.occurredOn ?? japanDate(now);
    const retention = input.retention ?? 'record';
    const keepUntil = provisionKeepUntil(occurredOn, retention);
    const rows: Insertable<ProvisionRecordTable>[] = members.map((m) => ({
      id: randomUUID(),
      org_id: actor.orgId,
      member_id: m.id,
      direction: 'received',
      third_party_code: null,
      counterparty_name: input.provider.name,
      counterparty_address: input.provider.address ?? null,
      counterparty_representative: input.provider.representative ?? null,
      items: JSON.stringify(input.items),
      // A receipt rests on no basis of provision of mamori's own; the provider's acquisition is the record's point.
      legal_basis: 'receipt',
      consent_event_id: null,
      acquisition: input.acquisition,
      occurred_on: occurredOn,
      keep_until: keepUntil,
      note: input.note ?? null,
      created_at: iso(now),
      created_by: actor.id,
      retention,
    }));
    for (let i = 0; i < rows.length; i += 200)
      await tx
        .insertInto('provision_records')
        .values(rows.slice(i, i + 200))
        .execute();
    await appendAudit(
      tx,
      actor,
      {
        action: 'provision.receipts',
        outcome: 'ok',
        orgId: actor.orgId,
        detail: { recorded: rows.length, excluded: unmatched, items: input.items, via: opts.via },
      },
      ctx.clock,
    );
    return { recorded: rows.length, unmatched, keep_until: keepUntil };
  });
}
