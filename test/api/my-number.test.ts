/**
 * My Number is never stored (issue 10, section 1), over the real HTTP server and the import, on both
 * dialects. Property tests embed valid My Numbers, in every digit form and with every separator, inside
 * random Japanese text on each input path (staff API, member page, import, policy draft and YAML file,
 * request and consent text, upload metadata): every one is refused, and afterwards neither the SQLite file
 * (with its WAL) nor any table of the PostgreSQL schema holds one. A second property sends what mamori
 * issued or validates by type (random UUIDs, ISO dates and times, phone numbers, postal codes) in their own
 * fields, and none is refused.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/modules/audit/events.ts';
import { DEMO_MEMBER_CODE, DEMO_MEMBER_PASSWORD } from '../../src/modules/demo/demo-portal.ts';
import { csvColumns, syntheticMember } from '../../src/modules/demo/synthetic.ts';
import { importMembers } from '../../src/modules/import/import-members.ts';
import { myNumberCheckDigit } from '../../src/modules/my-number/detect.ts';
import { availableDialects, chained } from '../support/db.ts';
import { demoFixture, type Fixture } from '../support/fixtures.ts';
import { Client, type Response, testServer } from '../support/http.ts';
import { PortalClient } from '../support/portal.ts';

/** Digit forms: how each digit 0–9 is written. */
const digitForms: Record<string, (d: number) => string> = {
  ascii: (d) => String(d),
  fullWidth: (d) => String.fromCharCode(0xff10 + d),
  mathBold: (d) => String.fromCodePoint(0x1d7ce + d),
  mathDoubleStruck: (d) => String.fromCodePoint(0x1d7d8 + d),
  mathMonospace: (d) => String.fromCodePoint(0x1d7f6 + d),
  circled: (d) => (d === 0 ? '⓪' : String.fromCharCode(0x2460 + d - 1)),
  superscript: (d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[d]!,
  subscript: (d) => String.fromCharCode(0x2080 + d),
  arabicIndic: (d) => String.fromCharCode(0x660 + d),
};

/** Separators between digit groups (the empty one: none). */
const separators = [
  '',
  ' ',
  '  ',
  '\u3000',
  '\u00a0',
  '\t',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u2060',
  '\ufeff',
  '-',
  '\u2010',
  '\u2011',
  '\u2012',
  '\u2013',
  '\u2014',
  '\u2015',
  '\u2212',
  '\uff0d',
  '\ufe63',
  'ー',
  'ｰ',
  '.',
  '．',
  '・',
];

/** Japanese text without digits or separators (so the number's edges are where the test put them). */
const japaneseChars = [
  ...'あいうえおかきくけこさしすせそたちつてとなにぬねのはまやらわをんアイウエオカキクケコ山田花子住所番地様宛備考組合員生協宮城県仙台市青葉区、。（）「」',
];
const japaneseText = fc.string({ unit: fc.constantFrom(...japaneseChars), maxLength: 20 });

const validNumber = fc
  .array(fc.integer({ min: 0, max: 9 }), { minLength: 11, maxLength: 11 })
  .map((d) => d.join(''))
  .map((first11) => first11 + String(myNumberCheckDigit(first11)));

/** A valid My Number written in one digit form, grouped 4-4-4, 12×1 or not at all, with one separator. */
const writtenNumber = fc
  .record({
    number: validNumber,
    form: fc.constantFrom(...Object.keys(digitForms)),
    separator: fc.constantFrom(...separators),
    grouping: fc.constantFrom('4-4-4', 'each digit', 'none'),
    before: japaneseText,
    after: japaneseText,
  })
  .map((r) => {
    const digits = [...r.number].map((d) => digitForms[r.form]!(Number(d)));
    const groups =
      r.grouping === '4-4-4'
        ? [digits.slice(0, 4), digits.slice(4, 8), digits.slice(8)].map((g) => g.join(''))
        : r.grouping === 'each digit'
          ? digits
          : [digits.join('')];
    return { ...r, text: `${r.before}${groups.join(r.separator)}${r.after}` };
  });

const RUNS = 12;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).toString('base64');

