/**
 * The public notices through the real server (no sign-in): pages and JSON, CORS on the JSON only, ETag and
 * 304, Japanese 404 pages and the standard error body, the console's fallback kept away from /notices,
 * and the day a version takes effect. On SQLite and PostgreSQL.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DRAFT_MARKER,
  demoPolicy,
  demoVersions,
  insertDemoVersions,
  insertNoticeOrganization,
  insertPolicyVersion,
} from '../../../test/fixtures/notices/versions.ts';
import { availableDialects, createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { createContext } from '../../app/context.ts';
import { buildServer } from '../../app/server.ts';
import { loadConfig } from '../../base/config.ts';
import { KeyRing } from '../crypto/data-keys.ts';
import { publicNoticeSchema, publicNoticeVersionSchema } from './notice-json.ts';
import { RENDER_RATE_LIMIT } from './routes.ts';

describe.each(availableDialects())('public notices over HTTP on %s', (dialect) => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let webDir: string;
  let now = new Date('2026-11-22T03:00:00Z');
  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    const orgId = await insertNoticeOrganization(database.db, 'demo-coop', 'デモ生活協同組合');
    await insertDemoVersions(database.db, orgId);
    await insertNoticeOrganization(database.db, 'quiet-coop', '未公表生活協同組合');
    const xssId = await insertNoticeOrganization(database.db, 'xss-coop', 'XSS生協');
    const doc = demoPolicy();
    doc.purposes[0] = { ...doc.purposes[0]!, name: '<script>alert(1)</script>' };
    await insertPolicyVersion(database.db, xssId, { ...demoVersions()[0]!, doc, summary: '<script>alert(2)</script>' });
    // A built console, to show that its fallback does not answer /notices.
    webDir = mkdtempSync(join(tmpdir(), 'mamori-notices-web-'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>CONSOLE</title>');
    const ctx = createContext({
      db: database.db,
      dialect,
      ...(database.sqlite ? { sqlite: database.sqlite } : {}),
      keys: KeyRing.generate(),
      clock: () => now,
    });
    app = await buildServer(ctx, loadConfig({}, { logLevel: 'silent', cookieSecure: false }), { logger: false, webDir });
  });
  afterAll(async () => {
    await app?.close();
    await database?.dispose();
    if (webDir) rmSync(webDir, { recursive: true, force: true });
  });

  it('serves the current notice as a cached Japanese page under the CSP, without CORS', async () => {
    now = new Date('2026-11-22T03:00:00Z');
    const r = await get('/notices/demo-coop');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['cache-control']).toBe('public, max-age=60');
    expect(r.headers.etag).toMatch(/^"[\w-]{32}"$/);
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(r.body).toContain('<html lang="ja">');
    expect(r.body).toContain('第2版　通知日 2026年5月1日　施行日 2026年6月10日');
    expect(r.body).toContain('2026年12月1日から、この方針を改定します（第3版）');
    expect(r.body).not.toContain('<script');
    expect(r.body).not.toContain(DRAFT_MARKER);
  });

  it('answers a matching If-None-Match with 304, for pages and JSON', async () => {
    for (const url of ['/notices/demo-coop', '/notices/demo-coop/versions', '/api/v1/public/notices/demo-coop']) {
      const first = await get(url);
      const etag = String(first.headers.etag);
      const again = await get(url, { 'if-none-match': `W/"other", ${etag}` });
      expect(again.statusCode, url).toBe(304);
      expect(again.body).toBe('');
      expect(again.headers.etag).toBe(etag);
      expect(again.headers['cache-control']).toBe('public, max-age=60');
      expect((await get(url, { 'if-none-match': '"stale"' })).statusCode).toBe(200);
    }
  });

  it('lists every published version, shows each as published, and compares them', async () => {
    const history = await get('/notices/demo-coop/versions');
    expect(history.statusCode).toBe(200);
    for (const n of [1, 2, 3]) expect(history.body).toContain(`<h2>第${n}版 `);
    expect(history.body).toContain('<span class="badge prior">事前通知</span>利用目的⑨を追加');
    expect(history.body).not.toContain(DRAFT_MARKER);

    const v1 = await get('/notices/demo-coop/versions/1');
    expect(v1.statusCode).toBe(200);
    expect(v1.body).toContain('この版（第1版）は現在の方針ではありません');
    const v3 = await get('/notices/demo-coop/versions/3');
    expect(v3.body).toContain('この版（第3版）は2026年12月1日から施行されます。');
    expect((await get('/notices/demo-coop/versions/2')).body).not.toContain('class="banner"');

    const diff = await get('/notices/demo-coop/diff');
    expect(diff.statusCode).toBe(200);
    expect(diff.body).toContain('第1版（2025年4月1日施行）→ 第2版');
    expect(diff.body).toContain('<p class="added"><ins>⑨ご本人に関する行動');
    const diff23 = await get('/notices/demo-coop/diff?from=2&to=3');
    expect(diff23.body).toMatch(/<del>例示 花子<\/del><ins>改定 一郎<\/ins>/);
  });

  it('gives a Japanese 404 page for what is not published, and never the console', async () => {
    for (const [url, message] of [
      ['/notices/no-such-coop', 'この組織のポリシーはまだ公表されていません。'],
      ['/notices/quiet-coop', 'この組織のポリシーはまだ公表されていません。'],
      ['/notices/demo-coop/versions/9', '指定された版は存在しません。'],
      ['/notices/demo-coop/versions/01', '指定された版は存在しません。'],
      ['/notices/demo-coop/diff?from=1&to=7', '指定された版は存在しません。'],
      ['/notices/demo-coop/elsewhere', '指定されたページまたはAPIは存在しません。'],
      ['/notices', '指定されたページまたはAPIは存在しません。'],
    ] as const) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(404);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.body, url).toContain(message);
      expect(r.body).toContain('<html lang="ja">');
      expect(r.body).not.toContain('CONSOLE');
    }
    const bad = await get('/notices/demo-coop/diff?from=abc');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('入力内容に誤りがあります。');
    const slash = await get('/notices/demo-coop/');
    expect(slash.statusCode).toBe(301);
    expect(slash.headers.location).toBe('/notices/demo-coop');
    // The console's own routes still get the console.
    expect((await get('/members')).body).toContain('CONSOLE');
  });

  it('escapes what the document says', async () => {
    const page = await get('/notices/xss-coop');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('<script');
    expect(page.body).toContain('①&lt;script&gt;alert(1)&lt;/script&gt;');
    const history = await get('/notices/xss-coop/versions');
    expect(history.body).not.toContain('<script');
    expect(history.body).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
  });

  it('serves the notice as JSON with CORS, in the documented shape, without internal details', async () => {
    const r = await get('/api/v1/public/notices/demo-coop');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.headers['access-control-allow-origin']).toBe('*');
    expect(r.headers['access-control-expose-headers']).toBe('ETag');
    expect(r.headers['cross-origin-resource-policy']).toBe('cross-origin');
    const body = publicNoticeSchema.parse(JSON.parse(r.body));
    expect(body.as_of).toBe('2026-11-22');
    expect(body.organization).toEqual({ code: 'demo-coop', name: 'デモ生活協同組合', name_en: 'デモ生活協同組合' });
    expect(body.current?.number).toBe(2);
    expect(body.current?.state).toBe('current');
    expect(body.current?.document.purposes).toHaveLength(9);
    expect(body.upcoming.map((v) => [v.number, v.state, v.effective_on, v.notice_on])).toEqual([
      [3, 'upcoming', '2026-12-01', '2026-11-01'],
    ]);
    expect(body.upcoming[0]!.changes.map((c) => c.notice)).toEqual(['after', 'consent']);
    expect(body.versions.map((v) => [v.number, v.state])).toEqual([
      [3, 'upcoming'],
      [2, 'current'],
      [1, 'past'],
    ]);
    expect(body.versions[1]!.links).toEqual({
      html: '/notices/demo-coop/versions/2',
      json: '/api/v1/public/notices/demo-coop/versions/2',
      diff: '/notices/demo-coop/diff?from=1&to=2',
    });
    expect(body.current?.document.contractors[0]).toEqual({
      service: '商品の配送',
      items: ['name', 'address', 'phone'],
      contract: {
        confidentiality: true,
        no_reprovision: true,
        incident_liability: true,
        subcontracting: 'with_consent',
        return_or_destruction: true,
      },
    });
    for (const internal of [DRAFT_MARKER, 'inspection', '株式会社デモ物流', 'demo-other-coop', '2026-03-15'])
      expect(r.body).not.toContain(internal);

    const v1 = await get('/api/v1/public/notices/demo-coop/versions/1');
    expect(v1.statusCode).toBe(200);
    expect(v1.headers['access-control-allow-origin']).toBe('*');
    const version = publicNoticeVersionSchema.parse(JSON.parse(v1.body));
    expect(version.version).toMatchObject({ number: 1, state: 'past', effective_on: '2025-04-01', links: { diff: null } });
    expect(version.version.document.purposes).toHaveLength(8);
  });

  it('refuses with the standard error body (and CORS) in JSON', async () => {
    const unknown = await get('/api/v1/public/notices/no-such-coop');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['access-control-allow-origin']).toBe('*');
    expect(JSON.parse(unknown.body)).toEqual({
      error: { code: 'policy_not_published', message_ja: 'この組織のポリシーはまだ公表されていません。', message_en: expect.any(String) },
    });
    const missing = await get('/api/v1/public/notices/demo-coop/versions/9');
    expect(missing.statusCode).toBe(404);
    expect(JSON.parse(missing.body).error.code).toBe('policy_version_not_found');
    const preflight = await app.inject({ method: 'OPTIONS', url: '/api/v1/public/notices/demo-coop' });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-headers']).toBe('If-None-Match');
  });

  it('is in the OpenAPI document under the notices tag, without sign-in', async () => {
    const doc = JSON.parse((await get('/api/docs/json')).body) as {
      paths: Record<string, { get?: { tags?: string[]; security?: unknown[]; responses?: Record<string, unknown> } }>;
    };
    const op = doc.paths['/api/v1/public/notices/{org}']?.get;
    expect(op?.tags).toEqual(['notices']);
    expect(op?.security).toEqual([]);
    expect(op?.responses?.['200']).toBeDefined();
    expect(doc.paths['/api/v1/public/notices/{org}/versions/{number}']?.get?.tags).toEqual(['notices']);
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/notices'))).toBe(false);
  });

  // The limiter is in memory, the same on both dialects.
  if (dialect === 'sqlite') {
    it('limits renders of uncached answers per address, not the cached answers', async () => {
      const max = RENDER_RATE_LIMIT.max;
      RENDER_RATE_LIMIT.max = 2;
      const ctx = createContext({
        db: database.db,
        dialect,
        ...(database.sqlite ? { sqlite: database.sqlite } : {}),
        keys: KeyRing.generate(),
        clock: () => now,
      });
      const limited = await buildServer(ctx, loadConfig({}, { logLevel: 'silent', cookieSecure: false }), { logger: false });
      RENDER_RATE_LIMIT.max = max;
      try {
        const hit = (url: string) => limited.inject({ method: 'GET', url, remoteAddress: '192.0.2.7' });
        // Comparisons nobody asked for yet: two renders pass, the third is refused with the Japanese 429 page.
        expect((await hit('/notices/demo-coop/diff?from=3&to=1')).statusCode).toBe(200);
        expect((await hit('/notices/demo-coop/diff?from=2&to=1')).statusCode).toBe(200);
        const refused = await hit('/notices/demo-coop/diff?from=3&to=2');
        expect(refused.statusCode).toBe(429);
        expect(refused.body).toContain('リクエストが多すぎます。');
        // What is cached is still served.
        expect((await hit('/notices/demo-coop/diff?from=3&to=1')).statusCode).toBe(200);
        expect((await hit('/notices/demo-coop')).statusCode).toBe(200);
      } finally {
        await limited.close();
      }
    });
  }

  it('shows the new version as current from its effective day, without the announcement', async () => {
    now = new Date('2026-11-30T15:00:00Z'); // 1 December, 00:00 in Japan
    const page = await get('/notices/demo-coop');
    expect(page.body).toContain('第3版　通知日 2026年11月1日　施行日 2026年12月1日');
    expect(page.body).not.toContain('id="upcoming"');
    expect(page.body).toContain('代表理事 会長 改定 一郎');
    const json = publicNoticeSchema.parse(JSON.parse((await get('/api/v1/public/notices/demo-coop')).body));
    expect(json.current?.number).toBe(3);
    expect(json.upcoming).toEqual([]);
    now = new Date('2026-11-22T03:00:00Z');
  });
});
