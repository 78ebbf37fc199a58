/**
 * What answering a request does, in the answer's transaction, so a request is never "answered" without its
 * effect nor the reverse:
 *  - correction: the member's record is changed (validated like any edit);
 *  - deletion: the items asked for (or everything) are erased, except what a law requires keeping
 *    (settings.requests.retainOnDeletion); after a full deletion the record is marked erased and every
 *    purpose is stopped, so what is kept is restricted to the legal duty (nobody can read it for a purpose),
 *    the member page is closed and identity documents are destroyed;
 *  - cessation of use: the purposes are stopped in the access engine (`stopped` flags);
 *  - cessation of third-party provision: the recipients are stopped (a `withdrawn` consent from the request),
 *    which the provision records refuse from then on;
 *  - disclosures change nothing: the package is built from the data when it is downloaded.
 */
import { randomUUID } from 'node:crypto';
import type { StaffOrMemberActor as RequestActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import type { MemberField } from '../../contract/member-fields.ts';
import type { Tx } from '../../db/database.ts';
import type { MemberTable, SubjectRequestTable } from '../../db/schema.ts';
import { iso } from '../../db/time.ts';
import { appendAudit } from '../audit/append.ts';
import { auditActor } from '../consent/consents.ts';
import { normalizeMemberInput, toRow } from '../members/fields.ts';
import { getOrgSettings } from '../organizations/settings-cache.ts';
import type { RequestDetail } from './kinds.ts';

type Effect = { effect: string; fields?: string[]; purposes?: string[]; third_parties?: string[] };

export async function applyEffects(ctx: AppContext, tx: Tx, actor: RequestActor, row: SubjectRequestTable, now: Date): Promise<void> {
  const detail = JSON.parse(row.detail) as Record<string, unknown>;
  let effect: Effect;
  switch (row.kind) {
    case 'correction':
      effect = await correct(ctx, tx, row, detail as RequestDetail['correction'], now);
      break;
    case 'deletion':
      effect = await erase(ctx, tx, row, detail as RequestDetail['deletion'], now);
      break;
    case 'cessation':
      effect = await stopPurposes(tx, row, (detail as RequestDetail['cessation']).purposes, now);
      break;
    case 'provision_cessation':
      effect = await stopProvision(tx, row, (detail as RequestDetail['provision_cessation']).third_parties, now);
      break;
    default:
      effect = { effect: 'disclosed' };
  }
  await appendAudit(
    tx,
    auditActor(actor),
    {
      action: 'request.effect',
      outcome: 'ok',
      orgId: row.org_id,
      memberId: row.member_id,
      detail: { request: row.id, reference: row.reference, kind: row.kind, ...effect },
    },
    ctx.clock,
  );
}

async function loadMember(tx: Tx, id: string): Promise<MemberTable> {
  return tx.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function correct(ctx: AppContext, tx: Tx, row: SubjectRequestTable, detail: RequestDetail['correction'], now: Date): Promise<Effect> {
  const { values, issues } = normalizeMemberInput(detail.changes, 'update');
  if (issues.length)
    throw new AppError(
      'validation_failed',
      issues.map((i) => ({ ...i, field: `detail.changes.${i.field}` })),
    );
  const member = await loadMember(tx, row.member_id);
  await tx
    .updateTable('members')
    .set({ ...toRow(ctx, values), version: member.version + 1, updated_at: iso(now) })
    .where('id', '=', member.id)
    .execute();
  return { effect: 'corrected', fields: Object.keys(detail.changes) };
}

/** What an erased field becomes: null where the ledger allows it, a neutral value where a column must hold one. */
const erasedValue: Partial<Record<MemberField, string | number | null>> = {
  name: '',
  name_kana: '',
  gender: 'unknown',
  birth_date: null,
  postal_code: null,
  address: null,
  phone: null,
  email: null,
  bank_account: null,
  note: null,
  leave_date: null,
};

async function erase(ctx: AppContext, tx: Tx, row: SubjectRequestTable, detail: RequestDetail['deletion'], now: Date): Promise<Effect> {
  const settings = await getOrgSettings(ctx, row.org_id, tx);
  const retained = new Set(settings.requests.retainOnDeletion);
  const full = !detail.items || detail.items.length === 0;
  const asked = full ? Object.keys(erasedValue) : detail.items!;
  const fields = asked.filter((f) => f in erasedValue && !retained.has(f)) as MemberField[];
  const set: Record<string, unknown> = {};
  for (const f of fields) {
    if (f === 'bank_account') set.bank_account_enc = null;
    else set[f] = erasedValue[f];
    if (f === 'name_kana') set.name_kana_norm = '';
    if (f === 'phone') set.phone_norm = null;
  }
  const member = await loadMember(tx, row.member_id);
  await tx
    .updateTable('members')
    .set({ ...set, ...(full ? { erased_at: iso(now) } : {}), version: member.version + 1, updated_at: iso(now) })
    .where('id', '=', member.id)
    .execute();
  if (!full) return { effect: 'items_erased', fields };

  // What is kept is restricted: every purpose is stopped for this person.
  const purposes = await tx.selectFrom('purposes').select('code').where('org_id', '=', row.org_id).where('status', '=', 'active').execute();
  await stopPurposes(
    tx,
    row,
    purposes.map((p) => p.code),
    now,
  );
  const account = await tx.selectFrom('member_accounts').select('id').where('member_id', '=', member.id).executeTakeFirst();
  if (account) {
    await tx.deleteFrom('member_sessions').where('account_id', '=', account.id).execute();
    await tx
      .updateTable('member_accounts')
      .set({ status: 'disabled', password_hash: null, updated_at: iso(now) })
      .where('id', '=', account.id)
      .execute();
  }
  const requests = await tx.selectFrom('subject_requests').select('id').where('member_id', '=', member.id).execute();
  await tx
    .deleteFrom('request_documents')
    .where(
      'request_id',
      'in',
      requests.map((r) => r.id),
    )
    .execute();
  return { effect: 'erased', fields, purposes: purposes.map((p) => p.code) };
}

async function stopPurposes(tx: Tx, row: SubjectRequestTable, codes: string[], now: Date): Promise<Effect> {
  const purposes = await tx
    .selectFrom('purposes')
    .select(['id', 'code'])
    .where('org_id', '=', row.org_id)
    .where('code', 'in', codes)
    .execute();
  if (purposes.length === 0) return { effect: 'stopped', purposes: [] };
  await tx
    .deleteFrom('member_purpose_blocks')
    .where('member_id', '=', row.member_id)
    .where('kind', '=', 'stopped')
    .where(
      'purpose_id',
      'in',
      purposes.map((p) => p.id),
    )
    .execute();
  await tx
    .insertInto('member_purpose_blocks')
    .values(
      purposes.map((p) => ({
        member_id: row.member_id,
        purpose_id: p.id,
        kind: 'stopped' as const,
        reason: `request:${row.reference}`,
        created_at: iso(now),
        created_by: null,
      })),
    )
    .execute();
  return { effect: 'stopped', purposes: purposes.map((p) => p.code) };
}

async function stopProvision(tx: Tx, row: SubjectRequestTable, codes: string[], now: Date): Promise<Effect> {
  for (const code of codes) {
    const eventId = randomUUID();
    await tx
      .insertInto('consent_events')
      .values({
        id: eventId,
        org_id: row.org_id,
        member_id: row.member_id,
        subject_kind: 'third_party',
        subject_code: code,
        state: 'withdrawn',
        source: 'request',
        actor_type: 'system',
        actor_id: null,
        guardian_member_id: null,
        guardian_name: null,
        policy_version: null,
        request_id: row.id,
        note: row.reference,
        created_at: iso(now),
      })
      .execute();
    await tx
      .deleteFrom('member_consents')
      .where('member_id', '=', row.member_id)
      .where('subject_kind', '=', 'third_party')
      .where('subject_code', '=', code)
      .execute();
    await tx
      .insertInto('member_consents')
      .values({
        member_id: row.member_id,
        subject_kind: 'third_party',
        subject_code: code,
        state: 'withdrawn',
        event_id: eventId,
        updated_at: iso(now),
      })
      .execute();
  }
  return { effect: 'provision_stopped', third_parties: codes };
}
