/**
 * The member page's sign-in API under `/api/v1/portal/` (本人のページ): one-time code by e-mail, password
 * sign-in, sign-out, who am I, and switching to a ward's page. Registered with the staff guardian API
 * (`/api/v1/members/:id/guardians`, guardian-routes.ts), which belongs to the same mechanism.
 *
 * State-changing requests need the CSRF header like the console (token from `GET /api/v1/auth/csrf`).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Config } from '../../base/config.ts';
import type { AppContext } from '../../base/context.ts';
import type { AuthPolicy } from '../auth/sessions.ts';
import { requestSignInCode, verifySignInCode } from './codes.ts';
import { MEMBER_SESSION_COOKIE, requireMember, requireMemberSession } from './guard.ts';
import { guardianRoutes } from './guardian-routes.ts';
import { actAsBody, requestCodeBody, signInBody, verifyCodeBody } from './schemas.ts';
import { endMemberSession } from './sessions.ts';
import { signInWithPassword } from './sign-in.ts';
import { actAs, describeSignedIn } from './subject.ts';

/** Per client address and route: code requests send mail, so they are held tighter than sign-ins. */
export const PORTAL_CODE_RATE_LIMIT = { max: 10, timeWindow: 60_000 };
export const PORTAL_SIGN_IN_RATE_LIMIT = { max: 20, timeWindow: 60_000 };

const tags = ['member page'];

/** The same answer whether or not the member exists or has an e-mail address. */
const codeAccepted = {
  accepted: true,
  message_ja: '登録されたメールアドレスがある場合は、確認コードをお送りしました。届かない場合は、お問い合わせ窓口にご連絡ください。',
  message_en: 'If an e-mail address is registered, a code has been sent to it. If none arrives, contact the co-op’s inquiry desk.',
};

export function portalAuthRoutes(ctx: AppContext, config: Config): FastifyPluginAsyncZod {
  const policy: AuthPolicy = {
    lockoutThreshold: config.lockoutThreshold,
    lockoutMinutes: config.lockoutMinutes,
    sessionIdleMinutes: config.sessionIdleMinutes,
  };
  const setCookie = (reply: FastifyReply, token: string) =>
    reply.setCookie(MEMBER_SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      secure: config.cookieSecure,
      sameSite: 'strict',
      maxAge: config.sessionIdleMinutes * 60 * 8,
    });
  const tokenOf = (req: FastifyRequest) => req.cookies[MEMBER_SESSION_COOKIE] ?? '';

  return async (app) => {
    await app.register(guardianRoutes(ctx));

    app.post(
      '/portal/auth/code',
      {
        config: { rateLimit: PORTAL_CODE_RATE_LIMIT },
        schema: {
          tags,
          summary: '確認コードの送信（初回・再設定）/ send a sign-in code (first sign-in, recovery)',
          description:
            '登録の有無にかかわらず同じ 202 を返します。/ Always answers 202 with the same body, whether or not the member exists or has an e-mail address.',
          body: requestCodeBody,
        },
      },
      async (req, reply) => {
        await requestSignInCode(ctx, { org: req.body.org, memberCode: req.body.member_code });
        return reply.status(202).send(codeAccepted);
      },
    );

    app.post(
      '/portal/auth/verify',
      {
        config: { rateLimit: PORTAL_SIGN_IN_RATE_LIMIT },
        schema: {
          tags,
          summary: '確認コードでパスワードを設定してサインイン / set a password with the code and sign in',
          body: verifyCodeBody,
        },
      },
      async (req, reply) => {
        const { token } = await verifySignInCode(ctx, policy, {
          org: req.body.org,
          memberCode: req.body.member_code,
          code: req.body.code,
          newPassword: req.body.new_password,
        });
        setCookie(reply, token);
        return { ok: true };
      },
    );

    app.post(
      '/portal/auth/login',
      {
        config: { rateLimit: PORTAL_SIGN_IN_RATE_LIMIT },
        schema: { tags, summary: 'パスワードでサインイン / sign in with the password', body: signInBody },
      },
      async (req, reply) => {
        const { token } = await signInWithPassword(ctx, policy, {
          org: req.body.org,
          memberCode: req.body.member_code,
          password: req.body.password,
        });
        setCookie(reply, token);
        return { ok: true };
      },
    );

    app.post('/portal/auth/logout', { schema: { tags, summary: 'サインアウト / sign out' } }, async (req, reply) => {
      const token = tokenOf(req);
      if (token) await endMemberSession(ctx, token);
      reply.clearCookie(MEMBER_SESSION_COOKIE, { path: '/' });
      return { ok: true };
    });

    app.get(
      '/portal/me',
      { schema: { tags, summary: 'サインイン中の組合員と開いているページ / who is signed in, whose page is open' } },
      async (req) => describeSignedIn(ctx, requireMember(req)),
    );

    app.post(
      '/portal/act-as',
      {
        schema: {
          tags,
          summary: '保護者として子のページを開く・自分のページに戻る / open a ward’s page, or your own again',
          body: actAsBody,
        },
      },
      async (req) => describeSignedIn(ctx, await actAs(ctx, requireMemberSession(req), req.body.member_id)),
    );
  };
}
