/**
 * The pseudonymized data API over HTTP on both dialects: a refused definition answers the one error shape with the
 * column named (and saves nothing); a definition goes through the same My Number guard as every input; the
 * download is a CSV named 仮名加工情報 whose first line says what it is; the console's list shows what the
 * caller may produce; no route sends a set anywhere else.
 */
import type { FastifyInstance } from 'fastify';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { Client, testServer } from '../../../test/support/http.ts';
import { PSEUDONYMIZED_NOTICE } from '../../contract/pseudonymized-vocabulary.ts';
import { myNumberCheckDigit } from '../my-number/detect.ts';

const myNumber = (first11: string) => `${first11}${myNumberCheckDigit(first11)}`;

describe.each(availableDialects())('pseudonymized data API on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  let officer: Client;
  let analyst: Client;

  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 15 });
    app = await testServer(f, { sessionIdleMinutes: 24 * 60 });
    officer = new Client(app);
    analyst = new Client(app);
    expect((await officer.login(f, 'officer')).status).toBe(200);
    expect((await analyst.login(f, 'analyst')).status).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
  });

  it('refuses a definition keeping the bank account with 422, the column named, nothing saved', async () => {
    const r = await officer.post('/api/v1/pseudonymized/sets', {
      code: 'with-account',
      name: '口座つき',
      purposes: ['P01'],
      columns: [
        { field: 'gender', treatment: 'keep' },
        { field: 'bank_account', treatment: 'keep' },
      ],
    });
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'pseudonymized_financial_item' });
    expect(r.body.error?.issues).toEqual([expect.objectContaining({ field: 'columns[1].treatment', code: 'financial' })]);
    expect(JSON.stringify(r.body.error?.issues)).toContain('登録口座');
    expect((await officer.get('/api/v1/pseudonymized/sets/with-account')).status).toBe(404);
  });

  it('puts a definition through the My Number guard and refuses fields the ledger does not have', async () => {
    const guarded = await officer.post('/api/v1/pseudonymized/sets', {
      code: 'guarded',
      name: `分析 ${myNumber('12345678901')}`,
      purposes: ['P16'],
      columns: [{ field: 'gender', treatment: 'keep' }],
    });
    expect(guarded.status).toBe(400);
    expect(guarded.body.error?.code).toBe('my_number_rejected');
    const unknown = await officer.post('/api/v1/pseudonymized/sets', {
      code: 'my-number-column',
      name: '個人番号の列',
      purposes: ['P16'],
      columns: [{ field: 'my_number', treatment: 'pseudonym' }],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.code).toBe('validation_failed');
  });

  it('streams the produced set as a CSV named 仮名加工情報, in UTF-8 or Shift_JIS', async () => {
    const created = await officer.post('/api/v1/pseudonymized/sets', {
      code: 'trends',
      name: '購買傾向',
      purposes: ['P16'],
      columns: [
        { field: 'member_code', treatment: 'pseudonym' },
        { field: 'gender', treatment: 'keep' },
      ],
    });
    expect(created.status, created.raw).toBe(201);
    expect(created.body).toMatchObject({ code: 'trends', version: 1, usable_purposes: ['P16'] });
    const list = await analyst.get('/api/v1/pseudonymized/sets');
    expect((list.body.sets as { code: string; usable_purposes: string[] }[]).map((s) => [s.code, s.usable_purposes])).toEqual([
      ['trends', ['P16']],
    ]);

    const r = await analyst.get('/api/v1/pseudonymized/sets/trends/export.csv?purpose=P16');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/csv; charset=UTF-8');
    expect(decodeURIComponent(String(r.headers['content-disposition']))).toContain('仮名加工情報_trends_');
    expect(r.headers['cache-control']).toBe('no-store');
    const lines = r.raw.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe(PSEUDONYMIZED_NOTICE);
    expect(lines[2]).toBe('仮名ID,組合員コード（仮名に置換）,性別');
    const counted = Number(/件数: (\d+)/.exec(lines[1]!)?.[1]);
    expect(counted).toBeGreaterThanOrEqual(15);
    expect(lines.filter(Boolean)).toHaveLength(3 + counted);

    const sjis = await analyst.get('/api/v1/pseudonymized/sets/trends/export.csv?purpose=P16&charset=shift_jis');
    expect(sjis.headers['content-type']).toBe('text/csv; charset=Shift_JIS');
    expect(iconv.decode(sjis.bytes!, 'cp932').split('\r\n')[0]).toBe(PSEUDONYMIZED_NOTICE);

    const undeclared = await officer.get('/api/v1/pseudonymized/sets/trends/export.csv?purpose=P01');
    expect(undeclared.status).toBe(403);
    expect(undeclared.body.error?.code).toBe('pseudonymized_purpose_not_declared');
    // Another co-op's staff reach nothing of this co-op's sets.
    const other = new Client(app);
    expect((await other.login(f, 'other')).status).toBe(200);
    expect((await other.get('/api/v1/pseudonymized/sets')).body.sets).toEqual([]);
    expect((await other.get('/api/v1/pseudonymized/sets/trends')).status).toBe(404);
    expect((await other.get('/api/v1/pseudonymized/sets/trends/export.csv?purpose=P16')).status).toBe(404);
    // There is no way to name a recipient: the API offers no provision path.
    const sent = await officer.get('/api/v1/pseudonymized/sets/trends/export.csv?purpose=P16&recipient=partner');
    expect(sent.status).toBe(400);
    expect(sent.body.error?.code).toBe('unknown_field');
  });

  it('describes every route in the OpenAPI document, with no route that sends a set outside', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const paths = Object.keys(doc.paths).filter((p) => p.includes('/pseudonymized'));
    expect(paths.sort()).toEqual([
      '/api/v1/pseudonymized/sets',
      '/api/v1/pseudonymized/sets/{code}',
      '/api/v1/pseudonymized/sets/{code}/export.csv',
      '/api/v1/pseudonymized/sets/{code}/retire',
    ]);
    expect(paths.join(' ')).not.toMatch(/deliver|provi|send|share|relink|key/);
  });
});
