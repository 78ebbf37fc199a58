/**
 * The `mamori` command as an operator runs it: a real process on a SQLite file. Verify exits non-zero and
 * names the first bad entry when a row was altered, deleted or inserted; keys rotate without losing data.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../src/app/context.ts';
import { openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { loadKeyRing } from '../../src/modules/crypto/data-keys.ts';
import { seedDemo } from '../../src/modules/demo/seed.ts';

const root = join(import.meta.dirname, '..', '..');
let dir: string;
let env: NodeJS.ProcessEnv;

function mamori(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'mamori.js'), ...args], { env, encoding: 'utf8', input, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const sqlite = () => new BetterSqlite3(join(dir, 'mamori.db'));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mamori-cli-'));
  env = { ...process.env, MAMORI_DATA_DIR: dir, DATABASE_URL: `sqlite:${join(dir, 'mamori.db')}`, MAMORI_KEY_FILE: join(dir, 'keys.json') };
  delete env.MAMORI_DATA_KEYS;
  const opened = openDatabase(env.DATABASE_URL!);
  await migrateToLatest(opened.db, 'sqlite');
  const ctx = createContext({ db: opened.db, dialect: 'sqlite', keys: loadKeyRing(env.MAMORI_KEY_FILE!, {}) });
  await seedDemo(ctx, 40);
  await opened.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mamori audit verify', () => {
  it('passes on an intact chain', () => {
    const r = mamori(['audit', 'verify']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/連鎖は正常です/);
    expect(r.out).toMatch(/intact/);
  });

  it('fails naming the first altered, deleted or inserted entry, and passes again once restored', () => {
    const db = sqlite();
    const altered = db.prepare('select * from audit_log where seq = 10').get() as Record<string, unknown>;
    db.prepare("update audit_log set actor_id = 'someone-else' where seq = 10").run();
    db.close();
    let r = mamori(['audit', 'verify']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/#10\b/);
    expect(r.err).toMatch(/hash_mismatch/);

    const db2 = sqlite();
    db2.prepare('update audit_log set actor_id = ? where seq = 10').run(altered.actor_id);
    const deleted = db2.prepare('select * from audit_log where seq = 20').get() as Record<string, unknown>;
    db2.prepare('delete from audit_log where seq = 20').run();
    db2.close();
    r = mamori(['audit', 'verify']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/#2[01]\b/);

    const db3 = sqlite();
    const cols = Object.keys(deleted);
    db3.prepare(`insert into audit_log (${cols.join(',')}) values (${cols.map(() => '?').join(',')})`).run(...cols.map((c) => deleted[c]));
    // A forged entry appended at the end (with a self-consistent hash but no head update).
    const last = db3.prepare('select * from audit_log order by seq desc limit 1').get() as Record<string, unknown>;
    db3
      .prepare(`insert into audit_log (${cols.join(',')}) values (${cols.map(() => '?').join(',')})`)
      .run(...cols.map((c) => (c === 'seq' ? Number(last.seq) + 1 : c === 'prev_hash' ? last.hash : last[c])));
    db3.close();
    r = mamori(['audit', 'verify']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`#${Number(last.seq) + 1}\\b|#${Number(last.seq)}\\b`));

    const db4 = sqlite();
    db4.prepare('delete from audit_log where seq = ?').run(Number(last.seq) + 1);
    db4.close();
    expect(mamori(['audit', 'verify']).code).toBe(0);
  });
});

describe('mamori members (purpose-bound, audited)', () => {
  it('shows only the items of the named purpose, and records the read as from the CLI', () => {
    const r = mamori(['members', 'show', '1000001', '--as', 'staff', '--purpose', 'P04', '--json']);
    expect(r.code).toBe(0);
    const member = JSON.parse(r.out);
    expect(member.member_code).toBe('1000001');
    expect(member).toHaveProperty('address');
    expect(member).not.toHaveProperty('bank_account');
    const db = sqlite();
    const last = db.prepare("select * from audit_log where action = 'member.read' order by seq desc limit 1").get() as {
      outcome: string;
      purpose_code: string;
      detail: string;
    };
    db.close();
    expect(last).toMatchObject({ outcome: 'allowed', purpose_code: 'P04' });
    expect(JSON.parse(last.detail).via).toBe('cli');
  });

  it('refuses a purpose the user may not use, with the catalogue message, and audits the refusal', () => {
    const r = mamori(['members', 'show', '1000001', '--as', 'staff', '--purpose', 'P01']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\[purpose_not_permitted\]/);
    const db = sqlite();
    const last = db.prepare("select * from audit_log where action = 'member.read' order by seq desc limit 1").get() as {
      outcome: string;
      error_code: string;
    };
    db.close();
    expect(last).toMatchObject({ outcome: 'refused', error_code: 'purpose_not_permitted' });
    expect(mamori(['members', 'show', '9999999', '--as', 'staff', '--purpose', 'P04']).err).toMatch(/member_not_found/);
  });

  it('searches by kana for a purpose', () => {
    const r = mamori(['members', 'search', '--as', 'staff', '--purpose', 'P04', '--code', '1000002']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/1000002/);
    const filtered = mamori([
      'members',
      'search',
      '--as',
      'service',
      '--purpose',
      'P01',
      '--address',
      '宮城県',
      '--birth-year',
      '1940-2010',
      '--limit',
      '2',
    ]);
    expect(filtered.code).toBe(0);
    expect(filtered.out).toMatch(/ 件中 2 件 \/ 2 of \d+/);
    expect(mamori(['members', 'search', '--as', 'service', '--purpose', 'P01', '--birth-year', '19x0']).err).toMatch(
      /validation_failed|生年/,
    );
  });
});

describe('mamori jobs', () => {
  it('lists a dead run first and retries it as the operator, audited; refuses a run that is not failed or dead', () => {
    const db = sqlite();
    const row = (id: string, state: string, due: string) =>
      db
        .prepare(
          `insert into job_runs (id, job, due_at, state, attempts, max_attempts, next_attempt_at, last_error, created_at, updated_at)
           values (?, 'send_reminders', ?, ?, 6, 6, ?, ?, ?, ?)`,
        )
        .run(id, due, state, due, state === 'dead' ? 'Error [ECONNREFUSED]: connect ECONNREFUSED #' : null, due, due);
    row('0b9f3f2e-8d55-4c1e-9a57-1f2d3c4b5a61', 'succeeded', '2026-05-02T00:00:00.000Z');
    row('0b9f3f2e-8d55-4c1e-9a57-1f2d3c4b5a62', 'dead', '2026-05-01T00:00:00.000Z');
    db.close();
    let r = mamori(['jobs', 'list']);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(/停止 dead 1/);
    expect(lines[1]).toMatch(/^0b9f3f2e-8d55-4c1e-9a57-1f2d3c4b5a62\tsend_reminders\t.*\tdead\t6\/6\t\tError \[ECONNREFUSED\]/);
    r = mamori(['jobs', 'retry', '0b9f3f2e-8d55-4c1e-9a57-1f2d3c4b5a62']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/send_reminders\t2026-05-01T00:00:00.000Z\tscheduled/);
    r = mamori(['jobs', 'retry', '0b9f3f2e-8d55-4c1e-9a57-1f2d3c4b5a61']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/job_run_not_retryable/);
    const db2 = sqlite();
    const entry = db2.prepare("select actor_type, detail from audit_log where action = 'job.retry'").get() as {
      actor_type: string;
      detail: string;
    };
    db2.close();
    expect(entry.actor_type).toBe('cli');
    expect(JSON.parse(entry.detail)).toMatchObject({ job: 'send_reminders', from: 'dead', attempts: 6 });
  });
});

describe('mamori orgs and departments', () => {
  it('creates a subsidiary under a co-op and a department in it', () => {
    expect(
      mamori(['orgs', 'create', '--code', 'demo-sub', '--name', 'デモ子会社', '--kind', 'subsidiary', '--parent', 'demo-coop']).code,
    ).toBe(0);
    expect(mamori(['departments', 'create', '--org', 'demo-sub', '--code', 'sales', '--name', '営業部']).code).toBe(0);
    expect(mamori(['orgs', 'list']).out).toMatch(/demo-sub\tsubsidiary\tデモ子会社/);
    expect(mamori(['orgs', 'create', '--code', 'demo-sub2', '--name', 'x', '--parent', 'nope']).err).toMatch(/organization_unknown/);
    expect(mamori(['orgs', 'create', '--code', 'X Y', '--name', 'x']).code).toBe(1);
  });
});

describe('mamori users and keys', () => {
  it('creates a staff user with a password from stdin, and refuses a bad role clearly', () => {
    const ok = mamori(
      [
        'users',
        'create',
        '--org',
        'demo-coop',
        '--login',
        'cli-user',
        '--name',
        'CLI 職員',
        '--role',
        'delivery_staff',
        '--department',
        'delivery',
      ],
      'a-long-password-9\n',
    );
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/cli-user/);
    const bad = mamori(
      ['users', 'create', '--org', 'demo-coop', '--login', 'cli-user2', '--name', 'x', '--role', 'no-such-role'],
      'a-long-password-9\n',
    );
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/\[role_unknown\] 役割が見つかりません/);
    expect(bad.err).toMatch(/No such role/);
  });

  it('rotates the data key and re-encrypts every bank account without losing one', async () => {
    const before = JSON.parse(readFileSync(join(dir, 'keys.json'), 'utf8')) as { primary: string; keys: unknown[] };
    const plainBefore = await decryptAll();
    // A TOTP factor being re-bound (pending, not yet activated) is re-encrypted too.
    const pending = loadKeyRing(join(dir, 'keys.json'), {}).encrypt('PENDINGSECRETBASE32');
    const seed = sqlite();
    seed.prepare("update users set totp_pending_enc = ? where login = 'officer'").run(pending);
    // An identity document filed with a request (the request row itself does not matter to the rotation).
    const document = loadKeyRing(join(dir, 'keys.json'), {}).encrypt(Buffer.from('%PDF-1.7 synthetic').toString('base64'));
    seed.pragma('foreign_keys = OFF');
    seed
      .prepare(
        `insert into request_documents (id, request_id, kind, file_name, content_type, size, sha256, content_enc, uploaded_at, uploaded_by_type)
         values ('doc-rotate', 'req-rotate', 'identity', 'id.pdf', 'application/pdf', 18, 'x', ?, '2026-12-04T00:00:00.000Z', 'user')`,
      )
      .run(document);
    seed.close();
    const r = mamori(['keys', 'rotate']);
    expect(r.code).toBe(0);
    const after = JSON.parse(readFileSync(join(dir, 'keys.json'), 'utf8')) as { primary: string; keys: unknown[] };
    expect(after.primary).not.toBe(before.primary);
    expect(after.keys).toHaveLength(2);
    const db = sqlite();
    const ids = db.prepare('select bank_account_enc from members where bank_account_enc is not null').all() as {
      bank_account_enc: string;
    }[];
    db.close();
    expect(ids.length).toBeGreaterThan(10);
    expect(ids.every((x) => x.bank_account_enc.split('.')[1] === after.primary)).toBe(true);
    expect(await decryptAll()).toEqual(plainBefore);
    const check = sqlite();
    const officer = check.prepare("select totp_pending_enc from users where login = 'officer'").get() as { totp_pending_enc: string };
    check.close();
    expect(officer.totp_pending_enc.split('.')[1]).toBe(after.primary);
    expect(loadKeyRing(join(dir, 'keys.json'), {}).decrypt(officer.totp_pending_enc)).toBe('PENDINGSECRETBASE32');
    const doc = sqlite();
    const filed = doc.prepare("select content_enc from request_documents where id = 'doc-rotate'").get() as { content_enc: string };
    doc.close();
    expect(filed.content_enc.split('.')[1]).toBe(after.primary);
    expect(Buffer.from(loadKeyRing(join(dir, 'keys.json'), {}).decrypt(filed.content_enc), 'base64').toString()).toBe('%PDF-1.7 synthetic');
    expect(mamori(['audit', 'verify']).code).toBe(0);
  });
});

async function decryptAll(): Promise<string[]> {
  const ring = loadKeyRing(join(dir, 'keys.json'), {});
  const db = sqlite();
  const rows = db.prepare('select bank_account_enc from members where bank_account_enc is not null order by id').all() as {
    bank_account_enc: string;
  }[];
  db.close();
  return rows.map((r) => ring.decrypt(r.bank_account_enc));
}

describe('mamori audit search', () => {
  const exports = () => {
    const db = sqlite();
    const rows = db.prepare("select detail from audit_log where action = 'audit.export' order by seq").all() as { detail: string }[];
    db.close();
    return rows.map((r) => JSON.parse(r.detail) as Record<string, unknown>);
  };

  it('prints a table of sentences, or JSON, with the API’s filters', () => {
    const table = mamori(['audit', 'search', '--org', 'demo-coop', '--limit', '3']);
    expect(table.code, table.err).toBe(0);
    const lines = table.out.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^#\d+\t\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\t/);
    expect(table.out).not.toMatch(/[{}"]/);
    const json = mamori(['audit', 'search', '--org', 'demo-coop', '--action', 'member.create', '--limit', '2', '--format', 'json']);
    expect(json.code, json.err).toBe(0);
    const parsed = JSON.parse(json.out) as { entries: { action: string; description: string }[] };
    expect(parsed.entries).toHaveLength(2);
    expect(parsed.entries.every((e) => e.action === 'member.create' && /^組合員 \d+ を登録/.test(e.description))).toBe(true);
    const bad = mamori(['audit', 'search', '--org', 'demo-coop', '--format', 'pdf']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('--format');
  });

  it('exports CSV (UTF-8 with BOM to standard output, Shift_JIS to a file) and xlsx, each recorded', async () => {
    const before = exports().length;
    const csv = mamori(['audit', 'search', '--org', 'demo-coop', '--action', 'member.create', '--format', 'csv']);
    expect(csv.code, csv.err).toBe(0);
    expect(csv.out.startsWith('\uFEFF記録番号,日時（日本時間）,操作者,操作,結果')).toBe(true);
    const rows = csv.out.trim().split('\r\n').slice(1);
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.every((r) => r.includes(',組合員の登録,成功,'))).toBe(true);

    const sjis = join(dir, 'audit-sjis.csv');
    const r = mamori([
      'audit',
      'search',
      '--org',
      'demo-coop',
      '--action',
      'member.create',
      '--format',
      'csv',
      '--charset',
      'shift_jis',
      '--out',
      sjis,
    ]);
    expect(r.code, r.err).toBe(0);
    expect(iconv.decode(readFileSync(sjis), 'cp932')).toBe(csv.out.slice(1));

    const xlsx = join(dir, 'audit.xlsx');
    const x = mamori([
      'audit',
      'search',
      '--org',
      'demo-coop',
      '--action',
      'member.create',
      '--format',
      'xlsx',
      '--lang',
      'en',
      '--out',
      xlsx,
    ]);
    expect(x.code, x.err).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(1).getCell(4).value).toBe('Action');
    expect(ws.rowCount - 1).toBe(rows.length);
    expect(mamori(['audit', 'search', '--org', 'demo-coop', '--format', 'xlsx']).code).toBe(1);

    expect(exports().slice(before)).toEqual([
      expect.objectContaining({ format: 'csv', charset: 'utf-8', rows: rows.length, action: 'member.create', via: 'cli' }),
      expect.objectContaining({ format: 'csv', charset: 'shift_jis', rows: rows.length, via: 'cli' }),
      expect.objectContaining({ format: 'xlsx', charset: null, rows: rows.length, via: 'cli' }),
    ]);
  });
});
