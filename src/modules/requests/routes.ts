/**
 * The privacy office's API for requests from the person and consents entered on paper or by phone (provision
 * records are modules/provision/routes.ts). Staff of the member's organization only, and only roles with the
 * duty `member_requests` (base/duties.ts; auditors read); deciding steps, documents and packages are the
 * privacy officer's.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { requireDuty } from '../../base/guard.ts';
import { disclosingKinds, requestKinds } from '../../contract/requests.ts';
import { japanDate } from '../../db/time.ts';
import { appendAudit } from '../audit/append.ts';
import { changeConsent, consentHistory, listConsents } from '../consent/consents.ts';
import { assignRequest, listAssignees } from './assign-request.ts';
import { deliverPackage, packageForms, packageStates, previewPackage } from './package.ts';
import { receivedOn } from './received-on.ts';
import { addDocument, fileRequest, getRequest, listRequests, loadForActor, readDocument, stepRequest, updateRequest } from './requests.ts';

const idParams = z.strictObject({ id: z.uuid() });
const requestStates = ['received', 'verified', 'in_progress', 'approved', 'answered', 'refused', 'withdrawn', 'closed'] as const;
const date = z.iso.date();

export const documentBody = z.strictObject({
  kind: z.enum(['identity', 'agent_proof', 'other']),
  file_name: z.string().trim().min(1).max(200),
  /** The file, base64-encoded (at most 5 MB decoded). */
  data_base64: z.string().min(1),
});

/** Document uploads carry a base64 file: a larger body than the API's default, still bounded. */
export const documentBodyLimit = 8 * 1024 * 1024;

async function memberInOrg(ctx: AppContext, actor: StaffActor, memberId: string): Promise<void> {
  const row = await ctx.db.selectFrom('members').select('org_id').where('id', '=', memberId).executeTakeFirst();
  if (!row || row.org_id !== actor.orgId) throw new AppError('member_not_found');
}

