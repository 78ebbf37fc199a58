/**
 * `mamori audit verify` over 10,000,000 audit entries: builds a migrated SQLite database whose audit chain
 * holds 10M valid entries (written directly with prepared statements, hashed with the chain's own
 * `entryHash`, with the detail payloads real events have), then times the real CLI against it.
 *
 * The secondary indexes of audit_log are dropped for the bulk load and rebuilt afterwards only with
 * BENCH_AUDIT_INDEXES=1: verification reads the table itself in sequence order, never those indexes, and
 * rebuilding them adds minutes to the set-up. BENCH_AUDIT_ENTRIES changes the size; BENCH_KEEP=1 keeps the
 * database (bench/tmp/audit-verify/) for the next run instead of deleting it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { entryHash, GENESIS_HASH } from '../src/modules/audit/canonical.ts';
import { rng } from '../src/modules/demo/synthetic.ts';
import type { BenchResult } from './types.ts';

const TARGET_SECONDS = 30;
const ENTRIES = Number(process.env.BENCH_AUDIT_ENTRIES ?? 10_000_000);
const dir = join(import.meta.dirname, 'tmp', 'audit-verify');
const dbFile = join(dir, `audit-${ENTRIES}.db`);

const r = rng(2026);
const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const uuid = () => {
  const h = Array.from({ length: 32 }, () => Math.floor(r() * 16).toString(16)).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
};

// Pools of ids, as a co-op with a few hundred staff and 100,000 members would write them.
const orgId = uuid();
const staff = Array.from({ length: 300 }, uuid);
const members = Array.from({ length: 100_000 }, uuid);
const readItems = [
  '["address","delivery_type","member_code","name","name_kana","phone","postal_code"]',
  '["member_code","name","phone"]',
  '["bank_account","member_code","name","share_capital"]',
  '["address","birth_date","gender","join_date","leave_date","member_code","name","name_kana","phone","postal_code"]',
];
const purposes = ['P01', 'P02', 'P03', 'P04', 'P06', 'P13', 'P14', 'P16'];
const vias = ['api', 'console', 'cli'];

type Entry = [string | null, string, string | null, string, string, string | null, string | null, string | null, string];

/** One realistic event: [org_id, actor_type, actor_id, action, outcome, purpose, member_id, error_code, detail]. */
function event(): Entry {
  const roll = r();
  const actor = pick(staff);
  if (roll < 0.78) {
    return [
      orgId,
      'user',
      actor,
      'member.read',
      'allowed',
      pick(purposes),
      pick(members),
      null,
      `{"items":${pick(readItems)},"via":"${pick(vias)}"}`,
    ];
  }
  if (roll < 0.8) {
    return [
      orgId,
      'user',
      actor,
      'member.read',
      'refused',
      pick(purposes),
      pick(members),
      'purpose_not_permitted',
      `{"via":"${pick(vias)}"}`,
    ];
  }
  if (roll < 0.9) {
    const ids = Array.from({ length: 1 + Math.floor(r() * 20) }, () => `"${pick(members)}"`);
    return [
      orgId,
      'user',
      actor,
      'member.search',
      'allowed',
      pick(purposes),
      null,
      null,
      `{"by":"${pick(['name_kana', 'phone', 'member_code'])}","member_ids":[${ids.join(',')}],"results":${ids.length}}`,
    ];
  }
  if (roll < 0.96) {
    return [
      orgId,
      'user',
      actor,
      'member.update',
      'ok',
      'P01',
      pick(members),
      null,
      `{"fields":["${pick(['address', 'phone', 'delivery_type', 'email'])}"],"version":${2 + Math.floor(r() * 5)},"via":"console"}`,
    ];
  }
  if (roll < 0.995)
    return [orgId, 'user', actor, 'auth.login', 'ok', null, null, null, `{"login":"staff${Math.floor(r() * 300)}","step":"password"}`];
  return [
    null,
    'anonymous',
    null,
    'auth.login',
    'failed',
    null,
    null,
    'invalid_credentials',
    '{"login":"unknown","reason":"unknown_login","step":"password"}',
  ];
}

