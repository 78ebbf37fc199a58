/**
 * Defining a pseudonymized data set (the privacy office's work): create, change at a version, retire. Each
 * definition passes the processing standards (standards.ts) before it is saved; a new set gets its own pseudonym
 * key, sealed with the key ring. The row and its audit entry commit together.
 */
import { randomUUID } from 'node:crypto';
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { iso } from '../../db/time.ts';
import { isUniqueViolation } from '../../db/unique-violation.ts';
import { appendAudit } from '../audit/append.ts';
import { newSealedKey } from '../crypto/sealed.ts';
import { assertMayDefine } from './permissions.ts';
import { columnsOf, findSetRow, getSet, purposesOf, type SetView } from './read-sets.ts';
import type { CreateSetInput, UpdateSetInput } from './schemas.ts';
import { checkDefinition, isWritten, type SetColumn } from './standards.ts';

/** The fields a definition writes, as the audit entry records them (`field:treatment`). */
const auditFields = (columns: readonly SetColumn[]) => columns.filter(isWritten).map((c) => `${c.field}:${c.treatment}`);

export async function createSet(ctx: AppContext, opts: { actor: StaffActor; input: CreateSetInput; via?: string }): Promise<SetView> {
  const { actor, input } = opts;
  assertMayDefine(actor);
  const purposes = [...new Set(input.purposes)];
  await checkDefinition(ctx.db, { orgId: actor.orgId, purposes, columns: input.columns });
  const now = iso(ctx.clock());
  return ctx.db.transaction().execute(async (tx) => {
    const taken = await tx
      .selectFrom('pseudonymized_sets')
      .select('id')
      .where('org_id', '=', actor.orgId)
      .where('code', '=', input.code)
      .executeTakeFirst();
    if (taken) throw new AppError('pseudonymized_set_exists');
    const id = randomUUID();
    try {
      await tx
        .insertInto('pseudonymized_sets')
        .values({
          id,
          org_id: actor.orgId,
          code: input.code,
          name: input.name,
          description: input.description ?? '',
          purposes: JSON.stringify(purposes),
          columns: JSON.stringify(input.columns),
          key_enc: newSealedKey(ctx.keys),
          status: 'active',
          version: 1,
          created_at: now,
          created_by: actor.id,
          updated_at: now,
          updated_by: actor.id,
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('pseudonymized_set_exists');
      throw error;
    }
    await appendAudit(
      tx,
      actor,
      {
        action: 'pseudonymized.define',
        outcome: 'ok',
        orgId: actor.orgId,
        detail: {
          dataset: input.code,
          dataset_id: id,
          version: 1,
          purposes,
          fields: auditFields(input.columns),
          ...(opts.via ? { via: opts.via } : {}),
        },
      },
      ctx.clock,
    );
    return getSet(tx, { actor, code: input.code });
  });
}

/** Changes a set's definition at the version the editor saw; the key stays (pseudonyms stay stable). */
export async function updateSet(
  ctx: AppContext,
  opts: { actor: StaffActor; code: string; input: UpdateSetInput; via?: string },
): Promise<SetView> {
  const { actor, input } = opts;
  assertMayDefine(actor);
  const row = await findSetRow(ctx.db, actor.orgId, opts.code);
  if (row.status === 'retired') throw new AppError('pseudonymized_set_retired');
  const purposes = input.changes.purposes ? [...new Set(input.changes.purposes)] : purposesOf(row);
  const columns = input.changes.columns ?? columnsOf(row);
  await checkDefinition(ctx.db, { orgId: actor.orgId, purposes, columns });
  return ctx.db.transaction().execute(async (tx) => {
    const version = input.version + 1;
    const changed = await tx
      .updateTable('pseudonymized_sets')
      .set({
        ...(input.changes.name !== undefined ? { name: input.changes.name } : {}),
        ...(input.changes.description !== undefined ? { description: input.changes.description } : {}),
        purposes: JSON.stringify(purposes),
        columns: JSON.stringify(columns),
        version,
        updated_at: iso(ctx.clock()),
        updated_by: actor.id,
      })
      .where('id', '=', row.id)
      .where('version', '=', input.version)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) !== 1) throw new AppError('version_conflict');
    await appendAudit(
      tx,
      actor,
      {
        action: 'pseudonymized.update',
        outcome: 'ok',
        orgId: actor.orgId,
        detail: {
          dataset: row.code,
          dataset_id: row.id,
          version,
          purposes,
          fields: auditFields(columns),
          ...(opts.via ? { via: opts.via } : {}),
        },
      },
      ctx.clock,
    );
    return getSet(tx, { actor, code: row.code });
  });
}

/** Retires a set: it stays on record (what was defined, for whom) but can no longer be produced. */
export async function retireSet(
  ctx: AppContext,
  opts: { actor: StaffActor; code: string; version: number; via?: string },
): Promise<SetView> {
  const { actor } = opts;
  assertMayDefine(actor);
  const row = await findSetRow(ctx.db, actor.orgId, opts.code);
  if (row.status === 'retired') throw new AppError('pseudonymized_set_retired');
  return ctx.db.transaction().execute(async (tx) => {
    const version = opts.version + 1;
    const changed = await tx
      .updateTable('pseudonymized_sets')
      .set({ status: 'retired', version, updated_at: iso(ctx.clock()), updated_by: actor.id })
      .where('id', '=', row.id)
      .where('version', '=', opts.version)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) !== 1) throw new AppError('version_conflict');
    await appendAudit(
      tx,
      actor,
      {
        action: 'pseudonymized.retire',
        outcome: 'ok',
        orgId: actor.orgId,
        detail: {
          dataset: row.code,
          dataset_id: row.id,
          version,
          purposes: purposesOf(row),
          fields: auditFields(columnsOf(row)),
          ...(opts.via ? { via: opts.via } : {}),
        },
      },
      ctx.clock,
    );
    return getSet(tx, { actor, code: row.code });
  });
}
