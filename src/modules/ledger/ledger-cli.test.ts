/** `mamori ledger list` and `mamori ledger export` as an operator runs them: a real process on a SQLite file. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../app/context.ts';
import { openDatabase } from '../../db/database.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { loadKeyRing } from '../crypto/data-keys.ts';
import { seedDemo } from '../demo/seed.ts';
import { seedDemoLedger } from './demo.ts';

const root = join(import.meta.dirname, '..', '..', '..');
let dir: string;
let env: NodeJS.ProcessEnv;

function mamori(args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'mamori.js'), ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mamori-ledger-cli-'));
  env = { ...process.env, MAMORI_DATA_DIR: dir, DATABASE_URL: `sqlite:${join(dir, 'mamori.db')}`, MAMORI_KEY_FILE: join(dir, 'keys.json') };
  delete env.MAMORI_DATA_KEYS;
  const opened = openDatabase(env.DATABASE_URL!);
  await migrateToLatest(opened.db, 'sqlite');
  const ctx = createContext({ db: opened.db, dialect: 'sqlite', keys: loadKeyRing(env.MAMORI_KEY_FILE!, {}) });
  await seedDemo(ctx, 5);
  const org = await ctx.db.selectFrom('organizations').select('id').where('code', '=', 'demo-coop').executeTakeFirstOrThrow();
  await ctx.db.transaction().execute((tx) => seedDemoLedger(tx, org.id, new Date()));
  await opened.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mamori ledger', () => {
  it('lists the ledger, and only overdue reviews with --overdue', () => {
    const all = mamori(['ledger', 'list', '--org', 'demo-coop']);
    expect(all.code).toBe(0);
    expect(all.out).toContain('L-0001\t組合員台帳システム\t機関運営部');
    expect(all.out).toMatch(/6 件 \/ assets/);
    const overdue = mamori(['ledger', 'list', '--org', 'demo-coop', '--overdue']);
    expect(overdue.code).toBe(0);
    expect(overdue.out).toContain('共済申込書（紙）');
    expect(overdue.out).toMatch(/期限切れ \/ Overdue（\d+日超過/);
    expect(overdue.out).not.toContain('組合員台帳システム');
    expect(overdue.out).toMatch(/^1 件/m);
  });

  it('exports the workbook to a file and records the export', async () => {
    const file = join(dir, '台帳.xlsx');
    const r = mamori(['ledger', 'export', '--org', 'demo-coop', '--out', file]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('6 件の情報資産を書き出しました');
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['台帳', 'リスク評価', '見直し状況']);
    const trail = mamori(['audit', 'search', '--org', 'demo-coop', '--action', 'ledger.export']);
    // The trail reads as words: the action's Japanese label (台帳の出力 = ledger.export).
    expect(trail.out).toContain('台帳の出力');
  });

  it('names an unknown organization', () => {
    const r = mamori(['ledger', 'list', '--org', 'no-such-coop']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('organization_unknown');
  });
});
