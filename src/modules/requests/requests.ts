/**
 * Requests from the person (本人からの開示等の請求): intake from the member page or by staff for phone, paper
 * and counter requests; identity and agent checks; the due date; the workflow of `kinds.ts`; identity
 * documents. Every step is an event of the request and an entry of the audit trail, in one transaction.
 * What an answer changes is in `effects.ts`; mails go out after the commit (`notify.ts`).
 */
import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { StaffActor, StaffOrMemberActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { dutyAccess } from '../../base/duties.ts';
import { AppError } from '../../base/errors.ts';
import { addDays, daysBetween } from '../../base/rules.ts';
import type { RequestChannel, Requester, RequestKind, RequestState } from '../../contract/requests.ts';
import { disclosingKinds, kindsAfterErasure, officerSteps, openStates, type RequestStep, steps } from '../../contract/requests.ts';
import { type DbOrTx, dialectOf, type Tx } from '../../db/database.ts';
import type { SubjectRequestTable } from '../../db/schema.ts';
import { iso, japanDate } from '../../db/time.ts';
import { appendAudit } from '../audit/append.ts';
import { auditActor } from '../consent/consents.ts';
import { getOrgSettings } from '../organizations/settings-cache.ts';
import { policyInEffect } from '../policy/in-effect.ts';
import { planRequest } from '../system-tasks/plan-request.ts';
import { assertTasksDone, cancelRequestTasks } from '../system-tasks/resume-task.ts';
import { applyEffects } from './effects.ts';
import { type RequestDetail, requestDetailSchemas } from './kinds.ts';
import { notifyStep, type PendingMail, deliver as sendMails } from './notify.ts';

export type RequestActor = StaffOrMemberActor;

export interface FileRequestInput {
  memberId: string;
  kind: RequestKind;
  detail: unknown;
  deliveryForm?: SubjectRequestTable['delivery_form'];
  /** Staff entry only: how the request came in, who made it, and the agent's particulars. */
  channel?: Exclude<RequestChannel, 'page'>;
  requester?: Requester;
  agentName?: string;
  agentRelationship?: string;
  agentProof?: string;
  /** When the request arrived (a letter's date of receipt); defaults to now. */
  receivedAt?: Date;
}

export interface RequestView {
  id: string;
  reference: string;
  member_id: string;
  member_code: string;
  member_name: string;
  kind: RequestKind;
  state: RequestState;
  channel: RequestChannel;
  requester: Requester;
  agent_name: string | null;
  agent_relationship: string | null;
  agent_proof: string | null;
  identity_method: SubjectRequestTable['identity_method'];
  identity_note: string | null;
  verified_at: string | null;
  detail: Record<string, unknown>;
  delivery_form: SubjectRequestTable['delivery_form'];
  fee_yen: number;
  fee_paid_at: string | null;
  received_at: string;
  due_on: string;
  overdue: boolean;
  /** Days from today (Japan) to the due date: negative once overdue (「N 日超過」). */
  days_left: number;
  /** The staff user who handles the request (担当者); the name only for staff readers. */
  assignee_id: string | null;
  assignee_name: string | null;
  reason: string | null;
  answer: string | null;
  answered_at: string | null;
  closed_at: string | null;
  version: number;
  events?: {
    at: string;
    actor_type: string;
    /** The staff member's display name (staff readers only; the person sees 職員). */
    actor_name: string | null;
    action: string;
    from_state: string | null;
    to_state: string | null;
    note: string | null;
  }[];
  documents?: { id: string; kind: string; file_name: string; content_type: string; size: number; uploaded_at: string }[];
}

/** Validates what a kind asks for; the refusal names each bad field. */
export function parseDetail<K extends RequestKind>(kind: K, detail: unknown): RequestDetail[K] {
  const parsed = requestDetailSchemas[kind].safeParse(detail ?? {});
  if (!parsed.success) {
    throw new AppError(
      'request_detail_invalid',
      parsed.error.issues.map((i) => ({
        field: ['detail', ...i.path].join('.'),
        code: i.code,
        message_ja: '請求の内容を確認してください。',
        message_en: i.message,
      })),
    );
  }
  return parsed.data as RequestDetail[K];
}

/** Files a request. From the page, the signed-in member is identified (本人確認済み); staff check later. */
export async function fileRequest(ctx: AppContext, actor: RequestActor, input: FileRequestInput): Promise<RequestView> {
  const now = ctx.clock();
  const received = input.receivedAt ?? now;
  const detail = parseDetail(input.kind, input.detail);
  const mails: PendingMail[] = [];
  const id = await ctx.db.transaction().execute(async (tx) => {
    const member = await tx.selectFrom('members').select(['id', 'org_id', 'erased_at']).where('id', '=', input.memberId).executeTakeFirst();
    if (!member || member.org_id !== actor.orgId) throw new AppError('member_not_found');
    if (actor.type === 'member' && actor.subjectId !== member.id) throw new AppError('member_not_found');
    if (member.erased_at && !kindsAfterErasure.includes(input.kind)) throw new AppError('request_member_erased');
    await checkDetailCodes(tx, member.org_id, input.kind, detail);
    // PostgreSQL: one filing per organization at a time, so that the open-request check and the next reference
    // see the filings before (concurrent filings took the same reference: a unique violation, answered 500).
    if (dialectOf(tx) === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${`mamori.requests.${member.org_id}`}))`.execute(tx);
    const open = await tx
      .selectFrom('subject_requests')
      .select('id')
      .where('member_id', '=', member.id)
      .where('kind', '=', input.kind)
      .where('state', 'in', openStates)
      .executeTakeFirst();
    if (open) throw new AppError('request_duplicate_open');

    const settings = await getOrgSettings(ctx, member.org_id, tx);
    const fromPage = actor.type === 'member';
    const requester: Requester = fromPage ? (actor.asGuardian ? 'legal_representative' : 'self') : (input.requester ?? 'self');
    if (!fromPage && requester !== 'self' && !input.agentName?.trim()) {
      throw new AppError('request_detail_invalid', [
        { field: 'agent_name', code: 'required', message_ja: '代理人の氏名を入力してください。', message_en: 'Give the agent’s name.' },
      ]);
    }
    const guardianName = fromPage && actor.asGuardian ? await memberName(tx, actor.memberId) : null;
    const row: SubjectRequestTable = {
      id: randomUUID(),
      org_id: member.org_id,
      member_id: member.id,
      reference: await nextReference(tx, member.org_id, japanDate(received).slice(0, 4)),
      kind: input.kind,
      state: 'received',
      channel: fromPage ? 'page' : (input.channel ?? 'phone'),
      requester,
      agent_name: guardianName ?? input.agentName?.trim() ?? null,
      agent_relationship: fromPage && actor.asGuardian ? '保護者（登録済み）' : (input.agentRelationship?.trim() ?? null),
      agent_proof: fromPage && actor.asGuardian ? 'guardian_link' : (input.agentProof?.trim() ?? null),
      identity_method: null,
      identity_note: null,
      verified_at: null,
      verified_by: null,
      detail: JSON.stringify(detail),
      delivery_form: input.deliveryForm ?? (fromPage ? 'pdf' : 'paper'),
      fee_yen: input.kind === 'disclosure' ? settings.requests.disclosureFeeYen : 0,
      fee_paid_at: null,
      received_at: iso(received),
      due_on: addDays(japanDate(received), settings.requests.dueDays),
      reason: null,
      answer: null,
      answered_at: null,
      closed_at: null,
      reminded_on: null,
      filed_by_type: fromPage ? (actor.asGuardian ? 'guardian' : 'member') : 'user',
      filed_by_id: fromPage ? actor.memberId : actor.id,
      assignee_id: null,
      version: 1,
      created_at: iso(now),
      updated_at: iso(now),
    };
    await tx.insertInto('subject_requests').values(row).execute();
    await addEvent(tx, row.id, actor, 'file', null, 'received', null, now);
    await appendAudit(
      tx,
      auditActor(actor),
      {
        action: 'request.file',
        outcome: 'ok',
        orgId: row.org_id,
        memberId: row.member_id,
        detail: { request: row.id, reference: row.reference, kind: row.kind, channel: row.channel, requester: row.requester },
      },
      ctx.clock,
    );
    // Signed in on the page: the sign-in (and, for a guardian, the link staff verified) is the identity check.
    if (fromPage) {
      await tx
        .updateTable('subject_requests')
        .set({ state: 'verified', identity_method: 'signed_in', verified_at: iso(now), version: 2 })
        .where('id', '=', row.id)
        .execute();
      await addEvent(tx, row.id, actor, 'verify', 'received', 'verified', '本人確認: サインイン', now);
    }
    mails.push(...(await notifyStep(tx, ctx, row, 'file')));
    return row.id;
  });
  await sendMails(ctx, mails);
  return getRequest(ctx.db, actor, id, { withEvents: true, today: japanDate(ctx.clock()) });
}

export interface StepInput {
  step: RequestStep;
  /** The version the screen showed: a newer one is a conflict. */
  version?: number;
  /** Refusal or withdrawal reason; for `answer`, what was done (sent to the person). */
  reason?: string;
  answer?: string;
  identityMethod?: 'documents' | 'callback';
  identityNote?: string;
}

/** Takes one step of the workflow; `answer` carries out the request's effects in the same transaction. */
export async function stepRequest(ctx: AppContext, actor: RequestActor, requestId: string, input: StepInput): Promise<RequestView> {
  const now = ctx.clock();
  const mails: PendingMail[] = [];
  await ctx.db.transaction().execute(async (tx) => {
    const row = await loadForActor(tx, actor, requestId);
    const rule = steps[input.step];
    if (actor.type === 'member' && input.step !== 'withdraw') throw new AppError('forbidden');
    if (actor.type === 'user') {
      if (dutyAccess(actor, 'member_requests') !== 'handle') throw new AppError('forbidden');
      if (officerSteps.includes(input.step) && actor.roleKind !== 'privacy_officer') throw new AppError('forbidden');
    }
    if (input.version !== undefined && input.version !== row.version) throw new AppError('request_version_conflict');
    if (!rule.from.includes(row.state)) throw new AppError('request_transition_invalid');

    const set: Partial<SubjectRequestTable> = { state: rule.to, version: row.version + 1, updated_at: iso(now) };
    let note: string | null = null;
    if (input.step === 'verify') {
      if (!input.identityMethod) {
        throw new AppError('request_detail_invalid', [
          {
            field: 'identity_method',
            code: 'required',
            message_ja: '本人確認の方法を選んでください。',
            message_en: 'Choose how identity was checked.',
          },
        ]);
      }
      if (row.requester !== 'self' && !row.agent_proof && !(await hasDocument(tx, row.id, 'agent_proof'))) {
        throw new AppError('request_identity_unverified');
      }
      Object.assign(set, {
        identity_method: input.identityMethod,
        identity_note: input.identityNote?.trim() || null,
        verified_at: iso(now),
      });
      Object.assign(set, { verified_by: actor.type === 'user' ? actor.id : null });
      note = input.identityNote?.trim() || null;
    }
    if (input.step === 'refuse') {
      const reason = input.reason?.trim();
      if (!reason) throw new AppError('request_reason_required');
      Object.assign(set, { reason, answered_at: iso(now) });
      note = reason;
    }
    if (input.step === 'withdraw') {
      set.reason = input.reason?.trim() || null;
      note = set.reason;
    }
    // Refused or withdrawn: the connected systems' tasks not yet run are cancelled (system-tasks).
    if (input.step === 'refuse' || input.step === 'withdraw') await cancelRequestTasks(tx, auditActor(actor), row, now);
    if (input.step === 'answer') {
      // Not answered while the connected systems have work left (a deletion not yet carried out there).
      await assertTasksDone(tx, row.id);
      const answer = input.answer?.trim() || defaultAnswer(row.kind);
      Object.assign(set, { answer, answered_at: iso(now) });
      note = answer;
      await applyEffects(ctx, tx, actor, row, now);
    }
    if (input.step === 'close') set.closed_at = iso(now);

    const updated = await tx
      .updateTable('subject_requests')
      .set(set)
      .where('id', '=', row.id)
      .where('version', '=', row.version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw new AppError('request_version_conflict');
    await addEvent(tx, row.id, actor, input.step, row.state, rule.to, note, now);
    await appendAudit(
      tx,
      auditActor(actor),
      {
        action: 'request.step',
        outcome: 'ok',
        orgId: row.org_id,
        memberId: row.member_id,
        detail: { request: row.id, reference: row.reference, kind: row.kind, step: input.step, from: row.state, to: rule.to },
      },
      ctx.clock,
    );
    mails.push(...(await notifyStep(tx, ctx, { ...row, ...set } as SubjectRequestTable, input.step)));
  });
  await sendMails(ctx, mails);
  if (input.step === 'answer') await ctx.events.publish(ctx.db, 'policy.changed', {});
  // Work starts: the connected systems are planned at once (disclosures queued, changes previewed for approval).
  // A system that cannot be reached is recorded on its task; anything else leaves planning to the panel's button.
  if (input.step === 'start' && actor.type === 'user') {
    await planRequest(ctx, { actor: null, requestId, orgId: actor.orgId }).catch(() => undefined);
  }
  return getRequest(ctx.db, actor, requestId, { withEvents: true, today: japanDate(ctx.clock()) });
}

export interface UpdateRequestInput {
  version: number;
  detail?: unknown;
  deliveryForm?: SubjectRequestTable['delivery_form'];
  feeYen?: number;
  feePaid?: boolean;
  agentProof?: string;
  dueOn?: string;
}

/** Staff adjust a request before it is approved: what exactly is asked (e.g. which fields), form, fee, proof. */
export async function updateRequest(
  ctx: AppContext,
  actor: StaffActor,
  requestId: string,
  input: UpdateRequestInput,
): Promise<RequestView> {
  const now = ctx.clock();
  await ctx.db.transaction().execute(async (tx) => {
    const row = await loadForActor(tx, actor, requestId);
    if (dutyAccess(actor, 'member_requests') !== 'handle') throw new AppError('forbidden');
    if (input.version !== row.version) throw new AppError('request_version_conflict');
    if (!openStates.includes(row.state) || row.state === 'approved') throw new AppError('request_transition_invalid');
    const set: Partial<SubjectRequestTable> = { version: row.version + 1, updated_at: iso(now) };
    const fields: string[] = [];
    if (input.detail !== undefined) {
      const detail = parseDetail(row.kind, input.detail);
      await checkDetailCodes(tx, row.org_id, row.kind, detail);
      set.detail = JSON.stringify(detail);
      fields.push('detail');
    }
    if (input.deliveryForm) {
      set.delivery_form = input.deliveryForm;
      fields.push('delivery_form');
    }
    if (input.feeYen !== undefined) {
      set.fee_yen = input.feeYen;
      fields.push('fee_yen');
    }
    if (input.feePaid !== undefined) {
      set.fee_paid_at = input.feePaid ? iso(now) : null;
      fields.push('fee_paid_at');
    }
    if (input.agentProof !== undefined) {
      set.agent_proof = input.agentProof.trim() || null;
      fields.push('agent_proof');
    }
    if (input.dueOn !== undefined) {
      set.due_on = input.dueOn;
      fields.push('due_on');
    }
    const updated = await tx
      .updateTable('subject_requests')
      .set(set)
      .where('id', '=', row.id)
      .where('version', '=', row.version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw new AppError('request_version_conflict');
    await addEvent(tx, row.id, actor, 'update', row.state, row.state, fields.join(', '), now);
    await appendAudit(
      tx,
      actor,
      {
        action: 'request.update',
        outcome: 'ok',
        orgId: row.org_id,
        memberId: row.member_id,
        detail: { request: row.id, reference: row.reference, kind: row.kind, step: fields.join(',') },
      },
      ctx.clock,
    );
  });
  return getRequest(ctx.db, actor, requestId, { withEvents: true, today: japanDate(ctx.clock()) });
}

/** One request, if the actor may see it (staff: their organization's; a member: their own or a ward's). */
export async function getRequest(
  db: DbOrTx,
  actor: RequestActor,
  requestId: string,
  opts: { withEvents?: boolean; today?: string } = {},
): Promise<RequestView> {
  const row = await loadForActor(db, actor, requestId);
  const staff = actor.type === 'user';
  const member = await db.selectFrom('members').select(['member_code', 'name']).where('id', '=', row.member_id).executeTakeFirstOrThrow();
  const assignee =
    staff && row.assignee_id
      ? await db.selectFrom('users').select('display_name').where('id', '=', row.assignee_id).executeTakeFirst()
      : undefined;
  const view = present(row, member, opts.today ?? japanDate(new Date()), assignee?.display_name ?? null);
  if (!opts.withEvents) return view;
  const [events, documents] = await Promise.all([
    db
      .selectFrom('request_events')
      .leftJoin('users', (j) => j.onRef('users.id', '=', 'request_events.actor_id').on('request_events.actor_type', '=', 'user'))
      .select([
        'request_events.at',
        'request_events.actor_type',
        'users.display_name as actor_name',
        'request_events.action',
        'request_events.from_state',
        'request_events.to_state',
        'request_events.note',
      ])
      .where('request_events.request_id', '=', row.id)
      .orderBy('request_events.at')
      .orderBy('request_events.id')
      .execute()
      // A staff member's name is for the office; the person reads 職員 (actor_type).
      .then((rows) => rows.filter((e) => staff || e.action !== 'assign').map((e) => ({ ...e, actor_name: staff ? e.actor_name : null }))),
    db
      .selectFrom('request_documents')
      .select(['id', 'kind', 'file_name', 'content_type', 'size', 'uploaded_at'])
      .where('request_id', '=', row.id)
      .orderBy('uploaded_at')
      .execute(),
  ]);
  return { ...view, events, documents };
}

export interface ListRequestsQuery {
  /** `open` (default), `overdue`, `all`, or one state. */
  state?: RequestState | 'open' | 'overdue' | 'all';
  kind?: RequestKind;
  memberId?: string;
  /** Requests assigned to this staff user; `none`: not assigned to anybody. */
  assigneeId?: string | 'none';
  /** Staff readers get the assignee's name; the person's page does not. */
  staff?: boolean;
  limit?: number;
  /** The most `limit` may be (500 for the screen; an export asks for more). */
  max?: number;
}

/** The privacy office's list: open requests by due date (the overdue first), or a member's history. */
export async function listRequests(db: DbOrTx, orgId: string, q: ListRequestsQuery, today: string): Promise<RequestView[]> {
  let query = db
    .selectFrom('subject_requests')
    .innerJoin('members', 'members.id', 'subject_requests.member_id')
    .leftJoin('users', 'users.id', 'subject_requests.assignee_id')
    .selectAll('subject_requests')
    .select(['members.member_code', 'members.name as member_name', 'users.display_name as assignee_name'])
    .where('subject_requests.org_id', '=', orgId);
  const state = q.state ?? (q.memberId ? 'all' : 'open');
  if (state === 'open') query = query.where('subject_requests.state', 'in', openStates);
  else if (state === 'overdue')
    query = query.where('subject_requests.state', 'in', openStates).where('subject_requests.due_on', '<', today);
  else if (state !== 'all') query = query.where('subject_requests.state', '=', state);
  if (q.kind) query = query.where('subject_requests.kind', '=', q.kind);
  if (q.memberId) query = query.where('subject_requests.member_id', '=', q.memberId);
  if (q.assigneeId === 'none') query = query.where('subject_requests.assignee_id', 'is', null);
  else if (q.assigneeId) query = query.where('subject_requests.assignee_id', '=', q.assigneeId);
  const rows = await query
    .orderBy(
      state === 'all' || state === 'closed' ? 'subject_requests.received_at' : 'subject_requests.due_on',
      state === 'all' ? 'desc' : 'asc',
    )
    .orderBy('subject_requests.reference')
    .limit(Math.min(q.limit ?? 200, q.max ?? 500))
    .execute();
  return rows.map((r) =>
    present(r, { member_code: r.member_code, name: r.member_name }, today, q.staff ? (r.assignee_name ?? null) : null),
  );
}

const maxDocumentBytes = 5 * 1024 * 1024;

/** Stores an identity document or an agent's proof, encrypted; only PDF, JPEG and PNG (checked by content). */
export async function addDocument(
  ctx: AppContext,
  actor: RequestActor,
  requestId: string,
  doc: { kind: 'identity' | 'agent_proof' | 'other'; fileName: string; data: Buffer },
): Promise<{ id: string }> {
  if (doc.data.length > maxDocumentBytes) throw new AppError('document_too_large');
  const type = sniffType(doc.data);
  if (!type) throw new AppError('document_type_unsupported');
  const now = ctx.clock();
  const id = randomUUID();
  await ctx.db.transaction().execute(async (tx) => {
    const row = await loadForActor(tx, actor, requestId);
    if (!openStates.includes(row.state)) throw new AppError('request_transition_invalid');
    await tx
      .insertInto('request_documents')
      .values({
        id,
        request_id: row.id,
        kind: doc.kind,
        file_name: doc.fileName.replace(/[\\/\r\n]/g, '_').slice(0, 200),
        content_type: type,
        size: doc.data.length,
        sha256: createHash('sha256').update(doc.data).digest('hex'),
        content_enc: ctx.keys.encrypt(doc.data.toString('base64')),
        uploaded_at: iso(now),
        uploaded_by_type: actor.type === 'user' ? 'user' : actor.asGuardian ? 'guardian' : 'member',
        uploaded_by_id: actor.type === 'user' ? actor.id : actor.memberId,
      })
      .execute();
    await addEvent(tx, row.id, actor, 'document', row.state, row.state, doc.kind, now);
    await appendAudit(
      tx,
      auditActor(actor),
      {
        action: 'request.document',
        outcome: 'ok',
        orgId: row.org_id,
        memberId: row.member_id,
        detail: { request: row.id, reference: row.reference, kind: row.kind, document: id },
      },
      ctx.clock,
    );
  });
  return { id };
}

/** A document's content for staff who check it. */
export async function readDocument(
  ctx: AppContext,
  actor: StaffActor,
  requestId: string,
  documentId: string,
): Promise<{ fileName: string; contentType: string; data: Buffer }> {
  const row = await loadForActor(ctx.db, actor, requestId);
  const doc = await ctx.db
    .selectFrom('request_documents')
    .selectAll()
    .where('id', '=', documentId)
    .where('request_id', '=', row.id)
    .executeTakeFirst();
  if (!doc) throw new AppError('document_not_found');
  return { fileName: doc.file_name, contentType: doc.content_type, data: Buffer.from(ctx.keys.decrypt(doc.content_enc), 'base64') };
}

/** PDF, JPEG or PNG by their first bytes; anything else is refused whatever its name says. */
function sniffType(data: Buffer): string | null {
  if (data.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  return null;
}

/** Loads a request the actor may reach; anything else is `request_not_found` (no hint that it exists). */
export async function loadForActor(db: DbOrTx, actor: RequestActor, requestId: string): Promise<SubjectRequestTable> {
  const row = await db.selectFrom('subject_requests').selectAll().where('id', '=', requestId).executeTakeFirst();
  if (!row || row.org_id !== actor.orgId) throw new AppError('request_not_found');
  if (actor.type === 'member' && row.member_id !== actor.subjectId) throw new AppError('request_not_found');
  return row;
}

/** The purposes, third parties and items a request names must exist in the organization's registers. */
async function checkDetailCodes(tx: Tx, orgId: string, kind: RequestKind, detail: RequestDetail[RequestKind]): Promise<void> {
  const unknown = async (field: string, codes: string[], known: Set<string>) => {
    const bad = codes.filter((c) => !known.has(c));
    if (bad.length === 0) return;
    throw new AppError(
      'request_detail_invalid',
      bad.map((c) => ({
        field: `detail.${field}`,
        code: 'unknown',
        message_ja: `登録されていないコードです: ${c}`,
        message_en: `Unknown code: ${c}`,
      })),
    );
  };
  if (kind === 'cessation') {
    const rows = await tx.selectFrom('purposes').select('code').where('org_id', '=', orgId).where('status', '=', 'active').execute();
    await unknown('purposes', (detail as RequestDetail['cessation']).purposes, new Set(rows.map((r) => r.code)));
  }
  if (kind === 'deletion' && (detail as RequestDetail['deletion']).items) {
    const rows = await tx.selectFrom('data_items').select('code').where('org_id', '=', orgId).execute();
    await unknown('items', (detail as RequestDetail['deletion']).items ?? [], new Set(rows.map((r) => r.code)));
  }
  if (kind === 'provision_cessation') {
    const policy = await policyInEffect(tx, orgId);
    await unknown(
      'third_parties',
      (detail as RequestDetail['provision_cessation']).third_parties,
      new Set(policy?.document.third_parties.map((t) => t.code)),
    );
  }
}

async function nextReference(tx: Tx, orgId: string, year: string): Promise<string> {
  const prefix = `R${year}-`;
  const last = await tx
    .selectFrom('subject_requests')
    .select('reference')
    .where('org_id', '=', orgId)
    .where('reference', '>=', prefix)
    .where('reference', '<', `R${Number(year) + 1}-`)
    .orderBy('reference', 'desc')
    .limit(1)
    .executeTakeFirst();
  const n = last ? Number(last.reference.slice(prefix.length)) + 1 : 1;
  return `${prefix}${String(n).padStart(5, '0')}`;
}

async function memberName(tx: Tx, memberId: string): Promise<string> {
  const row = await tx.selectFrom('members').select('name').where('id', '=', memberId).executeTakeFirstOrThrow();
  return row.name;
}

async function hasDocument(tx: Tx, requestId: string, kind: 'identity' | 'agent_proof'): Promise<boolean> {
  const row = await tx
    .selectFrom('request_documents')
    .select('id')
    .where('request_id', '=', requestId)
    .where('kind', '=', kind)
    .executeTakeFirst();
  return row !== undefined;
}

async function addEvent(
  tx: Tx,
  requestId: string,
  actor: RequestActor,
  action: string,
  from: RequestState | null,
  to: RequestState | null,
  note: string | null,
  now: Date,
): Promise<void> {
  await tx
    .insertInto('request_events')
    .values({
      id: randomUUID(),
      request_id: requestId,
      at: iso(now),
      actor_type: actor.type === 'user' ? 'user' : actor.asGuardian ? 'guardian' : 'member',
      actor_id: actor.type === 'user' ? actor.id : actor.memberId,
      action,
      from_state: from,
      to_state: to,
      note,
    })
    .execute();
}

/** What is told to the person when the office writes nothing: in Japanese only, like every mail (notify/templates.ts). */
function defaultAnswer(kind: RequestKind): string {
  if (disclosingKinds.includes(kind)) {
    return '開示しました。本人のページからダウンロードできます（紙での交付を希望された場合は郵送します）。';
  }
  return 'ご請求のとおり対応しました。';
}

/** Shapes a row for the API; `assigneeName` only for staff readers. */
export function present(
  row: SubjectRequestTable,
  member: { member_code: string; name: string },
  today: string,
  assigneeName: string | null = null,
): RequestView {
  return {
    id: row.id,
    reference: row.reference,
    member_id: row.member_id,
    member_code: member.member_code,
    member_name: member.name,
    kind: row.kind,
    state: row.state,
    channel: row.channel,
    requester: row.requester,
    agent_name: row.agent_name,
    agent_relationship: row.agent_relationship,
    agent_proof: row.agent_proof,
    identity_method: row.identity_method,
    identity_note: row.identity_note,
    verified_at: row.verified_at,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    delivery_form: row.delivery_form,
    fee_yen: row.fee_yen,
    fee_paid_at: row.fee_paid_at,
    received_at: row.received_at,
    due_on: row.due_on,
    overdue: openStates.includes(row.state) && row.due_on < today,
    days_left: daysBetween(today, row.due_on),
    assignee_id: row.assignee_id,
    assignee_name: assigneeName,
    reason: row.reason,
    answer: row.answer,
    answered_at: row.answered_at,
    closed_at: row.closed_at,
    version: row.version,
  };
}
