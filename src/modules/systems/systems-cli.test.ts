/**
 * `mamori systems add|list|check` and `mamori keys rotate` over a registered system, as an operator runs them: a
 * real process on a SQLite file. The secret comes from standard input and never shows in any output.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../app/context.ts';
import { openDatabase } from '../../db/database.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { KeyRing, loadKeyRing } from '../crypto/data-keys.ts';
import { seedDemo } from '../demo/seed.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const SECRET = 'cli-secret-合言葉-42';
let dir: string;
let env: NodeJS.ProcessEnv;

function mamori(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'mamori.js'), ...args], { env, encoding: 'utf8', input, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mamori-systems-cli-'));
  env = { ...process.env, MAMORI_DATA_DIR: dir, DATABASE_URL: `sqlite:${join(dir, 'mamori.db')}`, MAMORI_KEY_FILE: join(dir, 'keys.json') };
  delete env.MAMORI_DATA_KEYS;
  delete env.MAMORI_SYSTEM_SECRET;
  const opened = openDatabase(env.DATABASE_URL!);
  await migrateToLatest(opened.db, 'sqlite');
  const ctx = createContext({ db: opened.db, dialect: 'sqlite', keys: loadKeyRing(env.MAMORI_KEY_FILE!, {}) });
  await seedDemo(ctx, 3);
  await opened.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mamori systems', () => {
  it('adds a system with a secret from stdin, lists it, checks it (unreachable) — the secret never printed', () => {
    const missing = join(dir, 'missing.db');
    const add = mamori(
      ['systems', 'add', '--as', 'officer', '--code', 'shop', '--name', '通販', '--kind', 'sqlite', '--file', missing, '--secret-stdin'],
      `${SECRET}\n`,
    );
    expect(add.code, add.err).toBe(0);
    expect(add.out).toContain('秘密情報: 設定済み');
    const list = mamori(['systems', 'list', '--as', 'officer']);
    expect(list.code, list.err).toBe(0);
    expect(list.out).toMatch(/^shop\t通販\tSQLite ファイル\t\t未確認/m);
    const check = mamori(['systems', 'check', 'shop', '--as', 'officer']);
    expect(check.code).toBe(1);
    expect(check.err).toContain('[system_unreachable] 連携システムに接続できませんでした');
    const json = mamori(['systems', 'list', '--as', 'auditor', '--json']);
    expect(JSON.parse(json.out).systems[0]).toMatchObject({ code: 'shop', status: 'failing', has_secret: true });
    expect(JSON.parse(json.out).systems[0].settings).toBeUndefined();
    for (const r of [add, list, check, json]) expect(r.out + r.err).not.toContain(SECRET);
    // Refusals: a role without a part, bad settings.
    expect(mamori(['systems', 'list', '--as', 'staff']).err).toMatch(/\[forbidden\]/);
    const bad = mamori(['systems', 'add', '--as', 'officer', '--code', 'x', '--name', 'x', '--kind', 'sqlite', '--file', 'rel.db']);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/system_settings_invalid/);
  });

  it('keys rotate re-encrypts the settings: the new key opens them, the old one is no longer used', () => {
    const before = JSON.parse(readFileSync(join(dir, 'keys.json'), 'utf8')) as { primary: string };
    const r = mamori(['keys', 'rotate']);
    expect(r.code, r.err).toBe(0);
    const ring = loadKeyRing(join(dir, 'keys.json'), {});
    expect(ring.primaryId).not.toBe(before.primary);
    const db = new BetterSqlite3(join(dir, 'mamori.db'), { readonly: true });
    const row = db.prepare("select settings_enc from connected_systems where code = 'shop'").get() as { settings_enc: string };
    db.close();
    expect(KeyRing.keyIdOf(row.settings_enc)).toBe(ring.primaryId);
    const newOnly = new KeyRing({ primary: ring.primaryId, keys: ring.file.keys.filter((k) => k.id === ring.primaryId) });
    expect(JSON.parse(newOnly.decrypt(row.settings_enc))).toMatchObject({ file: join(dir, 'missing.db'), secret: SECRET });
    expect(mamori(['audit', 'verify']).code).toBe(0);
  });
});
