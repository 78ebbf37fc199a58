/** Discovery API (issue 13 §6): run a scan of a connected system, list its runs and proposals, decide them. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../base/context.ts';
import { requireStaff } from '../../base/guard.ts';
import { decideProposals } from './decide-proposal.ts';
import { discoveryRoles } from './permissions.ts';
import { listProposals, listRuns } from './read-discovery.ts';
import { runDiscovery } from './run-discovery.ts';
import { decideBody, listProposalsQuery, systemParams } from './schemas.ts';

const tags = ['discovery'];
// Declared roles refuse roles without the capability before the body is read (base/guard.ts).
const readers = { roles: discoveryRoles('read') };
const runners = { roles: discoveryRoles('run') };
const deciders = { roles: discoveryRoles('decide') };

export function discoveryRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/systems/:code/discovery',
      {
        config: runners,
        schema: {
          tags,
          summary: '個人データの検出を実行 / run discovery in a connected system',
          description:
            '列名と標本値から、どの列がどの情報項目を持つかを提案します。標本値は保存しません。個人番号の列を見つけるとアラートになります。接続できなかった実行も、エラーコードつきで記録して返します（status: failed）。 / Proposes which column holds which data item from names and sampled values; no value is kept. A My Number column raises an alert. A run that could not reach the system is recorded and returned with its error code (status: failed).',
          params: systemParams,
        },
      },
      async (req, reply) => {
        const actor = requireStaff(req);
        return reply.status(201).send(await runDiscovery(ctx, { actor, code: req.params.code }));
      },
    );

    app.get(
      '/systems/:code/discovery',
      { config: readers, schema: { tags, summary: '検出の実行の一覧 / discovery runs of a system', params: systemParams } },
      async (req) => {
        const actor = requireStaff(req);
        return { runs: await listRuns(ctx.db, { orgId: actor.orgId, code: req.params.code }) };
      },
    );

    app.get(
      '/systems/:code/discovery/proposals',
      {
        config: readers,
        schema: {
          tags,
          summary: '検出結果（提案）の一覧 / the proposals of a run (the latest by default)',
          params: systemParams,
          querystring: listProposalsQuery,
        },
      },
      async (req) => {
        const actor = requireStaff(req);
        return listProposals(ctx.db, { orgId: actor.orgId, code: req.params.code, runId: req.query.run });
      },
    );

    app.post(
      '/systems/:code/discovery/decisions',
      {
        config: deciders,
        schema: {
          tags,
          summary: '検出結果の確定・却下 / confirm or reject proposals',
          description:
            '確定した列は方針の下書きのデータマップ（systems[].tables[].columns）に加わります。公表済みの版は変わりません。 / Confirmed columns join the dataset map of the policy draft; published versions are not changed.',
          params: systemParams,
          body: decideBody,
        },
      },
      async (req) => {
        const actor = requireStaff(req);
        return decideProposals(ctx, { actor, code: req.params.code, input: req.body });
      },
    );
  };
}
