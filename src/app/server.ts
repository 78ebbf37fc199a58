/**
 * The Fastify server: security plugins, the session hook, the My Number guard, the API under /api/v1 with
 * its OpenAPI document at /api/docs, and the built web console. Every error leaves through `handleError`.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../base/config.ts';
import type { AppContext } from '../base/context.ts';
import { AppError, errorBody } from '../base/errors.ts';
import { SESSION_COOKIE } from '../base/guard.ts';
import { startBackgroundCheckpoints } from '../db/database.ts';
import { appendAudit } from '../modules/audit/append.ts';
import { auditRoutes } from '../modules/audit/routes.ts';
import { authRoutes } from '../modules/auth/routes.ts';
import { findSession } from '../modules/auth/sessions.ts';
import { ledgerRoutes } from '../modules/ledger/routes.ts';
import { memberRoutes } from '../modules/members/routes.ts';
import { findMyNumberFields } from '../modules/my-number/detect.ts';
import { noticePageRoutes, publicNoticeApiRoutes } from '../modules/notices/routes.ts';
import { organizationRoutes } from '../modules/organizations/routes.ts';
import { setupRoutes } from '../modules/organizations/setup-routes.ts';
import { policyRoutes } from '../modules/policy/routes.ts';
import { portalDataRoutes } from '../modules/portal/data-routes.ts';
import { MEMBER_SESSION_COOKIE, requireMember } from '../modules/portal/guard.ts';
import { portalAuthRoutes } from '../modules/portal/routes.ts';
import { findMemberSession } from '../modules/portal/sessions.ts';
import { requestRoutes } from '../modules/requests/routes.ts';
import { clientErrorResponse, handleError } from './http-errors.ts';

export interface ServerOptions {
  /** Folder of the built web console (`web/dist`); the API runs without it. */
  webDir?: string;
  logger?: boolean;
}

const unsafeMethod = (m: string) => m !== 'GET' && m !== 'HEAD' && m !== 'OPTIONS';

export async function buildServer(ctx: AppContext, config: Config, opts: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: config.bodyLimit,
    clientErrorHandler: (_err, socket) => {
      if (socket.writable) socket.end(clientErrorResponse());
    },
    logger:
      opts.logger === false
        ? false
        : {
            level: config.logLevel,
            // Never log personal data or secrets: no query strings (search terms), cookies or bodies.
            redact: ['req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]'],
            serializers: {
              req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: req.url.split('?')[0], ip: req.ip }),
            },
          },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);

  // SQLite: WAL checkpoints run in a background thread while the server runs (see db/database.ts).
  if (ctx.sqlite) {
    const checkpoints = startBackgroundCheckpoints(ctx.sqlite);
    app.addHook('onClose', () => checkpoints.stop());
  }

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    },
  });
  await app.register(cookie);
  await app.register(csrf, {
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'strict', secure: config.cookieSecure },
    getToken: (req) => req.headers['x-csrf-token'] as string | undefined,
  });
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'mamori API',
        description:
          '生協の個人情報保護マネジメントシステム mamori のAPI。組合員データの参照・変更には必ず利用目的（purpose）を指定します。\n\nThe mamori API. Every read or change of member data names a purpose of use.',
        version: '1',
      },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
      security: [{ session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true, transformStaticCSP: (h) => h });

  const policy = {
    lockoutThreshold: config.lockoutThreshold,
    lockoutMinutes: config.lockoutMinutes,
    sessionIdleMinutes: config.sessionIdleMinutes,
  };

  // Who is asking (every API request), then CSRF for every state-changing API request.
  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/v1/')) return;
    const token = req.cookies[SESSION_COOKIE];
    if (token) {
      const session = await findSession(ctx, token, policy, { allowPending: true });
      if (session) req.session = session;
    }
  });
  // The member page (本人のページ) has its own cookie and session, looked up for its URLs only.
  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/v1/portal/')) return;
    const token = req.cookies[MEMBER_SESSION_COOKIE];
    if (token) {
      const session = await findMemberSession(ctx, token, config.sessionIdleMinutes);
      if (session) req.memberSession = session;
    }
  });
  app.addHook('onRequest', (req, reply, done) => {
    if (req.url.startsWith('/api/v1/') && unsafeMethod(req.method)) return app.csrfProtection(req, reply, done);
    done();
  });

  // My Number is refused on every input path before anything else looks at the input.
  app.addHook('preValidation', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    const fields = [...findMyNumberFields(req.body ?? {}, 'body'), ...findMyNumberFields(req.query ?? {}, 'query')].filter(
      (f) => !/^body\.(password|new_password|code)$/.test(f),
    );
    if (fields.length === 0) return;
    const actor = req.session?.actor;
    await ctx.db.transaction().execute((tx) =>
      appendAudit(
        tx,
        actor ?? { type: 'anonymous', id: null, orgId: null },
        {
          action: 'input.my_number_rejected',
          outcome: 'refused',
          orgId: actor?.orgId ?? null,
          errorCode: 'my_number_rejected',
          detail: { path: req.url.split('?')[0]!, fields },
        },
        ctx.clock,
      ),
    );
    throw new AppError(
      'my_number_rejected',
      fields.map((field) => ({
        field,
        code: 'my_number',
        message_ja: 'マイナンバーと思われる番号が含まれています。',
        message_en: 'Looks like a My Number.',
      })),
    );
  });

  await app.register(
    async (api) => {
      await api.register(authRoutes(ctx, config));
      await api.register(memberRoutes(ctx));
      await api.register(auditRoutes(ctx));
      await api.register(organizationRoutes(ctx));
      await api.register(policyRoutes(ctx));
      await api.register(setupRoutes(ctx));
      await api.register(publicNoticeApiRoutes(ctx));
      await api.register(ledgerRoutes(ctx));
      await api.register(requestRoutes(ctx));
      await api.register(portalAuthRoutes(ctx, config));
      await api.register(portalDataRoutes(ctx, requireMember));
      api.get('/health', { schema: { tags: ['system'], summary: '稼働確認 / health' } }, async () => ({ ok: true }));
    },
    { prefix: '/api/v1' },
  );

  // The public notices (HTML, no sign-in) are routes of their own, so the console's fallback never answers them.
  await app.register(noticePageRoutes(ctx));

  const webDir = opts.webDir ? resolve(opts.webDir) : undefined;
  const hasWeb = webDir && existsSync(join(webDir, 'index.html'));
  // Files are looked up on each request (a rebuilt console is served without a restart); any other GET
  // outside the API and the asset folder is a console route and gets index.html.
  if (hasWeb) await app.register(fastifyStatic, { root: webDir, wildcard: true, index: ['index.html'] });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]!;
    const isConsoleRoute = !path.startsWith('/api/') && !path.startsWith('/assets/') && !/\.[a-z0-9]+$/i.test(path);
    if (hasWeb && req.method === 'GET' && isConsoleRoute) return reply.type('text/html').sendFile('index.html');
    return reply.status(404).send(errorBody('not_found'));
  });
  return app;
}
