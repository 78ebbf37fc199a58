/**
 * Bad input gets a 4xx with a stable code and a Japanese and English message, never a 500 or a stack
 * trace, and nothing is half-written.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { myNumberCheckDigit } from '../../src/modules/my-number/detect.ts';
import { availableDialects, chained } from '../support/db.ts';
import { demoFixture, type Fixture } from '../support/fixtures.ts';
import { Client, testServer } from '../support/http.ts';

describe.each(availableDialects())('API bad input on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  let service: Client;
  let memberId: string;

  beforeAll(async () => {
    f = await demoFixture(dialect);
    app = await testServer(f, { bodyLimit: 8192 });
    service = new Client(app);
    expect((await service.login(f, 'service')).status).toBe(200);
    memberId = await f.memberId('1000001');
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
  });

  const expectError = (
    r: { status: number; body: { error?: { code: string; message_ja: string; message_en: string } }; raw: string },
    status: number,
    code: string,
  ) => {
    expect(r.status).toBe(status);
    expect(r.body.error?.code).toBe(code);
    expect(r.body.error?.message_ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    expect(r.body.error?.message_en).toBeTruthy();
    expect(r.raw).not.toMatch(/at .*\.ts:\d+|stack|SqliteError|kysely/i);
  };

  const memberRow = () => f.ctx.db.selectFrom('members').selectAll().where('id', '=', memberId).executeTakeFirstOrThrow();
  const auditCount = async () =>
    Number(
      (
        await (
          await chained(f.ctx.db)
        )
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('malformed JSON', async () => {
    expectError(
      await service.request('PATCH', `/api/v1/members/${memberId}`, {
        payload: '{"purpose": "P01", "changes": {',
        headers: { 'content-type': 'application/json' },
      }),
      400,
      'invalid_json',
    );
  });

  it('wrong types name the field', async () => {
    const r = await service.patch(`/api/v1/members/${memberId}`, { purpose: 'P01', changes: { share_capital: true } });
    expectError(r, 400, 'validation_failed');
    expect(r.body.error?.issues?.[0]?.field).toBe('changes.share_capital');
  });

  it('unknown fields are refused by name', async () => {
    const r = await service.patch(`/api/v1/members/${memberId}`, { purpose: 'P01', changes: { name: '新しい 名前', my_number: 'x' } });
    expectError(r, 400, 'unknown_field');
    expect(r.body.error?.issues?.map((i) => i.field)).toEqual(['changes.my_number']);
    expect((await memberRow()).name).not.toBe('新しい 名前');
  });

  it('oversized bodies', async () => {
    expectError(
      await service.patch(`/api/v1/members/${memberId}`, { purpose: 'P01', changes: { note: 'あ'.repeat(10_000) } }),
      413,
      'body_too_large',
    );
  });

  it('unsupported content types', async () => {
    expectError(
      await service.request('PATCH', `/api/v1/members/${memberId}`, {
        payload: 'purpose=P01',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      415,
      'unsupported_media_type',
    );
  });

  it('invalid dates, and nothing is half-written', async () => {
    const before = await memberRow();
    const entries = await auditCount();
    const r = await service.patch(`/api/v1/members/${memberId}`, {
      purpose: 'P01',
      version: before.version,
      changes: { address: '宮城県仙台市青葉区本町9-9', join_date: '2024-02-30' },
    });
    expectError(r, 400, 'validation_failed');
    expect(r.body.error?.issues).toEqual([expect.objectContaining({ field: 'join_date', code: 'invalid_date' })]);
    const after = await memberRow();
    expect(after.address).toBe(before.address);
    expect(after.version).toBe(before.version);
    expect(await auditCount()).toBe(entries);
  });

  it('a purpose that does not exist, and a missing purpose', async () => {
    expectError(await service.get(`/api/v1/members/${memberId}?purpose=P99`), 400, 'purpose_unknown');
    expectError(await service.get(`/api/v1/members/${memberId}`), 400, 'validation_failed');
  });

  it('member search: bad filters and paging are refused with the field named, a good search says how many matched', async () => {
    const q = (query: string) => service.get(`/api/v1/members?purpose=P01&${query}`);
    const birth = await q(`kana=${encodeURIComponent('カ')}&birth_year=${encodeURIComponent('1990-1980')}`);
    expectError(birth, 400, 'validation_failed');
    expect(birth.body.error?.issues).toEqual([expect.objectContaining({ field: 'birth_year', code: 'range_reversed' })]);
    const address = await q(`address=${encodeURIComponent('宮')}&birth_year=abc`);
    expectError(address, 400, 'validation_failed');
    expect(address.body.error?.issues?.map((i) => i.field)).toEqual(['address', 'birth_year']);
    expectError(await q('kana=%E3%82%AB&offset=1001'), 400, 'validation_failed');
    expectError(await q('kana=%E3%82%AB&limit=0'), 400, 'validation_failed');
    expectError(await q('address=%20%20'), 400, 'validation_failed');
    const ok = await q(`address=${encodeURIComponent('宮城県')}&birth_year=1940-2010&limit=5&offset=5`);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ by: 'address', filters: ['birth_date'], offset: 5, limit: 5, total_exact: true });
    expect((ok.body as unknown as { members: unknown[] }).members).toHaveLength(5);
  });

  it('another co-op’s member is simply not found', async () => {
    const other = await f.memberId('6000001');
    expectError(await service.get(`/api/v1/members/${other}?purpose=P01`), 404, 'member_not_found');
    expectError(await service.get('/api/v1/members/00000000-0000-0000-0000-000000000000?purpose=P01'), 404, 'member_not_found');
    expectError(await service.patch(`/api/v1/members/${other}`, { purpose: 'P01', changes: { note: 'x' } }), 404, 'member_not_found');
  });

  it('SQL and HTML in text fields are stored and returned as plain text', async () => {
    const sqlText = '\'); DROP TABLE members; -- " OR 1=1';
    const html = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    const r = await service.patch(`/api/v1/members/${memberId}`, { purpose: 'P01', changes: { note: sqlText, address: html } });
    expect(r.status).toBe(200);
    const read = await service.get(`/api/v1/members/${memberId}?purpose=P01`);
    expect(String(read.headers['content-type'])).toMatch(/^application\/json/);
    expect(read.headers['x-content-type-options']).toBe('nosniff');
    expect(read.body).toMatchObject({ note: sqlText, address: html });
    expect(
      Number(
        (
          await f.ctx.db
            .selectFrom('members')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ).toBeGreaterThan(10);
    const search = await service.get(`/api/v1/members?purpose=P01&name=${encodeURIComponent("' OR '1'='1")}`);
    expect(search.status).toBe(200);
    expect(search.body.members).toEqual([]);
  });

  it('My Number in any field is refused and the refusal is audited without the number', async () => {
    const first11 = '43210987654';
    const myNumber = first11 + String(myNumberCheckDigit(first11));
    const spaced = `${myNumber.slice(0, 4)} ${myNumber.slice(4, 8)} ${myNumber.slice(8)}`;
    const fullWidth = myNumber.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    for (const value of [
      myNumber,
      spaced,
      fullWidth,
      `マイナンバー ${myNumber.slice(0, 4)}-${myNumber.slice(4, 8)}-${myNumber.slice(8)}`,
    ]) {
      const r = await service.patch(`/api/v1/members/${memberId}`, { purpose: 'P01', changes: { note: value } });
      expectError(r, 400, 'my_number_rejected');
      expect(r.body.error?.issues?.[0]?.field).toBe('body.changes.note');
    }
    expectError(await service.get(`/api/v1/members?purpose=P01&phone=${myNumber}`), 400, 'my_number_rejected');
    const created = await service.post('/api/v1/members', {
      purpose: 'P01',
      member: {
        member_code: 'MN-1',
        name: '番号 太郎',
        name_kana: 'バンゴウ タロウ',
        join_date: '2024-04-01',
        email: `${myNumber}@example.jp`,
      },
    });
    expectError(created, 400, 'my_number_rejected');
    const refusals = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'input.my_number_rejected')
      .execute();
    expect(refusals.length).toBeGreaterThanOrEqual(6);
    const everything =
      JSON.stringify(await (await chained(f.ctx.db)).selectFrom('audit_log').selectAll().execute()) +
      JSON.stringify(await f.ctx.db.selectFrom('members').selectAll().execute());
    expect(everything).not.toContain(myNumber);
    expect(everything).not.toContain(myNumber.slice(4, 8) + myNumber.slice(8));
  });

  it('unauthenticated and forbidden requests', async () => {
    const anonymous = new Client(app);
    expectError(await anonymous.get(`/api/v1/members/${memberId}?purpose=P01`), 401, 'not_authenticated');
    expectError(await service.get('/api/v1/audit'), 403, 'forbidden');
    expectError(
      await service.post('/api/v1/users', { login: 'xuser1', display_name: 'x', password: 'long-enough-1', role: 'delivery_staff' }),
      403,
      'forbidden',
    );
  });

  it('unknown routes and methods', async () => {
    expectError(await service.get('/api/v1/nothing-here'), 404, 'not_found');
    expectError(await service.request('DELETE', `/api/v1/members/${memberId}`), 404, 'not_found');
  });

  // Found by the API fuzz (test/fuzz/api-fuzz.test.ts): the router answered these in Fastify's own shape.
  it('malformed escapes and over-long path parameters get the one error body', async () => {
    expectError(await service.get('/api/v1/members/%u0041?purpose=P01'), 400, 'invalid_url');
    expectError(await service.request('POST', '/api/v1/ledger/assets/%E3/retire', { json: {} }), 400, 'invalid_url');
    expectError(await service.get(`/api/v1/members/${'a'.repeat(101)}?purpose=P01`), 414, 'url_too_long');
    expectError(await service.get(`/api/v1/members/${encodeURIComponent('あ'.repeat(101))}?purpose=P01`), 414, 'url_too_long');
  });

  it('never answers 500 to garbage', async () => {
    const garbage: unknown[] = [
      null,
      [],
      'text',
      42,
      { purpose: null },
      { purpose: ['P01'] },
      { purpose: 'P01', changes: null },
      { purpose: 'P01', changes: [] },
      { purpose: 'P01', version: -1, changes: { note: 'x' } },
      { purpose: 'x'.repeat(5000) },
      { purpose: 'P01', member: { member_code: { $ne: 1 } } },
    ];
    for (const body of garbage) {
      for (const [method, url] of [
        ['PATCH', `/api/v1/members/${memberId}`],
        ['POST', '/api/v1/members'],
        ['POST', '/api/v1/auth/login'],
        ['POST', '/api/v1/users'],
      ] as const) {
        const r = await service.request(method, url, { json: body });
        expect(r.status, `${method} ${url} ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400);
        expect(r.status, `${method} ${url} ${JSON.stringify(body)}`).toBeLessThan(500);
        expect(r.body.error?.code).toBeTruthy();
      }
    }
    for (const q of [
      'purpose=P01&limit=-5',
      'purpose=P01&limit=abc',
      'purpose=P01&code=%00%ff',
      'purpose[]=P01',
      'purpose=P01&purpose=P04',
    ]) {
      const r = await service.get(`/api/v1/members?${q}`);
      expect(r.status, q).toBeLessThan(500);
    }
  });

  it('names every problem of a form at once, each under its field in words a person reads', async () => {
    const admin = new Client(app);
    expect((await admin.login(f, 'admin')).status).toBe(200);
    const r = await admin.post('/api/v1/users', { login: 'ab', display_name: '', password: '', role: 'x'.repeat(61), email: 'not-mail' });
    expect(r.status).toBe(400);
    const issues = (r.body.error as unknown as { issues: { field: string; message_ja: string; message_en: string }[] }).issues;
    const byField = Object.fromEntries(issues.map((i) => [i.field, i.message_ja]));
    expect(byField).toEqual({
      login: '3文字以上で入力してください。',
      display_name: '入力してください。',
      password: '入力してください。',
      role: '60文字以内にしてください。',
      email: 'メールアドレスの形式で入力してください。',
    });
    // A missing field is told apart from a wrong one.
    const missing = await admin.post('/api/v1/users', { login: 'abc', display_name: 'x', password: 'x', role: 5 });
    const messages = (missing.body.error as unknown as { issues: { field: string; message_ja: string }[] }).issues;
    expect(messages.find((i) => i.field === 'role')?.message_ja).toBe('値の種類が正しくありません（文字）。');
    const none = await admin.post('/api/v1/users', { login: 'abc', display_name: 'x', password: 'x' });
    expect((none.body.error as unknown as { issues: { field: string; message_ja: string }[] }).issues).toEqual([
      expect.objectContaining({ field: 'role', message_ja: '必須です。' }),
    ]);
  });
});
