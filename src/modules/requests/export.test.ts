/**
 * The request list as a download (issue 12 §4): the list's filters, CSV in UTF-8 with BOM and in Shift_JIS,
 * xlsx; Japanese headers and words, JST times; audited with the filter and row count; the list's readers only.
 */
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects, chained } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { Client, testServer } from '../../../test/support/http.ts';
import { prepareRequestExport } from './export.ts';

describe.each(availableDialects())('request list export on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  let officer: Client;
  let delivery: Client;
  const now = new Date('2026-11-24T03:00:00Z'); // 12:00 JST

  beforeAll(async () => {
    f = await demoFixture(dialect, { clock: () => now, members: 10 });
    app = await testServer(f, { sessionIdleMinutes: 24 * 60 });
    officer = new Client(app);
    delivery = new Client(app);
    expect((await officer.login(f, 'officer')).status).toBe(200);
    expect((await delivery.login(f, 'staff')).status).toBe(200);
    for (const [code, kind] of [
      ['1000001', 'disclosure'],
      ['1000002', 'cessation'],
    ] as const) {
      const r = await officer.post('/api/v1/requests', {
        channel: 'phone',
        member_id: await f.memberId(code),
        kind,
        ...(kind === 'cessation' ? { detail: { purposes: ['P16'] } } : {}),
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
  });

  it('writes the filtered list as CSV (UTF-8 with BOM, and Shift_JIS) with Japanese words and JST times', async () => {
    const list = (await officer.get('/api/v1/requests?state=open&kind=disclosure')).body.requests as { reference: string }[];
    expect(list).toHaveLength(1);
    const r = await officer.get('/api/v1/requests/export?state=open&kind=disclosure&format=csv');
    expect(r.status, r.raw.slice(0, 300)).toBe(200);
    expect(r.headers['content-type']).toBe('text/csv; charset=UTF-8');
    expect(decodeURIComponent(String(r.headers['content-disposition']).split("filename*=UTF-8''")[1]!)).toBe('請求一覧_2026-11-24.csv');
    const text = r.bytes!.toString('utf8');
    expect(text.startsWith('\uFEFF受付番号,種類,組合員コード,氏名,状態,経路,請求者,受付日時（日本時間）,期限')).toBe(true);
    const rows = text.slice(1).trim().split('\r\n').slice(1);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.split(',').slice(0, 3)).toEqual([list[0]!.reference, '開示', '1000001']);
    expect(rows[0]).toContain(',受付,電話,本人,2026-11-24 12:00:00,');

    const sjis = await officer.get('/api/v1/requests/export?state=open&kind=disclosure&format=csv&charset=shift_jis');
    expect(sjis.headers['content-type']).toBe('text/csv; charset=Shift_JIS');
    expect(iconv.decode(sjis.bytes!, 'cp932')).toBe(text.slice(1));
  });

  it('writes xlsx of the whole open list, in English on request, and records each export', async () => {
    const list = (await officer.get('/api/v1/requests')).body.requests as { reference: string }[];
    expect(list).toHaveLength(2);
    const r = await officer.get('/api/v1/requests/export?format=xlsx&lang=en');
    expect(r.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.bytes as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.name).toBe('Requests');
    expect(ws.getRow(1).getCell(2).value).toBe('Kind');
    const refs: string[] = [];
    ws.eachRow((row, n) => n > 1 && refs.push(String(row.getCell(1).value)));
    expect(refs).toEqual(list.map((x) => x.reference));
    const entry = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'request.export')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(entry.detail)).toEqual({
      format: 'xlsx',
      charset: null,
      rows: 2,
      state: null,
      kind: null,
      member: null,
      assignee: null,
      via: 'api',
    });
  });

  it('holds exactly the list of 「自分が担当する請求」 (and of 担当者なし), with the assignee named, and records the filter', async () => {
    const all = (await officer.get('/api/v1/requests')).body.requests as { id: string; version: number; reference: string }[];
    const me = (await officer.get('/api/v1/auth/me')).body as { user: { id: string; display_name: string } };
    const taken = all[1]!;
    const set = await officer.request('PUT', `/api/v1/requests/${taken.id}/assignee`, {
      json: { assignee_id: me.user.id, version: taken.version },
    });
    expect(set.status).toBe(200);
    const refsOf = (text: string) =>
      text
        .slice(1)
        .trim()
        .split('\r\n')
        .slice(1)
        .map((line) => line.split(',')[0]);
    for (const assignee of ['me', 'none'] as const) {
      const list = (await officer.get(`/api/v1/requests?assignee=${assignee}`)).body.requests as { reference: string }[];
      expect(list).toHaveLength(1);
      const r = await officer.get(`/api/v1/requests/export?assignee=${assignee}&format=csv`);
      expect(r.status, r.raw.slice(0, 300)).toBe(200);
      const text = r.bytes!.toString('utf8');
      expect(refsOf(text)).toEqual(list.map((x) => x.reference));
      expect(text).toContain(',担当者,');
      expect(text).toContain(assignee === 'me' ? `,${me.user.display_name},` : ',未設定,');
    }
    const entry = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'request.export')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(entry.detail)).toMatchObject({ rows: 1, assignee: 'none' });
  });

  it('is refused to roles without the requests duty, and over the limit', async () => {
    const refused = await delivery.get('/api/v1/requests/export');
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('forbidden');
    const org = await f.ctx.db.selectFrom('organizations').select('id').where('code', '=', 'demo-coop').executeTakeFirstOrThrow();
    await expect(
      prepareRequestExport(f.ctx, {
        actor: { type: 'system', id: null, orgId: null, label: 'test' },
        orgId: org.id,
        filters: {},
        format: 'csv',
        lang: 'ja',
        via: 'test',
        limit: 1,
      }),
    ).rejects.toMatchObject({ code: 'export_too_large' });
  });
});
