/**
 * `mamori anonymize --spec FILE` as an operator runs it: a real process on a SQLite file with the demo co-op and
 * its ordering system. A dry run prints the risk report as tables (levels, lattice, risks, time per phase) and
 * the phases of the progress bar on stderr, writing nothing; `--out` writes the anonymized CSV; a spec that
 * cannot be met exits 3 naming the cause; a bad file exits 1 with the line; `--target` delivers a release defined
 * in mamori once its method is published, and refuses one that is not.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../src/app/context.ts';
import { openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { loadKeyRing } from '../../src/modules/crypto/data-keys.ts';
import { seedDemo } from '../../src/modules/demo/seed.ts';
import { findStaffActor } from '../../src/modules/members/actor.ts';
import { createRelease, publishMethod } from '../../src/modules/releases/define-release.ts';
import { parseReleaseFile } from '../../src/modules/releases/spec-file.ts';
import { releaseTemplate } from '../../src/modules/releases/template.ts';

const root = join(import.meta.dirname, '..', '..');
let dir: string;
let env: NodeJS.ProcessEnv;

function mamori(args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'mamori.js'), ...args], { env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const specFile = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mamori-anonymize-cli-'));
  env = { ...process.env, MAMORI_DATA_DIR: dir, DATABASE_URL: `sqlite:${join(dir, 'mamori.db')}`, MAMORI_KEY_FILE: join(dir, 'keys.json') };
  delete env.MAMORI_DATA_KEYS;
  const opened = openDatabase(env.DATABASE_URL!);
  await migrateToLatest(opened.db, 'sqlite');
  const ctx = createContext({ db: opened.db, dialect: 'sqlite', keys: loadKeyRing(env.MAMORI_KEY_FILE!, {}) });
  mkdirSync(join(dir, 'systems'), { recursive: true });
  await seedDemo(ctx, 60, { systemsDir: join(dir, 'systems') });
  // A release defined in mamori with its method published: the one `--target` may deliver.
  const officer = await findStaffActor(ctx.db, 'officer');
  const defined = await createRelease(ctx, {
    actor: officer,
    spec: parseReleaseFile(releaseTemplate({ code: 'cli-defined', purchases: true })),
  });
  await publishMethod(ctx, { actor: officer, id: defined.id, version: defined.version, method: '共有フォルダに置きます。' });
  await createRelease(ctx, { actor: officer, spec: parseReleaseFile(releaseTemplate({ code: 'cli-unpublished', purchases: true })) });
  await opened.close();
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mamori anonymize', () => {
  it('dry run: the risk report as tables and the phases on stderr, nothing written', () => {
    const r = mamori([
      'anonymize',
      '--spec',
      specFile('dry.yaml', releaseTemplate({ code: 'cli-dry', purchases: true })),
      '--org',
      'demo-coop',
      '--dry-run',
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('損失の指標 / loss metric');
    expect(r.out).toContain('格子 / lattice');
    expect(r.out).toMatch(/age\s*│\s*\d+ \/ \d+/);
    expect(r.out).toContain('検察官モデル');
    expect(r.out).toContain('探索 / search');
    expect(r.out).toContain('試行のため何も出力していません');
    expect(r.err).toMatch(/読込 \/ read[\s\S]*探索 \/ search[\s\S]*検証 \/ verify/);
  });

  it('--out writes the anonymized rows with the labels as headers and keyed hashes', () => {
    const out = join(dir, 'out.csv');
    const r = mamori([
      'anonymize',
      '--spec',
      specFile('out.yaml', releaseTemplate({ code: 'cli-out', purchases: true })),
      '--out',
      out,
      '--org',
      'demo-coop',
    ]);
    expect(r.code, r.err).toBe(0);
    const rows = parse(readFileSync(out, 'utf8').replace(/^\uFEFF/, '')) as string[][];
    expect(rows[0]).toEqual(['顧客ID', '年代', '性別', 'はん個配区分', '月間利用額']);
    expect(rows.length).toBeGreaterThan(10);
    expect(rows[1]![0]).toMatch(/^[0-9a-f]{16,64}$/);
    const db = new BetterSqlite3(join(dir, 'mamori.db'), { readonly: true });
    const entry = db.prepare("select outcome, detail from audit_log where action = 'release.write_file'").get() as {
      outcome: string;
      detail: string;
    };
    db.close();
    expect(entry.outcome).toBe('ok');
    expect(JSON.parse(entry.detail)).toMatchObject({ code: 'cli-out', rows: rows.length - 1, file: 'out.csv', via: 'cli' });
  });

  it('exits 3 naming the cause when k cannot be met, and 1 with the line for a bad file', () => {
    const big = mamori([
      'anonymize',
      '--spec',
      specFile('big.yaml', releaseTemplate({ code: 'cli-big', purchases: true }).replace('k: 3', 'k: 5000')),
      '--dry-run',
      '--org',
      'demo-coop',
    ]);
    expect(big.code).toBe(3);
    expect(big.err).toContain('anonymize_k_exceeds_population');
    const bad = mamori(['anonymize', '--spec', specFile('bad.yaml', 'code: x\nname: [\n'), '--dry-run', '--org', 'demo-coop']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('release_spec_invalid');
  });

  it('--target delivers a defined, published release, and refuses one whose method is not published', () => {
    const ok = mamori([
      'anonymize',
      '--spec',
      specFile('defined.yaml', releaseTemplate({ code: 'cli-defined', purchases: true })),
      '--target',
      'partners',
      '--org',
      'demo-coop',
    ]);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toContain('提供しました / delivered');
    expect(readdirSync(join(dir, 'deliveries', 'partners')).some((n) => n.startsWith('cli-defined_'))).toBe(true);
    const refused = mamori([
      'anonymize',
      '--spec',
      specFile('unpublished.yaml', releaseTemplate({ code: 'cli-unpublished', purchases: true })),
      '--target',
      'partners',
      '--org',
      'demo-coop',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('release_method_unpublished');
    const undefinedRelease = mamori([
      'anonymize',
      '--spec',
      specFile('nodef.yaml', releaseTemplate({ code: 'cli-nodef', purchases: true })),
      '--target',
      'partners',
      '--org',
      'demo-coop',
    ]);
    expect(undefinedRelease.code).toBe(1);
    expect(undefinedRelease.err).toContain('release_not_found');
  });
});
