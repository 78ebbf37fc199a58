/**
 * Creating and changing members for a purpose. The fields written must be items of the purpose; the change
 * and its audit entry commit together; concurrent edits are caught by the record's version.
 */
import { randomUUID } from 'node:crypto';
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import type { MemberField } from '../../contract/member-fields.ts';
import type { MemberTable } from '../../db/schema.ts';
import { iso, japanDate } from '../../db/time.ts';
import { appendAudit } from '../audit/append.ts';
import { normalizeMemberInput, toRow } from './fields.ts';
import { type PresentedMember, presentMember } from './presenter.ts';
import { loadBlocks, refusalToError } from './read-member.ts';

type Input = Partial<Record<MemberField, string | number | null>>;

export interface CreateMemberOptions {
  actor: StaffActor;
  purpose: string;
  input: Input;
  via?: string;
}

export async function createMember(ctx: AppContext, opts: CreateMemberOptions): Promise<PresentedMember> {
  const { values, issues } = normalizeMemberInput(opts.input, 'create');
  if (issues.length) throw new AppError('validation_failed', issues);
  const engine = await ctx.policy.engine();
  const now = ctx.clock();
  const fields = Object.keys(opts.input).filter((k) => opts.input[k as MemberField] !== undefined);
  const outcome = await ctx.db.transaction().execute(async (tx) => {
    const decision = engine.decide({
      actor: opts.actor,
      purpose: opts.purpose,
      action: 'create',
      items: fields,
      member: { orgId: opts.actor.orgId, blocks: [] },
      today: japanDate(now),
    });
    if (!decision.allowed) {
      await appendAudit(
        tx,
        opts.actor,
        {
          action: 'member.create',
          outcome: 'refused',
          orgId: opts.actor.orgId,
          purpose: opts.purpose,
          errorCode: decision.code,
          detail: { fields, via: opts.via },
        },
        ctx.clock,
      );
      return { error: refusalToError(decision.code) };
    }
    const taken = await tx
      .selectFrom('members')
      .select('id')
      .where('org_id', '=', opts.actor.orgId)
      .where('member_code', '=', values.member_code!)
      .executeTakeFirst();
    if (taken) return { error: new AppError('member_code_taken') };
    const row = {
      id: randomUUID(),
      org_id: opts.actor.orgId,
      ...toRow(ctx, values),
      version: 1,
      created_at: iso(now),
      updated_at: iso(now),
    } as MemberTable;
    await tx.insertInto('members').values(row).execute();
    await appendAudit(
      tx,
      opts.actor,
      {
        action: 'member.create',
        outcome: 'ok',
        orgId: opts.actor.orgId,
        memberId: row.id,
        purpose: opts.purpose,
        detail: { fields, via: opts.via },
      },
      ctx.clock,
    );
    return { member: presentMember(row, engine.itemsOfPurpose(opts.actor.orgId, opts.purpose), ctx.keys) };
  });
  if ('error' in outcome) throw outcome.error;
  return outcome.member;
}

export interface UpdateMemberOptions {
  actor: StaffActor;
  memberId: string;
  purpose: string;
  changes: Input;
  /** The version the editor saw; a newer stored version is a conflict. */
  expectedVersion?: number;
  via?: string;
}

export async function updateMember(ctx: AppContext, opts: UpdateMemberOptions): Promise<PresentedMember> {
  const fields = Object.keys(opts.changes).filter((k) => opts.changes[k as MemberField] !== undefined) as MemberField[];
  if (fields.length === 0) {
    throw new AppError('validation_failed', [
      { field: 'changes', code: 'empty', message_ja: '変更する項目がありません。', message_en: 'Nothing to change.' },
    ]);
  }
  const { values, issues } = normalizeMemberInput(opts.changes, 'update');
  if (issues.length) throw new AppError('validation_failed', issues);
  const engine = await ctx.policy.engine();
  const now = ctx.clock();
  const outcome = await ctx.db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('members').selectAll().where('id', '=', opts.memberId).executeTakeFirst();
    const decision = row
      ? engine.decide({
          actor: opts.actor,
          purpose: opts.purpose,
          action: 'update',
          items: fields,
          member: { orgId: row.org_id, blocks: await loadBlocks(tx, row.id), status: row.status },
          today: japanDate(now),
        })
      : ({ allowed: false, code: 'member_out_of_scope' } as const);
    if (!row || !decision.allowed) {
      const code = decision.allowed ? 'member_out_of_scope' : decision.code;
      await appendAudit(
        tx,
        opts.actor,
        {
          action: 'member.update',
          outcome: 'refused',
          orgId: opts.actor.orgId,
          memberId: row?.id ?? null,
          purpose: opts.purpose,
          errorCode: code,
          detail: { fields, via: opts.via },
        },
        ctx.clock,
      );
      return { error: refusalToError(code) };
    }
    if (opts.expectedVersion !== undefined && opts.expectedVersion !== row.version) return { error: new AppError('version_conflict') };
    const merged = { ...row, ...toRow(ctx, values) };
    if (merged.leave_date && merged.leave_date < merged.join_date) {
      return {
        error: new AppError('validation_failed', [
          {
            field: 'leave_date',
            code: 'before_join_date',
            message_ja: '脱退日が加入日より前です。',
            message_en: 'Leave date is before the join date.',
          },
        ]),
      };
    }
    const updated = await tx
      .updateTable('members')
      .set({ ...toRow(ctx, values), version: row.version + 1, updated_at: iso(now) })
      .where('id', '=', row.id)
      .where('version', '=', row.version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return { error: new AppError('version_conflict') };
    await appendAudit(
      tx,
      opts.actor,
      {
        action: 'member.update',
        outcome: 'ok',
        orgId: row.org_id,
        memberId: row.id,
        purpose: opts.purpose,
        detail: { fields, version: row.version + 1, via: opts.via },
      },
      ctx.clock,
    );
    const fresh = { ...merged, version: row.version + 1, updated_at: iso(now) };
    // What the editor may see afterwards: the purpose's items, cut to a joint use's items where one applies.
    const view = engine.decide({
      actor: opts.actor,
      purpose: opts.purpose,
      action: 'read',
      member: { orgId: row.org_id, blocks: [] },
      today: japanDate(now),
    });
    return { member: presentMember(fresh, view.allowed ? view.items : fields, ctx.keys) };
  });
  if ('error' in outcome) throw outcome.error;
  return outcome.member;
}
