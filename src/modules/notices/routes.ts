/**
 * The public notices over HTTP, without sign-in: the HTML pages under `/notices/:org` (registered at the
 * root, before the console's fallback, so the console never answers them) and the JSON under
 * `/api/v1/public/notices/:org` (CORS `*`: other sites embed it).
 *
 * Rate limits (see docs/notices.md): every answer is cached, so a request costs about as much as the
 * limiter itself; the per-address limit per route (100,000 a minute) only stops one address from holding an
 * instance busy — a reverse proxy or CDN in front of mamori is one address and must not be throttled, and
 * the benchmark's fixed runs stay below it. What is expensive is rendering a page that is not cached yet
 * (a few milliseconds, and the number of version pairs grows with the square of the versions): at most 120
 * renders a minute per address.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../base/context.ts';
import { AppError, type ErrorCode, httpStatusOf } from '../../base/errors.ts';
import { renderDiffPage } from './diff.ts';
import { HTML, JSON_TYPE, sendRendered } from './http-cache.ts';
import { buildPublicNotice, buildPublicNoticeVersion, publicNoticeSchema, publicNoticeVersionSchema } from './notice-json.ts';
import { findOrgNotices, findOrgReleases, findVersion, loadNoticeDocument, type OrgNotices } from './notices.ts';
import { renderErrorPage, renderNoticePage, renderVersionsPage } from './render.ts';
import { type PublishedVersion, previousVersion } from './timeline.ts';

/** Per client address and route. */
export const PUBLIC_RATE_LIMIT = { max: 100_000, timeWindow: 60_000 };
/** Renders of answers not yet cached, per client address. */
export const RENDER_RATE_LIMIT = { max: 120, timeWindow: 60_000 };

// The per-address ceiling protects one instance's capacity: counted per instance, never a database write per
// cached answer (app/rate-limit-store.ts). The render limit below is counted by all instances together.
const limited = { rateLimit: PUBLIC_RATE_LIMIT, rateLimitScope: 'instance' as const };

type RenderLimit = (req: FastifyRequest) => Promise<void>;

function renderLimiter(app: { createRateLimit?: (o: typeof RENDER_RATE_LIMIT) => (req: FastifyRequest) => Promise<unknown> }): RenderLimit {
  // The limiter exists when @fastify/rate-limit is registered (always in buildServer).
  const check = app.createRateLimit?.(RENDER_RATE_LIMIT);
  return async (req) => {
    const result = (await check?.(req)) as { isExceeded?: boolean } | undefined;
    if (result?.isExceeded) throw Object.assign(new Error('render limit'), { statusCode: 429 });
  };
}

/** `1`, `2`, … (no signs, no leading zeros, no exponents); anything else is no such version. */
function versionNumber(text: unknown): number {
  if (typeof text !== 'string' || !/^[1-9]\d{0,8}$/.test(text)) throw new AppError('policy_version_not_found');
  return Number(text);
}

/** The version a page shows as the organization's notice: the current one, or the first upcoming one. */
function shownVersion(notices: OrgNotices): PublishedVersion {
  return notices.timeline.current ?? notices.timeline.upcoming[0] ?? notices.timeline.versions[0]!;
}

const errorPages = new Map<ErrorCode, string>();

function codeOf(error: FastifyError): ErrorCode {
  if (error instanceof AppError) return error.code;
  if (error.statusCode === 429) return 'rate_limited';
  if (error.validation) return 'validation_failed';
  if (error.statusCode === 404) return 'not_found';
  return 'internal_error';
}

function sendErrorPage(reply: FastifyReply, code: ErrorCode): FastifyReply {
  let page = errorPages.get(code);
  if (!page) {
    page = renderErrorPage(code);
    errorPages.set(code, page);
  }
  return reply.status(httpStatusOf(code)).header('cache-control', 'no-store').type(HTML).send(page);
}

const orgParams = z.object({ org: z.string().max(200) });
const versionParams = z.object({ org: z.string().max(200), number: z.string().max(20) });

