/**
 * The member page's data API (本人のページ): the person's own data, contact correction, consents, requests and
 * the disclosure download. Every route acts on the page's subject from the member session (the member, or a
 * guardian's ward); ids in the URL are only ever looked up within that subject, so another member's request
 * answers exactly like a missing one.
 */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { MemberActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { disclosingKinds, requestKinds, selfServiceFields } from '../../contract/requests.ts';
import { japanDate } from '../../db/time.ts';
import { changeConsent, consentHistory, listConsents } from '../consent/consents.ts';
import { deliverPackage, packageForms } from '../requests/package.ts';
import { addDocument, fileRequest, getRequest, listRequests, loadForActor, stepRequest } from '../requests/requests.ts';
import { decodeBase64, documentBody, documentBodyLimit } from '../requests/routes.ts';
import { myData, updateMyContact } from './my-data.ts';

const idParams = z.strictObject({ id: z.uuid() });

export function portalDataRoutes(ctx: AppContext, requireMember: (req: FastifyRequest) => MemberActor): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/portal/my', { schema: { tags: ['member page'], summary: '本人の情報 / my data' } }, async (req) =>
      myData(ctx, requireMember(req)),
    );

    app.patch(
      '/portal/my/contact',
      {
        schema: {
          tags: ['member page'],
          summary: '連絡先の変更 / correct my contact data',
          body: z.strictObject({
            version: z.int().min(1),
            changes: z.partialRecord(z.enum(selfServiceFields), z.string().max(300).nullable()),
          }),
        },
      },
      async (req) => updateMyContact(ctx, requireMember(req), req.body.changes, req.body.version),
    );

    app.get('/portal/consents', { schema: { tags: ['member page'], summary: '同意・選択 / my consents' } }, async (req) => {
      const actor = requireMember(req);
      const [consents, history] = await Promise.all([
        listConsents(ctx.db, actor.orgId, actor.subjectId),
        consentHistory(ctx.db, actor.subjectId),
      ]);
      return { consents, history };
    });

    app.post(
      '/portal/consents',
      {
        schema: {
          tags: ['member page'],
          summary: '同意・オプトアウトの変更 / change a consent or opt out',
          body: z.strictObject({
            subject_kind: z.enum(['purpose', 'third_party']),
            subject_code: z.string().trim().min(1).max(64),
            state: z.enum(['granted', 'withdrawn', 'opted_out']),
          }),
        },
      },
      async (req) => {
        const actor = requireMember(req);
        return changeConsent(ctx, actor, {
          memberId: actor.subjectId,
          subject: { kind: req.body.subject_kind, code: req.body.subject_code },
          state: req.body.state,
          source: 'page',
        });
      },
    );

    app.get('/portal/requests', { schema: { tags: ['member page'], summary: '請求の一覧 / my requests' } }, async (req) => {
      const actor = requireMember(req);
      return { requests: await listRequests(ctx.db, actor.orgId, { memberId: actor.subjectId, state: 'all' }, japanDate(ctx.clock())) };
    });

    app.post(
      '/portal/requests',
      {
        schema: {
          tags: ['member page'],
          summary: '請求する / file a request',
          body: z.strictObject({
            kind: z.enum(requestKinds),
            detail: z.record(z.string(), z.unknown()).default({}),
            delivery_form: z.enum(['json', 'csv', 'pdf', 'paper']).default('pdf'),
          }),
        },
      },
      async (req, reply) => {
        const actor = requireMember(req);
        const view = await fileRequest(ctx, actor, {
          memberId: actor.subjectId,
          kind: req.body.kind,
          detail: req.body.detail,
          deliveryForm: req.body.delivery_form,
        });
        return reply.status(201).send(view);
      },
    );

    app.get(
      '/portal/requests/:id',
      { schema: { tags: ['member page'], summary: '請求の状況 / a request', params: idParams } },
      async (req) => getRequest(ctx.db, requireMember(req), req.params.id, { withEvents: true, today: japanDate(ctx.clock()) }),
    );

    app.post(
      '/portal/requests/:id/withdraw',
      {
        schema: {
          tags: ['member page'],
          summary: '請求の取下げ / withdraw a request',
          params: idParams,
          body: z.strictObject({ version: z.int().min(1), reason: z.string().trim().max(1000).optional() }),
        },
      },
      async (req) =>
        stepRequest(ctx, requireMember(req), req.params.id, {
          step: 'withdraw',
          version: req.body.version,
          ...(req.body.reason ? { reason: req.body.reason } : {}),
        }),
    );

    app.post(
      '/portal/requests/:id/documents',
      {
        bodyLimit: documentBodyLimit,
        schema: { tags: ['member page'], summary: '本人確認書類の提出 / upload a document', params: idParams, body: documentBody },
      },
      async (req, reply) => {
        const doc = await addDocument(ctx, requireMember(req), req.params.id, {
          kind: req.body.kind,
          fileName: req.body.file_name,
          data: decodeBase64(req.body.data_base64),
        });
        return reply.status(201).send(doc);
      },
    );

    app.get(
      '/portal/requests/:id/package',
      {
        schema: {
          tags: ['member page'],
          summary: '開示のダウンロード / download the disclosure',
          params: idParams,
          querystring: z.strictObject({ form: z.enum(packageForms).default('pdf') }),
        },
      },
      async (req, reply) => {
        const actor = requireMember(req);
        const row = await loadForActor(ctx.db, actor, req.params.id);
        if (!disclosingKinds.includes(row.kind) || (row.state !== 'answered' && row.state !== 'closed'))
          throw new AppError('disclosure_not_ready');
        return deliverPackage(ctx, reply, actor, row, req.query.form, 'page');
      },
    );
  };
}
