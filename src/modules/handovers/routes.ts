/**
 * Joint use and contractors API (共同利用・委託先, issue 14 §2): contractors with their contract state and
 * inspections, recording an inspection, the hand-over log and a hand-over file; joint uses, a transfer's preview
 * and its file.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../base/context.ts';
import { contentDisposition } from '../../base/downloads.ts';
import { requireStaff } from '../../base/guard.ts';
import { exportMediaType } from '../../base/table-export.ts';
import { makeHandoverFile } from './handover-file.ts';
import { makeTransferFile, previewTransfer } from './joint-use-transfer.ts';
import { handoverRoles } from './permissions.ts';
import { getContractor, listContractors } from './read-contractors.ts';
import { listJointUses } from './read-joint-uses.ts';
import { listTransfers } from './read-transfers.ts';
import { recordHandover } from './record-handover.ts';
import { recordInspection } from './record-inspection.ts';
import {
  contractorCodeParams,
  contractorDetail,
  contractorsAnswer,
  handoverAnswer,
  handoverFileBody,
  jointUseCodeParams,
  jointUsesAnswer,
  recordHandoverBody,
  recordInspectionBody,
  transferFileBody,
  transferPreview,
  transferPreviewBody,
  transfersAnswer,
} from './schemas.ts';

const tags = ['handovers'];
const errorsOf = (...codes: string[]) => `\n\nエラー / errors: ${codes.map((c) => `\`${c}\``).join(', ')}`;
// The declared roles and duty refuse callers with no part in hand-overs before the body is validated (base/guard.ts).
const readers = { roles: handoverRoles('read'), duty: { duty: 'handovers' as const, access: 'read' as const } };
const handlers = { roles: handoverRoles('handle'), duty: { duty: 'handovers' as const, access: 'handle' as const } };
const blocks = ['contract_expired', 'inspection_overdue', 'contract_clauses_missing'] as const;

export function handoverRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/contractors',
      {
        config: readers,
        schema: {
          tags,
          summary: '委託先の一覧（契約・点検の状態）/ contractors with their contract and inspection state',
          description:
            '施行中の方針の委託先ごとに、契約期限、次回点検期限、受け渡しを止めている理由。/ Per contractor of the policy in effect: contract expiry, next inspection, what blocks hand-overs.' +
            errorsOf('forbidden'),
          response: { 200: contractorsAnswer },
        },
      },
      async (req) => listContractors(ctx, { actor: requireStaff(req) }),
    );

    app.get(
      '/contractors/:code',
      {
        config: readers,
        schema: {
          tags,
          summary: '委託先（点検の記録・受け渡しの記録つき）/ one contractor with its inspections and hand-over log',
          description: errorsOf('contractor_unknown', 'forbidden'),
          params: contractorCodeParams,
          response: { 200: contractorDetail },
        },
      },
      async (req) => getContractor(ctx, { actor: requireStaff(req), code: req.params.code }),
    );

    app.post(
      '/contractors/:code/inspections',
      {
        config: handlers,
        schema: {
          tags,
          summary: '委託先の点検の記録 / record an inspection of a contractor',
          description:
            '記録した点検は登録簿の前回点検日より優先します。/ A recorded inspection supersedes the register’s last date.' +
            errorsOf('contractor_unknown', 'validation_failed', 'forbidden'),
          params: contractorCodeParams,
          body: recordInspectionBody,
          response: { 201: contractorDetail },
        },
      },
      async (req, reply) =>
        reply
          .status(201)
          .send(await recordInspection(ctx, { actor: requireStaff(req), code: req.params.code, input: req.body, via: 'api' })),
    );

    app.post(
      '/contractors/:code/handovers',
      {
        config: handlers,
        schema: {
          tags,
          summary: '委託先への受け渡しの記録 / log a hand-over to a contractor',
          description:
            '契約期限切れ・点検期限切れ・必要な条項がない委託先には記録できません（拒否は監査記録に残ります）。/ Refused while the contract has expired, the inspection is overdue or a required clause is missing (the refusal is audited).' +
            errorsOf('contractor_unknown', ...blocks, 'contractor_item_not_declared', 'validation_failed', 'forbidden'),
          params: contractorCodeParams,
          body: recordHandoverBody,
          response: { 201: handoverAnswer },
        },
      },
      async (req, reply) =>
        reply.status(201).send(await recordHandover(ctx, { actor: requireStaff(req), code: req.params.code, input: req.body, via: 'api' })),
    );

    app.post(
      '/contractors/:code/handover-file',
      {
        config: handlers,
        schema: {
          tags,
          summary: '委託先への受け渡しファイル（CSV）の作成と記録 / make the hand-over file (CSV) and log it',
          description:
            '委託する業務の利用目的の対象者について、委託先の登録簿の項目（利用目的の項目の範囲内）を出力し、件数と SHA-256 を受け渡しの記録に残します。/ The purpose’s covered members with the contractor’s register items (within the purpose’s), logged with the count and SHA-256.' +
            errorsOf(
              'contractor_unknown',
              ...blocks,
              'contractor_item_not_declared',
              'purpose_unknown',
              'purpose_not_for_members',
              'transfer_no_items',
              'forbidden',
            ),
          params: contractorCodeParams,
          body: handoverFileBody,
          produces: ['text/csv'],
        },
      },
      async (req, reply) => {
        const file = await makeHandoverFile(ctx, { actor: requireStaff(req), code: req.params.code, input: req.body, via: 'api' });
        return reply
          .header('content-disposition', contentDisposition(file.fileName))
          .header('cache-control', 'no-store')
          .header('x-mamori-rows', String(file.rows))
          .header('x-mamori-sha256', file.sha256)
          .type(exportMediaType('csv', req.body.charset ?? 'utf-8'))
          .send(file.body);
      },
    );

    app.get(
      '/joint-uses',
      {
        config: readers,
        schema: {
          tags,
          summary: '共同利用の一覧（目的ごとの項目）/ joint uses with the items declared per purpose',
          description: errorsOf('forbidden'),
          response: { 200: jointUsesAnswer },
        },
      },
      async (req) => listJointUses(ctx, { actor: requireStaff(req) }),
    );

    app.get(
      '/joint-uses/:code/transfers',
      {
        config: readers,
        schema: {
          tags,
          summary: '共同利用先への受け渡しの記録 / transfers made to the joint users',
          description: errorsOf('forbidden'),
          params: jointUseCodeParams,
          response: { 200: transfersAnswer },
        },
      },
      async (req) => listTransfers(ctx, { actor: requireStaff(req), jointUse: req.params.code }),
    );

    app.post(
      '/joint-uses/:code/preview',
      {
        config: readers,
        schema: {
          tags,
          summary: '共同利用先への受け渡しの事前確認（件数・項目・対象外の理由）/ preview a transfer to joint users',
          description: errorsOf(
            'joint_use_unknown',
            'purpose_unknown',
            'joint_use_purpose_not_declared',
            'purpose_not_for_members',
            'joint_use_not_effective',
            'joint_use_ended',
            'joint_use_item_not_declared',
            'policy_not_published',
            'forbidden',
          ),
          params: jointUseCodeParams,
          body: transferPreviewBody,
          response: { 200: transferPreview },
        },
      },
      async (req) =>
        previewTransfer(ctx, { actor: requireStaff(req), jointUse: req.params.code, purpose: req.body.purpose, items: req.body.items }),
    );

    app.post(
      '/joint-uses/:code/transfer',
      {
        config: handlers,
        schema: {
          tags,
          summary: '共同利用先への受け渡しファイル（CSV）/ the transfer file for joint users (CSV)',
          description:
            '共同利用がこの利用目的で定める項目だけを、対象となる人の分だけ出力します（監査記録に件数と SHA-256）。/ Only the items the joint use declares for the purpose, of the people it covers (audited with the count and SHA-256).' +
            errorsOf(
              'joint_use_unknown',
              'purpose_unknown',
              'joint_use_purpose_not_declared',
              'purpose_not_for_members',
              'joint_use_not_effective',
              'joint_use_ended',
              'joint_use_item_not_declared',
              'transfer_no_items',
              'policy_not_published',
              'forbidden',
            ),
          params: jointUseCodeParams,
          body: transferFileBody,
          produces: ['text/csv'],
        },
      },
      async (req, reply) => {
        const file = await makeTransferFile(ctx, {
          actor: requireStaff(req),
          jointUse: req.params.code,
          purpose: req.body.purpose,
          items: req.body.items,
          charset: req.body.charset ?? 'utf-8',
          via: 'api',
        });
        return reply
          .header('content-disposition', contentDisposition(file.fileName))
          .header('cache-control', 'no-store')
          .header('x-mamori-rows', String(file.rows))
          .header('x-mamori-sha256', file.sha256)
          .type(exportMediaType('csv', req.body.charset ?? 'utf-8'))
          .send(file.body);
      },
    );
  };
}
