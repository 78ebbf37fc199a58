/**
 * The joint-use and contractor API over HTTP, on SQLite and PostgreSQL: refusals carry the one error shape with
 * both languages (a blocked hand-over says why; an undeclared item is named in the issues), and the files come as
 * CSV in the chosen character set with a Japanese file name, their row count and checksum in headers.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects, chained } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { Client, testServer } from '../../../test/support/http.ts';

describe.each(availableDialects())('joint use and contractors over HTTP on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  let officer: Client;

  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 15 });
    app = await testServer(f, { sessionIdleMinutes: 24 * 60 });
    officer = new Client(app);
    expect((await officer.login(f, 'officer')).status).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
  });

  it('refuses a hand-over to a contractor whose inspection is overdue, in both languages; recording one unblocks it', async () => {
    const list = await officer.get('/api/v1/contractors');
    const printer = (list.body.contractors as { code: string; blocks: { code: string }[] }[]).find((c) => c.code === 'demo-print');
    expect(printer?.blocks.map((b) => b.code)).toEqual(['inspection_overdue']);
    // The seed's contractors were never inspected: blocked as well.
    expect((list.body.contractors as { code: string; inspection: { state: string } }[]).map((c) => c.inspection.state)).toEqual([
      'never',
      'never',
      'overdue',
    ]);

    const body = { items: ['name', 'address'], record_count: 40, method: 'media' };
    const refused = await officer.post('/api/v1/contractors/demo-print/handovers', body);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'inspection_overdue',
      message_ja: expect.stringContaining('点検'),
      message_en: expect.stringContaining('inspection'),
    });
    expect((await officer.get('/api/v1/contractors/demo-print')).body.handovers).toEqual([]);

    const inspected = await officer.post('/api/v1/contractors/demo-print/inspections', { inspector: '監査 花子', result: 'satisfactory' });
    expect(inspected.status).toBe(201);
    expect(inspected.body.contractor).toMatchObject({ blocks: [], inspection: { state: 'ok', last_source: 'mamori' } });
    const done = await officer.post('/api/v1/contractors/demo-print/handovers', body);
    expect(done.status, done.raw).toBe(201);
    expect(done.body.handover).toMatchObject({ record_count: 40, method: 'media', items: ['name', 'address'] });

    const future = await officer.post('/api/v1/contractors/demo-print/inspections', {
      inspector: '監査 花子',
      result: 'satisfactory',
      inspected_on: '2999-01-01',
    });
    expect(future.status).toBe(400);
    expect(future.body.error?.issues?.[0]).toMatchObject({ field: 'inspected_on' });
  });

  it('names the item a joint use does not declare for the purpose, in both languages', async () => {
    const r = await officer.post('/api/v1/joint-uses/coop-kyosai-ren/preview', { purpose: 'P14', items: ['name'] });
    expect(r.status).toBe(422);
    expect(r.body.error?.code).toBe('joint_use_item_not_declared');
    expect(r.body.error?.issues).toEqual([
      expect.objectContaining({
        field: 'items',
        message_ja: expect.stringContaining('「氏名」（name）'),
        message_en: expect.stringContaining('“name”'),
      }),
    ]);
    const unknownPurpose = await officer.post('/api/v1/joint-uses/coop-kyosai-ren/preview', { purpose: 'P04' });
    expect(unknownPurpose.body.error?.code).toBe('joint_use_purpose_not_declared');
  });

  it('serves the transfer as Shift_JIS CSV with a Japanese file name, its rows and checksum in headers', async () => {
    const preview = await officer.post('/api/v1/joint-uses/miyagi-coop-group/preview', { purpose: 'P04' });
    expect(preview.status).toBe(200);
    const file = await officer.post('/api/v1/joint-uses/miyagi-coop-group/transfer', { purpose: 'P04', charset: 'shift_jis' });
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('text/csv; charset=Shift_JIS');
    expect(String(file.headers['content-disposition'])).toContain(encodeURIComponent('共同利用_miyagi-coop-group_P04_'));
    expect(Number(file.headers['x-mamori-rows'])).toBe(preview.body.covered);
    expect(file.headers['x-mamori-sha256']).toBe(createHash('sha256').update(file.bytes!).digest('hex'));
    const lines = iconv.decode(file.bytes!, 'cp932').trimEnd().split('\r\n');
    expect(lines[0]).toBe('メンバー（組合員）コード,氏名,住所,電話番号');
    expect(lines).toHaveLength(Number(preview.body.covered) + 1);
    // On record beside its audit entry: listed for the joint use with its count, checksum and maker.
    const listed = await officer.get('/api/v1/joint-uses/miyagi-coop-group/transfers');
    expect(listed.status).toBe(200);
    const transfers = listed.body.transfers as { id: string }[];
    expect(transfers[0]).toMatchObject({
      joint_use_code: 'miyagi-coop-group',
      purpose_code: 'P04',
      items: ['member_code', 'name', 'address', 'phone'],
      record_count: preview.body.covered,
      charset: 'shift_jis',
      file_sha256: file.headers['x-mamori-sha256'],
    });
    const audit = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'joint_use.transfer')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.detail).transfer_id).toBe(transfers[0]!.id);
    expect((await officer.get('/api/v1/joint-uses/coop-kyosai-ren/transfers')).body.transfers).toEqual([]);
  });

  it('shows the endpoints in the OpenAPI document, with their error codes', async () => {
    const doc = await officer.get('/api/docs/json');
    const paths = doc.body.paths as Record<string, Record<string, { description?: string }>>;
    for (const p of [
      '/api/v1/contractors',
      '/api/v1/contractors/{code}',
      '/api/v1/contractors/{code}/inspections',
      '/api/v1/contractors/{code}/handovers',
      '/api/v1/contractors/{code}/handover-file',
      '/api/v1/joint-uses',
      '/api/v1/joint-uses/{code}/preview',
      '/api/v1/joint-uses/{code}/transfer',
    ])
      expect(Object.keys(paths)).toContain(p);
    expect(paths['/api/v1/contractors/{code}/handovers']?.post?.description).toContain('`inspection_overdue`');
    expect(paths['/api/v1/joint-uses/{code}/transfer']?.post?.description).toContain('`joint_use_item_not_declared`');
  });
});
