/**
 * Sending a cached notice: strong ETags computed once per rendered answer, `Cache-Control: public,
 * max-age=60` (browsers and shared caches may keep a notice for a minute; a new version is visible to
 * everyone within that minute plus the server's own few seconds), and 304 for a matching `If-None-Match`.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { once, type RenderedNotice, renderedNotices } from './cache.ts';

export const CACHE_CONTROL = 'public, max-age=60';
export const HTML = 'text/html; charset=utf-8';
export const JSON_TYPE = 'application/json; charset=utf-8';

/** A rendered answer with its ETag (a hash of the bytes, so equal answers share a tag across servers). */
export function renderedNotice(text: string, contentType: string): RenderedNotice {
  const body = Buffer.from(text, 'utf8');
  return { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"` };
}

/** Whether an `If-None-Match` header names this ETag (weak comparison, as RFC 9110 asks for GET). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === bare;
  });
}

/**
 * Sends the answer cached under `key`, rendering it first when it is not cached (`beforeRender` runs only
 * then: the render limit). Concurrent requests for the same missing key share one render.
 */
export async function sendRendered(
  req: FastifyRequest,
  reply: FastifyReply,
  key: string,
  contentType: string,
  render: () => Promise<string>,
  beforeRender?: () => Promise<void>,
): Promise<FastifyReply> {
  let entry = renderedNotices.get(key);
  if (!entry) {
    await beforeRender?.();
    entry = await once(`render:${key}`, async () => {
      const fresh = renderedNotice(await render(), contentType);
      renderedNotices.set(key, fresh);
      return fresh;
    });
  }
  reply.header('etag', entry.etag).header('cache-control', CACHE_CONTROL);
  if (etagMatches(req.headers['if-none-match'], entry.etag)) return reply.code(304).send();
  return reply.type(entry.contentType).send(entry.body);
}
