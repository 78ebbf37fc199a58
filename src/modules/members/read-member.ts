/**
 * Reading a member's record for a purpose (the search is search-members.ts). Each access is decided by the access
 * engine and recorded in the audit trail in the same transaction; a refusal is recorded too (in its own
 * transaction, since nothing else happens) and then raised as an AppError with the refusal's code.
 */

import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { type OrgSettings, parseOrgSettings } from '../../base/settings.ts';
import { dialectOf, SqliteTx, sqliteGroupTransaction, type Tx } from '../../db/database.ts';
import type { BlockKind, MemberTable } from '../../db/schema.ts';
import { japanDate } from '../../db/time.ts';
import type { AccessEngine } from '../access/decide.ts';
import type { RefusalCode } from '../access/policy.ts';
import { checkReadAlerts } from '../audit/alerts.ts';
import { appendAudit } from '../audit/append.ts';
import { auditMacReady } from '../audit/mac.ts';
import { getOrgSettings } from '../organizations/settings-cache.ts';
import { type PresentedMember, presentMember } from './presenter.ts';
import { allowedReadEvent, refusalError, refusedReadEvent } from './read-events.ts';
import { readMemberGrouped } from './read-group.ts';

/** Refusals that must not reveal whether a member exists in another co-op. */
export function refusalToError(code: RefusalCode): AppError {
  return alreadyAudited(refusalError(code));
}

/** Marks a refusal this module has recorded itself, so the HTTP edge does not record it again. */
function alreadyAudited(error: AppError): AppError {
  error.audited = true;
  return error;
}

/** The member's opt-outs and stops, which the access engine weighs with the policy. */
export async function loadBlocks(tx: Tx | SqliteTx, memberId: string): Promise<{ purposeId: string; kind: BlockKind }[]> {
  if (tx instanceof SqliteTx) {
    return tx.prepare('select purpose_id as purposeId, kind from member_purpose_blocks where member_id = ?').all(memberId) as {
      purposeId: string;
      kind: BlockKind;
    }[];
  }
  return tx.selectFrom('member_purpose_blocks').select(['purpose_id as purposeId', 'kind']).where('member_id', '=', memberId).execute();
}

async function loadMember(tx: Tx | SqliteTx, memberId: string): Promise<MemberTable | undefined> {
  if (tx instanceof SqliteTx) return tx.prepare('select * from members where id = ?').get(memberId) as MemberTable | undefined;
  return tx.selectFrom('members').selectAll().where('id', '=', memberId).executeTakeFirst();
}

/** Settings of another organization than the actor's (a joint user's read), read within the transaction. */
async function settingsIn(ctx: AppContext, tx: Tx | SqliteTx, orgId: string): Promise<OrgSettings> {
  if (tx instanceof SqliteTx) {
    const json = tx.prepare('select settings from organizations where id = ?').pluck().get(orgId) as string | undefined;
    return parseOrgSettings(json ?? '{}');
  }
  return getOrgSettings(ctx, orgId, tx);
}

export interface ReadMemberOptions {
  actor: StaffActor;
  memberId: string;
  purpose: string;
  items?: readonly string[];
  /** Where the read came from, for the trail: `api`, `console`, `cli`. */
  via?: string;
}

/**
 * Reads one member for a purpose: load the row and its blocks, decide, append the decision to the audit
 * chain, count the read for alerts, present the allowed items — all in one transaction. On SQLite that
 * transaction runs on the raw handle with prepared statements (`sqliteGroupTransaction`): the same statements,
 * without building and compiling Kysely queries on the API's hottest path, and reads arriving together share
 * one commit (each in its own savepoint; none answers before the commit). On PostgreSQL reads arriving together
 * are decided and recorded as a group in one transaction (read-group.ts).
 */
export async function readMember(ctx: AppContext, opts: ReadMemberOptions): Promise<PresentedMember> {
  const engine = await ctx.policy.engine();
  const now = ctx.clock();
  // The actor's organization's settings (alerts) come from the cache before the transaction starts.
  const actorSettings = await getOrgSettings(ctx, opts.actor.orgId);
  if (!ctx.sqlite && dialectOf(ctx.db) === 'postgres' && auditMacReady()) {
    const outcome = await readMemberGrouped(ctx, { ...opts, engine, now, actorSettings });
    if ('refused' in outcome) throw alreadyAudited(outcome.refused);
    if ('failed' in outcome) throw outcome.failed;
    return outcome.member;
  }
  const read = (tx: Tx | SqliteTx) => readInTransaction(ctx, tx, engine, opts, now, actorSettings);
  const outcome = ctx.sqlite ? await sqliteGroupTransaction(ctx.db, ctx.sqlite, read) : await ctx.db.transaction().execute(read);
  if ('error' in outcome) throw outcome.error;
  return outcome.member;
}

async function readInTransaction(
  ctx: AppContext,
  tx: Tx | SqliteTx,
  engine: AccessEngine,
  opts: ReadMemberOptions,
  now: Date,
  actorSettings: OrgSettings,
): Promise<{ error: AppError } | { member: PresentedMember }> {
  const row = await loadMember(tx, opts.memberId);
  if (!row) {
    await appendAudit(tx, opts.actor, refusedReadEvent(opts, 'member_not_found'), ctx.clock);
    return { error: alreadyAudited(new AppError('member_not_found')) };
  }
  const blocks = await loadBlocks(tx, row.id);
  const decision = engine.decide({
    actor: opts.actor,
    purpose: opts.purpose,
    action: 'read',
    ...(opts.items ? { items: opts.items } : {}),
    member: { orgId: row.org_id, blocks, status: row.status },
    today: japanDate(now),
  });
  if (!decision.allowed) {
    await appendAudit(tx, opts.actor, refusedReadEvent(opts, decision.code, row.id), ctx.clock);
    return { error: refusalToError(decision.code) };
  }
  const entry = await appendAudit(tx, opts.actor, allowedReadEvent(opts, row, decision), ctx.clock);
  await checkReadAlerts(tx, {
    orgId: row.org_id,
    actorId: opts.actor.id,
    memberId: row.id,
    memberStatus: row.status,
    audit: entry,
    at: now,
    settings: row.org_id === opts.actor.orgId ? actorSettings : await settingsIn(ctx, tx, row.org_id),
  });
  return { member: presentMember(row, decision.items, ctx.keys) };
}