export function requestRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/requests',
      {
        config: { duty: { duty: 'member_requests', access: 'read' } },
        schema: {
          tags: ['requests'],
          summary: '請求の一覧（期限順）/ requests by due date',
          querystring: z.strictObject({
            state: z.enum([...requestStates, 'open', 'overdue', 'all']).optional(),
            kind: z.enum(requestKinds).optional(),
            member_id: z.uuid().optional(),
            assignee: z.enum(['me', 'none']).optional().describe('自分の担当・担当者なし / assigned to me, or to nobody'),
          }),
        },
      },
      async (req) => {
        const actor = requireDuty(req, 'member_requests', 'read');
        const q = req.query;
        const requests = await listRequests(
          ctx.db,
          actor.orgId,
          {
            ...(q.state ? { state: q.state } : {}),
            ...(q.kind ? { kind: q.kind } : {}),
            ...(q.member_id ? { memberId: q.member_id } : {}),
            ...(q.assignee ? { assigneeId: q.assignee === 'me' ? actor.id : 'none' } : {}),
            staff: true,
          },
          japanDate(ctx.clock()),
        );
        return { requests };
      },
    );

    app.post(
      '/requests',
      {
        config: { duty: { duty: 'member_requests', access: 'handle' } },
        schema: {
          tags: ['requests'],
          summary: '請求の受付（電話・書面・窓口）/ enter a request received by phone, paper or at the counter',
          body: z.strictObject({
            member_id: z.uuid(),
            kind: z.enum(requestKinds),
            detail: z.record(z.string(), z.unknown()).default({}),
            channel: z.enum(['phone', 'paper', 'counter', 'mail']),
            requester: z.enum(['self', 'legal_representative', 'mandated_agent']).default('self'),
            agent_name: z.string().trim().max(200).optional(),
            agent_relationship: z.string().trim().max(200).optional(),
            agent_proof: z.string().trim().max(500).optional(),
            delivery_form: z.enum(['json', 'csv', 'pdf', 'paper']).optional(),
            received_on: date.optional(),
          }),
        },
      },
      async (req, reply) => {
        const actor = requireDuty(req, 'member_requests', 'handle');
        const b = req.body;
        const view = await fileRequest(ctx, actor, {
          memberId: b.member_id,
          kind: b.kind,
          detail: b.detail,
          channel: b.channel,
          requester: b.requester,
          ...(b.agent_name ? { agentName: b.agent_name } : {}),
          ...(b.agent_relationship ? { agentRelationship: b.agent_relationship } : {}),
          ...(b.agent_proof ? { agentProof: b.agent_proof } : {}),
          ...(b.delivery_form ? { deliveryForm: b.delivery_form } : {}),
          ...(b.received_on ? { receivedAt: receivedOn(b.received_on, ctx.clock()) } : {}),
        });
        return reply.status(201).send(view);
      },
    );

    app.get(
      '/requests/assignees',
      {
        config: { duty: { duty: 'member_requests', access: 'handle' } },
        schema: { tags: ['requests'], summary: '担当者にできる職員 / staff who may be assigned a request' },
      },
      async (req) => {
        const actor = requireDuty(req, 'member_requests', 'handle');
        return { assignees: await listAssignees(ctx.db, actor.orgId) };
      },
    );

    app.put(
      '/requests/:id/assignee',
      {
        config: { duty: { duty: 'member_requests', access: 'handle' } },
        schema: {
          tags: ['requests'],
          summary: '担当者の設定・変更 / assign the request (null: nobody)',
          params: idParams,
          body: z.strictObject({ assignee_id: z.uuid().nullable(), version: z.int().min(1) }),
        },
      },
      async (req) => {
        const actor = requireDuty(req, 'member_requests', 'handle');
        return assignRequest(ctx, actor, req.params.id, { assigneeId: req.body.assignee_id, version: req.body.version });
      },
    );

    app.get(
      '/requests/:id',
      {
        config: { duty: { duty: 'member_requests', access: 'read' } },
        schema: { tags: ['requests'], summary: '請求の詳細 / a request', params: idParams },
      },
      async (req) => {
        const actor = requireDuty(req, 'member_requests', 'read');
        return getRequest(ctx.db, actor, req.params.id, { withEvents: true, today: japanDate(ctx.clock()) });
      },
    );

    app.post(
      '/requests/:id/steps',
      {
        config: { duty: { duty: 'member_requests', access: 'handle' } },
        schema: {
          tags: ['requests'],
          summary: '請求の処理を進める / take a step (verify, start, approve, answer, refuse, withdraw, close)',
          params: idParams,
          body: z.strictObject({
            step: z.enum(['verify', 'start', 'approve', 'answer', 'refuse', 'withdraw', 'close']),
            version: z.int().min(1),
            reason: z.string().trim().max(2000).optional(),
            answer: z.string().trim().max(4000).optional(),
            identity_method: z.enum(['documents', 'callback']).optional(),
            identity_note: z.string().trim().max(500).optional(),
          }),
        },
      },
      async (req) => {
        const actor = requireDuty(req, 'member_requests', 'handle');
        const b = req.body;
        return stepRequest(ctx, actor, req.params.id, {
          step: b.step,
          version: b.version,
          ...(b.reason ? { reason: b.reason } : {}),
          ...(b.answer ? { answer: b.answer } : {}),
          ...(b.identity_method ? { identityMethod: b.identity_method } : {}),
          ...(b.identity_note ? { identityNote: b.identity_note } : {}),
        });
      },
    );

    app.patch(
      '/requests/:id',
      {
        config: { duty: { duty: 'member_requests', access: 'handle' } },
        schema: {
          tags: ['requests'],
          summary: '請求内容・方法・手数料の調整 / adjust what is asked, the form, the fee',
          params: idParams,
          body: z.strictObject({
            version: z.int().min(1),
            detail: z.record(z.string(), z.unknown()).optional(),
            delivery_form: z.enum(['json', 'csv', 'pdf', 'paper']).optional(),
            fee_yen: z.int().min(0).max(100_000).optional(),
            fee_paid: z.boolean().optional(),
            agent_proof: z.string().trim().max(500).optional(),
            due_on: date.optional(),
          }),
        },
      },
      async (req) => {
        const actor = requireDuty(req, 'member_requests', 'handle');
        const b = req.body;
        return updateRequest(ctx, actor, req.params.id, {
          version: b.version,
          ...(b.detail ? { detail: b.detail } : {}),
          ...(b.delivery_form ? { deliveryForm: b.delivery_form } : {}),
          ...(b.fee_yen !== undefined ? { feeYen: b.fee_yen } : {}),
          ...(b.fee_paid !== undefined ? { feePaid: b.fee_paid } : {}),
          ...(b.agent_proof !== undefined ? { agentProof: b.agent_proof } : {}),
          ...(b.due_on ? { dueOn: b.due_on } : {}),
        });
      },
    );

    app.post(
      '/requests/:id/documents',
      {
        config: { duty: { duty: 'member_requests', access: 'handle' } },
        bodyLimit: documentBodyLimit,
        schema: {
          tags: ['requests'],
          summary: '本人確認書類・代理権の証明の登録 / add an identity document or proof',
          params: idParams,
          body: documentBody,
        },
      },
      async (req, reply) => {
        const actor = requireDuty(req, 'member_requests', 'handle');
        const doc = await addDocument(ctx, actor, req.params.id, {
          kind: req.body.kind,
          fileName: req.body.file_name,
          data: decodeBase64(req.body.data_base64),
        });
        return reply.status(201).send(doc);
      },
    );

    app.get(
      '/requests/:id/documents/:documentId',
      {
        config: { roles: ['privacy_officer'], duty: { duty: 'member_requests', access: 'handle' } },
        schema: { tags: ['requests'], summary: '書類の表示 / a document', params: z.strictObject({ id: z.uuid(), documentId: z.uuid() }) },
      },
      async (req, reply) => {
        const actor = requireDuty(req, 'member_requests', 'handle', ['privacy_officer']);
        const doc = await readDocument(ctx, actor, req.params.id, req.params.documentId);
        await ctx.db.transaction().execute(async (tx) => {
          const row = await loadForActor(tx, actor, req.params.id);
          await appendAudit(
            tx,
            actor,
            {
              action: 'request.document',
              outcome: 'ok',
              orgId: row.org_id,
              memberId: row.member_id,
              detail: { request: row.id, reference: row.reference, kind: row.kind, step: 'view', document: req.params.documentId },
            },
            ctx.clock,
          );
        });
        return reply.type(doc.contentType).header('cache-control', 'no-store').send(doc.data);
      },
    );

    app.get(
      '/requests/:id/package',
      {
        config: { roles: ['privacy_officer'], duty: { duty: 'member_requests', access: 'handle' } },
        schema: {
          tags: ['requests'],
          summary: '開示パッケージ（JSON・CSV・PDF）/ the disclosure package',
          params: idParams,
          querystring: z.strictObject({ form: z.enum(packageForms).default('pdf') }),
        },
      },
      async (req, reply) => {
        const actor = requireDuty(req, 'member_requests', 'handle', ['privacy_officer']);
        const row = await loadForActor(ctx.db, actor, req.params.id);
        if (!disclosingKinds.includes(row.kind) || !packageStates.includes(row.state)) throw new AppError('disclosure_not_ready');
        return deliverPackage(ctx, reply, actor, row, req.query.form, 'console');
      },
    );

    app.get(
      '/requests/:id/package/preview',
      {
        config: { roles: ['privacy_officer'], duty: { duty: 'member_requests', access: 'handle' } },
        schema: {
          tags: ['requests'],
          summary: '開示パッケージのプレビュー（本人が受け取る内容）/ preview of the package the person receives',
          params: idParams,
        },
      },
      async (req) => {
        const actor = requireDuty(req, 'member_requests', 'handle', ['privacy_officer']);
        const row = await loadForActor(ctx.db, actor, req.params.id);
        if (!disclosingKinds.includes(row.kind) || !packageStates.includes(row.state)) throw new AppError('disclosure_not_ready');
        return previewPackage(ctx, actor, row);
      },
    );

    // Consents entered by staff (paper, phone, counter), and a member's consent history.
    app.get(
      '/members/:id/consents',
      {
        config: { duty: { duty: 'member_requests', access: 'read' } },
        schema: { tags: ['consents'], summary: '同意・選択の状況と履歴 / consents and their history', params: idParams },
      },
      async (req) => {
        const actor = requireDuty(req, 'member_requests', 'read');
        await memberInOrg(ctx, actor, req.params.id);
        const [consents, history] = await Promise.all([
          listConsents(ctx.db, actor.orgId, req.params.id),
          consentHistory(ctx.db, req.params.id),
        ]);
        return { consents, history };
      },
    );

    app.post(
      '/members/:id/consents',
      {
        config: { duty: { duty: 'member_requests', access: 'handle' } },
        schema: {
          tags: ['consents'],
          summary: '同意・オプトアウトの記録（書面・電話・窓口）/ record a consent or opt-out',
          params: idParams,
          body: z.strictObject({
            subject_kind: z.enum(['purpose', 'third_party']),
            subject_code: z.string().trim().min(1).max(64),
            state: z.enum(['granted', 'withdrawn', 'opted_out']),
            source: z.enum(['paper', 'phone', 'counter']),
            guardian_name: z.string().trim().max(200).optional(),
            note: z.string().trim().max(1000).optional(),
          }),
        },
      },
      async (req) => {
        const actor = requireDuty(req, 'member_requests', 'handle');
        const b = req.body;
        return changeConsent(ctx, actor, {
          memberId: req.params.id,
          subject: { kind: b.subject_kind, code: b.subject_code },
          state: b.state,
          source: b.source,
          ...(b.guardian_name ? { guardianName: b.guardian_name } : {}),
          ...(b.note ? { note: b.note } : {}),
        });
      },
    );
  };
}

/** Strict base64 (a file, not text that happens to decode). */
export function decodeBase64(data: string): Buffer {
  const clean = data.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) {
    throw new AppError('validation_failed', [
      {
        field: 'data_base64',
        code: 'invalid_base64',
        message_ja: 'ファイルの形式が正しくありません。',
        message_en: 'The file is not valid base64.',
      },
    ]);
  }
  return Buffer.from(clean, 'base64');
}
