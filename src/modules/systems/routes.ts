/** Systems register API (連携システム): list, read, register, change, check the connection, remove. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../base/context.ts';
import { requireStaff } from '../../base/guard.ts';
import { checkSystem } from './check-system.ts';
import { getSystem, listSystems } from './list-systems.ts';
import { systemsRoles } from './permissions.ts';
import { registerSystem } from './register-system.ts';
import { removeSystem } from './remove-system.ts';
import { registerSystemBody, removeSystemQuery, systemCodeParams, updateSystemBody } from './schemas.ts';
import { updateSystem } from './update-system.ts';

const tags = ['systems'];
// Declared roles refuse roles with no part in the register before the body is validated (see base/guard.ts).
const readers = { roles: systemsRoles('read') };
const managers = { roles: systemsRoles('manage') };

export function systemsRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/systems',
      {
        config: readers,
        schema: {
          tags,
          summary: '連携システムの一覧 / list the connected systems',
          description:
            '接続設定は管理者・個人情報保護管理責任者だけに表示（秘密情報は誰にも返さず、設定済みかどうかだけ）。内部監査員は設定を除く一覧。/ Settings only for those who manage systems; a secret is never returned, only whether one is set. Auditors see the list without settings.',
        },
      },
      async (req) => listSystems(ctx.db, { actor: requireStaff(req) }),
    );

    app.get(
      '/systems/:code',
      { config: readers, schema: { tags, summary: '連携システム / one connected system', params: systemCodeParams } },
      async (req) => getSystem(ctx.db, { actor: requireStaff(req), code: req.params.code }),
    );

    app.post(
      '/systems',
      { config: managers, schema: { tags, summary: '連携システムの登録 / register a connected system', body: registerSystemBody } },
      async (req, reply) => reply.status(201).send(await registerSystem(ctx, { actor: requireStaff(req), input: req.body, via: 'api' })),
    );

    app.patch(
      '/systems/:code',
      {
        config: managers,
        schema: {
          tags,
          summary: '連携システムの変更（版つき）/ change a system at the version the editor saw',
          description:
            'secret を省略すると保管中のものを維持し、null で消去します。/ An omitted secret keeps the stored one; null clears it.',
          params: systemCodeParams,
          body: updateSystemBody,
        },
      },
      async (req) => updateSystem(ctx, { actor: requireStaff(req), code: req.params.code, input: req.body, via: 'api' }),
    );

    app.post(
      '/systems/:code/check',
      {
        config: managers,
        schema: {
          tags,
          summary: '接続確認 / check the connection',
          description:
            '接続してテーブル構成を読み、データマップの表と列があるか確かめます。失敗も結果として 200 で返します。/ Connects, reads the tables and looks for the mapped ones; a failure is an answer (200).',
          params: systemCodeParams,
        },
      },
      async (req) => checkSystem(ctx, { actor: requireStaff(req), code: req.params.code, via: 'api' }),
    );

    app.delete(
      '/systems/:code',
      {
        config: managers,
        schema: { tags, summary: '連携システムの削除 / remove a system', params: systemCodeParams, querystring: removeSystemQuery },
      },
      async (req) => removeSystem(ctx, { actor: requireStaff(req), code: req.params.code, version: Number(req.query.version), via: 'api' }),
    );
  };
}
