/**
 * The Fastify server: security plugins, the session hook, the My Number guard, the API under /api/v1 with
 * its OpenAPI document at /api/docs, and the built web console. Every error leaves through
 * `errorHandler`.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import helmet from 'helmet';
import type { Config } from '../base/config.ts';
import type { AppContext } from '../base/context.ts';
import { errorBody } from '../base/errors.ts';
import { checkDeclaredRoles, SESSION_COOKIE } from '../base/guard.ts';
import { startBackgroundCheckpoints } from '../db/database.ts';
import { attentionRoutes } from '../modules/attention/routes.ts';
import { auditRoutes } from '../modules/audit/routes.ts';
import { authRoutes } from '../modules/auth/routes.ts';
import { findSession } from '../modules/auth/sessions.ts';
import { deliveriesRoutes } from '../modules/deliveries/routes.ts';
import { discoveryRoutes } from '../modules/discovery/routes.ts';
import { handoverRoutes } from '../modules/handovers/routes.ts';
import { jobRoutes } from '../modules/jobs/routes.ts';
import { ledgerRoutes } from '../modules/ledger/routes.ts';
import { memberRoutes } from '../modules/members/routes.ts';
import { noticePageRoutes, publicNoticeApiRoutes } from '../modules/notices/routes.ts';
import { organizationRoutes } from '../modules/organizations/routes.ts';
import { setupRoutes } from '../modules/organizations/setup-routes.ts';
import { policyRoutes } from '../modules/policy/routes.ts';
import { portalDataRoutes } from '../modules/portal/data-routes.ts';
import { MEMBER_SESSION_COOKIE, requireMember } from '../modules/portal/guard.ts';
import { portalAuthRoutes } from '../modules/portal/routes.ts';
import { findMemberSession } from '../modules/portal/sessions.ts';
import { provisionRoutes } from '../modules/provision/routes.ts';
import { pseudonymizedRoutes } from '../modules/pseudonymized/routes.ts';
import { releaseRoutes } from '../modules/releases/routes.ts';
import { requestExportRoutes } from '../modules/requests/export-routes.ts';
import { requestRoutes } from '../modules/requests/routes.ts';
import { systemTaskRoutes } from '../modules/system-tasks/routes.ts';
import { systemsRoutes } from '../modules/systems/routes.ts';
import { clientErrorResponse, errorHandler, handleError } from './http-errors.ts';
import { installJsonParser } from './json-body.ts';
import type { Metrics } from './metrics.ts';
import { myNumberGuard } from './my-number-guard.ts';
import { probeRoutes, RequestLog, truncateAddress } from './operations.ts';
import { sharedRateLimitStore } from './rate-limit-store.ts';

export interface ServerOptions {
  /** Folder of the built web console (`web/dist`); the API runs without it. */
  webDir?: string;
  logger?: boolean;
  /** Where the log goes (standard output by default); tests read it. */
  logStream?: { write(line: string): void };
  /** Counts requests by route pattern (see metrics.ts); served by its own listener, not by this server. */
  metrics?: Metrics;
}

const unsafeMethod = (m: string) => m !== 'GET' && m !== 'HEAD' && m !== 'OPTIONS';

/** Is this request routed to one of the member page's routes (by the route's pattern, not the raw URL)? */
const isPortalRoute = (req: FastifyRequest) => req.routeOptions.url?.startsWith('/api/v1/portal/') === true;

/**
 * The path as a router might read it, for the fallback's decisions only: percent-decoded, repeated slashes
 * collapsed, lower case. `/%61pi/…`, `//api/…` and `/API/…` all count as API paths.
 */
export function routedPath(url: string): string {
  let path = url.split('?')[0]!;
  try {
    path = decodeURIComponent(path);
  } catch {
    // Not valid percent-encoding: judged as written.
  }
  return path.replace(/[\\/]+/g, '/').toLowerCase();
}

/** Trusts the nearest `hops` proxies: `X-Forwarded-For` entries beyond them are the client's own claim. */
const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

