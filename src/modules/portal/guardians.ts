/**
 * Guardian links (保護者・法定代理人): a member who manages a child member's page (or an adult ward's, for a
 * legal guardian). Only staff create or end a link, after checking proof (e.g. 健康保険証と続柄); a member
 * can never make one, so a forged link is impossible by construction. Both members belong to the same
 * organization. Every change and every staff read is in the audit trail.
 */
import { randomUUID } from 'node:crypto';
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import type { FieldIssue } from '../../contract/errors.ts';
import type { DbOrTx, Tx } from '../../db/database.ts';
import type { GuardianLinkTable } from '../../db/schema.ts';
import { iso } from '../../db/time.ts';
import { appendAudit } from '../audit/append.ts';
import { normalizeMemberCode } from './accounts.ts';

export type GuardianRelationship = GuardianLinkTable['relationship'];
export const guardianRelationships = ['parent', 'legal_guardian', 'other'] as const satisfies readonly GuardianRelationship[];

export interface PresentedGuardianLink {
  id: string;
  guardian: { id: string; member_code: string; name: string };
  relationship: GuardianRelationship;
  proof: string;
  verified_by: string;
  created_at: string;
  ended_at: string | null;
}

/** The ward a signed-in guardian may open, as the member page lists them. */
export interface Ward {
  id: string;
  member_code: string;
  name: string;
  relationship: GuardianRelationship;
}

const guardianCodeIssue: FieldIssue = {
  field: 'guardian_member_code',
  code: 'not_found',
  message_ja: '保護者の組合員コードがこの組織の組合員に見つかりません。',
  message_en: 'The guardian’s member code is not a member of this organization.',
};

