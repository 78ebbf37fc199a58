/**
 * Whose page is open (本人 or, for a guardian, a ward): who am I, and switching to a ward and back. The subject
 * lives on the session row; a ward is accepted only through an active guardian link registered by staff.
 */

import type { MemberActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { appendAudit } from '../audit/append.ts';
import { activeGuardianLink, type Ward, wardsOf } from './guardians.ts';
import { auditActorOf, type MemberSessionInfo } from './sessions.ts';

export interface SignedInView {
  member: { id: string; member_code: string; name: string; org_code: string; org_name: string };
  subject: { id: string; member_code: string; name: string; is_self: boolean };
  wards: Ward[];
}

/** The signed-in member, the page open, and the wards they may switch to (`GET /api/v1/portal/me`). */
export async function describeSignedIn(ctx: AppContext, actor: MemberActor): Promise<SignedInView> {
  const member = await ctx.db
    .selectFrom('members')
    .innerJoin('organizations', 'organizations.id', 'members.org_id')
    .select(['members.id', 'members.member_code', 'members.name', 'organizations.code as org_code', 'organizations.name as org_name'])
    .where('members.id', '=', actor.memberId)
    .executeTakeFirstOrThrow();
  const subject = actor.asGuardian
    ? await ctx.db.selectFrom('members').select(['id', 'member_code', 'name']).where('id', '=', actor.subjectId).executeTakeFirstOrThrow()
    : member;
  return {
    member,
    subject: { id: subject.id, member_code: subject.member_code, name: subject.name, is_self: !actor.asGuardian },
    wards: await wardsOf(ctx.db, actor),
  };
}

/**
 * Opens a ward's page (`memberId` a ward with an active link) or the member's own (`memberId` their own id).
 * Anything else is `guardian_link_invalid`, the same for an id that does not exist, another member's, or an
 * ended link; the attempt is audited (with the member id only when it is a member of the same organization).
 */
export async function actAs(ctx: AppContext, session: MemberSessionInfo, memberId: string): Promise<MemberActor> {
  const { actor } = session;
  const self = memberId === actor.memberId;
  // The refusal is recorded (committed) before it is thrown.
  const allowed = await ctx.db.transaction().execute(async (tx) => {
    const link = self ? undefined : await activeGuardianLink(tx, actor, memberId);
    if (!self && !link) {
      const known = await tx
        .selectFrom('members')
        .select('id')
        .where('id', '=', memberId)
        .where('org_id', '=', actor.orgId)
        .executeTakeFirst();
      await appendAudit(
        tx,
        auditActorOf(actor),
        {
          action: 'portal.act_as',
          outcome: 'refused',
          orgId: actor.orgId,
          memberId: known?.id ?? null,
          errorCode: 'guardian_link_invalid',
          detail: { as: 'ward', reason: 'no_active_link' },
        },
        ctx.clock,
      );
      return false;
    }
    await tx
      .updateTable('member_sessions')
      .set({ subject_member_id: self ? null : memberId })
      .where('id', '=', session.sessionId)
      .execute();
    await appendAudit(
      tx,
      auditActorOf(actor),
      {
        action: 'portal.act_as',
        outcome: 'ok',
        orgId: actor.orgId,
        memberId,
        detail: link ? { as: 'ward', link_id: link.id } : { as: 'self' },
      },
      ctx.clock,
    );
    return true;
  });
  if (!allowed) throw new AppError('guardian_link_invalid');
  return { ...actor, subjectId: memberId, asGuardian: !self };
}
