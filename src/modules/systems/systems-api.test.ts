/**
 * The systems register over HTTP on both dialects: the privacy officer registers, changes, checks and removes
 * a system; the secret is write-only (kept when omitted, cleared with null, never in an answer or the audit
 * trail — not even a password written inside a URL); the connection check records its status and error code;
 * the list says what the policy's dataset map says of the same code; each role gets what the table gives it;
 * a rotated key ring still opens the settings and the old key is no longer used.
 *
 * Until the connectors of each kind land, a SQLite opener of this test's own stands in for the sqlite kind
 * (when kinds.ts has none): a real SQLite file, read-only.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { availableDialects, chained } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { Client, testServer } from '../../../test/support/http.ts';
import { AppError } from '../../base/errors.ts';
import type { ConnectionSettings, Connector } from '../connectors/connector.ts';
import { KeyRing } from '../crypto/data-keys.ts';
import { readConnection } from './read-connection.ts';
import { reencryptSystemSettings } from './reencrypt-settings.ts';

/** A minimal read-only SQLite connector: enough for `describe`, the only call a check makes. */
function testSqliteConnector(settings: ConnectionSettings): Connector {
  let db: BetterSqlite3.Database;
  try {
    db = new BetterSqlite3(settings.file ?? '', { readonly: true, fileMustExist: true });
  } catch {
    throw new AppError('system_unreachable');
  }
  const unused = () => Promise.reject(new Error('not used by the register'));
  return {
    async describe() {
      const tables = db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'").all() as {
        name: string;
      }[];
      return tables.map((t) => ({
        table: t.name,
        columns: (
          db.prepare(`pragma table_info(${JSON.stringify(t.name)})`).all() as { name: string; type: string; notnull: number; pk: number }[]
        ).map((c) => ({ name: c.name, type: c.type, nullable: c.notnull === 0, primaryKey: c.pk > 0 })),
      }));
    },
    sample: unused,
    select: unused,
    plan: unused,
    apply: unused,
    verify: unused,
    async close() {
      db.close();
    },
  };
}

vi.mock('../connectors/kinds.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../connectors/kinds.ts')>();
  return {
    ...real,
    openConnector: async (kind: Parameters<typeof real.openConnector>[0], settings: ConnectionSettings, opts: { code: string }) => {
      try {
        return await real.openConnector(kind, settings, opts);
      } catch (error) {
        const missingOpener = error instanceof AppError && error.code === 'system_settings_invalid' && /No connector/.test(error.message);
        if (kind === 'sqlite' && missingOpener) return testSqliteConnector(settings);
        throw error;
      }
    },
  };
});

type System = {
  code: string;
  name: string;
  kind: string;
  version: number;
  has_secret: boolean;
  status: string;
  settings?: Record<string, unknown>;
  last_error: { code: string; message_ja: string } | null;
  last_checked_at: string | null;
  map: { owner: string | null; country: string } | null;
};

const SECRET = 'S3cret-パスワード-never-shown';
const URL_PASSWORD = 'pw-in-url-xyz';

