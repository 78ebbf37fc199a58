/**
 * Third-party provision API (第三者提供): runs to a recipient of the register (preview → confirm → file), the
 * office's lists (runs, records, continuous records, disposals), and a person's single records of provision
 * and receipt. Who may do what is permissions.ts.
 */
import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../base/context.ts';
import { contentDisposition } from '../../base/downloads.ts';
import { AppError } from '../../base/errors.ts';
import { requireDuty } from '../../base/guard.ts';
import { exportMediaType } from '../../base/table-export.ts';
import { confirmRun } from './confirm-run.ts';
import { listProvisionRecords } from './list-records.ts';
import { provisionKinds } from './permissions.ts';
import { populationFromInput } from './population.ts';
import { previewRun } from './preview-run.ts';
import { getRun, listContinuous, listDisposals, listOrgRecords, listRuns } from './read-runs.ts';
import { recordProvision } from './record-provision.ts';
import { recordReceipts } from './record-receipts.ts';
import { prepareRunFile } from './run-file.ts';
import { fileQuery, pageQuery, previewRunBody, recordProvisionBody, recordReceiptsBody, runIdParams } from './schemas.ts';

const tags = ['provision'];
const memberParams = z.strictObject({ id: z.uuid() });

export function provisionRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/provision/runs',
      {
        config: { roles: provisionKinds('run'), duty: { duty: 'provision_records', access: 'handle' } },
        schema: {
          tags,
          summary: '第三者提供の事前確認 / preview a provision run (counts by reason, items, the recipient)',
          description:
            '対象者のうち提供できる人と、除外される人の理由別の件数を示します。まだ提供も記録もしません。/ Nothing is provided or recorded yet.',
          body: previewRunBody,
        },
      },
      async (req, reply) => {
        const actor = requireDuty(req, 'provision_records', 'handle', provisionKinds('run'));
        const b = req.body;
        const preview = await previewRun(ctx, {
          actor,
          via: 'api',
          input: {
            thirdPartyCode: b.third_party_code,
            population: populationFromInput(b.population),
            legalBasis: b.legal_basis,
            exceptionReason: b.exception_reason,
            recordMode: b.record_mode,
            retention: b.retention,
          },
        });
        return reply.status(201).send(preview);
      },
    );

    app.post(
      '/provision/runs/:id/confirm',
      {
        config: { roles: provisionKinds('run'), duty: { duty: 'provision_records', access: 'handle' } },
        schema: {
          tags,
          summary: '第三者提供の確定（記録の作成）/ confirm a run: decide again, write the Art. 29 records',
          params: runIdParams,
        },
      },
      async (req) =>
        confirmRun(ctx, {
          actor: requireDuty(req, 'provision_records', 'handle', provisionKinds('run')),
          runId: req.params.id,
          via: 'api',
        }),
    );

    app.get(
      '/provision/runs/:id/file',
      {
        config: { roles: provisionKinds('run'), duty: { duty: 'provision_records', access: 'handle' } },
        schema: {
          tags,
          summary: '提供ファイル（CSV）/ the file for the recipient (CSV, UTF-8 or Shift_JIS)',
          params: runIdParams,
          querystring: fileQuery,
          produces: ['text/csv'],
        },
      },
      async (req, reply) => {
        const file = await prepareRunFile(ctx, {
          actor: requireDuty(req, 'provision_records', 'handle', provisionKinds('run')),
          runId: req.params.id,
          charset: req.query.charset,
          via: 'api',
        });
        const body = new PassThrough();
        file.write(body).catch((error: unknown) => body.destroy(error as Error));
        return reply
          .header('content-type', exportMediaType('csv', req.query.charset))
          .header('content-disposition', contentDisposition(file.names))
          .header('cache-control', 'no-store')
          .send(body);
      },
    );

    app.post(
      '/provision/receipts',
      {
        config: { roles: provisionKinds('record'), duty: { duty: 'provision_records', access: 'handle' } },
        schema: {
          tags,
          summary: '第三者からの受領の記録（一括）/ record a receipt (Art. 30) for a list of people',
          body: recordReceiptsBody,
        },
      },
      async (req, reply) => {
        const actor = requireDuty(req, 'provision_records', 'handle', provisionKinds('record'));
        const b = req.body;
        const population = populationFromInput(b.population);
        if (population.kind !== 'codes') throw new AppError('validation_failed');
        const result = await recordReceipts(ctx, {
          actor,
          via: 'api',
          input: {
            population,
            provider: b.provider,
            acquisition: b.acquisition,
            items: b.items,
            occurredOn: b.occurred_on,
            retention: b.retention,
            note: b.note,
          },
        });
        return reply.status(201).send(result);
      },
    );

    app.get(
      '/provision/runs',
      {
        config: { duty: { duty: 'provision_records', access: 'read' } },
        schema: { tags, summary: '第三者提供の実行記録 / provision runs', querystring: pageQuery },
      },
      async (req) => listRuns(ctx.db, requireDuty(req, 'provision_records', 'read').orgId, req.query),
    );

    app.get(
      '/provision/runs/:id',
      {
        config: { duty: { duty: 'provision_records', access: 'read' } },
        schema: { tags, summary: '第三者提供の実行記録（1件）/ one provision run', params: runIdParams },
      },
      async (req) => getRun(ctx.db, requireDuty(req, 'provision_records', 'read').orgId, req.params.id),
    );

    app.get(
      '/provision/records',
      {
        config: { duty: { duty: 'provision_records', access: 'read' } },
        schema: {
          tags,
          summary: '第三者提供・受領の記録（全体）/ the organization’s provision and receipt records',
          querystring: pageQuery,
        },
      },
      async (req) => listOrgRecords(ctx.db, requireDuty(req, 'provision_records', 'read').orgId, req.query),
    );

    app.get(
      '/provision/continuous',
      {
        config: { duty: { duty: 'provision_records', access: 'read' } },
        schema: { tags, summary: '継続的提供の記録 / continuous-provision records' },
      },
      async (req) => listContinuous(ctx.db, requireDuty(req, 'provision_records', 'read').orgId),
    );

    app.get(
      '/provision/disposals',
      {
        config: { duty: { duty: 'provision_records', access: 'read' } },
        schema: { tags, summary: '記録の廃棄の記録 / disposals of expired records', querystring: pageQuery },
      },
      async (req) => listDisposals(ctx.db, requireDuty(req, 'provision_records', 'read').orgId, req.query),
    );

    app.get(
      '/members/:id/provisions',
      {
        config: { duty: { duty: 'provision_records', access: 'read' } },
        schema: { tags, summary: '第三者提供・受領の記録 / provision and receipt records', params: memberParams },
      },
      async (req) => {
        const actor = requireDuty(req, 'provision_records', 'read');
        const member = await ctx.db.selectFrom('members').select('org_id').where('id', '=', req.params.id).executeTakeFirst();
        if (!member || member.org_id !== actor.orgId) throw new AppError('member_not_found');
        return { records: await listProvisionRecords(ctx.db, req.params.id) };
      },
    );

    app.post(
      '/members/:id/provisions',
      {
        config: { roles: provisionKinds('record'), duty: { duty: 'provision_records', access: 'handle' } },
        schema: {
          tags,
          summary: '第三者提供・受領の記録 / record a provision or receipt',
          params: memberParams,
          body: recordProvisionBody,
        },
      },
      async (req, reply) => {
        const actor = requireDuty(req, 'provision_records', 'handle', provisionKinds('record'));
        const b = req.body;
        const row = await recordProvision(ctx, actor, {
          memberId: req.params.id,
          direction: b.direction,
          items: b.items,
          ...(b.third_party_code ? { thirdPartyCode: b.third_party_code } : {}),
          ...(b.counterparty
            ? {
                counterparty: {
                  name: b.counterparty.name,
                  ...(b.counterparty.address ? { address: b.counterparty.address } : {}),
                  ...(b.counterparty.representative ? { representative: b.counterparty.representative } : {}),
                },
              }
            : {}),
          ...(b.legal_basis ? { legalBasis: b.legal_basis } : {}),
          ...(b.acquisition ? { acquisition: b.acquisition } : {}),
          ...(b.occurred_on ? { occurredOn: b.occurred_on } : {}),
          ...(b.note ? { note: b.note } : {}),
          ...(b.retention ? { retention: b.retention } : {}),
        });
        return reply.status(201).send({ id: row.id, keep_until: row.keep_until });
      },
    );
  };
}
