/** Setting up organizations and role grants from the console. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../base/context.ts';
import { duties, parseDuties } from '../../base/duties.ts';
import { requireKind } from '../../base/guard.ts';
import { grantablePurposes, setRoleDuties, setRolePurposes, setUpOrganization } from './setup.ts';

const codePattern = /^[a-z0-9][a-z0-9-]{1,39}$/;

export function setupRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/organizations',
      {
        config: { roles: ['system_admin'] },
        schema: {
          tags: ['organizations'],
          summary: '組織の新規設定（最初の個人情報保護管理責任者と下書きポリシー） / set up a new organization',
          body: z.strictObject({
            code: z.string().regex(codePattern),
            name: z.string().trim().min(1).max(200),
            name_en: z.string().trim().min(1).max(200).optional(),
            kind: z.enum(['coop', 'federation', 'subsidiary']).default('coop'),
            preset: z.string().max(80).optional(),
            officer: z.strictObject({
              login: z.string().min(3).max(40),
              display_name: z.string().trim().min(1).max(100),
              password: z.string().min(1).max(200),
              email: z.email().max(254).optional(),
            }),
          }),
        },
      },
      async (req, reply) => {
        const actor = requireKind(req, ['system_admin']);
        const id = await setUpOrganization(ctx, actor, { ...req.body, name_en: req.body.name_en ?? req.body.name });
        return reply.status(201).send({ id, code: req.body.code });
      },
    );

    app.get(
      '/roles',
      {
        config: { roles: ['privacy_officer', 'system_admin', 'auditor'] },
        schema: { tags: ['organizations'], summary: '役割と利用目的の付与 / roles and their purposes' },
      },
      async (req) => {
        const actor = requireKind(req, ['privacy_officer', 'system_admin', 'auditor']);
        const [roles, grants, offered] = await Promise.all([
          ctx.db
            .selectFrom('roles')
            .select(['id', 'code', 'name', 'name_en', 'kind', 'duties'])
            .where('org_id', '=', actor.orgId)
            .orderBy('code')
            .execute(),
          ctx.db
            .selectFrom('role_purposes')
            .innerJoin('roles', 'roles.id', 'role_purposes.role_id')
            .select(['role_purposes.role_id', 'role_purposes.purpose_id'])
            .where('roles.org_id', '=', actor.orgId)
            .execute(),
          grantablePurposes(ctx.db, actor.orgId),
        ]);
        const keyOf = new Map(offered.map((p) => [p.id, p.key]));
        return {
          roles: roles.map(({ id, duties: stored, ...r }) => ({
            ...r,
            /** Granted duties (staff and department managers); the other kinds' follow from the kind. */
            duties: parseDuties(stored),
            purposes: grants.filter((g) => g.role_id === id && keyOf.has(g.purpose_id)).map((g) => keyOf.get(g.purpose_id)!),
          })),
          purposes: offered.map(({ id: _id, ...p }) => p),
        };
      },
    );

    app.put(
      '/roles/:code/purposes',
      {
        config: { roles: ['privacy_officer'] },
        schema: {
          tags: ['organizations'],
          summary: '役割に利用目的を付与 / set the purposes a role may use',
          params: z.object({ code: z.string().max(60) }),
          body: z.strictObject({ purposes: z.array(z.string().max(120)).max(500) }),
        },
      },
      async (req) => {
        const actor = requireKind(req, ['privacy_officer']);
        await setRolePurposes(ctx, actor, req.params.code, req.body.purposes);
        return { ok: true };
      },
    );

    app.put(
      '/roles/:code/duties',
      {
        config: { roles: ['privacy_officer'] },
        schema: {
          tags: ['organizations'],
          summary: '役割に業務（請求・同意の受付、提供記録）を付与 / set the duties of a staff or manager role',
          params: z.object({ code: z.string().max(60) }),
          body: z.strictObject({ duties: z.array(z.enum(duties)).max(duties.length * 2) }),
        },
      },
      async (req) => {
        const actor = requireKind(req, ['privacy_officer']);
        await setRoleDuties(ctx, actor, req.params.code, req.body.duties);
        return { ok: true };
      },
    );
  };
}