describe.each(availableDialects())('systems register API on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  let dir: string;
  let shop: string;
  const clients: Record<string, Client> = {};

  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 3 });
    dir = mkdtempSync(join(tmpdir(), 'mamori-systems-'));
    // A shop system of our own: a real SQLite file with a customer table (synthetic, empty).
    shop = join(dir, 'shop.db');
    const db = new BetterSqlite3(shop);
    db.exec('create table customers (id integer primary key, member_no text, email text, name text)');
    db.exec('create table orders (id integer primary key, customer_id integer references customers(id), total integer)');
    db.close();
    // The policy in effect maps the system `shop` (owner and country), as a published version would.
    const org = await f.ctx.db.selectFrom('organizations').select('id').where('code', '=', 'demo-coop').executeTakeFirstOrThrow();
    const active = await f.ctx.db
      .selectFrom('policy_versions')
      .select(['id', 'document'])
      .where('org_id', '=', org.id)
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    const document = JSON.parse(active.document);
    document.systems = [
      {
        code: 'shop',
        name: '通販システム',
        kind: 'sqlite',
        owner: '通販事業部',
        country: 'JP',
        ledger_assets: [],
        tables: [
          {
            table: 'customers',
            key: 'id',
            link: { column: 'member_no', identity: 'member_code' },
            columns: [{ column: 'email', item: 'email', erase: 'set_null', correct: true }],
            purposes: [],
          },
        ],
      },
      { code: 'kyosai-core', name: '共済基幹', kind: 'postgres', owner: '共済部', country: 'JP', ledger_assets: [], tables: [] },
    ];
    const text = JSON.stringify(document);
    await f.ctx.db
      .updateTable('policy_versions')
      .set({ document: text, sha256: createHash('sha256').update(text).digest('hex') })
      .where('id', '=', active.id)
      .execute();
    app = await testServer(f, { sessionIdleMinutes: 24 * 60 });
    for (const login of ['officer', 'admin', 'auditor', 'manager', 'staff']) {
      clients[login] = new Client(app);
      expect((await clients[login].login(f, login)).status).toBe(200);
    }
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const orgId = async () => (await f.actor('officer')).orgId;

  it('registers, lists with the map’s owner and country, changes, removes — the secret never comes back', async () => {
    const officer = clients.officer!;
    const created = await officer.post('/api/v1/systems', {
      code: 'kyosai-core',
      name: '共済基幹システム',
      kind: 'postgres',
      settings: { url: `postgres://app:${URL_PASSWORD}@db.example.invalid:5432/kyosai`, schema: 'public' },
    });
    expect(created.status, created.raw).toBe(201);
    expect(created.body).toMatchObject({
      code: 'kyosai-core',
      kind: 'postgres',
      version: 1,
      has_secret: true,
      status: 'unchecked',
      settings: { url: 'postgres://app@db.example.invalid:5432/kyosai', schema: 'public' },
      map: { owner: '共済部', country: 'JP' },
    });
    expect(created.raw).not.toContain(URL_PASSWORD);
    // The password moved from the URL into the secret, encrypted; readConnection hands it to connectors.
    const conn = await readConnection(f.ctx.db, f.ctx.keys, await orgId(), 'kyosai-core');
    expect(conn.settings).toMatchObject({ url: 'postgres://app@db.example.invalid:5432/kyosai', secret: URL_PASSWORD });

    const list = await officer.get('/api/v1/systems');
    expect(list.status).toBe(200);
    expect(list.raw).not.toContain(URL_PASSWORD);
    expect(list.body.can_manage).toBe(true);
    expect(list.body.unregistered).toEqual([expect.objectContaining({ code: 'shop', owner: '通販事業部' })]);

    // Omitted secret: kept. A new secret: replaced. null: cleared.
    let v = 1;
    const patch = async (body: Record<string, unknown>) => {
      const r = await officer.patch('/api/v1/systems/kyosai-core', { version: v, ...body });
      expect(r.status, r.raw).toBe(200);
      v = (r.body as unknown as System).version;
      return r.body as unknown as System;
    };
    let s = await patch({ name: '共済基幹（本番）', settings: { host: 'db2.example.invalid', port: 5433, user: 'app' } });
    expect(s).toMatchObject({
      name: '共済基幹（本番）',
      has_secret: true,
      version: 2,
      settings: { host: 'db2.example.invalid', port: 5433 },
    });
    expect((await readConnection(f.ctx.db, f.ctx.keys, await orgId(), 'kyosai-core')).settings.secret).toBe(URL_PASSWORD);
    s = await patch({ secret: SECRET });
    expect(s).toMatchObject({ has_secret: true, version: 3 });
    expect((await readConnection(f.ctx.db, f.ctx.keys, await orgId(), 'kyosai-core')).settings.secret).toBe(SECRET);
    // Saving an unchanged form is not a change.
    s = await patch({ name: '共済基幹（本番）' });
    expect(s.version).toBe(3);
    s = await patch({ secret: null });
    expect(s).toMatchObject({ has_secret: false, version: 4 });
    expect((await readConnection(f.ctx.db, f.ctx.keys, await orgId(), 'kyosai-core')).settings.secret).toBeUndefined();

    // A password given as a URL parameter is a secret too.
    s = await patch({ settings: { url: `mysql://app@db.example.invalid/kyosai?ssl=true&password=${URL_PASSWORD}` }, kind: 'mysql' });
    expect(s).toMatchObject({ has_secret: true, settings: { url: 'mysql://app@db.example.invalid/kyosai?ssl=true' } });
    expect((await readConnection(f.ctx.db, f.ctx.keys, await orgId(), 'kyosai-core')).settings).toMatchObject({
      url: 'mysql://app@db.example.invalid/kyosai?ssl=true',
      secret: URL_PASSWORD,
    });

    const stale = await officer.patch('/api/v1/systems/kyosai-core', { version: 1, name: 'x' });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'version_conflict', message_ja: expect.stringContaining('最新の内容') });

    const removed = await officer.request('DELETE', `/api/v1/systems/kyosai-core?version=${v}`);
    expect(removed.status, removed.raw).toBe(200);
    expect((await officer.get('/api/v1/systems/kyosai-core')).body.error?.code).toBe('system_unknown');

    // The trail names what changed and what became of the secret, never a value of it.
    const trail = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('action', 'like', 'system.%')
      .orderBy('seq')
      .execute();
    const text = JSON.stringify(trail);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(URL_PASSWORD);
    expect(trail.map((e) => [e.action, JSON.parse(e.detail).secret ?? null])).toEqual([
      ['system.register', 'set'],
      ['system.update', 'kept'],
      ['system.update', 'set'],
      ['system.update', 'cleared'],
      ['system.update', 'set'],
      ['system.remove', null],
    ]);
    expect(JSON.parse(trail[1]!.detail).changed).toEqual(['name', 'host', 'port', 'schema', 'url', 'user']);
  });

  it('checks the connection: a missing file is unreachable, a real one is described against the map', async () => {
    const officer = clients.officer!;
    const missing = join(dir, 'no-such.db');
    const created = await officer.post('/api/v1/systems', { code: 'shop', name: '通販', kind: 'sqlite', settings: { file: missing } });
    expect(created.status, created.raw).toBe(201);
    expect(created.body).toMatchObject({ has_secret: false, map: { owner: '通販事業部' } });

    const failed = await officer.post('/api/v1/systems/shop/check');
    expect(failed.status, failed.raw).toBe(200);
    expect(failed.body).toMatchObject({
      check: { ok: false, error: { code: 'system_unreachable', message_ja: expect.stringContaining('接続できません') } },
      system: { status: 'failing', last_error: { code: 'system_unreachable' } },
    });
    // The check created no file where it looked.
    expect(() => new BetterSqlite3(missing, { fileMustExist: true })).toThrow();

    const moved = await officer.patch('/api/v1/systems/shop', { version: 1, settings: { file: shop } });
    expect(moved.body).toMatchObject({ status: 'unchecked', last_error: null, version: 2 });
    const ok = await officer.post('/api/v1/systems/shop/check');
    expect(ok.body).toMatchObject({ check: { ok: true, tables: 2 }, system: { status: 'ok', last_error: null } });
    expect((ok.body.system as System).last_checked_at).toBeTruthy();

    // The map names a column the system lacks: the check says which (by name).
    const db = new BetterSqlite3(shop);
    db.exec('alter table customers drop column email');
    db.close();
    const gap = await officer.post('/api/v1/systems/shop/check');
    expect(gap.body).toMatchObject({
      check: { ok: false, error: { code: 'system_column_missing' }, missing: 'customers.email' },
      system: { status: 'failing' },
    });

    // A kind whose connector has not landed (or settings it cannot use) fails as invalid settings.
    const drop = await officer.post('/api/v1/systems', {
      code: 'welfare-drop',
      name: '福祉システム受け渡し',
      kind: 'sftp_drop',
      settings: { host: 'sftp.example.invalid', user: 'mamori', folder: '/exchange' },
      secret: SECRET,
    });
    expect(drop.status, drop.raw).toBe(201);
    const dropCheck = await officer.post('/api/v1/systems/welfare-drop/check');
    expect((dropCheck.body.check as { ok: boolean }).ok).toBe(false);
    expect(dropCheck.raw).not.toContain(SECRET);

    const checks = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select(['outcome', 'detail'])
      .where('action', '=', 'system.check')
      .orderBy('seq')
      .execute();
    expect(checks.slice(0, 3).map((c) => [c.outcome, JSON.parse(c.detail).error_code ?? null])).toEqual([
      ['failed', 'system_unreachable'],
      ['ok', null],
      ['failed', 'system_column_missing'],
    ]);
  });

  it('refuses bad input with stable codes and Japanese and English messages', async () => {
    const officer = clients.officer!;
    const bad = async (body: Record<string, unknown>) => {
      const r = await officer.post('/api/v1/systems', body);
      expect(r.status, r.raw).toBe(400);
      expect(r.body.error?.message_ja).toBeTruthy();
      expect(r.body.error?.message_en).toBeTruthy();
      return r.body.error!;
    };
    expect(await bad({ code: 'x1', name: 'x', kind: 'sqlite', settings: { file: 'relative.db' } })).toMatchObject({
      code: 'system_settings_invalid',
      issues: [expect.objectContaining({ field: 'settings.file', code: 'not_absolute' })],
    });
    expect(await bad({ code: 'x2', name: 'x', kind: 'postgres', settings: { url: 'mysql://h/db' } })).toMatchObject({
      code: 'system_settings_invalid',
      issues: [expect.objectContaining({ field: 'settings.url', code: 'invalid_url' })],
    });
    expect(await bad({ code: 'x3', name: 'x', kind: 'sftp_drop', settings: { host: 'h' } })).toMatchObject({
      code: 'system_settings_invalid',
    });
    expect((await bad({ code: 'x4', name: 'x', kind: 'sqlite', settings: { file: '/a.db', password: 'p' } })).code).toBe('unknown_field');
    expect((await bad({ code: 'bad code!', name: 'x', kind: 'sqlite', settings: { file: '/a.db' } })).code).toBe('validation_failed');
    // A My Number is refused wherever it is typed (here as a name).
    const myNumber = await officer.post('/api/v1/systems', {
      code: 'x5',
      name: '123456789018',
      kind: 'sqlite',
      settings: { file: '/a.db' },
    });
    expect(myNumber.body.error?.code).toBe('my_number_rejected');
    const dup = await officer.post('/api/v1/systems', {
      code: 'shop',
      name: 'again',
      kind: 'sqlite',
      settings: { file: join(tmpdir(), 'a.db') },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error?.code).toBe('system_exists');
    expect((await officer.post('/api/v1/systems/nothing-here/check')).body.error?.code).toBe('system_unknown');
    // A file outside the folders SQLite systems may be in (mamori's own database, say) is refused at the field.
    expect(await bad({ code: 'x6', name: 'x', kind: 'sqlite', settings: { file: '/etc/passwd' } })).toMatchObject({
      code: 'system_settings_invalid',
      issues: [expect.objectContaining({ field: 'settings.file', code: 'not_allowed' })],
    });
  });

  it('gives each role what the permission table gives it; auditors never see settings', async () => {
    const admin = await clients.admin!.post('/api/v1/systems', {
      code: 'admin-made',
      name: '管理者が登録',
      kind: 'mysql',
      settings: { host: 'mysql.example.invalid', user: 'mamori' },
      secret: SECRET,
    });
    expect(admin.status, admin.raw).toBe(201);
    const auditorList = await clients.auditor!.get('/api/v1/systems');
    expect(auditorList.status).toBe(200);
    const rows = auditorList.body.systems as System[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.settings === undefined)).toBe(true);
    expect(auditorList.body.can_manage).toBe(false);
    expect(auditorList.raw).not.toContain('mysql.example.invalid');
    expect((await clients.auditor!.post('/api/v1/systems/admin-made/check')).status).toBe(403);
    for (const login of ['manager', 'staff']) {
      const r = await clients[login]!.get('/api/v1/systems');
      expect(r.status, login).toBe(403);
      expect(r.body.error?.code).toBe('forbidden');
    }
  });

  it('a rotated key ring still opens every system’s settings, and the old key is no longer used', async () => {
    const id = await orgId();
    const before = await readConnection(f.ctx.db, f.ctx.keys, id, 'admin-made');
    const rotated = f.ctx.keys.rotated();
    const count = await f.ctx.db.transaction().execute((tx) => reencryptSystemSettings(tx, rotated));
    expect(count).toBeGreaterThan(0);
    const rows = await f.ctx.db.selectFrom('connected_systems').select('settings_enc').execute();
    expect(rows.every((r) => KeyRing.keyIdOf(r.settings_enc) === rotated.primaryId)).toBe(true);
    // A ring holding only the new key opens them: nothing needs the old one any more.
    const newOnly = new KeyRing({ primary: rotated.primaryId, keys: rotated.file.keys.filter((k) => k.id === rotated.primaryId) });
    expect(await readConnection(f.ctx.db, newOnly, id, 'admin-made')).toEqual(before);
    expect(() => f.ctx.keys.decrypt(rows[0]!.settings_enc)).toThrow();
    // Run again: nothing left to re-encrypt.
    expect(await f.ctx.db.transaction().execute((tx) => reencryptSystemSettings(tx, rotated))).toBe(0);
  });
});
