/**
 * `mamori pseudonymize` and `mamori keys rotate` as an operator runs them: a real process on a SQLite file. The
 * file states it is pseudonymized data; the purpose binding holds on the command line too; after key rotation the
 * set's key is under the new primary key and every member keeps the same pseudonym.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../app/context.ts';
import { PSEUDONYMIZED_NOTICE } from '../../contract/pseudonymized-vocabulary.ts';
import { openDatabase } from '../../db/database.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { KeyRing, loadKeyRing } from '../crypto/data-keys.ts';
import { seedDemo } from '../demo/seed.ts';
import { findStaffActor } from '../members/actor.ts';
import { createSet } from './define-set.ts';

const root = join(import.meta.dirname, '..', '..', '..');
let dir: string;
let env: NodeJS.ProcessEnv;

function mamori(args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'mamori.js'), ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mamori-pseudonymize-cli-'));
  env = { ...process.env, MAMORI_DATA_DIR: dir, DATABASE_URL: `sqlite:${join(dir, 'mamori.db')}`, MAMORI_KEY_FILE: join(dir, 'keys.json') };
  delete env.MAMORI_DATA_KEYS;
  const opened = openDatabase(env.DATABASE_URL!);
  await migrateToLatest(opened.db, 'sqlite');
  const ctx = createContext({ db: opened.db, dialect: 'sqlite', keys: loadKeyRing(env.MAMORI_KEY_FILE!, {}) });
  await seedDemo(ctx, 8);
  await createSet(ctx, {
    actor: await findStaffActor(ctx.db, 'officer'),
    input: {
      code: 'trends',
      name: '購買傾向',
      purposes: ['P16'],
      columns: [
        { field: 'member_code', treatment: 'pseudonym' },
        { field: 'gender', treatment: 'keep' },
      ],
    },
  });
  await opened.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mamori pseudonymize', () => {
  it('writes the set for a purpose the role holds, refuses one it does not, and keeps pseudonyms through key rotation', () => {
    const out = join(dir, 'trends.csv');
    const r = mamori(['pseudonymize', '--set', 'trends', '--purpose', 'P16', '--out', out, '--as', 'analyst']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('社内分析専用');
    const first = readFileSync(out, 'utf8').replace(/^\uFEFF/, '');
    expect(first.split('\r\n')[0]).toBe(PSEUDONYMIZED_NOTICE);
    expect(statSync(out).mode & 0o077).toBe(0);

    const refused = join(dir, 'refused.csv');
    const manager = mamori(['pseudonymize', '--set', 'trends', '--purpose', 'P16', '--out', refused, '--as', 'manager']);
    expect(manager.code).not.toBe(0);
    expect(manager.err).toContain('[purpose_not_permitted]');
    expect(existsSync(refused)).toBe(false);
    const undeclared = mamori(['pseudonymize', '--set', 'trends', '--purpose', 'P01', '--out', refused, '--as', 'officer']);
    expect(undeclared.err).toContain('[pseudonymized_purpose_not_declared]');

    const rotate = mamori(['keys', 'rotate']);
    expect(rotate.code, rotate.err).toBe(0);
    const ring = loadKeyRing(join(dir, 'keys.json'), {});
    const db = new BetterSqlite3(join(dir, 'mamori.db'), { readonly: true });
    const row = db.prepare("select key_enc from pseudonymized_sets where code = 'trends'").get() as { key_enc: string };
    db.close();
    expect(KeyRing.keyIdOf(row.key_enc)).toBe(ring.primaryId);
    const again = join(dir, 'trends-again.csv');
    expect(mamori(['pseudonymize', '--set', 'trends', '--purpose', 'P16', '--out', again, '--as', 'analyst']).code).toBe(0);
    const body = (text: string) => text.split('\r\n').slice(2).join('\n');
    expect(body(readFileSync(again, 'utf8'))).toBe(body(first));
    expect(mamori(['audit', 'verify']).code).toBe(0);
  });
});
