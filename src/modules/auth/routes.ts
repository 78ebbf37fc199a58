/** Sign-in API for staff: password, then TOTP (or TOTP enrolment), logout, who am I, CSRF token. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../app/config.ts';
import type { AppContext } from '../../app/context.ts';
import { AppError } from '../../app/errors.ts';
import { requireStaff, SESSION_COOKIE } from '../../app/guard.ts';
import { listPurposes } from '../purposes/service.ts';
import { activateTotp, beginTotpEnrollment, completeTotp, loginWithPassword, logout } from './sessions.ts';

const mfaName = ['none', 'totp', 'enroll'] as const;

export function authRoutes(ctx: AppContext, config: Config): FastifyPluginAsyncZod {
  const policy = {
    lockoutThreshold: config.lockoutThreshold,
    lockoutMinutes: config.lockoutMinutes,
    sessionIdleMinutes: config.sessionIdleMinutes,
  };
  const tokenOf = (req: FastifyRequest) => req.cookies[SESSION_COOKIE] ?? '';
  const setCookie = (reply: FastifyReply, token: string) =>
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      secure: config.cookieSecure,
      sameSite: 'strict',
      maxAge: config.sessionIdleMinutes * 60 * 8,
    });
  // Sign-in attempts are limited per address and login, besides the account lockout.
  const limited = { rateLimit: { max: 20, timeWindow: '1 minute' } };

  return async (app) => {
    app.get('/auth/csrf', { schema: { tags: ['auth'], summary: 'CSRFトークン / CSRF token' } }, async (_req, reply) => ({
      token: reply.generateCsrf(),
    }));

    app.post(
      '/auth/login',
      {
        config: limited,
        schema: {
          tags: ['auth'],
          summary: 'ログイン / sign in',
          body: z.strictObject({ login: z.string().min(1).max(100), password: z.string().min(1).max(200) }),
        },
      },
      async (req, reply) => {
        const { token, mfa } = await loginWithPassword(ctx, policy, req.body.login.trim(), req.body.password);
        setCookie(reply, token);
        return { mfa: mfaName[mfa] };
      },
    );

    app.post(
      '/auth/totp',
      {
        config: limited,
        schema: { tags: ['auth'], summary: '確認コード / TOTP code', body: z.strictObject({ code: z.string().min(1).max(20) }) },
      },
      async (req) => {
        await completeTotp(ctx, policy, tokenOf(req), req.body.code);
        return { mfa: 'none' };
      },
    );

    app.post('/auth/totp/enroll', { schema: { tags: ['auth'], summary: '二要素認証の登録開始 / start TOTP enrolment' } }, async (req) =>
      beginTotpEnrollment(ctx, policy, tokenOf(req)),
    );

    app.post(
      '/auth/totp/activate',
      {
        config: limited,
        schema: {
          tags: ['auth'],
          summary: '二要素認証の有効化 / activate TOTP',
          body: z.strictObject({ code: z.string().min(1).max(20) }),
        },
      },
      async (req) => {
        await activateTotp(ctx, policy, tokenOf(req), req.body.code);
        return { mfa: 'none' };
      },
    );

    app.post('/auth/logout', { schema: { tags: ['auth'], summary: 'ログアウト / sign out' } }, async (req, reply) => {
      const token = tokenOf(req);
      if (token) await logout(ctx, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true };
    });

    app.get('/auth/me', { schema: { tags: ['auth'], summary: 'ログイン中の職員 / the signed-in staff member' } }, async (req) => {
      const s = req.session;
      if (!s) throw new AppError('not_authenticated');
      if (s.mfa !== 0) return { mfa: mfaName[s.mfa] };
      const actor = requireStaff(req);
      const engine = await ctx.policy.engine();
      const permitted = new Set(engine.purposesForRole(actor.roleId, actor.orgId));
      const [org, role, department, purposes] = await Promise.all([
        ctx.db
          .selectFrom('organizations')
          .select(['code', 'name', 'name_en', 'kind'])
          .where('id', '=', actor.orgId)
          .executeTakeFirstOrThrow(),
        ctx.db.selectFrom('roles').select(['code', 'name', 'name_en', 'kind']).where('id', '=', actor.roleId).executeTakeFirstOrThrow(),
        actor.departmentId
          ? ctx.db.selectFrom('departments').select(['code', 'name', 'name_en']).where('id', '=', actor.departmentId).executeTakeFirst()
          : undefined,
        listPurposes(ctx.db, actor.orgId),
      ]);
      return {
        mfa: 'none',
        user: { id: actor.id, login: actor.login, display_name: s.displayName },
        organization: org,
        role,
        department: department ?? null,
        purposes: purposes.filter((p) => permitted.has(p.code)),
      };
    });
  };
}
