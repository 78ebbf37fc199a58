/** Ledger of personal information API (個人情報管理台帳): list, read, register, change, review, retire, export. */
import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../base/context.ts';
import { contentDisposition } from '../../base/downloads.ts';
import { requireStaff } from '../../base/guard.ts';
import { prepareLedgerExport } from './export-ledger.ts';
import { ledgerFileNames, writeLedgerXlsx, XLSX_MEDIA_TYPE } from './export-xlsx.ts';
import { ledgerRoles, readScope } from './permissions.ts';
import { getAsset, listAssets } from './read-assets.ts';
import { recordReview } from './record-review.ts';
import { japanDate } from './schedule.ts';
import {
  assetIdParams,
  createAssetBody,
  exportQuery,
  listAssetsQuery,
  recordReviewBody,
  retireAssetBody,
  updateAssetBody,
} from './schemas.ts';
import { createAsset, retireAsset, updateAsset } from './write-asset.ts';

const tags = ['ledger'];
// Declared roles refuse roles with no part in the ledger before the body is validated (see base/guard.ts);
// the handlers still ask the permissions table for the department-level decisions.
const readers = { roles: ledgerRoles('read') };
const writers = { roles: ledgerRoles('write') };
const flag = (v: 'true' | 'false' | undefined) => (v === undefined ? undefined : v === 'true');

export function ledgerRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/ledger/assets',
      {
        config: readers,
        schema: {
          tags,
          summary: '個人情報管理台帳の一覧 / list the ledger of personal information',
          description:
            '個人情報保護管理責任者・内部監査員は全件、部門管理者は自部署の情報資産だけ。/ Officers and auditors see every asset, department managers their own department’s.',
          querystring: listAssetsQuery,
        },
      },
      async (req) => {
        const actor = requireStaff(req);
        const q = req.query;
        return listAssets(ctx.db, {
          scope: readScope(actor),
          filters: { department: q.department, overdue: flag(q.overdue), sensitive: flag(q.sensitive), q: q.q, status: q.status },
          today: japanDate(ctx.clock()),
          actor,
        });
      },
    );

    app.get(
      '/ledger/assets/:id',
      {
        config: readers,
        schema: { tags, summary: '情報資産（リスク評価・見直し履歴つき）/ one asset with its risks and reviews', params: assetIdParams },
      },
      async (req) => {
        const actor = requireStaff(req);
        return getAsset(ctx.db, { scope: readScope(actor), id: req.params.id, today: japanDate(ctx.clock()), actor });
      },
    );

    app.post(
      '/ledger/assets',
      { config: writers, schema: { tags, summary: '情報資産の登録 / register an asset', body: createAssetBody } },
      async (req, reply) => {
        const actor = requireStaff(req);
        return reply.status(201).send(await createAsset(ctx, { actor, input: req.body, via: 'api' }));
      },
    );

    app.patch(
      '/ledger/assets/:id',
      {
        config: writers,
        schema: {
          tags,
          summary: '情報資産の変更（版つき）/ change an asset at the version the editor saw',
          params: assetIdParams,
          body: updateAssetBody,
        },
      },
      async (req) => {
        const actor = requireStaff(req);
        return updateAsset(ctx, { actor, assetId: req.params.id, version: req.body.version, changes: req.body.changes, via: 'api' });
      },
    );

    app.post(
      '/ledger/assets/:id/reviews',
      { config: writers, schema: { tags, summary: '見直しの記録 / record a review', params: assetIdParams, body: recordReviewBody } },
      async (req, reply) => {
        const actor = requireStaff(req);
        return reply.status(201).send(await recordReview(ctx, { actor, assetId: req.params.id, input: req.body, via: 'api' }));
      },
    );

    app.post(
      '/ledger/assets/:id/retire',
      {
        config: writers,
        schema: { tags, summary: '情報資産の廃止 / retire an asset (kept with its history)', params: assetIdParams, body: retireAssetBody },
      },
      async (req) => {
        const actor = requireStaff(req);
        return retireAsset(ctx, { actor, assetId: req.params.id, version: req.body.version, reason: req.body.reason, via: 'api' });
      },
    );

    app.get(
      '/ledger/export.xlsx',
      {
        config: readers,
        schema: {
          tags,
          summary: '台帳のExcel出力 / the ledger as an Excel workbook (台帳, リスク評価, 見直し状況)',
          querystring: exportQuery,
          produces: [XLSX_MEDIA_TYPE],
        },
      },
      async (req, reply) => {
        const actor = requireStaff(req);
        const input = await prepareLedgerExport(ctx, {
          scope: readScope(actor),
          actor,
          staff: actor,
          department: req.query.department,
          status: req.query.status,
          via: 'api',
        });
        const body = new PassThrough();
        writeLedgerXlsx(input, body).catch((error: unknown) => body.destroy(error as Error));
        return reply
          .header('content-type', XLSX_MEDIA_TYPE)
          .header('content-disposition', contentDisposition(ledgerFileNames(input.organization, input.today)))
          .header('cache-control', 'no-store')
          .send(body);
      },
    );
  };
}
