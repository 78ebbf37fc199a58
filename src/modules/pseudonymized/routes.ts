/**
 * Pseudonymized data API (仮名加工情報): list and read the definitions, define, change, retire, and produce a set
 * for a purpose as a CSV download. There is deliberately no route that sends a set anywhere else: provision to
 * anyone outside is refused by the engine (produce-set.ts), and no route re-links a pseudonym to a member.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../base/context.ts';
import { streamDownload } from '../../base/downloads.ts';
import { requireStaff } from '../../base/guard.ts';
import { createSet, retireSet, updateSet } from './define-set.ts';
import { pseudonymizedRoles } from './permissions.ts';
import { produceSet } from './produce-set.ts';
import { getSet, listSets } from './read-sets.ts';
import { createSetBody, produceQuery, retireSetBody, setCodeParams, updateSetBody } from './schemas.ts';

const tags = ['pseudonymized'];
// Declared roles refuse roles with no part before the body is validated (see base/guard.ts); the handlers still ask
// the permissions table and the role's purposes.
const readers = { roles: pseudonymizedRoles('read') };
const definers = { roles: pseudonymizedRoles('define') };
const producers = { roles: pseudonymizedRoles('produce') };

export function pseudonymizedRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/pseudonymized/sets',
      {
        config: readers,
        schema: {
          tags,
          summary: '仮名加工情報のデータセット一覧 / list the pseudonymized data sets',
          description:
            '個人情報保護管理責任者・内部監査員は全件、その他の役割は自分の役割に付与された利用目的のデータセットだけ。鍵は誰にも返しません。/ Officers and auditors see every set, other roles the sets declared for a purpose their role holds. No key is ever returned.',
          querystring: z.strictObject({ status: z.enum(['active', 'all']).optional().describe('既定は active / default active') }),
        },
      },
      async (req) => listSets(ctx.db, { actor: requireStaff(req), ...(req.query.status ? { status: req.query.status } : {}) }),
    );

    app.get(
      '/pseudonymized/sets/:code',
      { config: readers, schema: { tags, summary: '仮名加工情報のデータセット / one data set', params: setCodeParams } },
      async (req) => getSet(ctx.db, { actor: requireStaff(req), code: req.params.code }),
    );

    app.post(
      '/pseudonymized/sets',
      {
        config: definers,
        schema: {
          tags,
          summary: 'データセットの定義 / define a pseudonymized data set',
          description:
            '加工基準（個人情報保護法第41条、規則第31条）に合わない定義は理由（列名つき）とともに拒否します。/ A definition that does not meet the processing standards is refused, naming the column. ' +
            'Errors: 422 `pseudonymized_financial_item`, `pseudonymized_identifying_kept`, `pseudonymized_treatment_invalid`, `pseudonymized_item_not_in_purpose`; 400 `pseudonymized_purpose_invalid`; 409 `pseudonymized_set_exists`.',
          body: createSetBody,
        },
      },
      async (req, reply) => reply.status(201).send(await createSet(ctx, { actor: requireStaff(req), input: req.body, via: 'api' })),
    );

    app.patch(
      '/pseudonymized/sets/:code',
      {
        config: definers,
        schema: {
          tags,
          summary: 'データセットの変更（版つき）/ change a set at the version the editor saw',
          description:
            '鍵は変わらず、仮名は同じままです。/ The key stays: pseudonyms stay the same. Errors: as for defining; 409 `version_conflict`, `pseudonymized_set_retired`.',
          params: setCodeParams,
          body: updateSetBody,
        },
      },
      async (req) => updateSet(ctx, { actor: requireStaff(req), code: req.params.code, input: req.body, via: 'api' }),
    );

    app.post(
      '/pseudonymized/sets/:code/retire',
      { config: definers, schema: { tags, summary: 'データセットの廃止 / retire a set', params: setCodeParams, body: retireSetBody } },
      async (req) => retireSet(ctx, { actor: requireStaff(req), code: req.params.code, version: req.body.version, via: 'api' }),
    );

    app.get(
      '/pseudonymized/sets/:code/export.csv',
      {
        config: producers,
        schema: {
          tags,
          summary: '仮名加工情報の作成（CSV）/ produce the set for a purpose (CSV download)',
          description:
            'データセットの利用目的のうち、役割に付与されたものを指定します。1行目に仮名加工情報である旨、2行目にデータセット・利用目的・作成日時、3行目が見出し。監査記録に利用目的とともに残ります。/ Name one of the set’s purposes your role holds. Line 1 states the file is pseudonymized data for internal analysis, line 2 names the set, purpose and time, line 3 is the header. Audited with the purpose. ' +
            'Errors: 403 `pseudonymized_purpose_not_declared`, `purpose_not_permitted` (the role does not hold the purpose), `forbidden`; 404 `pseudonymized_set_unknown`; 409 `pseudonymized_set_retired`; 422 the processing standards’ codes when the registers changed since the definition.',
          params: setCodeParams,
          querystring: produceQuery,
          produces: ['text/csv'],
        },
      },
      async (req, reply) => {
        const file = await produceSet(ctx, {
          actor: requireStaff(req),
          code: req.params.code,
          purpose: req.query.purpose,
          ...(req.query.charset ? { charset: req.query.charset } : {}),
          destination: { kind: 'download' },
          via: 'api',
        });
        const { headers, body } = streamDownload(file);
        return reply.headers(headers).send(body);
      },
    );
  };
}
