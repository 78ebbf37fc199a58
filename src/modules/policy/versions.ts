/**
 * Versioned policies: each organization has one draft (edited in the console or replaced by a file) and a
 * numbered history of published versions. Publishing is one transaction: lint, compare with the previous
 * version, check the dates, store the version and, when it takes effect today, materialise it into the
 * registers the access engine reads. A version published for a later date is `scheduled` and is activated
 * when its date comes (`activateDueVersions`).
 */
import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { AppError } from '../../base/errors.ts';
import { addDays } from '../../base/rules.ts';
import type { DbOrTx, Tx } from '../../db/database.ts';
import type { PolicyVersionStatus } from '../../db/schema.ts';
import { iso, japanDate } from '../../db/time.ts';
import { appendAudit } from '../audit/append.ts';
import type { Actor } from '../audit/events.ts';
import { compareDocuments, type PolicyChange, priorNoticeChanges } from './changes.ts';
import { POLICY_FORMAT, type PolicyDocument, policyDocumentSchema, withPurposeCodes } from './document.ts';
import { type LintGap, lintPolicy, publishable } from './lint.ts';
import { materializePolicy } from './materialize.ts';
import { documentIssues } from './policy-file.ts';

export interface DraftView {
  revision: number;
  document: PolicyDocument;
  updated_at: string;
  updated_by: string | null;
  /** The display name of who saved it last (null: never saved, or saved by the system). */
  updated_by_name: string | null;
}

export interface DraftReview {
  gaps: LintGap[];
  publishable: boolean;
  changes: PolicyChange[];
  /** The latest published version the draft is compared with. */
  base: { number: number; effective_on: string } | null;
  /** The earliest effective date the draft may be published with, given today and the notice rules. */
  earliest_effective_on: string;
  notice_required: boolean;
}

export interface VersionSummary {
  number: number;
  status: PolicyVersionStatus;
  notice_on: string;
  effective_on: string;
  published_at: string;
  published_by: string | null;
  summary: string | null;
  sha256: string;
  changes: PolicyChange[];
  warnings: LintGap[];
}

/** Canonical JSON of a document (keys in schema order after parsing) and its digest. */
function serialize(doc: PolicyDocument): { json: string; sha256: string } {
  const json = JSON.stringify(doc);
  return { json, sha256: createHash('sha256').update(json).digest('hex') };
}

const parseStored = (json: string): PolicyDocument => policyDocumentSchema.parse(JSON.parse(json));

/** An empty policy for an organization that has none: the starting point of "configure from scratch". */
export function blankPolicy(org: { code: string; name: string; name_en: string; kind: string }): PolicyDocument {
  return policyDocumentSchema.parse({
    format: POLICY_FORMAT,
    organization: { code: org.code, name: org.name, name_en: org.name_en, kind: org.kind },
  });
}

/** Validates a document from the editor or the API; `policy_invalid` lists every problem by path. */
export function validatePolicyDocument(input: unknown): PolicyDocument {
  const parsed = policyDocumentSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    // Every problem at once, each named by its field's label (policy-file.ts `documentIssues`).
    throw new AppError('policy_invalid', documentIssues(parsed.error, input));
  }
  return withPurposeCodes(parsed.data);
}

async function orgRow(db: DbOrTx, orgId: string) {
  const org = await db
    .selectFrom('organizations')
    .select(['id', 'code', 'name', 'name_en', 'kind', 'settings'])
    .where('id', '=', orgId)
    .executeTakeFirst();
  if (!org) throw new AppError('organization_unknown');
  return org;
}

