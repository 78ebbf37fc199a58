/**
 * `mamori deliveries targets add|list|check` and `mamori keys rotate` as an operator runs them: a real process on a
 * SQLite file, an SFTP target on the loopback server (the private key from standard input, never printed) and a
 * folder target; the check connects, writes and removes its probe; rotation re-encrypts the targets' settings.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSftpServer, type TestSftpServer } from '../../../test/support/sftp-server.ts';
import { createContext } from '../../app/context.ts';
import { openDatabase } from '../../db/database.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { KeyRing, loadKeyRing } from '../crypto/data-keys.ts';
import { seedDemo } from '../demo/seed.ts';
import { sshFingerprint } from './sftp-destination.ts';

const root = join(import.meta.dirname, '..', '..', '..');
let dir: string;
let env: NodeJS.ProcessEnv;
let server: TestSftpServer;

/** Runs the CLI asynchronously: the SFTP server lives in this process and must keep answering. */
function mamori(args: string[], input?: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'mamori.js'), ...args], { env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin.end(input ?? '');
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mamori-deliveries-cli-'));
  mkdirSync(join(dir, 'out'));
  env = {
    ...process.env,
    MAMORI_DATA_DIR: dir,
    DATABASE_URL: `sqlite:${join(dir, 'mamori.db')}`,
    MAMORI_KEY_FILE: join(dir, 'keys.json'),
    MAMORI_DELIVERY_DIRS: join(dir, 'out'),
  };
  delete env.MAMORI_DATA_KEYS;
  delete env.MAMORI_DELIVERY_SECRET;
  const opened = openDatabase(env.DATABASE_URL!);
  await migrateToLatest(opened.db, 'sqlite');
  const ctx = createContext({ db: opened.db, dialect: 'sqlite', keys: loadKeyRing(env.MAMORI_KEY_FILE!, {}) });
  await seedDemo(ctx, 3);
  await opened.close();
  server = await startSftpServer();
  mkdirSync(join(server.root, 'drop'));
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('mamori deliveries targets', () => {
  it('adds an SFTP target with the key from stdin and a folder target, lists and checks them — the key never printed', async () => {
    const keyLine = server.privateKey.split('\n')[1]!;
    const add = await mamori(
      [
        ...['deliveries', 'targets', 'add', '--as', 'officer', '--code', 'partner', '--name', '取引先サーバー', '--kind', 'sftp'],
        ...['--recipient', '株式会社みやぎ流通研究所', '--directory', '/drop', '--host', '127.0.0.1', '--port', String(server.port)],
        ...['--user', server.user, '--host-key', sshFingerprint(server.hostKey), '--secret-stdin'],
      ],
      server.privateKey,
    );
    expect(add.code, add.err).toBe(0);
    expect(add.out).toContain('秘密情報: 設定済み');
    const folder = await mamori([
      ...['deliveries', 'targets', 'add', '--as', 'officer', '--code', 'share', '--name', '共有フォルダ', '--kind', 'folder'],
      ...['--recipient', '共同研究先', '--directory', join(dir, 'out')],
    ]);
    expect(folder.code, folder.err).toBe(0);
    const check = await mamori(['deliveries', 'targets', 'check', 'partner', '--as', 'officer']);
    expect(check.code, check.err).toBe(0);
    expect(check.out).toContain('接続・書き込みできます');
    const list = await mamori(['deliveries', 'targets', 'list', '--as', 'officer']);
    expect(list.code, list.err).toBe(0);
    expect(list.out).toMatch(/^partner\t取引先サーバー\tSFTP サーバー\t株式会社みやぎ流通研究所\t.*秘密情報: 設定済み\t接続可/m);
    expect(list.out).toMatch(/^share\t共有フォルダ\tフォルダ\t共同研究先\t.*\t未確認/m);
    const json = await mamori(['deliveries', 'targets', 'list', '--as', 'auditor', '--json']);
    expect(JSON.parse(json.out).targets[0].settings).toBeUndefined();
    for (const r of [add, check, list, json]) expect(r.out + r.err).not.toContain(keyLine);
    // Refusals: a role without a part; a folder outside the allowed ones; a wrong host key named in the check.
    expect((await mamori(['deliveries', 'targets', 'list', '--as', 'staff'])).err).toMatch(/\[forbidden\]/);
    const outside = await mamori([
      ...['deliveries', 'targets', 'add', '--as', 'officer', '--code', 'etc', '--name', 'x', '--kind', 'folder'],
      ...['--recipient', 'x', '--directory', '/etc'],
    ]);
    expect(outside.code).not.toBe(0);
    expect(outside.err).toMatch(/delivery_settings_invalid/);
  }, 60_000);

  it('keys rotate re-encrypts the targets: the new key opens them, the old one is no longer used', async () => {
    const r = await mamori(['keys', 'rotate']);
    expect(r.code, r.err).toBe(0);
    const ring = loadKeyRing(join(dir, 'keys.json'), {});
    const db = new BetterSqlite3(join(dir, 'mamori.db'), { readonly: true });
    const rows = db.prepare('select code, settings_enc from delivery_targets order by code').all() as {
      code: string;
      settings_enc: string;
    }[];
    db.close();
    expect(rows.map((x) => x.code)).toEqual(['partner', 'share']);
    const newOnly = new KeyRing({ primary: ring.primaryId, keys: ring.file.keys.filter((k) => k.id === ring.primaryId) });
    for (const row of rows) expect(KeyRing.keyIdOf(row.settings_enc)).toBe(ring.primaryId);
    const opened = JSON.parse(newOnly.decrypt(rows[0]!.settings_enc)) as { host: string; secret: string };
    expect(opened.host).toBe('127.0.0.1');
    expect(opened.secret.trim()).toBe(server.privateKey.trim());
  }, 60_000);
});