/** Builds the database: the real migration, then `n` chained entries in 100,000-row transactions. */
async function build(file: string, n: number): Promise<void> {
  const opened = openDatabase(`sqlite:${file}`);
  await migrateToLatest(opened.db, 'sqlite');
  await opened.close();

  const raw = new BetterSqlite3(file);
  raw.pragma('journal_mode = OFF');
  raw.pragma('synchronous = OFF');
  raw.pragma('cache_size = -262144');
  // As the migrations left them, to be made again as they were (BENCH_AUDIT_INDEXES=1).
  const indexes = raw
    .prepare("select name, sql from sqlite_master where type = 'index' and tbl_name = 'audit_log' and sql is not null")
    .all() as { name: string; sql: string }[];
  for (const index of indexes) raw.exec(`drop index ${index.name}`);
  const insert = raw.prepare(
    'insert into audit_log (seq, ts, org_id, actor_type, actor_id, action, outcome, purpose_code, member_id, error_code, detail, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  // Two years of activity, in time order.
  const start = Date.parse('2024-12-01T00:00:00Z');
  const step = (2 * 365 * 86400_000) / n;
  let prev = GENESIS_HASH;
  const began = Date.now();
  const batch = 100_000;
  for (let from = 1; from <= n; from += batch) {
    raw.exec('begin');
    for (let seq = from; seq < Math.min(from + batch, n + 1); seq++) {
      const [org_id, actor_type, actor_id, action, outcome, purpose_code, member_id, error_code, detail] = event();
      const ts = new Date(start + Math.floor(seq * step)).toISOString();
      const fields = { seq, ts, org_id, actor_type, actor_id, action, outcome, purpose_code, member_id, error_code, detail };
      const hash = entryHash(prev, fields);
      insert.run(seq, ts, org_id, actor_type, actor_id, action, outcome, purpose_code, member_id, error_code, detail, prev, hash);
      prev = hash;
    }
    raw.exec('commit');
    if ((from - 1) % 1_000_000 === 0 && from > 1) {
      const done = from - 1;
      console.log(`  … ${done.toLocaleString()} entries (${Math.round(done / ((Date.now() - began) / 1000)).toLocaleString()}/s)`);
    }
  }
  raw.prepare('update audit_head set seq = ?, hash = ? where id = 1').run(n, prev);
  if (process.env.BENCH_AUDIT_INDEXES === '1') {
    for (const index of indexes) raw.exec(index.sql);
  }
  raw.pragma('journal_mode = WAL');
  raw.close();
}

function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string; seconds: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'bin', 'mamori.js'), ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 10 * 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, seconds: (performance.now() - started) / 1000 });
    });
  });
}

export default async function run(): Promise<BenchResult[]> {
  mkdirSync(dir, { recursive: true });
  const keep = process.env.BENCH_KEEP === '1';
  try {
    if (!existsSync(dbFile)) {
      for (const suffix of ['-wal', '-shm']) rmSync(`${dbFile}${suffix}`, { force: true });
      const began = Date.now();
      await build(`${dbFile}.building`, ENTRIES);
      rmSync(dbFile, { force: true });
      const { renameSync } = await import('node:fs');
      renameSync(`${dbFile}.building`, dbFile);
      console.log(`  built ${ENTRIES.toLocaleString()} entries in ${((Date.now() - began) / 1000).toFixed(0)} s`);
    } else {
      console.log(`  reusing ${dbFile}`);
    }
    const size = statSync(dbFile).size;
    const env = { DATABASE_URL: `sqlite:${dbFile}`, MAMORI_KEY_FILE: join(dir, 'keys.json'), LOG_LEVEL: 'warn' };
    const result = await cli(['audit', 'verify', '--json'], env);
    if (result.code !== 0) throw new Error(`audit verify exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
    const report = JSON.parse(result.stdout.trim().split('\n').pop()!) as { ok: boolean; entries: number; seconds: number };
    console.log(
      `  verify: ${report.entries.toLocaleString()} entries ok=${report.ok} in ${result.seconds.toFixed(1)} s (CLI's own count ${report.seconds} s)`,
    );
    // The CLI records its verification in the chain: a second run sees one entry more and must still pass.
    return [
      {
        name: `audit verify, ${(ENTRIES / 1e6).toLocaleString('en-US')}M entries (CLI)`,
        target: `≤ ${TARGET_SECONDS} s`,
        value: Math.round(result.seconds * 10) / 10,
        unit: 's',
        ok: report.ok && report.entries >= ENTRIES && result.seconds <= TARGET_SECONDS,
        notes: `wall time of \`mamori audit verify\` incl. start-up; ${Math.round(report.entries / result.seconds).toLocaleString('en-US')} entries/s; SQLite file ${(size / 2 ** 30).toFixed(1)} GiB, in the page cache`,
      },
    ];
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}
