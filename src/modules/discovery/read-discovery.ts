/**
 * Discovery's runs and proposals as the API and the console show them: the run with its counts and, when it
 * failed, the connector's error in both languages; each proposal with its kind's label, confidence, reasons in
 * words and decision. There is no value to show: none was kept.
 */
import { AppError, errorCatalogue, isErrorCode } from '../../base/errors.ts';
import { type DiscoveryKindCode, discoveryKindLabels } from '../../contract/discovery-vocabulary.ts';
import type { Labelled } from '../../contract/labels.ts';
import type { DbOrTx } from '../../db/database.ts';
import type { DiscoveryDecision, DiscoveryRunStatus } from '../../db/schema.ts';

export interface DiscoveryRunView {
  id: string;
  system_code: string;
  status: DiscoveryRunStatus;
  started_at: string;
  finished_at: string | null;
  started_by_name: string | null;
  tables: number;
  columns: number;
  proposals: number;
  my_numbers: number;
  /** Proposals not yet confirmed or rejected. */
  pending: number;
  error: { code: string; message_ja: string; message_en: string } | null;
}

export interface DiscoveryProposalView {
  id: string;
  run_id: string;
  table: string;
  column: string;
  kind: string;
  kind_label: Labelled;
  item_code: string;
  /** 0–1. */
  confidence: number;
  reasons: Labelled[];
  decision: DiscoveryDecision;
  decided_by_name: string | null;
  decided_at: string | null;
  /** The item the policy draft's dataset map already gives this column (null: not in the map). */
  mapped_item: string | null;
}

/** The most runs a list shows (newest first). */
const RUN_LIST_LIMIT = 50;

/** Throws `system_unknown` unless the organization has registered the system. */
export async function assertSystem(db: DbOrTx, orgId: string, code: string): Promise<{ id: string; name: string; kind: string }> {
  const row = await db
    .selectFrom('connected_systems')
    .select(['id', 'name', 'kind'])
    .where('org_id', '=', orgId)
    .where('code', '=', code)
    .executeTakeFirst();
  if (!row) throw new AppError('system_unknown');
  return row;
}

function runQuery(db: DbOrTx, orgId: string, code: string) {
  return db
    .selectFrom('discovery_runs as r')
    .leftJoin('users as u', 'u.id', 'r.started_by')
    .select((eb) => [
      'r.id',
      'r.system_code',
      'r.status',
      'r.started_at',
      'r.finished_at',
      'u.display_name as started_by_name',
      'r.tables',
      'r.columns',
      'r.proposals',
      'r.my_numbers',
      'r.error_code',
      eb
        .selectFrom('discovery_proposals as p')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('p.run_id', '=', 'r.id')
        .where('p.decision', '=', 'pending')
        .as('pending'),
    ])
    .where('r.org_id', '=', orgId)
    .where('r.system_code', '=', code);
}

type RunRow = Awaited<ReturnType<ReturnType<typeof runQuery>['executeTakeFirstOrThrow']>>;

function presentRun(r: RunRow): DiscoveryRunView {
  const code = r.error_code;
  return {
    id: r.id,
    system_code: r.system_code,
    status: r.status,
    started_at: r.started_at,
    finished_at: r.finished_at,
    started_by_name: r.started_by_name ?? null,
    tables: Number(r.tables),
    columns: Number(r.columns),
    proposals: Number(r.proposals),
    my_numbers: Number(r.my_numbers),
    pending: Number(r.pending ?? 0),
    error:
      code === null
        ? null
        : isErrorCode(code)
          ? { code, message_ja: errorCatalogue[code][1], message_en: errorCatalogue[code][2] }
          : { code, message_ja: code, message_en: code },
  };
}

/** The system's runs, newest first. */
export async function listRuns(db: DbOrTx, opts: { orgId: string; code: string }): Promise<DiscoveryRunView[]> {
  await assertSystem(db, opts.orgId, opts.code);
  const rows = await runQuery(db, opts.orgId, opts.code).orderBy('r.started_at', 'desc').orderBy('r.id').limit(RUN_LIST_LIMIT).execute();
  return rows.map(presentRun);
}

/** One run (the latest when `runId` is omitted) with its proposals, best first; `run` is null before the first. */
export async function listProposals(
  db: DbOrTx,
  opts: { orgId: string; code: string; runId?: string | undefined },
): Promise<{ run: DiscoveryRunView | null; proposals: DiscoveryProposalView[] }> {
  await assertSystem(db, opts.orgId, opts.code);
  let q = runQuery(db, opts.orgId, opts.code);
  q = opts.runId ? q.where('r.id', '=', opts.runId) : q.orderBy('r.started_at', 'desc').orderBy('r.id').limit(1);
  const run = await q.executeTakeFirst();
  if (!run) {
    if (opts.runId) throw new AppError('discovery_run_unknown');
    return { run: null, proposals: [] };
  }
  const rows = await db
    .selectFrom('discovery_proposals as p')
    .leftJoin('users as u', 'u.id', 'p.decided_by')
    .select([
      'p.id',
      'p.run_id',
      'p.table_name',
      'p.column_name',
      'p.kind',
      'p.item_code',
      'p.confidence',
      'p.reasons',
      'p.decision',
      'u.display_name as decided_by_name',
      'p.decided_at',
    ])
    .where('p.run_id', '=', run.id)
    .where('p.org_id', '=', opts.orgId)
    .orderBy('p.table_name')
    .orderBy('p.confidence', 'desc')
    .orderBy('p.column_name')
    .execute();
  const mapped = await mappedColumns(db, opts.orgId, opts.code);
  return {
    run: presentRun(run),
    proposals: rows.map((p) => ({
      id: p.id,
      run_id: p.run_id,
      table: p.table_name,
      column: p.column_name,
      kind: p.kind,
      kind_label: discoveryKindLabels[p.kind as DiscoveryKindCode] ?? { ja: p.kind, en: p.kind },
      item_code: p.item_code,
      confidence: Number(p.confidence) / 100,
      reasons: JSON.parse(p.reasons) as Labelled[],
      decision: p.decision,
      decided_by_name: p.decided_by_name ?? null,
      decided_at: p.decided_at,
      mapped_item: mapped.get(`${p.table_name}.${p.column_name}`) ?? null,
    })),
  };
}

/**
 * The columns of the system in the policy's dataset map (`table.column` → item): the draft's, or the latest
 * published version's while there is no draft. Read as stored, without creating a draft.
 */
async function mappedColumns(db: DbOrTx, orgId: string, code: string): Promise<Map<string, string>> {
  const row =
    (await db
      .selectFrom('policy_versions')
      .select('document')
      .where('org_id', '=', orgId)
      .where('status', '=', 'draft')
      .executeTakeFirst()) ??
    (await db
      .selectFrom('policy_versions')
      .select('document')
      .where('org_id', '=', orgId)
      .where('number', 'is not', null)
      .orderBy('number', 'desc')
      .limit(1)
      .executeTakeFirst());
  const out = new Map<string, string>();
  if (!row) return out;
  const doc = JSON.parse(row.document) as {
    systems?: { code: string; tables?: { table: string; columns?: { column: string; item: string }[] }[] }[];
  };
  for (const t of doc.systems?.find((s) => s.code === code)?.tables ?? []) {
    for (const c of t.columns ?? []) out.set(`${t.table}.${c.column}`, c.item);
  }
  return out;
}
