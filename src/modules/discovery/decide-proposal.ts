/**
 * Deciding discovery's proposals: a person confirms or rejects them, one or several at once. A confirmed
 * proposal joins the organization's policy DRAFT — `systems[].tables[].columns` of the system, with the item of
 * the registers its kind stands for — never a published version: the map takes effect when the officer
 * publishes the draft, with the rest of the policy's review. A rejected one is only marked.
 *
 * All or nothing: when the draft's registers lack an item a confirmed column needs (a My Number column has no
 * item to map to, by design), nothing is decided and the answer names each column and its missing item.
 * Proposals already decided are returned as `skipped`.
 */
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import type { SystemKind } from '../../contract/connector-vocabulary.ts';
import { type DiscoveryKindCode, discoveryKindLabels } from '../../contract/discovery-vocabulary.ts';
import type { FieldIssue } from '../../contract/errors.ts';
import type { Tx } from '../../db/database.ts';
import { iso } from '../../db/time.ts';
import { appendAudit } from '../audit/append.ts';
import type { PolicyDocument, PolicySystem } from '../policy/document.ts';
import { getDraft, saveDraft, validatePolicyDocument } from '../policy/versions.ts';
import { assertMay } from './permissions.ts';
import { assertSystem } from './read-discovery.ts';
import type { DecideInput } from './schemas.ts';

export interface DecideResult {
  decided: { id: string; table: string; column: string; item_code: string; decision: 'confirmed' | 'rejected' }[];
  /** Proposals that were decided before (left as they were). */
  skipped: string[];
  /** The draft's revision after the confirmed columns were added (null when nothing was added). */
  draft_revision: number | null;
}

type Pending = {
  id: string;
  run_id: string;
  table_name: string;
  column_name: string;
  table_key: string | null;
  kind: string;
  item_code: string;
};

export async function decideProposals(
  ctx: AppContext,
  opts: { actor: StaffActor; code: string; input: DecideInput },
): Promise<DecideResult> {
  const { actor, code, input } = opts;
  assertMay(actor, 'decide');
  const ids = [...new Set(input.ids)];
  return ctx.db.transaction().execute(async (tx) => {
    const system = await assertSystem(tx, actor.orgId, code);
    const rows = await tx
      .selectFrom('discovery_proposals as p')
      .innerJoin('discovery_runs as r', 'r.id', 'p.run_id')
      .select(['p.id', 'p.run_id', 'p.table_name', 'p.column_name', 'p.table_key', 'p.kind', 'p.item_code', 'p.decision'])
      .where('p.id', 'in', ids)
      .where('p.org_id', '=', actor.orgId)
      .where('r.system_code', '=', code)
      .execute();
    if (rows.length !== ids.length) throw new AppError('discovery_proposal_unknown');
    // In the systems' own order (table, column), whatever order the ids came in: the draft's map reads the same.
    const pending: Pending[] = rows
      .filter((r) => r.decision === 'pending')
      .sort((a, b) => a.table_name.localeCompare(b.table_name) || a.column_name.localeCompare(b.column_name));
    const skipped = rows.filter((r) => r.decision !== 'pending').map((r) => r.id);
    const now = ctx.clock();

    let revision: number | null = null;
    if (input.decision === 'confirmed' && pending.length > 0) {
      revision = await addToDraft(tx, { actor, code, system, pending, now });
    }
    if (pending.length > 0) {
      await tx
        .updateTable('discovery_proposals')
        .set({ decision: input.decision, decided_by: actor.id, decided_at: iso(now) })
        .where(
          'id',
          'in',
          pending.map((p) => p.id),
        )
        .where('decision', '=', 'pending')
        .execute();
    }
    const byRun = new Map<string, Pending[]>();
    for (const p of pending) byRun.set(p.run_id, [...(byRun.get(p.run_id) ?? []), p]);
    for (const [run, decided] of byRun) {
      const columns = decided.map((p) => `${p.table_name}.${p.column_name}`);
      await appendAudit(
        tx,
        actor,
        {
          action: 'discovery.decide',
          outcome: 'ok',
          orgId: actor.orgId,
          detail: {
            system: code,
            discovery_run: run,
            confirmed: input.decision === 'confirmed' ? columns : [],
            rejected_columns: input.decision === 'rejected' ? columns : [],
            ...(revision === null ? {} : { revision }),
          },
        },
        ctx.clock,
      );
    }
    return {
      decided: pending.map((p) => ({
        id: p.id,
        table: p.table_name,
        column: p.column_name,
        item_code: p.item_code,
        decision: input.decision,
      })),
      skipped,
      draft_revision: revision,
    };
  });
}

/** Adds the confirmed columns to the system's map in the draft; returns the draft's new revision. */
async function addToDraft(
  tx: Tx,
  opts: { actor: StaffActor; code: string; system: { name: string; kind: string }; pending: Pending[]; now: Date },
): Promise<number> {
  const draft = await getDraft(tx, opts.actor.orgId, opts.now);
  const doc: PolicyDocument = structuredClone(draft.document);
  const items = new Set(doc.items.map((i) => i.code));
  const missing: FieldIssue[] = opts.pending
    .filter((p) => !items.has(p.item_code))
    .map((p) => {
      const label = discoveryKindLabels[p.kind as DiscoveryKindCode] ?? { ja: p.kind, en: p.kind };
      return {
        field: `${p.table_name}.${p.column_name}`,
        code: 'item_missing',
        message_ja: `情報項目「${label.ja}」（${p.item_code}）が方針の下書きの登録簿にありません。`,
        message_en: `The draft’s registers have no item “${label.en}” (${p.item_code}).`,
      };
    });
  if (missing.length > 0) throw new AppError('discovery_item_missing', missing);

  let system = doc.systems.find((s) => s.code === opts.code);
  if (!system) {
    system = {
      code: opts.code,
      name: opts.system.name.slice(0, 200),
      kind: opts.system.kind as SystemKind,
      country: 'JP',
      ledger_assets: [],
      tables: [],
    } satisfies PolicySystem;
    doc.systems.push(system);
  }
  for (const p of opts.pending) {
    let table = system.tables.find((t) => t.table === p.table_name);
    if (!table) {
      table = { table: p.table_name, key: p.table_key ?? 'id', columns: [], purposes: [] };
      system.tables.push(table);
    }
    const column = table.columns.find((c) => c.column === p.column_name);
    if (column) column.item = p.item_code;
    else table.columns.push({ column: p.column_name, item: p.item_code, erase: 'set_null', correct: true });
  }
  // A name the map cannot hold (a table named with spaces, say) is refused here with the policy's own issues.
  const document = validatePolicyDocument(doc);
  const saved = await saveDraft(tx, {
    orgId: opts.actor.orgId,
    actor: opts.actor,
    revision: draft.revision,
    document,
    now: opts.now,
    via: 'discovery',
  });
  return saved.revision;
}
