/**
 * The demo co-op's member page (本人のページ): a synthetic adult member who can sign in at once with a known
 * password, and her 10-year-old child, linked to her as a ward (保護者) as if staff had checked proof. Their
 * codes sit outside the synthetic members' range (1000001 …), so they exist whatever the demo's size.
 */
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../base/context.ts';
import type { MemberTable } from '../../db/schema.ts';
import { iso, japanDate } from '../../db/time.ts';
import { appendAuditBatch } from '../audit/append.ts';
import type { Actor, AuditEvent } from '../audit/events.ts';
import { hashPassword } from '../auth/passwords.ts';
import { normalizeMemberInput, toRow } from '../members/fields.ts';

export const DEMO_MEMBER_CODE = '9000001';
export const DEMO_CHILD_CODE = '9000002';
export const DEMO_MEMBER_PASSWORD = 'mamori-member-demo';
export const DEMO_MEMBER_EMAIL = 'portal-demo@example.jp';

const system: Actor = { type: 'system', id: null, orgId: null, label: 'demo-seed' };

/** The same month and day ten years before `today` (28 February for a 29 February). */
function tenYearsBefore(today: string): string {
  const [y, md] = [Number(today.slice(0, 4)), today.slice(5)];
  return `${y - 10}-${md === '02-29' ? '02-28' : md}`;
}

function demoMembers(today: string) {
  const address = { postal_code: '980-0811', address: '宮城県仙台市青葉区一番町2丁目5-8', delivery_type: 'individual' };
  const adult = {
    member_code: DEMO_MEMBER_CODE,
    name: '守田 陽子',
    name_kana: 'モリタ ヨウコ',
    gender: 'female',
    birth_date: '1986-05-14',
    ...address,
    phone: '022-215-0001',
    email: DEMO_MEMBER_EMAIL,
    join_date: '2014-04-01',
    share_capital: 10000,
    status: 'active',
  };
  const child = {
    member_code: DEMO_CHILD_CODE,
    name: '守田 さくら',
    name_kana: 'モリタ サクラ',
    gender: 'female',
    birth_date: tenYearsBefore(today),
    ...address,
    join_date: `${Number(today.slice(0, 4)) - 1}-04-01`,
    share_capital: 1000,
    status: 'active',
  };
  return { adult, child };
}

/**
 * Adds the demo member-page members to the demo co-op (`orgId`): the adult with an account and the password
 * `DEMO_MEMBER_PASSWORD`, the child as her ward. Each row is in the audit trail like the other demo data.
 */
export async function seedDemoPortal(ctx: AppContext, orgId: string): Promise<void> {
  const now = ctx.clock();
  const passwordHash = await hashPassword(DEMO_MEMBER_PASSWORD);
  const { adult, child } = demoMembers(japanDate(now));
  await ctx.db.transaction().execute(async (tx) => {
    const officer = await tx.selectFrom('users').select('id').where('org_id', '=', orgId).where('login', '=', 'officer').executeTakeFirst();
    const ids = { adult: randomUUID(), child: randomUUID() };
    for (const [key, input] of [['adult', adult] as const, ['child', child] as const]) {
      const { values, issues } = normalizeMemberInput(input as never, 'create');
      if (issues.length) throw new Error(`demo member ${input.member_code}: ${issues.map((i) => i.field).join(', ')}`);
      const row = { id: ids[key], org_id: orgId, ...toRow(ctx, values), version: 1, created_at: iso(now), updated_at: iso(now) };
      await tx
        .insertInto('members')
        .values(row as MemberTable)
        .execute();
    }
    await tx
      .insertInto('member_accounts')
      .values({
        id: randomUUID(),
        member_id: ids.adult,
        org_id: orgId,
        password_hash: passwordHash,
        status: 'active',
        failed_attempts: 0,
        locked_until: null,
        last_sign_in_at: null,
        created_at: iso(now),
        updated_at: iso(now),
      })
      .execute();
    const linkId = randomUUID();
    await tx
      .insertInto('guardian_links')
      .values({
        id: linkId,
        org_id: orgId,
        child_member_id: ids.child,
        guardian_member_id: ids.adult,
        relationship: 'parent',
        proof: '健康保険証で続柄を確認（デモ） / relationship checked on the health insurance card (demo)',
        verified_by: officer?.id ?? 'demo-seed',
        created_at: iso(now),
        ended_at: null,
      })
      .execute();
    const created = (memberId: string): AuditEvent => ({
      action: 'member.create',
      outcome: 'ok',
      orgId,
      memberId,
      detail: { fields: ['*'], via: 'demo-seed' },
    });
    await appendAuditBatch(
      tx,
      system,
      [
        created(ids.adult),
        created(ids.child),
        {
          action: 'guardian.link',
          outcome: 'ok',
          orgId,
          memberId: ids.child,
          detail: { link_id: linkId, guardian_member_id: ids.adult, relationship: 'parent' },
        },
      ],
      ctx.clock,
    );
  });
}
