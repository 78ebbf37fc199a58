/**
 * `mamori handovers contractors|inspect|transfer` as an operator runs them: a real process on a SQLite file.
 * The demo printer is blocked until an inspection is recorded; a transfer's dry run prints the counts, the real
 * one writes the CSV (readable by its owner only) and its checksum.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../app/context.ts';
import { openDatabase } from '../../db/database.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { loadKeyRing } from '../crypto/data-keys.ts';
import { seedDemo } from '../demo/seed.ts';

const root = join(import.meta.dirname, '..', '..', '..');
let dir: string;
let env: NodeJS.ProcessEnv;

function mamori(args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'mamori.js'), ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mamori-handovers-cli-'));
  env = { ...process.env, MAMORI_DATA_DIR: dir, DATABASE_URL: `sqlite:${join(dir, 'mamori.db')}`, MAMORI_KEY_FILE: join(dir, 'keys.json') };
  delete env.MAMORI_DATA_KEYS;
  const opened = openDatabase(env.DATABASE_URL!);
  await migrateToLatest(opened.db, 'sqlite');
  const ctx = createContext({ db: opened.db, dialect: 'sqlite', keys: loadKeyRing(env.MAMORI_KEY_FILE!, {}) });
  await seedDemo(ctx, 8);
  await opened.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mamori handovers', () => {
  it('lists the contractors with what blocks them, records an inspection, and then the printer may hand over', () => {
    const before = mamori(['handovers', 'contractors', '--as', 'auditor']);
    expect(before.code, before.err).toBe(0);
    expect(before.out).toMatch(/^demo-print\tデモ印刷株式会社（架空）\t契約 有効.*\t点検 期限切れ.*\tinspection_overdue$/m);
    expect(
      mamori(['handovers', 'inspect', 'demo-print', '--as', 'auditor', '--inspector', '監査 花子', '--result', 'satisfactory']).err,
    ).toMatch(/\[forbidden\]/);
    const inspect = mamori([
      'handovers',
      'inspect',
      'demo-print',
      '--as',
      'officer',
      '--inspector',
      '監査 花子',
      '--result',
      'satisfactory',
    ]);
    expect(inspect.code, inspect.err).toBe(0);
    expect(mamori(['handovers', 'contractors', '--as', 'officer']).out).toMatch(/^demo-print\t.*\t点検 期限内.*\t受け渡し可/m);
    expect(mamori(['handovers', 'contractors', '--as', 'staff']).err).toMatch(/\[forbidden\]/);
  });

  it('previews a transfer, then writes the file with its checksum; an undeclared item is refused by name', () => {
    const dry = mamori(['handovers', 'transfer', 'miyagi-coop-group', '--as', 'officer', '--purpose', 'P04', '--dry-run']);
    expect(dry.code, dry.err).toBe(0);
    const covered = Number(/対象 \/ covered: (\d+)/.exec(dry.out)?.[1]);
    expect(covered).toBeGreaterThan(0);
    expect(dry.out).toContain('項目 / items: メンバー（組合員）コード、氏名、住所、電話番号');

    const out = join(dir, 'transfer.csv');
    const r = mamori(['handovers', 'transfer', 'miyagi-coop-group', '--as', 'officer', '--purpose', 'P04', '--out', out]);
    expect(r.code, r.err).toBe(0);
    const body = readFileSync(out);
    expect(r.out).toContain(`SHA-256 ${createHash('sha256').update(body).digest('hex')}`);
    expect(body.toString('utf8').trimEnd().split('\r\n')).toHaveLength(covered + 1);
    expect(statSync(out).mode & 0o077).toBe(0);

    const refused = mamori([
      'handovers',
      'transfer',
      'coop-kyosai-ren',
      '--as',
      'officer',
      '--purpose',
      'P14',
      '--items',
      'name',
      '--dry-run',
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain('[joint_use_item_not_declared]');
    expect(refused.err).toContain('「氏名」（name）');
  });
});
