/**
 * The joint uses of the policy in effect (共同利用), for the transfer screen: each with its users, dates and
 * state today, and per declared purpose the items it declares for it (joint-use-transfer.ts's rule).
 */
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { purposeCodeOf } from '../../contract/policy-vocabulary.ts';
import { japanDate } from '../../db/time.ts';
import { policyInEffect } from '../policy/in-effect.ts';
import { forMembers } from '../policy/materialize.ts';
import { declaredItems, declaresPurpose } from './joint-use-transfer.ts';
import { heldInLedger } from './member-file.ts';
import { assertHandover } from './permissions.ts';
import type { JointUseView } from './schemas.ts';

export async function listJointUses(ctx: AppContext, opts: { actor: StaffActor }): Promise<{ today: string; joint_uses: JointUseView[] }> {
  assertHandover(opts.actor, 'read');
  const orgId = opts.actor.orgId;
  const today = japanDate(ctx.clock());
  const policy = await policyInEffect(ctx.db, orgId);
  if (!policy) return { today, joint_uses: [] };
  const doc = policy.document;
  const groups = await ctx.db
    .selectFrom('joint_use_groups')
    .select(['code', 'starts_on', 'ends_on'])
    .where('owner_org_id', '=', orgId)
    .execute();
  const dates = new Map(groups.map((g) => [g.code, g]));
  const names = new Map(doc.items.map((i) => [i.code, i.name]));
  return {
    today,
    joint_uses: doc.joint_uses.map((ju) => {
      const startsOn = dates.get(ju.code)?.starts_on ?? ju.starts_on ?? null;
      const endsOn = dates.get(ju.code)?.ends_on ?? ju.ends_on ?? null;
      return {
        code: ju.code,
        name: ju.name,
        users: ju.users.map((u) => u.name),
        starts_on: startsOn,
        ends_on: endsOn,
        state: startsOn && today < startsOn ? 'not_started' : endsOn && endsOn < today ? 'ended' : 'in_effect',
        purposes: doc.purposes
          .filter((p) => declaresPurpose(ju, purposeCodeOf(p)))
          .map((p) => ({
            code: purposeCodeOf(p),
            number: p.number,
            name: p.name,
            for_members: forMembers(doc, p),
            items: declaredItems(doc, ju, p).map((code) => ({ code, name: names.get(code) ?? code, in_file: heldInLedger(code) })),
          })),
      };
    }),
  };
}