/** Escapes every non-ASCII character as \uXXXX: a YAML (and JSON) text whose digits the raw body never shows. */
const escapedJson = (value: unknown) =>
  JSON.stringify(value).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

describe.each(availableDialects())('My Number is never stored, on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  let officer: Client;
  let service: Client;
  let member: PortalClient;
  let memberId: string;
  let agentMemberId: string;
  /** The database's text before any property ran (a genesis hash of zeros holds 000000000000). */
  let baseline: string;
  let requestId: string;
  let dir: string;
  /** Every number a property embedded: none may be stored anywhere. */
  const embedded = new Set<string>();

  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 10 });
    app = await testServer(f, { sessionIdleMinutes: 24 * 60 });
    officer = new Client(app);
    service = new Client(app);
    expect((await service.login(f, 'service')).status).toBe(200);
    expect((await officer.login(f, 'officer')).status).toBe(200);
    member = new PortalClient(app);
    const signIn = await member.post('/api/v1/portal/auth/login', {
      org: 'demo-coop',
      member_code: DEMO_MEMBER_CODE,
      password: DEMO_MEMBER_PASSWORD,
    });
    expect(signIn.status, JSON.stringify(signIn.body)).toBe(200);
    memberId = await f.memberId('1000002');
    agentMemberId = await f.memberId('1000003');
    const filed = await service.post('/api/v1/requests', { member_id: memberId, kind: 'disclosure', channel: 'phone' });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    requestId = String(filed.body.id);
    dir = mkdtempSync(join(tmpdir(), 'mamori-my-number-'));
    baseline = await databaseText();
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const refused = (r: Response | { status: number; body: { error?: { code: string } } }) => {
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.error?.code).toBe('my_number_rejected');
  };

  /**
   * Each input path: `send(text)` submits `text` where people type; `control` is clean text that the same
   * call accepts (so a refusal is the number's doing, not a malformed request).
   */
  const paths: Record<string, (text: string) => Promise<Response | { status: number; body: { error?: { code: string } } }>> = {
    'staff API: member update (note)': (text) => service.patch(`/api/v1/members/${memberId}`, { purpose: 'P01', changes: { note: text } }),
    'staff API: member create (address)': (text) =>
      service.post('/api/v1/members', {
        purpose: 'P01',
        member: {
          member_code: `MN${randomUUID().slice(0, 8)}`,
          name: '番号 花子',
          name_kana: 'バンゴウ ハナコ',
          join_date: '2024-04-01',
          address: text,
        },
      }),
    'member page: contact correction (address)': async (text) => {
      const version = (await member.get('/api/v1/portal/my')).body.version as number;
      return member.request('PATCH', '/api/v1/portal/my/contact', { version, changes: { address: text } });
    },
    'policy: draft save (organization name)': async (text) => {
      const draft = (await officer.get('/api/v1/policy/draft')).body.draft as {
        revision: number;
        document: { organization: { name: string } };
      };
      const document = { ...draft.document, organization: { ...draft.document.organization, name: text } };
      return officer.request('PUT', '/api/v1/policy/draft', { json: { revision: draft.revision, document } });
    },
    'policy: YAML file (escaped)': async (text) => {
      const draft = (await officer.get('/api/v1/policy/draft')).body.draft as {
        revision: number;
        document: { organization: { name: string } };
      };
      const document = { ...draft.document, organization: { ...draft.document.organization, name: text } };
      return officer.post('/api/v1/policy/draft/file', { revision: draft.revision, yaml: escapedJson(document) });
    },
    'request: agent name': (text) =>
      service.post('/api/v1/requests', {
        member_id: agentMemberId,
        kind: 'disclosure',
        channel: 'paper',
        requester: 'mandated_agent',
        agent_name: text,
      }),
    'consent: note': (text) =>
      service.post(`/api/v1/members/${memberId}/consents`, {
        subject_kind: 'purpose',
        subject_code: 'P16',
        state: 'granted',
        source: 'paper',
        note: text,
      }),
    'member page: request withdrawal reason': async (text) => {
      const requests = (await member.get('/api/v1/portal/requests')).body.requests as { id: string; version: number }[];
      const own = requests[0] ?? { id: randomUUID(), version: 1 };
      return member.post(`/api/v1/portal/requests/${own.id}/withdraw`, { version: own.version, reason: text });
    },
    'upload: document file name': (text) =>
      service.post(`/api/v1/requests/${requestId}/documents`, { kind: 'identity', file_name: `${text}.png`, data_base64: PNG }),
  };

  for (const [name, send] of Object.entries(paths)) {
    it(`${name}: every written form is refused`, async () => {
      await fc.assert(
        fc.asyncProperty(writtenNumber, async (w) => {
          embedded.add(w.number);
          refused(await send(w.text));
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('clean text passes on the same paths (the refusals above are the number’s doing)', async () => {
    for (const [name, send] of Object.entries(paths)) {
      if (name.startsWith('member page: request')) continue; // needs a request of the member's own
      const r = await send('宮城県仙台市青葉区本町1-2-3 〒980-0014 TEL 022-771-1590 2024-04-01');
      expect(r.status, `${name}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
    }
  });

  it('input nested 3,000 levels deep is refused with 400, never a stack overflow', async () => {
    let detail: unknown = 'x';
    for (let i = 0; i < 3000; i++) detail = { a: detail };
    const r = await service.post('/api/v1/requests', { member_id: memberId, kind: 'disclosure', channel: 'phone', detail });
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.raw).not.toMatch(/stack|RangeError|at .*\.ts:\d+/i);
  });

  it('import: a cell holding a number in any form refuses its row, as typed or as stored', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(writtenNumber, { minLength: 3, maxLength: 6 }), async (numbers) => {
        const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
        const rows = numbers.map((w, i) => {
          embedded.add(w.number);
          const m = { ...syntheticMember(900 + i), member_code: String(3_000_000 + i) } as Record<string, unknown>;
          m[i % 2 ? 'note' : 'address'] = w.text;
          return csvColumns.map((c) => quote(m[c] === null || m[c] === undefined ? '' : String(m[c]))).join(',');
        });
        // The stored form only: a share capital written as an amount is stored as a 12-digit number.
        const share = `31415926535${myNumberCheckDigit('31415926535')}`;
        embedded.add(share);
        const amount = [...share].reduce((s, d, i) => s + (i > 0 && i % 3 === 0 ? ',' : '') + d, '');
        const shareRow = { ...syntheticMember(999), member_code: '3000999', share_capital: amount } as Record<string, unknown>;
        rows.push(csvColumns.map((c) => quote(shareRow[c] === null || shareRow[c] === undefined ? '' : String(shareRow[c]))).join(','));
        const file = join(dir, `${randomUUID()}.csv`);
        writeFileSync(file, `${csvColumns.join(',')}\n${rows.join('\n')}\n`);
        const actor: Actor = { type: 'cli', id: null, orgId: null, label: 'test:my-number' };
        const summary = await importMembers(f.ctx, { orgCode: 'demo-coop', file, actor, report: null });
        expect(summary.rejected).toBe(rows.length);
        expect(new Set(summary.rejections.map((r) => r.code))).toEqual(new Set(['my_number']));
        expect(summary.rejections.find((r) => r.field === 'share_capital')?.line).toBe(rows.length + 1);
      }),
      { numRuns: 3 },
    );
  });

  /** Everything the database holds as text: the SQLite file and WAL bytes, or every row of every PostgreSQL table. */
  async function databaseText(): Promise<string> {
    if (f.ctx.sqlite) {
      f.ctx.sqlite.pragma('wal_checkpoint(PASSIVE)');
      const file = f.ctx.sqlite.name;
      return [file, `${file}-wal`]
        .filter(existsSync)
        .map((p) => readFileSync(p).toString('latin1'))
        .join('\n');
    }
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(
      f.ctx.db,
    );
    expect(tables.rows.length).toBeGreaterThan(10);
    const rows: string[] = [];
    for (const { table_name } of tables.rows) {
      const all = await sql<{ row: string }>`select t::text as row from ${sql.table(table_name)} t`.execute(f.ctx.db);
      rows.push(...all.rows.map((r) => `${table_name}: ${r.row}`));
    }
    return rows.join('\n');
  }

  it('the database holds none of the numbers: SQLite file and WAL bytes, every PostgreSQL table', async () => {
    expect(embedded.size).toBeGreaterThan(50);
    const text = await databaseText();
    expect(text.length).toBeGreaterThan(baseline.length);
    const stored = [...embedded].filter((n) => text.includes(n) && !baseline.includes(n));
    expect(stored).toEqual([]);
    // A number the database held before the test (all zeros: the genesis hash) proves nothing either way.
    expect([...embedded].filter((n) => baseline.includes(n)).length).toBeLessThanOrEqual(2);
    // The refusals are audited, by field name only.
    const refusals = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'input.my_number_rejected')
      .execute();
    expect(refusals.length).toBeGreaterThanOrEqual(Object.keys(paths).length * RUNS);
  });

  it('never refuses what mamori issued or validates by type: UUIDs, ISO dates and times, phones, postal codes', async () => {
    const phone = fc
      .tuple(
        fc.constantFrom('090', '080', '070', '03', '022', '0120'),
        fc.integer({ min: 1000, max: 9999 }),
        fc.integer({ min: 100, max: 9999 }),
      )
      .map(([a, b, c]) => `${a}-${String(b).slice(0, a.length >= 4 ? 3 : 4)}-${String(c).padStart(4, '0')}`);
    const postal = fc.integer({ min: 0, max: 9_999_999 }).map((n) => {
      const s = String(n).padStart(7, '0');
      return `${s.slice(0, 3)}-${s.slice(3)}`;
    });
    const isoDate = fc
      .date({ min: new Date('2000-01-01'), max: new Date('2025-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    const isoTime = fc.date({ min: new Date('2000-01-01'), max: new Date('2025-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
    const notRefused = (r: Response) => expect(r.body.error?.code, JSON.stringify(r.body)).not.toBe('my_number_rejected');
    await fc.assert(
      fc.asyncProperty(fc.uuid({ version: 4 }), fc.uuid(), isoDate, isoTime, phone, postal, async (uuid, anyUuid, date, time, tel, zip) => {
        // A deletion request for a member id that does not exist: not found, never a My Number.
        const deletion = await service.post('/api/v1/requests', { member_id: uuid, kind: 'deletion', channel: 'phone', received_on: date });
        notRefused(deletion);
        expect(deletion.status).toBe(404);
        notRefused(await service.get(`/api/v1/members/${anyUuid}?purpose=P01`));
        notRefused(await service.get(`/api/v1/requests?member_id=${uuid}`));
        notRefused(await officer.get(`/api/v1/audit?member=${anyUuid}&from=${encodeURIComponent(time)}`));
        notRefused(await member.post('/api/v1/portal/act-as', { member_id: uuid }));
        const changed = await service.patch(`/api/v1/members/${memberId}`, {
          purpose: 'P01',
          changes: { phone: tel, postal_code: zip, birth_date: date },
        });
        expect(changed.status, JSON.stringify(changed.body)).toBe(200);
      }),
      { numRuns: 25 },
    );
    // The UUIDs the issue saw refused: digit groups that form a valid number, and 12 digits in the last group.
    const groups = `12344567890${myNumberCheckDigit('12344567890')}`; // 1234-4567-890x: version 4, variant 8
    const last = `12345678901${myNumberCheckDigit('12345678901')}`;
    for (const uuid of [
      `3f2a9c1e-${groups.slice(0, 4)}-${groups.slice(4, 8)}-${groups.slice(8)}-0a1b2c3d4e5f`,
      `3f2a9c1e-0a1b-4c2d-8e3f-${last}`,
    ]) {
      const r = await service.post('/api/v1/requests', { member_id: uuid, kind: 'deletion', channel: 'phone' });
      notRefused(r);
      expect(r.status).toBe(404);
    }
  });
});
