/** Deliveries API (提供先サーバー and 提供の記録): targets list, read, register, check, remove; deliveries list. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../base/context.ts';
import { requireStaff } from '../../base/guard.ts';
import { checkTarget } from './check-target.ts';
import { listDeliveries } from './list-deliveries.ts';
import { getTarget, listTargets } from './list-targets.ts';
import { deliveriesRoles } from './permissions.ts';
import { registerTarget } from './register-target.ts';
import { removeTarget } from './remove-target.ts';
import { listDeliveriesQuery, registerTargetBody, removeTargetQuery, targetCodeParams } from './schemas.ts';

const tags = ['deliveries'];
// Declared roles refuse roles with no part before the body is validated (see base/guard.ts).
const readers = { roles: deliveriesRoles('targets') };
const managers = { roles: deliveriesRoles('manage') };
const deliveryReaders = { roles: deliveriesRoles('deliveries') };

export function deliveriesRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/delivery-targets',
      {
        config: readers,
        schema: {
          tags,
          summary: '提供先サーバーの一覧 / list the delivery targets',
          description:
            '設定は個人情報保護管理責任者だけに表示（秘密鍵・パスワードは誰にも返さず、設定済みかどうかだけ）。/ Settings only for the privacy office; a secret is never returned, only whether one is set.',
        },
      },
      async (req) => listTargets(ctx.db, { actor: requireStaff(req) }),
    );

    app.get(
      '/delivery-targets/:code',
      {
        config: readers,
        schema: {
          tags,
          summary: '提供先サーバー / one delivery target',
          description: 'Errors: 404 `delivery_target_unknown`; 403 `forbidden`.',
          params: targetCodeParams,
        },
      },
      async (req) => getTarget(ctx.db, { actor: requireStaff(req), code: req.params.code }),
    );

    app.post(
      '/delivery-targets',
      {
        config: managers,
        schema: {
          tags,
          summary: '提供先サーバーの登録 / register a delivery target',
          description:
            'SFTP はホスト鍵のフィンガープリント（SHA256:…）と秘密鍵またはパスワードが必要です。フォルダは MAMORI_DELIVERY_DIRS の中に限ります。/ SFTP needs the host key fingerprint and a key or password; a folder must be inside MAMORI_DELIVERY_DIRS. ' +
            'Errors: 400 `delivery_settings_invalid` (issues per field: `not_allowed`, `not_absolute`, `required`, `invalid`, `not_for_kind`); 409 `delivery_target_exists`; 403 `forbidden`.',
          body: registerTargetBody,
        },
      },
      async (req, reply) => reply.status(201).send(await registerTarget(ctx, { actor: requireStaff(req), input: req.body, via: 'api' })),
    );

    app.post(
      '/delivery-targets/:code/check',
      {
        config: managers,
        schema: {
          tags,
          summary: '接続確認 / check a delivery target',
          description:
            '接続し（SFTP はホスト鍵を照合）、確認用のファイルを書いて消します。失敗も結果として 200 で返します。/ Connects (checking the SFTP host key), writes and removes a probe file; a failure is an answer (200). ' +
            '`check.error.code`: `delivery_unreachable`, `delivery_auth_failed`, `delivery_host_key_unknown` (with `presented_host_key`), `delivery_dir_missing`, `delivery_dir_not_allowed`, `delivery_not_writable`, `delivery_disk_full`, `delivery_timeout`, `delivery_incomplete`, `delivery_failed`. Errors: 404 `delivery_target_unknown`; 403 `forbidden`.',
          params: targetCodeParams,
        },
      },
      async (req) => checkTarget(ctx, { actor: requireStaff(req), code: req.params.code, via: 'api' }),
    );

    app.delete(
      '/delivery-targets/:code',
      {
        config: managers,
        schema: {
          tags,
          summary: '提供先サーバーの削除 / remove a delivery target',
          params: targetCodeParams,
          querystring: removeTargetQuery,
        },
      },
      async (req) => removeTarget(ctx, { actor: requireStaff(req), code: req.params.code, version: Number(req.query.version), via: 'api' }),
    );

    app.get(
      '/deliveries',
      {
        config: deliveryReaders,
        schema: {
          tags,
          summary: '提供の記録 / deliveries on record',
          description:
            '提供元（origin_kind と origin_id）または提供先（target）ごとに、新しい順。件数・大きさ・SHA-256・結果を含みます。/ Per origin or per target, newest first, with rows, size, SHA-256 and outcome. ' +
            'Errors: 400 `validation_failed` (origin_id without origin_kind); 403 `forbidden`.',
          querystring: listDeliveriesQuery,
        },
      },
      async (req) =>
        listDeliveries(ctx.db, {
          actor: requireStaff(req),
          ...(req.query.origin_kind ? { originKind: req.query.origin_kind } : {}),
          ...(req.query.origin_id ? { originId: req.query.origin_id } : {}),
          ...(req.query.target ? { target: req.query.target } : {}),
          ...(req.query.limit ? { limit: Number(req.query.limit) } : {}),
        }),
    );
  };
}
