/** Sign-in API for staff: password, then TOTP (or TOTP enrolment), logout, who am I, CSRF token. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../base/config.ts';
import type { AppContext } from '../../base/context.ts';
import { dutyAccessMap } from '../../base/duties.ts';
import { AppError } from '../../base/errors.ts';
import { requireStaff, SESSION_COOKIE } from '../../base/guard.ts';
import { circledNumber } from '../../contract/policy-vocabulary.ts';
import { japanDate } from '../../db/time.ts';
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

    // Re-binding needs the current password (and code); the first enrolment at sign-in sends no body.
    app.post(
      '/auth/totp/enroll',
      {
        config: limited,
        schema: {
          tags: ['auth'],
          summary: '二要素認証の登録開始 / start TOTP enrolment',
          body: z.strictObject({ password: z.string().min(1).max(200).optional(), code: z.string().min(1).max(20).optional() }).nullish(),
        },
      },
      async (req) => beginTotpEnrollment(ctx, policy, tokenOf(req), { password: req.body?.password, code: req.body?.code }),
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
      const [org, role, department, purposes, factor] = await Promise.all([
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
        ctx.db.selectFrom('users').select('totp_enabled').where('id', '=', actor.id).executeTakeFirstOrThrow(),
      ]);
      // Organizations whose members this user may use through a joint use (共同利用) in effect today, with the
      // owner's purposes the user's role is granted among those the joint use covers.
      const today = japanDate(ctx.clock());
      const joint = await ctx.db
        .selectFrom('joint_use_members')
        .innerJoin('joint_use_groups', 'joint_use_groups.id', 'joint_use_members.group_id')
        .innerJoin('organizations', 'organizations.id', 'joint_use_groups.owner_org_id')
        .innerJoin('joint_use_purposes', 'joint_use_purposes.group_id', 'joint_use_groups.id')
        .innerJoin('purposes', 'purposes.id', 'joint_use_purposes.purpose_id')
        .innerJoin('role_purposes', (j) =>
          j.onRef('role_purposes.purpose_id', '=', 'purposes.id').on('role_purposes.role_id', '=', actor.roleId),
        )
        .select([
          'organizations.id as org_id',
          'organizations.code as org_code',
          'organizations.name as org_name',
          'purposes.code',
          'purposes.number',
          'purposes.name',
          'purposes.name_en',
        ])
        .where('joint_use_members.org_id', '=', actor.orgId)
        .where('joint_use_groups.owner_org_id', '!=', actor.orgId)
        .where('joint_use_groups.starts_on', '<=', today)
        .where((eb) => eb.or([eb('joint_use_groups.ends_on', 'is', null), eb('joint_use_groups.ends_on', '>=', today)]))
        .where('purposes.status', '=', 'active')
        .orderBy('organizations.code')
        .orderBy('purposes.number')
        .execute();
      const jointUse = new Map<
        string,
        {
          org_code: string;
          org_name: string;
          purposes: { code: string; number: number; label: string; name: string; name_en: string; items: readonly string[] }[];
        }
      >();
      for (const r of joint) {
        const entry = jointUse.get(r.org_code) ?? { org_code: r.org_code, org_name: r.org_name, purposes: [] };
        if (!entry.purposes.some((p) => p.code === r.code)) {
          const view = engine.decide({ actor, purpose: r.code, action: 'read', member: { orgId: r.org_id, blocks: [] }, today });
          if (view.allowed)
            entry.purposes.push({
              code: r.code,
              number: r.number,
              label: circledNumber(r.number),
              name: r.name,
              name_en: r.name_en,
              items: view.items,
            });
        }
        jointUse.set(r.org_code, entry);
      }
      return {
        mfa: 'none',
        user: { id: actor.id, login: actor.login, display_name: s.displayName },
        /** A TOTP second factor is in force: re-binding it then also asks for a current code (POST /auth/totp/enroll). */
        totp: factor.totp_enabled === 1,
        joint_use: [...jointUse.values()],
        organization: org,
        role,
        /** What the role may do with the registers beyond purposes: `handle`, `read` or `null` per duty. */
        duties: dutyAccessMap(actor),
        department: department ?? null,
        // The purposes the role may open members' data for (not those for staff or business partners only).
        purposes: purposes.filter((p) => permitted.has(p.code) && p.for_members),
      };
    });
  };
}
