/** Organization, departments, roles and staff users of the signed-in staff member's organization. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app/context.ts';
import { requireKind, requireStaff } from '../../app/guard.ts';
import { listItems, listPurposes } from '../purposes/service.ts';
import { createUser, listUsers } from './service.ts';

export function organizationRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/organization',
      { schema: { tags: ['organizations'], summary: '自組織・部署・役割 / own organization, departments, roles' } },
      async (req) => {
        const actor = requireStaff(req);
        const [org, departments, roles] = await Promise.all([
          ctx.db
            .selectFrom('organizations')
            .select(['id', 'code', 'name', 'name_en', 'kind', 'settings'])
            .where('id', '=', actor.orgId)
            .executeTakeFirstOrThrow(),
          ctx.db.selectFrom('departments').select(['code', 'name', 'name_en']).where('org_id', '=', actor.orgId).orderBy('code').execute(),
          ctx.db
            .selectFrom('roles')
            .select(['code', 'name', 'name_en', 'kind'])
            .where('org_id', '=', actor.orgId)
            .orderBy('code')
            .execute(),
        ]);
        return { ...org, settings: JSON.parse(org.settings) as unknown, departments, roles };
      },
    );

    app.get('/purposes', { schema: { tags: ['purposes'], summary: '利用目的と項目 / purposes of use and their items' } }, async (req) => {
      const actor = requireStaff(req);
      const engine = await ctx.policy.engine();
      const permitted = new Set(engine.purposesForRole(actor.roleId, actor.orgId));
      return {
        purposes: (await listPurposes(ctx.db, actor.orgId)).map((p) => ({ ...p, permitted: permitted.has(p.code) })),
        items: await listItems(ctx.db, actor.orgId),
      };
    });

    app.get('/users', { schema: { tags: ['organizations'], summary: '職員一覧 / staff users' } }, async (req) => {
      const actor = requireKind(req, ['system_admin', 'privacy_officer', 'auditor']);
      return { users: await listUsers(ctx, actor.orgId) };
    });

    app.post(
      '/users',
      {
        schema: {
          tags: ['organizations'],
          summary: '職員の登録 / create a staff user',
          body: z.strictObject({
            login: z.string().min(3).max(40),
            display_name: z.string().min(1).max(100),
            password: z.string().min(1).max(200),
            role: z.string().min(1).max(60),
            department: z.string().max(60).nullable().optional(),
            email: z.email().max(254).nullable().optional(),
          }),
        },
      },
      async (req, reply) => {
        const actor = requireKind(req, ['system_admin']);
        const org = await ctx.db.selectFrom('organizations').select('code').where('id', '=', actor.orgId).executeTakeFirstOrThrow();
        const id = await createUser(ctx, actor, {
          orgCode: org.code,
          login: req.body.login,
          displayName: req.body.display_name,
          password: req.body.password,
          role: req.body.role,
          department: req.body.department ?? null,
          email: req.body.email ?? null,
        });
        return reply.status(201).send({ id });
      },
    );
  };
}
