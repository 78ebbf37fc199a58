/**
 * Defining a release (匿名加工情報の作成): the spec checked (file or form), the purpose found in the registers, the
 * source's columns known, a pseudonym key made and sealed. Creating a release publishes its items on the notice
 * at once (APPI Art. 43(3): "without delay") — the row, its publication date and the audit entry commit together,
 * and the notices are told to read again. Publishing the method of provision (Art. 43(4)) is a step of its own,
 * required before any delivery.
 */
import { randomUUID } from 'node:crypto';
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import type { FieldIssue } from '../../contract/errors.ts';
import type { ReleaseView } from '../../contract/releases-api.ts';
import type { Tx } from '../../db/database.ts';
import { iso } from '../../db/time.ts';
import { isUniqueViolation } from '../../db/unique-violation.ts';
import { appendAudit } from '../audit/append.ts';
import { newSealedKey } from '../crypto/sealed.ts';
import { policyInEffect } from '../policy/in-effect.ts';
import { assertMayManage } from './permissions.ts';
import { getRelease } from './read-releases.ts';
import type { ReleaseSpec } from './schemas.ts';
import { memberColumnNames } from './source-members.ts';
import { checkReleaseSpec, parseReleaseFile } from './spec-file.ts';

/** A unique-constraint failure from either dialect. */
/** The spec from the API's `spec` (JSON) or `yaml` (the file): exactly one of them. */
export function specFromInput(input: { spec?: unknown; yaml?: string | undefined }): ReleaseSpec {
  if ((input.spec === undefined) === (input.yaml === undefined))
    throw new AppError('release_spec_invalid', [
      {
        field: 'spec',
        code: 'one_of',
        message_ja: '定義（spec）か定義ファイル（yaml）のどちらか一方を送ってください。',
        message_en: 'Send either the spec or the spec file (yaml), not both or neither.',
      },
    ]);
  return input.yaml !== undefined ? parseReleaseFile(input.yaml) : checkReleaseSpec(input.spec);
}

/** The published items: as written, or the labels of the columns the recipient receives. */
export function publishedItems(spec: ReleaseSpec): string[] {
  if (spec.items?.length) return spec.items;
  return spec.columns.filter((c) => c.role !== 'identifier' || c.pseudonym).map((c) => c.label ?? c.name);
}

/** What the database knows that the spec must agree with: the purpose, the source's columns. */
async function checkAgainstRegisters(tx: Tx, orgId: string, spec: ReleaseSpec): Promise<void> {
  const issues: FieldIssue[] = [];
  const purpose = await tx
    .selectFrom('purposes')
    .select('id')
    .where('org_id', '=', orgId)
    .where('code', '=', spec.purpose)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (!purpose)
    issues.push({
      field: 'purpose',
      code: 'unknown',
      message_ja: `利用目的「${spec.purpose}」は登録簿にありません。`,
      message_en: `Purpose "${spec.purpose}" is not in the registers.`,
    });
  if (spec.third_parties.length) {
    const policy = await policyInEffect(tx, orgId);
    const registered = new Set((policy?.document.third_parties ?? []).map((t) => t.code));
    spec.third_parties.forEach((code, i) => {
      if (!registered.has(code))
        issues.push({
          field: `third_parties.${i}`,
          code: 'unknown',
          message_ja: `提供先「${code}」は第三者提供の登録簿にありません。`,
          message_en: `Recipient "${code}" is not in the third-party register.`,
        });
    });
  }
  if (spec.source.kind === 'members') {
    const known = new Set(memberColumnNames(spec.source));
    spec.columns.forEach((c, i) => {
      if (!known.has(c.name))
        issues.push({
          field: `columns.${i}.name`,
          code: 'unknown_column',
          message_ja: `列「${c.name}」は元データにありません（使える列: ${[...known].join('、')}）。`,
          message_en: `Column "${c.name}" is not in the source (available: ${[...known].join(', ')}).`,
        });
    });
  }
  if (issues.length) throw new AppError('release_spec_invalid', issues);
}

