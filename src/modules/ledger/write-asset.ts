/**
 * Registering, changing and retiring information assets. Each runs in one transaction: the checks (role and
 * department, register codes, risk rows, version), the change and its audit entry commit together, and a
 * refusal leaves nothing written.
 */
import { randomUUID } from 'node:crypto';
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import type { FieldIssue } from '../../contract/errors.ts';
import { DEFAULT_REVIEW_INTERVAL_MONTHS, stageLabels } from '../../contract/ledger-vocabulary.ts';
import type { Tx } from '../../db/database.ts';
import type { LedgerAssetTable, LedgerRiskTable } from '../../db/schema.ts';
import { iso } from '../../db/time.ts';
import { isUniqueViolation } from '../../db/unique-violation.ts';
import { appendAudit } from '../audit/append.ts';
import type { Actor } from '../audit/events.ts';
import { assertCanWrite, assertMayWrite } from './permissions.ts';
import { type PresentedAsset, parseCodes } from './presenter.ts';
import { getAsset } from './read-assets.ts';
import { checkRegisterCodes, departmentByCode, loadRegisters, type Registers } from './registers.ts';
import { japanDate, nextReviewOn } from './schedule.ts';
import type { AssetChanges, CreateAssetInput, RiskInput } from './schemas.ts';

/** The columns a person edits, as stored (arrays as JSON, booleans as 0/1). */
type EditableColumns = Omit<
  LedgerAssetTable,
  | 'id'
  | 'org_id'
  | 'department_id'
  | 'last_reviewed_on'
  | 'next_review_on'
  | 'status'
  | 'retired_on'
  | 'retire_reason'
  | 'version'
  | 'created_at'
  | 'created_by'
  | 'updated_at'
  | 'updated_by'
>;

const unique = (codes: readonly string[]) => [...new Set(codes)];

