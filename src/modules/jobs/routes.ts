/** Scheduled jobs API: recent runs and dead letters; retry or discard a failed or dead run. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../base/context.ts';
import { requireStaff } from '../../base/guard.ts';
import { mamoriJobs } from './catalogue.ts';
import type { JobDefinition } from './definitions.ts';
import { discardRun, retryRun } from './manage-run.ts';
import { jobRoles } from './permissions.ts';
import { listRuns } from './read-runs.ts';
import { listRunsQuery, runIdParams } from './schemas.ts';

const tags = ['jobs'];

/** `jobs`: the recurring jobs the server runs (their schedules are shown beside the runs). */
export function jobRoutes(ctx: AppContext, jobs: readonly JobDefinition[] = mamoriJobs): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/jobs',
      {
        config: { roles: jobRoles('read') },
        schema: {
          tags,
          summary: '定期ジョブの実行状況（失敗・停止を含む）/ scheduled job runs, failed and dead ones first',
          querystring: listRunsQuery,
        },
      },
      async (req) => listRuns(ctx.db, { actor: requireStaff(req), query: req.query, jobs }),
    );

    app.post(
      '/jobs/:id/retry',
      {
        config: { roles: jobRoles('manage') },
        schema: { tags, summary: '失敗・停止したジョブの再実行 / retry a failed or dead run now', params: runIdParams },
      },
      async (req) => retryRun(ctx, { actor: requireStaff(req), id: req.params.id }),
    );

    app.post(
      '/jobs/:id/discard',
      {
        config: { roles: jobRoles('manage') },
        schema: { tags, summary: '失敗・停止したジョブの破棄 / set a failed or dead run aside', params: runIdParams },
      },
      async (req) => discardRun(ctx, { actor: requireStaff(req), id: req.params.id }),
    );
  };
}