/** A member of the staff member's own organization (not erased), or `member_not_found`. */
async function ownMember(db: DbOrTx, orgId: string, memberId: string): Promise<{ id: string }> {
  const row = await db
    .selectFrom('members')
    .select('id')
    .where('id', '=', memberId)
    .where('org_id', '=', orgId)
    .where('erased_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw new AppError('member_not_found');
  return row;
}

async function presentLinks(db: DbOrTx, childId: string, linkId?: string): Promise<PresentedGuardianLink[]> {
  let query = db
    .selectFrom('guardian_links')
    .innerJoin('members', 'members.id', 'guardian_links.guardian_member_id')
    .leftJoin('users', 'users.id', 'guardian_links.verified_by')
    .select([
      'guardian_links.id',
      'guardian_links.relationship',
      'guardian_links.proof',
      'guardian_links.verified_by',
      'guardian_links.created_at',
      'guardian_links.ended_at',
      'members.id as guardian_id',
      'members.member_code',
      'members.name',
      'users.login as verified_by_login',
    ])
    .where('guardian_links.child_member_id', '=', childId);
  if (linkId) query = query.where('guardian_links.id', '=', linkId);
  const rows = await query.orderBy('guardian_links.created_at').orderBy('guardian_links.id').execute();
  return rows.map((r) => ({
    id: r.id,
    guardian: { id: r.guardian_id, member_code: r.member_code, name: r.name },
    relationship: r.relationship,
    proof: r.proof,
    verified_by: r.verified_by_login ?? r.verified_by,
    created_at: r.created_at,
    ended_at: r.ended_at,
  }));
}

export interface LinkGuardianOptions {
  actor: StaffActor;
  childId: string;
  guardianMemberCode: string;
  relationship: GuardianRelationship;
  /** What staff checked, in words (kept with the link, never in the audit trail). */
  proof: string;
}

/**
 * Registers a guardian for a member after staff checked proof. Refuses a guardian outside the organization
 * (`member_not_found` naming `guardian_member_code`), the member themself (`guardian_self_link`) and a second
 * active link of the same pair (`guardian_link_exists`).
 */
export async function linkGuardian(ctx: AppContext, opts: LinkGuardianOptions): Promise<PresentedGuardianLink> {
  const now = ctx.clock();
  const id = randomUUID();
  await ctx.db.transaction().execute(async (tx) => {
    const child = await ownMember(tx, opts.actor.orgId, opts.childId);
    const guardian = await findGuardianByCode(tx, opts.actor.orgId, opts.guardianMemberCode);
    if (guardian.id === child.id) throw new AppError('guardian_self_link');
    const existing = await activeLinkBetween(tx, guardian.id, child.id);
    if (existing) throw new AppError('guardian_link_exists');
    await tx
      .insertInto('guardian_links')
      .values({
        id,
        org_id: opts.actor.orgId,
        child_member_id: child.id,
        guardian_member_id: guardian.id,
        relationship: opts.relationship,
        proof: opts.proof,
        verified_by: opts.actor.id,
        created_at: iso(now),
        ended_at: null,
      })
      .execute();
    await appendAudit(
      tx,
      opts.actor,
      {
        action: 'guardian.link',
        outcome: 'ok',
        orgId: opts.actor.orgId,
        memberId: child.id,
        detail: { link_id: id, guardian_member_id: guardian.id, relationship: opts.relationship },
      },
      ctx.clock,
    );
  });
  const [link] = await presentLinks(ctx.db, opts.childId, id);
  return link!;
}

async function findGuardianByCode(tx: Tx, orgId: string, typed: string): Promise<{ id: string }> {
  const code = normalizeMemberCode(typed);
  const row = code
    ? await tx
        .selectFrom('members')
        .select('id')
        .where('org_id', '=', orgId)
        .where('member_code', '=', code)
        .where('erased_at', 'is', null)
        .executeTakeFirst()
    : undefined;
  if (!row) throw new AppError('member_not_found', [guardianCodeIssue]);
  return row;
}

/** The member's guardian links, active and ended, for staff (the read is audited). */
export async function listGuardianLinks(ctx: AppContext, opts: { actor: StaffActor; childId: string }): Promise<PresentedGuardianLink[]> {
  return ctx.db.transaction().execute(async (tx) => {
    const child = await ownMember(tx, opts.actor.orgId, opts.childId);
    const links = await presentLinks(tx, child.id);
    await appendAudit(
      tx,
      opts.actor,
      { action: 'guardian.list', outcome: 'ok', orgId: opts.actor.orgId, memberId: child.id, detail: { links: links.length } },
      ctx.clock,
    );
    return links;
  });
}

/** Ends an active link (sets `ended_at`): the guardian's open sessions lose the ward at their next request. */
export async function endGuardianLink(
  ctx: AppContext,
  opts: { actor: StaffActor; childId: string; linkId: string },
): Promise<PresentedGuardianLink> {
  await ctx.db.transaction().execute(async (tx) => {
    const child = await ownMember(tx, opts.actor.orgId, opts.childId);
    const link = await tx
      .selectFrom('guardian_links')
      .select(['id', 'guardian_member_id', 'relationship'])
      .where('id', '=', opts.linkId)
      .where('child_member_id', '=', child.id)
      .where('org_id', '=', opts.actor.orgId)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    if (!link) throw new AppError('guardian_link_invalid');
    await tx
      .updateTable('guardian_links')
      .set({ ended_at: iso(ctx.clock()) })
      .where('id', '=', link.id)
      .execute();
    await appendAudit(
      tx,
      opts.actor,
      {
        action: 'guardian.unlink',
        outcome: 'ok',
        orgId: opts.actor.orgId,
        memberId: child.id,
        detail: { link_id: link.id, guardian_member_id: link.guardian_member_id, relationship: link.relationship },
      },
      ctx.clock,
    );
  });
  const [link] = await presentLinks(ctx.db, opts.childId, opts.linkId);
  return link!;
}

async function activeLinkBetween(db: DbOrTx, guardianId: string, childId: string): Promise<{ id: string } | undefined> {
  return db
    .selectFrom('guardian_links')
    .select('id')
    .where('guardian_member_id', '=', guardianId)
    .where('child_member_id', '=', childId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
}

/**
 * The active link that lets this guardian open this member's page: same organization, link not ended, the
 * ward not erased. Undefined otherwise (also for ids that do not exist: callers answer the same either way).
 */
export async function activeGuardianLink(
  db: DbOrTx,
  guardian: { memberId: string; orgId: string },
  wardId: string,
): Promise<{ id: string } | undefined> {
  return db
    .selectFrom('guardian_links')
    .innerJoin('members', 'members.id', 'guardian_links.child_member_id')
    .select('guardian_links.id')
    .where('guardian_links.guardian_member_id', '=', guardian.memberId)
    .where('guardian_links.child_member_id', '=', wardId)
    .where('guardian_links.org_id', '=', guardian.orgId)
    .where('guardian_links.ended_at', 'is', null)
    .where('members.erased_at', 'is', null)
    .executeTakeFirst();
}

/** The wards a guardian may open now, by member code. */
export async function wardsOf(db: DbOrTx, guardian: { memberId: string; orgId: string }): Promise<Ward[]> {
  const rows = await db
    .selectFrom('guardian_links')
    .innerJoin('members', 'members.id', 'guardian_links.child_member_id')
    .select(['members.id', 'members.member_code', 'members.name', 'guardian_links.relationship'])
    .where('guardian_links.guardian_member_id', '=', guardian.memberId)
    .where('guardian_links.org_id', '=', guardian.orgId)
    .where('guardian_links.ended_at', 'is', null)
    .where('members.erased_at', 'is', null)
    .orderBy('members.member_code')
    .execute();
  return rows.map((r) => ({ id: r.id, member_code: r.member_code, name: r.name, relationship: r.relationship }));
}
