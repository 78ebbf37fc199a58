/**
 * What the member page shows and changes for the person whose page is open (the member, or a guardian's
 * ward): every item held, the purposes and the person's flags on them, joint uses, provision records,
 * consents and requests — the disclosure package without the access log, which comes with a disclosure
 * request — and the person's own contact data, which they correct directly (audited as their own change).
 */

import type { MemberActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { selfServiceFields } from '../../contract/requests.ts';
import { iso } from '../../db/time.ts';
import { appendAudit } from '../audit/append.ts';
import { auditActor } from '../consent/consents.ts';
import { buildPackage } from '../disclosure/build.ts';
import type { DisclosurePackage } from '../disclosure/types.ts';
import { normalizeMemberInput, toRow } from '../members/fields.ts';

/** The package for the page: purposes carry their English name too (the page switches language). */
export type MyData = Omit<DisclosurePackage, 'accesses' | 'purposes'> & {
  purposes: (DisclosurePackage['purposes'][number] & { name_en: string })[];
  version: number;
};

/** The bank account is shown masked on the page (it is disclosed in full in a disclosure package). */
function maskAccount(value: string | number | null): string | null {
  if (value === null) return null;
  const s = String(value);
  return s.length <= 4 ? '****' : `${'*'.repeat(Math.min(8, s.length - 4))}${s.slice(-4)}`;
}

export async function myData(ctx: AppContext, actor: MemberActor): Promise<MyData> {
  const [pkg, row, englishNames] = await Promise.all([
    buildPackage(ctx, actor.subjectId, { accesses: false }),
    ctx.db.selectFrom('members').select('version').where('id', '=', actor.subjectId).executeTakeFirstOrThrow(),
    ctx.db.selectFrom('purposes').select(['code', 'name_en']).where('org_id', '=', actor.orgId).execute(),
  ]);
  const { accesses: _accesses, ...rest } = pkg;
  const nameEn = new Map(englishNames.map((p) => [p.code, p.name_en]));
  return {
    ...rest,
    items: rest.items.map((i) => (i.code === 'bank_account' ? { ...i, value: maskAccount(i.value) } : i)),
    purposes: rest.purposes.map((p) => ({ ...p, name_en: nameEn.get(p.code) || p.name })),
    version: row.version,
  };
}

export type ContactChanges = Partial<Record<(typeof selfServiceFields)[number], string | null>>;

/** The person corrects their own contact data (postal code, address, phone, e-mail). */
export async function updateMyContact(ctx: AppContext, actor: MemberActor, changes: ContactChanges, version: number): Promise<MyData> {
  const fields = Object.keys(changes) as (typeof selfServiceFields)[number][];
  if (fields.length === 0 || fields.some((f) => !(selfServiceFields as readonly string[]).includes(f))) {
    throw new AppError('validation_failed', [
      {
        field: 'changes',
        code: 'not_contact',
        message_ja:
          'このページで変更できるのは連絡先（郵便番号・住所・電話番号・メールアドレス）です。ほかの項目は訂正の請求をしてください。',
        message_en: 'Only contact data can be changed here; file a correction request for other items.',
      },
    ]);
  }
  const { values, issues } = normalizeMemberInput(changes, 'update');
  if (issues.length) throw new AppError('validation_failed', issues);
  const now = ctx.clock();
  await ctx.db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('members')
      .select(['id', 'org_id', 'version', 'erased_at'])
      .where('id', '=', actor.subjectId)
      .executeTakeFirst();
    if (!row || row.org_id !== actor.orgId) throw new AppError('member_not_found');
    if (row.erased_at) throw new AppError('request_member_erased');
    const updated = await tx
      .updateTable('members')
      .set({ ...toRow(ctx, values), version: row.version + 1, updated_at: iso(now) })
      .where('id', '=', row.id)
      .where('version', '=', version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw new AppError('version_conflict');
    await appendAudit(
      tx,
      auditActor(actor),
      {
        action: 'member.self_update',
        outcome: 'ok',
        orgId: row.org_id,
        memberId: row.id,
        detail: { fields, version: row.version + 1, ...(actor.asGuardian ? { by_guardian: true } : {}) },
      },
      ctx.clock,
    );
  });
  return myData(ctx, actor);
}