async function latestPublished(db: DbOrTx, orgId: string) {
  return db
    .selectFrom('policy_versions')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('number', 'is not', null)
    .orderBy('number', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The organization's draft; created from the latest published version (or blank) when there is none. */
export async function getDraft(db: DbOrTx, orgId: string, now: Date): Promise<DraftView> {
  const row = await db
    .selectFrom('policy_versions')
    .leftJoin('users', 'users.id', 'policy_versions.updated_by')
    .select([
      'policy_versions.revision',
      'policy_versions.document',
      'policy_versions.updated_at',
      'policy_versions.updated_by',
      'users.display_name as updated_by_name',
    ])
    .where('policy_versions.org_id', '=', orgId)
    .where('policy_versions.status', '=', 'draft')
    .executeTakeFirst();
  if (row) {
    return {
      revision: row.revision,
      document: parseStored(row.document),
      updated_at: row.updated_at,
      updated_by: row.updated_by,
      updated_by_name: row.updated_by_name ?? null,
    };
  }
  const latest = await latestPublished(db, orgId);
  const document = latest ? parseStored(latest.document) : blankPolicy(await orgRow(db, orgId));
  const { json, sha256 } = serialize(document);
  // Two first readers may race to create the draft: the partial unique index keeps one, the other does nothing.
  await db
    .insertInto('policy_versions')
    .values({
      id: randomUUID(),
      org_id: orgId,
      number: null,
      status: 'draft',
      document: json,
      sha256,
      revision: 1,
      summary: null,
      changes: '[]',
      warnings: '[]',
      notice_on: null,
      effective_on: null,
      created_at: iso(now),
      updated_at: iso(now),
      updated_by: null,
      published_at: null,
      published_by: null,
      activated_at: null,
    })
    .onConflict((oc) => oc.column('org_id').where('status', '=', sql.lit('draft')).doNothing())
    .execute();
  return getDraft(db, orgId, now);
}

/**
 * Replaces the draft with `document` if nobody saved since `revision` (optimistic versioning): the second
 * of two officers editing at once gets `policy_edit_conflict`, never a silent overwrite.
 */
export async function saveDraft(
  tx: Tx,
  opts: {
    orgId: string;
    actor: Actor;
    revision: number;
    document: PolicyDocument;
    now: Date;
    via: 'editor' | 'file' | 'preset' | 'version' | 'discovery';
  },
): Promise<DraftView> {
  const org = await orgRow(tx, opts.orgId);
  if (opts.document.organization.code !== org.code) throw new AppError('policy_org_mismatch');
  await getDraft(tx, opts.orgId, opts.now);
  const { json, sha256 } = serialize(withPurposeCodes(opts.document));
  const updated = await tx
    .updateTable('policy_versions')
    .set({ document: json, sha256, revision: opts.revision + 1, updated_at: iso(opts.now), updated_by: opts.actor.id })
    .where('org_id', '=', opts.orgId)
    .where('status', '=', 'draft')
    .where('revision', '=', opts.revision)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new AppError('policy_edit_conflict');
  await appendAudit(
    tx,
    opts.actor,
    { action: 'policy.draft_save', outcome: 'ok', orgId: opts.orgId, detail: { revision: opts.revision + 1, sha256, via: opts.via } },
    () => opts.now,
  );
  return getDraft(tx, opts.orgId, opts.now);
}

async function knownOrgCodes(db: DbOrTx): Promise<Set<string>> {
  const rows = await db.selectFrom('organizations').select('code').execute();
  return new Set(rows.map((r) => r.code));
}

/** The organization's ledger asset codes and registered system codes, which the dataset map refers to. */
async function knownOrgRegisters(db: DbOrTx, orgId: string): Promise<{ knownAssetCodes: Set<string>; knownSystemCodes: Set<string> }> {
  const assets = await db.selectFrom('ledger_assets').select('code').where('org_id', '=', orgId).execute();
  const systems = await db.selectFrom('connected_systems').select('code').where('org_id', '=', orgId).execute();
  return { knownAssetCodes: new Set(assets.map((a) => a.code)), knownSystemCodes: new Set(systems.map((s) => s.code)) };
}

/** What publishing the draft now would say: its gaps, its changes and the earliest allowed effective date. */
export async function reviewDocument(
  db: DbOrTx,
  opts: { orgId: string; document: PolicyDocument; now: Date; priorNoticeDays: number },
): Promise<DraftReview> {
  const today = japanDate(opts.now);
  const latest = await latestPublished(db, opts.orgId);
  const gaps = lintPolicy(opts.document, {
    today,
    knownOrgCodes: await knownOrgCodes(db),
    ...(opts.document.systems.length ? await knownOrgRegisters(db, opts.orgId) : {}),
  });
  const changes = compareDocuments(latest ? parseStored(latest.document) : undefined, opts.document);
  const noticeRequired = priorNoticeChanges(changes).length > 0;
  let earliest = noticeRequired ? addDays(today, opts.priorNoticeDays) : today;
  if (latest?.effective_on && latest.effective_on > earliest) earliest = latest.effective_on;
  return {
    gaps,
    publishable: publishable(gaps),
    changes,
    base: latest?.number ? { number: latest.number, effective_on: latest.effective_on ?? '' } : null,
    earliest_effective_on: earliest,
    notice_required: noticeRequired,
  };
}

/**
 * Publishes the draft at `revision` as the next version, in effect from `effectiveOn`. Refuses with
 * `policy_lint_failed` (the gaps as issues), `policy_notice_period` (a change needing prior notice cannot take
 * effect before the notice period ends), `policy_effective_date_invalid` or `policy_edit_conflict`.
 */
export async function publishPolicy(
  tx: Tx,
  opts: {
    orgId: string;
    actor: Actor;
    revision: number;
    effectiveOn: string;
    summary?: string | undefined;
    now: Date;
    priorNoticeDays: number;
  },
): Promise<VersionSummary> {
  const today = japanDate(opts.now);
  const draft = await getDraft(tx, opts.orgId, opts.now);
  if (draft.revision !== opts.revision) throw new AppError('policy_edit_conflict');
  const review = await reviewDocument(tx, {
    orgId: opts.orgId,
    document: draft.document,
    now: opts.now,
    priorNoticeDays: opts.priorNoticeDays,
  });
  if (!review.publishable) {
    throw new AppError(
      'policy_lint_failed',
      review.gaps
        .filter((g) => g.severity === 'error')
        .map((g) => ({ field: g.path, code: g.code, message_ja: g.message_ja, message_en: g.message_en })),
    );
  }
  const latest = review.base;
  if (opts.effectiveOn < today || (latest && opts.effectiveOn < latest.effective_on)) {
    throw new AppError('policy_effective_date_invalid', [
      {
        field: 'effective_on',
        code: 'too_early',
        message_ja: `施行日は ${review.earliest_effective_on} 以降にしてください。`,
        message_en: `The effective date must be ${review.earliest_effective_on} or later.`,
      },
    ]);
  }
  if (review.notice_required && opts.effectiveOn < review.earliest_effective_on) {
    throw new AppError(
      'policy_notice_period',
      priorNoticeChanges(review.changes).map((c) => ({
        field: c.key ? `${c.section}.${c.key}` : c.section,
        code: 'prior_notice_required',
        message_ja: `${c.summary_ja}（事前の通知が必要です。施行日は ${review.earliest_effective_on} 以降）`,
        message_en: `${c.summary_en} (needs prior notice; effective ${review.earliest_effective_on} or later)`,
      })),
    );
  }
  const number = (latest?.number ?? 0) + 1;
  const { json, sha256 } = serialize(draft.document);
  const warnings = review.gaps.filter((g) => g.severity === 'warning');
  await tx
    .insertInto('policy_versions')
    .values({
      id: randomUUID(),
      org_id: opts.orgId,
      number,
      status: 'scheduled',
      document: json,
      sha256,
      revision: 1,
      summary: opts.summary?.trim() || null,
      changes: JSON.stringify(review.changes),
      warnings: JSON.stringify(warnings),
      notice_on: today,
      effective_on: opts.effectiveOn,
      created_at: iso(opts.now),
      updated_at: iso(opts.now),
      updated_by: opts.actor.id,
      published_at: iso(opts.now),
      published_by: opts.actor.id,
      activated_at: null,
    })
    .execute();
  await appendAudit(
    tx,
    opts.actor,
    {
      action: 'policy.publish',
      outcome: 'ok',
      orgId: opts.orgId,
      detail: {
        number,
        sha256,
        notice_on: today,
        effective_on: opts.effectiveOn,
        changes: review.changes.length,
        prior_notice: review.notice_required,
      },
    },
    () => opts.now,
  );
  if (opts.effectiveOn <= today) await activateVersion(tx, opts.orgId, number, opts.actor, opts.now);
  return (await getVersion(tx, opts.orgId, number)).summary;
}

/**
 * Puts version `number` into effect: claims it (scheduled → active; on PostgreSQL a second server's claim waits
 * for this transaction and then finds nothing to claim), materialises it and supersedes the versions before it.
 */
async function activateVersion(tx: Tx, orgId: string, number: number, actor: Actor, now: Date): Promise<boolean> {
  const claimed = await tx
    .updateTable('policy_versions')
    .set({ status: 'active', activated_at: iso(now) })
    .where('org_id', '=', orgId)
    .where('number', '=', number)
    .where('status', '=', 'scheduled')
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) return false;
  const row = await tx
    .selectFrom('policy_versions')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('number', '=', number)
    .executeTakeFirstOrThrow();
  await materializePolicy(tx, orgId, parseStored(row.document), row.effective_on!);
  await tx
    .updateTable('policy_versions')
    .set({ status: 'superseded' })
    .where('org_id', '=', orgId)
    .where('number', '<', number)
    .where('status', 'in', ['active', 'scheduled'])
    .execute();
  await appendAudit(
    tx,
    actor,
    { action: 'policy.activate', outcome: 'ok', orgId, detail: { number, effective_on: row.effective_on ?? '' } },
    () => now,
  );
  return true;
}

/**
 * Activates every scheduled version whose effective date has come (Japan time). Cheap when there is none
 * (one indexed query), so the policy store calls it before each reload.
 */
export async function activateDueVersions(
  db: { transaction(): { execute<T>(fn: (tx: Tx) => Promise<T>): Promise<T> } } & DbOrTx,
  now: Date,
) {
  const today = japanDate(now);
  const due = await db
    .selectFrom('policy_versions')
    .select(['org_id'])
    .where('status', '=', 'scheduled')
    .where('effective_on', '<=', today)
    .groupBy('org_id')
    .execute();
  const activated: { orgId: string; number: number }[] = [];
  const system: Actor = { type: 'system', id: null, orgId: null, label: 'policy-schedule' };
  for (const { org_id } of due) {
    await db.transaction().execute(async (tx) => {
      // Re-read inside the transaction: another server may have activated it meanwhile.
      const next = await tx
        .selectFrom('policy_versions')
        .select('number')
        .where('org_id', '=', org_id)
        .where('status', '=', 'scheduled')
        .where('effective_on', '<=', today)
        .orderBy('number', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (!next?.number) return;
      if (await activateVersion(tx, org_id, next.number, { ...system, orgId: org_id }, now)) {
        activated.push({ orgId: org_id, number: next.number });
      }
    });
  }
  return activated;
}

function summarize(row: {
  number: number | null;
  status: PolicyVersionStatus;
  notice_on: string | null;
  effective_on: string | null;
  published_at: string | null;
  published_by: string | null;
  summary: string | null;
  sha256: string;
  changes: string;
  warnings: string;
}): VersionSummary {
  return {
    number: row.number!,
    status: row.status,
    notice_on: row.notice_on!,
    effective_on: row.effective_on!,
    published_at: row.published_at!,
    published_by: row.published_by,
    summary: row.summary,
    sha256: row.sha256,
    changes: JSON.parse(row.changes) as PolicyChange[],
    warnings: JSON.parse(row.warnings) as LintGap[],
  };
}

/** Every published version, newest first. */
export async function listVersions(db: DbOrTx, orgId: string): Promise<VersionSummary[]> {
  const rows = await db
    .selectFrom('policy_versions')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('number', 'is not', null)
    .orderBy('number', 'desc')
    .execute();
  return rows.map(summarize);
}

export async function getVersion(db: DbOrTx, orgId: string, number: number) {
  const row = await db
    .selectFrom('policy_versions')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('number', '=', number)
    .executeTakeFirst();
  if (!row) throw new AppError('policy_version_not_found');
  return { summary: summarize(row), document: parseStored(row.document) };
}
