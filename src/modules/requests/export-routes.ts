/**
 * The request list as a download (CSV or xlsx), for the roles that may read the list (duty `member_requests`,
 * read): the list's filters, the reader's language, audited as `request.export`. Kept apart from routes.ts.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../base/context.ts';
import { streamDownload } from '../../base/downloads.ts';
import { requireDuty } from '../../base/guard.ts';
import { csvCharsets, exportFormats, XLSX_TYPE } from '../../base/table-export.ts';
import { requestKinds } from '../../contract/requests.ts';
import { prepareRequestExport } from './export.ts';

const states = [
  'received',
  'verified',
  'in_progress',
  'approved',
  'answered',
  'refused',
  'withdrawn',
  'closed',
  'open',
  'overdue',
  'all',
] as const;

export function requestExportRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/requests/export',
      {
        config: { duty: { duty: 'member_requests', access: 'read' } },
        schema: {
          tags: ['requests'],
          summary: '請求一覧の出力（CSV・Excel）/ export the request list (CSV or xlsx)',
          description:
            'The same filters as GET /requests (state, kind, member, assignee), as CSV (UTF-8 with BOM, or Shift_JIS) or xlsx, in `lang` (Japanese by default), ' +
            'times in JST; recorded in the audit trail. More than 10,000 requests: 422 `export_too_large`.',
          querystring: z.strictObject({
            state: z.enum(states).optional(),
            kind: z.enum(requestKinds).optional(),
            member_id: z.uuid().optional(),
            assignee: z.enum(['me', 'none']).optional().describe('自分の担当・担当者なし / assigned to me, or to nobody'),
            format: z.enum(exportFormats).default('csv'),
            charset: z.enum(csvCharsets).default('utf-8'),
            lang: z.enum(['ja', 'en']).default('ja'),
          }),
          produces: ['text/csv', XLSX_TYPE],
        },
      },
      async (req, reply) => {
        const actor = requireDuty(req, 'member_requests', 'read');
        const q = req.query;
        const out = await prepareRequestExport(ctx, {
          actor,
          orgId: actor.orgId,
          filters: {
            ...(q.state ? { state: q.state } : {}),
            ...(q.kind ? { kind: q.kind } : {}),
            ...(q.member_id ? { memberId: q.member_id } : {}),
            ...(q.assignee ? { assigneeId: q.assignee === 'me' ? actor.id : 'none' } : {}),
          },
          format: q.format,
          charset: q.charset,
          lang: q.lang,
          via: 'api',
        });
        const { headers, body } = streamDownload(out);
        return reply.headers(headers).send(body);
      },
    );
  };
}