/** Stored values of the fields a change names (and only those). */
function columnsOf(input: AssetChanges): Partial<EditableColumns> {
  const out: Partial<EditableColumns> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || key === 'department' || key === 'risks') continue;
    if (key === 'items' || key === 'purposes' || key === 'contractors') out[key] = JSON.stringify(unique(value as string[]));
    else if (key === 'sensitive') out.sensitive = value ? 1 : 0;
    else (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

/** Rows of the risk table, checked: one per stage; an applicable stage names threats, countermeasures and a level. */
function riskRows(assetId: string, risks: readonly RiskInput[]): LedgerRiskTable[] {
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  risks.forEach((r, i) => {
    const stage = stageLabels[r.stage];
    if (seen.has(r.stage))
      issues.push({
        field: `risks.${i}.stage`,
        code: 'duplicate_stage',
        message_ja: `「${stage.ja}」の行が重複しています。`,
        message_en: `The stage "${stage.en}" appears twice.`,
      });
    seen.add(r.stage);
    if (r.applicable === false) return;
    const required: [keyof RiskInput, string, string][] = [
      ['threats', '脅威・リスク', 'threats'],
      ['countermeasures', '対策', 'countermeasures'],
      ['residual_risk', '残存リスク', 'the residual risk'],
    ];
    for (const [field, ja, en] of required) {
      if (!r[field])
        issues.push({
          field: `risks.${i}.${field}`,
          code: 'required',
          message_ja: `「${stage.ja}」の${ja}を入力してください。`,
          message_en: `Enter ${en} for "${stage.en}".`,
        });
    }
  });
  if (issues.length) throw new AppError('validation_failed', issues);
  return risks.map((r) => ({
    asset_id: assetId,
    stage: r.stage,
    applicable: r.applicable === false ? 0 : 1,
    threats: r.threats ?? '',
    countermeasures: r.countermeasures ?? '',
    residual_risk: r.applicable === false ? (r.residual_risk ?? null) : r.residual_risk!,
  }));
}

const sameRisks = (a: readonly LedgerRiskTable[], b: readonly LedgerRiskTable[]) => {
  const key = (rows: readonly LedgerRiskTable[]) =>
    JSON.stringify(
      [...rows]
        .sort((x, y) => x.stage.localeCompare(y.stage))
        .map((r) => [r.stage, Number(r.applicable), r.threats, r.countermeasures, r.residual_risk]),
    );
  return key(a) === key(b);
};

/** 要配慮 is on when the person says so, and whenever an item the register marks as sensitive is listed. */
function sensitiveFlag(registers: Registers, itemsJson: string, declared: number): number {
  return declared === 1 || parseCodes(itemsJson).some((c) => registers.items.get(c)?.sensitive) ? 1 : 0;
}

async function codeTaken(tx: Tx, orgId: string, code: string, exceptId?: string): Promise<boolean> {
  let q = tx.selectFrom('ledger_assets').select('id').where('org_id', '=', orgId).where('code', '=', code);
  if (exceptId) q = q.where('id', '!=', exceptId);
  return Boolean(await q.executeTakeFirst());
}

/** The next free `L-0001` style number of the organization. */
async function nextCode(tx: Tx, orgId: string): Promise<string> {
  const rows = await tx.selectFrom('ledger_assets').select('code').where('org_id', '=', orgId).where('code', 'like', 'L-%').execute();
  const max = Math.max(0, ...rows.map((r) => Number(/^L-(\d+)$/.exec(r.code)?.[1] ?? 0)));
  return `L-${String(max + 1).padStart(4, '0')}`;
}

/** A unique-constraint failure from either dialect (two registrations taking one number at once). */
/**
 * Inserts one asset with its risk rows and audit entry, inside the caller's transaction. The caller has
 * checked who may do it; the registers check the codes. Used by `createAsset` and the demo seed.
 */
export async function insertAsset(
  tx: Tx,
  actor: Actor,
  opts: { orgId: string; registers: Registers; departmentId: string; input: CreateAssetInput; now: Date; via?: string },
): Promise<string> {
  const { input, registers } = opts;
  checkRegisterCodes(registers, input);
  const today = japanDate(opts.now);
  if (input.last_reviewed_on && input.last_reviewed_on > today) {
    throw new AppError('validation_failed', [
      {
        field: 'last_reviewed_on',
        code: 'future_date',
        message_ja: '前回見直し日に未来の日付は指定できません。',
        message_en: 'The last review date cannot be in the future.',
      },
    ]);
  }
  const id = randomUUID();
  const risks = riskRows(id, input.risks ?? []);
  const code = input.code ?? (await nextCode(tx, opts.orgId));
  if (await codeTaken(tx, opts.orgId, code)) throw new AppError('ledger_code_taken');
  const columns = columnsOf(input);
  const items = columns.items ?? '[]';
  const interval = input.review_interval_months ?? DEFAULT_REVIEW_INTERVAL_MONTHS;
  const row: LedgerAssetTable = {
    description: '',
    data_subjects: '',
    record_count: null,
    other_items: '',
    purposes: '[]',
    storage_location: '',
    storage_method: '',
    access_scope: '',
    period_of_use: '',
    retention: '',
    disposal_method: '',
    sensitive_note: '',
    acquisition_method: null,
    acquisition_note: '',
    notice_method: '',
    consent: '',
    provision: '',
    joint_use: '',
    contractors: '[]',
    ...columns,
    id,
    org_id: opts.orgId,
    code,
    name: input.name,
    department_id: opts.departmentId,
    medium: input.medium,
    items,
    sensitive: sensitiveFlag(registers, items, columns.sensitive ?? 0),
    review_interval_months: interval,
    last_reviewed_on: input.last_reviewed_on ?? null,
    next_review_on: nextReviewOn({ lastReviewedOn: input.last_reviewed_on ?? null, registeredOn: today, intervalMonths: interval }),
    status: 'active',
    retired_on: null,
    retire_reason: null,
    version: 1,
    created_at: iso(opts.now),
    created_by: actor.id,
    updated_at: iso(opts.now),
    updated_by: actor.id,
  };
  try {
    await tx.insertInto('ledger_assets').values(row).execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('ledger_code_taken');
    throw error;
  }
  if (risks.length) await tx.insertInto('ledger_risks').values(risks).execute();
  await appendAudit(
    tx,
    actor,
    {
      action: 'ledger.create',
      outcome: 'ok',
      orgId: opts.orgId,
      detail: { asset_id: id, code, version: 1, ...(opts.via ? { via: opts.via } : {}) },
    },
    () => opts.now,
  );
  return id;
}

/** Registers an asset for the actor's organization (its department must be one the actor may write). */
export async function createAsset(
  ctx: AppContext,
  opts: { actor: StaffActor; input: CreateAssetInput; via?: string },
): Promise<PresentedAsset> {
  assertMayWrite(opts.actor);
  const now = ctx.clock();
  return ctx.db.transaction().execute(async (tx) => {
    const registers = await loadRegisters(tx, opts.actor.orgId);
    const dept = departmentByCode(registers, opts.input.department);
    assertCanWrite(opts.actor, dept.id);
    const id = await insertAsset(tx, opts.actor, {
      orgId: opts.actor.orgId,
      registers,
      departmentId: dept.id,
      input: opts.input,
      now,
      ...(opts.via ? { via: opts.via } : {}),
    });
    return getAsset(tx, { scope: { orgId: opts.actor.orgId }, id, today: japanDate(now), actor: opts.actor });
  });
}

/**
 * Loads an asset for a change: in the actor's organization, of a department the actor may write, not retired,
 * and at the version the editor saw.
 */
export async function loadForChange(tx: Tx, actor: StaffActor, assetId: string, version: number | undefined): Promise<LedgerAssetTable> {
  const row = await tx
    .selectFrom('ledger_assets')
    .selectAll()
    .where('id', '=', assetId)
    .where('org_id', '=', actor.orgId)
    .executeTakeFirst();
  if (!row) throw new AppError('ledger_asset_not_found');
  assertCanWrite(actor, row.department_id);
  if (row.status === 'retired') throw new AppError('ledger_asset_retired');
  if (version !== undefined && Number(row.version) !== version) throw new AppError('ledger_version_conflict');
  return row;
}

/** Moves an asset to its next version, only if nobody else did first. */
export async function bumpVersion(tx: Tx, row: LedgerAssetTable, set: Partial<LedgerAssetTable>): Promise<number> {
  const version = Number(row.version) + 1;
  const done = await tx
    .updateTable('ledger_assets')
    .set({ ...set, version })
    .where('id', '=', row.id)
    .where('version', '=', row.version)
    .executeTakeFirst();
  if (Number(done.numUpdatedRows) !== 1) throw new AppError('ledger_version_conflict');
  return version;
}

/** Changes the fields named (and, when given, replaces the risk table), at the version the editor saw. */
export async function updateAsset(
  ctx: AppContext,
  opts: { actor: StaffActor; assetId: string; version: number; changes: AssetChanges; via?: string },
): Promise<PresentedAsset> {
  assertMayWrite(opts.actor);
  const now = ctx.clock();
  const { changes } = opts;
  return ctx.db.transaction().execute(async (tx) => {
    const row = await loadForChange(tx, opts.actor, opts.assetId, opts.version);
    const registers = await loadRegisters(tx, row.org_id);
    const set: Partial<LedgerAssetTable> = columnsOf(changes);
    if (changes.department !== undefined) {
      const dept = departmentByCode(registers, changes.department);
      assertCanWrite(opts.actor, dept.id);
      set.department_id = dept.id;
    }
    checkRegisterCodes(registers, changes, { items: parseCodes(row.items), purposes: parseCodes(row.purposes) });
    const risks = changes.risks ? riskRows(row.id, changes.risks) : undefined;
    if (set.code !== undefined && set.code !== row.code && (await codeTaken(tx, row.org_id, set.code, row.id)))
      throw new AppError('ledger_code_taken');
    set.sensitive = sensitiveFlag(registers, set.items ?? row.items, set.sensitive ?? Number(row.sensitive));
    if (set.review_interval_months !== undefined) {
      set.next_review_on = nextReviewOn({
        lastReviewedOn: row.last_reviewed_on,
        registeredOn: japanDate(new Date(row.created_at)),
        intervalMonths: set.review_interval_months,
      });
    }
    const fields = Object.keys(set).filter((k) => {
      const before = (row as unknown as Record<string, unknown>)[k];
      const after = (set as Record<string, unknown>)[k];
      return typeof before === 'number' || typeof after === 'number' ? Number(before) !== Number(after) : before !== after;
    });
    const today = japanDate(now);
    if (risks) {
      const stored = await tx.selectFrom('ledger_risks').selectAll().where('asset_id', '=', row.id).execute();
      if (!sameRisks(stored, risks)) fields.push('risks');
    }
    // Nothing differs: no new version and no audit entry (saving an unchanged form is not a change).
    if (fields.length === 0) return getAsset(tx, { scope: { orgId: row.org_id }, id: row.id, today, actor: opts.actor });
    const changed = Object.fromEntries(fields.filter((f) => f !== 'risks').map((f) => [f, (set as Record<string, unknown>)[f]]));
    const version = await bumpVersion(tx, row, { ...changed, updated_at: iso(now), updated_by: opts.actor.id });
    if (risks && fields.includes('risks')) {
      await tx.deleteFrom('ledger_risks').where('asset_id', '=', row.id).execute();
      if (risks.length) await tx.insertInto('ledger_risks').values(risks).execute();
    }
    await appendAudit(
      tx,
      opts.actor,
      {
        action: 'ledger.update',
        outcome: 'ok',
        orgId: row.org_id,
        detail: {
          asset_id: row.id,
          code: set.code ?? row.code,
          version,
          fields: fields.map((f) => (f === 'department_id' ? 'department' : f)),
          ...(opts.via ? { via: opts.via } : {}),
        },
      },
      ctx.clock,
    );
    return getAsset(tx, { scope: { orgId: row.org_id }, id: row.id, today, actor: opts.actor });
  });
}

/** Retires an asset (the system was shut down, the records were disposed of): kept, with its history, but no longer reviewed. */
export async function retireAsset(
  ctx: AppContext,
  opts: { actor: StaffActor; assetId: string; version: number; reason: string; via?: string },
): Promise<PresentedAsset> {
  assertMayWrite(opts.actor);
  const now = ctx.clock();
  return ctx.db.transaction().execute(async (tx) => {
    const row = await loadForChange(tx, opts.actor, opts.assetId, opts.version);
    const today = japanDate(now);
    const version = await bumpVersion(tx, row, {
      status: 'retired',
      retired_on: today,
      retire_reason: opts.reason,
      updated_at: iso(now),
      updated_by: opts.actor.id,
    });
    await appendAudit(
      tx,
      opts.actor,
      {
        action: 'ledger.retire',
        outcome: 'ok',
        orgId: row.org_id,
        detail: { asset_id: row.id, code: row.code, version, ...(opts.via ? { via: opts.via } : {}) },
      },
      ctx.clock,
    );
    return getAsset(tx, { scope: { orgId: row.org_id }, id: row.id, today, actor: opts.actor });
  });
}
