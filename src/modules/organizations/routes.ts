/** Organization, departments, roles and staff users of the signed-in staff member's organization. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { requireKind, requireStaff } from '../../base/guard.ts';
import { listItems, listPurposes } from '../purposes/service.ts';
import { userStatusBody, userStatusParams } from './schemas.ts';
import { createDepartment, createUser, listUsers, setUserStatus } from './service.ts';
import { updateAlertSettings } from './update-settings.ts';

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

    app.patch(
      '/organization/settings',
      {
        config: { roles: ['privacy_officer', 'system_admin'] },
        schema: {
          tags: ['organizations'],
          summary: 'アラートの閾値と勤務時間 / alert thresholds and working hours',
          body: z.strictObject({
            alerts: z
              .strictObject({
                readsPerHour: z.number().int().min(1).max(1_000_000).optional(),
                listedRowsPerHour: z.number().int().min(1).max(10_000_000).optional(),
                workStart: z
                  .string()
                  .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
                  .optional(),
                workEnd: z
                  .string()
                  .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
                  .optional(),
                workDays: z.array(z.number().int().min(1).max(7)).max(7).optional(),
              })
              .optional(),
          }),
        },
      },
      async (req) => {
        const actor = requireKind(req, ['privacy_officer', 'system_admin']);
        return updateAlertSettings(ctx, actor, req.body.alerts ?? {});
      },
    );

    app.post(
      '/departments',
      {
        config: { roles: ['system_admin'] },
        schema: {
          tags: ['organizations'],
          summary: '部署の登録 / create a department',
          body: z.strictObject({
            code: z.string().regex(/^[a-z0-9-]{1,40}$/),
            name: z.string().min(1).max(100),
            name_en: z.string().min(1).max(100).optional(),
          }),
        },
      },
      async (req, reply) => {
        const actor = requireKind(req, ['system_admin']);
        const taken = await ctx.db
          .selectFrom('departments')
          .select('id')
          .where('org_id', '=', actor.orgId)
          .where('code', '=', req.body.code)
          .executeTakeFirst();
        if (taken) {
          throw new AppError('validation_failed', [
            {
              field: 'code',
              code: 'taken',
              message_ja: 'この部署コードは既に使われています。',
              message_en: 'This department code is taken.',
            },
          ]);
        }
        const id = await ctx.db
          .transaction()
          .execute((tx) =>
            createDepartment(
              tx,
              actor,
              { orgId: actor.orgId, code: req.body.code, name: req.body.name, name_en: req.body.name_en ?? req.body.name },
              ctx.clock(),
            ),
          );
        return reply.status(201).send({ id });
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

    app.get(
      '/users',
      {
        config: { roles: ['system_admin', 'privacy_officer', 'auditor'] },
        schema: { tags: ['organizations'], summary: '職員一覧 / staff users' },
      },
      async (req) => {
        const actor = requireKind(req, ['system_admin', 'privacy_officer', 'auditor']);
        return { users: await listUsers(ctx, actor.orgId) };
      },
    );

    app.post(
      '/users',
      {
        config: { roles: ['system_admin'] },
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

    app.patch(
      '/users/:id/status',
      {
        config: { roles: ['system_admin'] },
        schema: {
          tags: ['organizations'],
          summary: '職員の無効化・再有効化 / disable or re-enable a staff user',
          params: userStatusParams,
          body: userStatusBody,
        },
      },
      async (req) => {
        const actor = requireKind(req, ['system_admin']);
        await setUserStatus(ctx, actor, { userId: req.params.id, status: req.body.status });
        return { id: req.params.id, status: req.body.status };
      },
    );
  };
}