export async function createRelease(ctx: AppContext, opts: { actor: StaffActor; spec: ReleaseSpec; via?: string }): Promise<ReleaseView> {
  assertMayManage(opts.actor);
  const { actor, spec } = opts;
  const now = iso(ctx.clock());
  return ctx.db.transaction().execute(async (tx) => {
    await checkAgainstRegisters(tx, actor.orgId, spec);
    const taken = await tx
      .selectFrom('releases')
      .select('id')
      .where('org_id', '=', actor.orgId)
      .where('code', '=', spec.code)
      .executeTakeFirst();
    if (taken) throw new AppError('release_exists');
    const id = randomUUID();
    const items = publishedItems(spec);
    try {
      await tx
        .insertInto('releases')
        .values({
          id,
          org_id: actor.orgId,
          code: spec.code,
          name: spec.name,
          recipients: spec.recipients,
          purpose_code: spec.purpose,
          spec: JSON.stringify(spec),
          items: JSON.stringify(items),
          key_enc: newSealedKey(ctx.keys),
          items_published_at: now,
          method_of_provision: null,
          method_published_at: null,
          last_period: null,
          status: 'active',
          version: 1,
          created_by: actor.id,
          created_at: now,
          updated_at: now,
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('release_exists');
      throw error;
    }
    await recordVersion(tx, { releaseId: id, version: 1, spec, items, changed: [], actor, now });
    await appendAudit(
      tx,
      actor,
      {
        action: 'release.create',
        outcome: 'ok',
        orgId: actor.orgId,
        detail: { release_id: id, code: spec.code, version: 1, items: items.length, ...(opts.via ? { via: opts.via } : {}) },
      },
      ctx.clock,
    );
    // The public notice lists the release's items from now on.
    await ctx.events.publish(tx, 'policy.published', { orgId: actor.orgId });
    return getRelease(tx, { actor, id });
  });
}

/** Keeps the version of the definition (versioned edits: a run names the version it ran with). */
async function recordVersion(
  tx: Tx,
  v: { releaseId: string; version: number; spec: ReleaseSpec; items: string[]; changed: string[]; actor: StaffActor; now: string },
): Promise<void> {
  await tx
    .insertInto('release_versions')
    .values({
      release_id: v.releaseId,
      version: v.version,
      spec: JSON.stringify(v.spec),
      items: JSON.stringify(v.items),
      changed: JSON.stringify(v.changed),
      created_by: v.actor.id,
      created_at: v.now,
    })
    .execute();
}

/** Locks the release row at the version the editor saw (`release_version_conflict` otherwise). */
async function claimVersion(tx: Tx, orgId: string, id: string, version: number, set: Record<string, string | number | null>) {
  const row = await tx
    .selectFrom('releases')
    .select(['id', 'code', 'version'])
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('release_not_found');
  const result = await tx
    .updateTable('releases')
    .set({ ...set, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new AppError('release_version_conflict');
  return row;
}

/**
 * Changing a release's definition. The code stays; changed items are published again (with today's date);
 * a changed method of provision is not assumed: the method stays as published until published again.
 */
export async function updateRelease(
  ctx: AppContext,
  opts: { actor: StaffActor; id: string; version: number; spec: ReleaseSpec; via?: string },
): Promise<ReleaseView> {
  assertMayManage(opts.actor);
  const { actor, spec } = opts;
  const now = iso(ctx.clock());
  return ctx.db.transaction().execute(async (tx) => {
    const before = await tx
      .selectFrom('releases')
      .select(['code', 'spec', 'items'])
      .where('org_id', '=', actor.orgId)
      .where('id', '=', opts.id)
      .executeTakeFirst();
    if (!before) throw new AppError('release_not_found');
    if (before.code !== spec.code)
      throw new AppError('release_spec_invalid', [
        { field: 'code', code: 'immutable', message_ja: 'コードは変更できません。', message_en: 'The code cannot be changed.' },
      ]);
    await checkAgainstRegisters(tx, actor.orgId, spec);
    const items = publishedItems(spec);
    const itemsChanged = JSON.stringify(items) !== before.items;
    const old = JSON.parse(before.spec) as Record<string, unknown>;
    const changed = Object.keys({ ...old, ...spec }).filter(
      (k) => JSON.stringify(old[k]) !== JSON.stringify((spec as Record<string, unknown>)[k]),
    );
    await claimVersion(tx, actor.orgId, opts.id, opts.version, {
      name: spec.name,
      recipients: spec.recipients,
      purpose_code: spec.purpose,
      spec: JSON.stringify(spec),
      items: JSON.stringify(items),
      ...(itemsChanged ? { items_published_at: now } : {}),
      updated_at: now,
    });
    await recordVersion(tx, { releaseId: opts.id, version: opts.version + 1, spec, items, changed, actor, now });
    await appendAudit(
      tx,
      actor,
      {
        action: 'release.update',
        outcome: 'ok',
        orgId: actor.orgId,
        detail: { release_id: opts.id, code: spec.code, version: opts.version + 1, changed, ...(opts.via ? { via: opts.via } : {}) },
      },
      ctx.clock,
    );
    await ctx.events.publish(tx, 'policy.published', { orgId: actor.orgId });
    return getRelease(tx, { actor, id: opts.id });
  });
}

/** Publishes the method of provision (提供の方法の公表): from now on the release may be delivered. */
export async function publishMethod(
  ctx: AppContext,
  opts: { actor: StaffActor; id: string; version: number; method: string; via?: string },
): Promise<ReleaseView> {
  assertMayManage(opts.actor);
  const { actor } = opts;
  const now = iso(ctx.clock());
  return ctx.db.transaction().execute(async (tx) => {
    const row = await claimVersion(tx, actor.orgId, opts.id, opts.version, {
      method_of_provision: opts.method,
      method_published_at: now,
      updated_at: now,
    });
    await appendAudit(
      tx,
      actor,
      {
        action: 'release.publish_method',
        outcome: 'ok',
        orgId: actor.orgId,
        detail: { release_id: opts.id, code: row.code, version: opts.version + 1, ...(opts.via ? { via: opts.via } : {}) },
      },
      ctx.clock,
    );
    await ctx.events.publish(tx, 'policy.published', { orgId: actor.orgId });
    return getRelease(tx, { actor, id: opts.id });
  });
}