/** The HTML pages: `/notices/:org`, `/versions`, `/versions/:number`, `/diff`. */
export function noticePageRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const limitRender = renderLimiter(app);
    app.setErrorHandler((error: FastifyError, req, reply) => {
      const code = codeOf(error);
      if (code === 'internal_error') req.log.error({ err: error }, 'notice page failed');
      return sendErrorPage(reply, code);
    });

    app.get('/notices/:org', { schema: { hide: true, params: orgParams }, config: limited }, async (req, reply) => {
      const notices = await findOrgNotices(ctx, req.params.org);
      const { org, timeline } = notices;
      const shown = shownVersion(notices);
      const releases = await findOrgReleases(ctx, org.id);
      return sendRendered(
        req,
        reply,
        `page|${org.code}|${shown.id}|${timeline.key}|${releases.key}`,
        HTML,
        async () =>
          renderNoticePage({
            orgCode: org.code,
            timeline,
            version: shown,
            doc: await loadNoticeDocument(ctx, shown),
            isCurrentPage: true,
            releases: releases.releases,
          }),
        () => limitRender(req),
      );
    });

    app.get('/notices/:org/versions', { schema: { hide: true, params: orgParams }, config: limited }, async (req, reply) => {
      const notices = await findOrgNotices(ctx, req.params.org);
      const { org, timeline } = notices;
      return sendRendered(
        req,
        reply,
        `history|${org.code}|${timeline.key}`,
        HTML,
        async () => {
          const doc = await loadNoticeDocument(ctx, shownVersion(notices));
          return renderVersionsPage({ orgCode: org.code, orgName: doc.organization.name, timeline });
        },
        () => limitRender(req),
      );
    });

    app.get('/notices/:org/versions/:number', { schema: { hide: true, params: versionParams }, config: limited }, async (req, reply) => {
      const notices = await findOrgNotices(ctx, req.params.org);
      const version = findVersion(notices, versionNumber(req.params.number));
      const { org, timeline } = notices;
      return sendRendered(
        req,
        reply,
        `version|${org.code}|${version.id}|${timeline.key}`,
        HTML,
        async () =>
          renderNoticePage({ orgCode: org.code, timeline, version, doc: await loadNoticeDocument(ctx, version), isCurrentPage: false }),
        () => limitRender(req),
      );
    });

    app.get('/notices/:org/diff', { schema: { hide: true, params: orgParams }, config: limited }, async (req, reply) => {
      const notices = await findOrgNotices(ctx, req.params.org);
      const { org, timeline } = notices;
      const query = req.query as Record<string, unknown>;
      const pick = (name: string) => {
        const value = query[name];
        if (value === undefined) return undefined;
        if (typeof value !== 'string' || !/^\d{1,9}$/.test(value)) throw new AppError('validation_failed');
        return findVersion(notices, Number(value));
      };
      const to = pick('to') ?? shownVersion(notices);
      const from = pick('from') ?? previousVersion(timeline, to.number) ?? to;
      return sendRendered(
        req,
        reply,
        `diff|${org.code}|${from.id}|${to.id}|${timeline.key}`,
        HTML,
        async () => {
          const [older, newer] = await Promise.all([loadNoticeDocument(ctx, from), loadNoticeDocument(ctx, to)]);
          return renderDiffPage({ orgCode: org.code, orgName: newer.organization.name, timeline, from, to, older, newer });
        },
        () => limitRender(req),
      );
    });

    // Anything else under /notices is a Japanese 404 page, never the console's index.html.
    const notFound = async (req: FastifyRequest, reply: FastifyReply) => {
      const path = req.url.split('?')[0]!;
      if (path.length > '/notices/'.length && path.endsWith('/')) return reply.redirect(path.replace(/\/+$/, ''), 301);
      return sendErrorPage(reply, 'not_found');
    };
    app.get('/notices', { schema: { hide: true }, config: limited }, notFound);
    app.get('/notices/*', { schema: { hide: true }, config: limited }, notFound);
  };
}

const jsonDescription =
  '公開API（ログイン不要）。他のサイトに埋め込むための個人情報保護方針の公表内容。CORS `*`、ETag と `Cache-Control: public, max-age=60`。形式は docs/notices.md。\n\n' +
  'Public (no sign-in): the published privacy notice for embedding. CORS `*`, ETag, `Cache-Control: public, max-age=60`.';

/** The JSON for embedding: `/public/notices/:org` and `/public/notices/:org/versions/:number` (under /api/v1). */
export function publicNoticeApiRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const limitRender = renderLimiter(app);
    // On every answer of these routes, errors included, so that an embedding page can read the refusal too.
    app.addHook('onSend', async (_req, reply, payload) => {
      reply.header('access-control-allow-origin', '*');
      reply.header('access-control-expose-headers', 'ETag');
      reply.header('cross-origin-resource-policy', 'cross-origin');
      return payload;
    });
    const preflight = async (_req: FastifyRequest, reply: FastifyReply) =>
      reply
        .header('access-control-allow-methods', 'GET, HEAD, OPTIONS')
        .header('access-control-allow-headers', 'If-None-Match')
        .header('access-control-max-age', '86400')
        .code(204)
        .send();
    app.options('/public/notices/:org', { schema: { hide: true } }, preflight);
    app.options('/public/notices/:org/versions/:number', { schema: { hide: true } }, preflight);

    app.get(
      '/public/notices/:org',
      {
        schema: {
          tags: ['notices'],
          summary: '公表中の個人情報保護方針（現在の版・改定予告・版の一覧）/ published notice: current, upcoming, versions',
          description: jsonDescription,
          security: [],
          params: orgParams,
          response: { 200: publicNoticeSchema },
        },
        config: limited,
      },
      async (req, reply) => {
        const { org, timeline } = await findOrgNotices(ctx, req.params.org);
        const releases = await findOrgReleases(ctx, org.id);
        return sendRendered(
          req,
          reply,
          `json|${org.code}|${org.name}|${org.name_en}|${timeline.today}|${timeline.key}|${releases.key}`,
          JSON_TYPE,
          async () => {
            const doc = timeline.current ? await loadNoticeDocument(ctx, timeline.current) : undefined;
            return JSON.stringify(buildPublicNotice(org, timeline, doc, releases.releases));
          },
          () => limitRender(req),
        );
      },
    );

    app.get(
      '/public/notices/:org/versions/:number',
      {
        schema: {
          tags: ['notices'],
          summary: '公表した版（本文と日付）/ one published version with its document',
          description: jsonDescription,
          security: [],
          params: versionParams,
          response: { 200: publicNoticeVersionSchema },
        },
        config: limited,
      },
      async (req, reply) => {
        const notices = await findOrgNotices(ctx, req.params.org);
        const version = findVersion(notices, versionNumber(req.params.number));
        const { org, timeline } = notices;
        return sendRendered(
          req,
          reply,
          `jsonv|${org.code}|${org.name}|${org.name_en}|${version.id}|${timeline.today}|${timeline.key}`,
          JSON_TYPE,
          async () => JSON.stringify(buildPublicNoticeVersion(org, timeline, version, await loadNoticeDocument(ctx, version))),
          () => limitRender(req),
        );
      },
    );
  };
}