export async function buildServer(ctx: AppContext, config: Config, opts: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: config.bodyLimit,
    // Behind a reverse proxy, which proxies' X-Forwarded-For decides `req.ip` (rate limits, the log).
    // A number of hops is what proxy-addr makes of a number, written as the function Fastify's types accept.
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    // Fastify's own request lines carry the raw URL; `RequestLog` writes the one line instead.
    logController: new RequestLog(),
    clientErrorHandler: (_err, socket) => {
      if (socket.writable) socket.end(clientErrorResponse());
    },
    // The router answers malformed escapes and over-long path parameters itself, in Fastify's own shape,
    // unless told to hand them to us: they get the one error body like every other refusal.
    frameworkErrors: (err, req, reply) => handleError(err, req, reply),
    logger:
      opts.logger === false
        ? false
        : {
            level: config.logLevel,
            ...(opts.logStream ? { stream: opts.logStream } : {}),
            // Never log personal data or secrets: no raw URLs (member ids, search terms), cookies, bodies or
            // full client addresses.
            redact: ['req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]'],
            serializers: {
              req: (req: FastifyRequest) => ({
                method: req.method,
                route: req.routeOptions?.url ?? '(no route)',
                client: truncateAddress(req.ip),
              }),
            },
          },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler(ctx));
  installJsonParser(app);

  // SQLite: WAL checkpoints run in a background thread while the server runs (see db/database.ts).
  let checkpointer: (() => boolean) | undefined;
  if (ctx.sqlite) {
    const checkpoints = startBackgroundCheckpoints(ctx.sqlite);
    checkpointer = () => checkpoints.running();
    app.addHook('onClose', () => checkpoints.stop());
  }

  // The streaming replica leaving or rejoining use is logged once per change (the metrics count every read).
  if (ctx.replica.configured) {
    const unsubscribe = ctx.replica.onChange((status, previous) => {
      const line = { replica: status.state, lag_seconds: status.lagSeconds, was: previous?.state ?? null };
      if (status.state === 'ok') app.log.info(line, 'replica in use for lag-tolerant reads');
      else app.log.warn(line, 'replica out of use: lag-tolerant reads go to the primary');
    });
    app.addHook('onClose', async () => unsubscribe());
  }

  // The metrics of every answered request, by the route's pattern.
  const metrics = opts.metrics;
  if (metrics) {
    app.addHook('onResponse', async (req, reply) => {
      metrics.observeRequest(req.method, req.routeOptions.url ?? '(no route)', reply.statusCode, reply.elapsedTime / 1000);
    });
  }

  // Security headers (helmet), built once: @fastify/helmet builds the middleware, parsing the CSP directives,
  // on every request — measured as 4 % of the server's CPU time on the audited read path.
  const securityHeaders = helmet({
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
  app.addHook('onRequest', (req, reply, done) => {
    securityHeaders(req.raw, reply.raw, (error?: unknown) => done(error as Error | undefined));
  });
  await app.register(cookie);
  await app.register(csrf, {
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'strict', secure: config.cookieSecure },
    getToken: (req) => req.headers['x-csrf-token'] as string | undefined,
  });
  // Several instances on one PostgreSQL count the limits together (rate-limit-store.ts); SQLite is one process.
  await app.register(rateLimit, { global: false, ...(ctx.dialect === 'postgres' ? { store: sharedRateLimitStore(ctx.db) } : {}) });
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

  // Everything under /api/v1 runs these hooks: they belong to the plugin scope, so they run for every API
  // route however its URL was written (`/%61pi/v1/…` is routed to the same handler), never by testing the
  // raw URL. Order: who is asking, CSRF for state-changing methods, the route's declared roles, then (once
  // the body is parsed) the My Number guard; validation comes after all of them.
  await app.register(
    async (api) => {
      // Who is asking (every API request).
      api.addHook('onRequest', async (req) => {
        const token = req.cookies[SESSION_COOKIE];
        if (token) {
          const session = await findSession(ctx, token, policy, { allowPending: true });
          if (session) req.session = session;
        }
      });
      // The member page (本人のページ) has its own cookie and session, looked up for its routes only.
      api.addHook('onRequest', async (req) => {
        if (!isPortalRoute(req)) return;
        const token = req.cookies[MEMBER_SESSION_COOKIE];
        if (token) {
          const session = await findMemberSession(ctx, token, config.sessionIdleMinutes);
          if (session) req.memberSession = session;
        }
      });
      api.addHook('onRequest', (req, reply, done) => {
        if (unsafeMethod(req.method)) return app.csrfProtection(req, reply, done);
        done();
      });
      // A route that declares `config: { roles }` refuses every other role here, before its body is validated.
      api.addHook('onRequest', async (req) => checkDeclaredRoles(req));

      // My Number is refused on every input path before anything else looks at the input (my-number-guard.ts).
      api.addHook('preValidation', myNumberGuard(ctx));

      // Answers of signed-in users carry personal data: never stored by a browser or a proxy. Other answers
      // keep the caching their route chose (the public notices' JSON) and are otherwise not stored either.
      api.addHook('onSend', async (req, reply) => {
        if (req.session || req.memberSession || !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
      });
      api.setNotFoundHandler((_req, reply) => reply.status(404).send(errorBody('not_found')));

      await api.register(authRoutes(ctx, config));
      await api.register(memberRoutes(ctx));
      await api.register(auditRoutes(ctx));
      await api.register(organizationRoutes(ctx));
      await api.register(policyRoutes(ctx));
      await api.register(setupRoutes(ctx));
      await api.register(publicNoticeApiRoutes(ctx));
      await api.register(ledgerRoutes(ctx));
      await api.register(requestRoutes(ctx));
      await api.register(requestExportRoutes(ctx));
      await api.register(attentionRoutes(ctx));
      await api.register(jobRoutes(ctx));
      await api.register(systemTaskRoutes(ctx));
      await api.register(systemsRoutes(ctx));
      await api.register(discoveryRoutes(ctx));
      await api.register(pseudonymizedRoutes(ctx));
      await api.register(handoverRoutes(ctx));
      await api.register(releaseRoutes(ctx));
      await api.register(deliveriesRoutes(ctx));
      await api.register(provisionRoutes(ctx));
      await api.register(portalAuthRoutes(ctx, config));
      await api.register(portalDataRoutes(ctx, requireMember));
      api.get('/health', { schema: { tags: ['system'], summary: '稼働確認 / health' } }, async () => ({ ok: true }));
    },
    { prefix: '/api/v1' },
  );

  // Liveness and readiness probes, outside the API (no session or CSRF).
  await app.register(
    probeRoutes(ctx.db, { ...(checkpointer ? { checkpointer } : {}), ...(ctx.replica.configured ? { replica: ctx.replica } : {}) }),
  );

  // The public notices (HTML, no sign-in) are routes of their own, so the console's fallback never answers them.
  await app.register(noticePageRoutes(ctx));

  const webDir = opts.webDir ? resolve(opts.webDir) : undefined;
  const hasWeb = webDir && existsSync(join(webDir, 'index.html'));
  // Files are looked up on each request (a rebuilt console is served without a restart); any other GET
  // outside the API and the asset folder is a console route and gets index.html.
  if (hasWeb) await app.register(fastifyStatic, { root: webDir, wildcard: true, index: ['index.html'] });
  app.setNotFoundHandler((req, reply) => {
    const path = routedPath(req.url);
    const isConsoleRoute = !path.startsWith('/api/') && !path.startsWith('/assets/') && !/\.[a-z0-9]+$/i.test(path);
    if (hasWeb && req.method === 'GET' && isConsoleRoute) return reply.type('text/html').sendFile('index.html');
    return reply.status(404).send(errorBody('not_found'));
  });
  return app;
}
