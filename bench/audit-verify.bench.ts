/**
 * `mamori audit verify` over 10,000,000 audit entries, on SQLite and on PostgreSQL: builds a migrated database
 * whose audit chain holds 10M valid entries (hashed with the chain's own `entryHash`, with the detail payloads
 * real events have; on SQLite written with prepared statements, on PostgreSQL with one COPY into a database of
 * its own), then times the real CLI against it. Building is outside the timed part.
 *
 * The secondary indexes of audit_log are dropped for the bulk load and rebuilt afterwards only with
 * BENCH_AUDIT_INDEXES=1: verification reads the table itself in sequence order, never those indexes, and
 * rebuilding them adds minutes to the set-up. BENCH_AUDIT_ENTRIES changes the size; BENCH_AUDIT_DIALECTS
 * (`sqlite,postgres`) which cases run; BENCH_PG_URL the PostgreSQL server (default postgres@127.0.0.1:5432);
 * BENCH_KEEP=1 keeps the databases (bench/tmp/audit-verify/, PostgreSQL database
 * `mamori_bench_audit_verify_<entries>`) for the next run instead of deleting them.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { entryHash, GENESIS_HASH } from '../src/modules/audit/canonical.ts';
import { rng } from '../src/modules/demo/synthetic.ts';
import { pgbenchYardstick } from './pgbench.ts';
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

/** A chain entry: seq, ts, the event, prev_hash, hash. */
type ChainRow = [number, string, ...Entry, string, string];

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

/** Two years of activity in time order: the `n` entries of a valid chain, as row arrays (audit_log's columns). */
function* generate(n: number): Generator<ChainRow> {
  const start = Date.parse('2024-12-01T00:00:00Z');
  const step = (2 * 365 * 86400_000) / n;
  let prev = GENESIS_HASH;
  const began = Date.now();
  for (let seq = 1; seq <= n; seq++) {
    const [org_id, actor_type, actor_id, action, outcome, purpose_code, member_id, error_code, detail] = event();
    const ts = new Date(start + Math.floor(seq * step)).toISOString();
    const fields = { seq, ts, org_id, actor_type, actor_id, action, outcome, purpose_code, member_id, error_code, detail };
    const hash = entryHash(prev, fields);
    yield [seq, ts, org_id, actor_type, actor_id, action, outcome, purpose_code, member_id, error_code, detail, prev, hash];
    prev = hash;
    if (seq % 1_000_000 === 0 && seq < n) {
      console.log(`  … ${seq.toLocaleString()} entries (${Math.round(seq / ((Date.now() - began) / 1000)).toLocaleString()}/s)`);
    }
  }
}

/** Builds the SQLite database: the real migration, then `n` chained entries in 100,000-row transactions. */
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
  const batch = 100_000;
  let last = GENESIS_HASH;
  raw.exec('begin');
  for (const row of generate(n)) {
    insert.run(...row);
    last = row[12];
    if (row[0] % batch === 0) raw.exec('commit; begin');
  }
  raw.exec('commit');
  raw.prepare('update audit_head set seq = ?, hash = ? where id = 1').run(n, last);
  if (process.env.BENCH_AUDIT_INDEXES === '1') {
    for (const index of indexes) raw.exec(index.sql);
  }
  raw.pragma('journal_mode = WAL');
  raw.close();
}

/** COPY's text format for one value (`\\N` for NULL; backslash, tab, newline and carriage return escaped). */
const copyText = (v: string | number | null): string =>
  v === null ? '\\N' : typeof v === 'number' ? String(v) : /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => copyEscapes[c]!) : v;
const copyEscapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * `COPY … FROM STDIN` through node-postgres, fed by `source` (text-format lines): the "submittable" shape
 * node-postgres accepts in place of a query, as pg-copy-streams plugs in. Waits for the socket to drain.
 */
function copyIn(client: pg.Client, sql: string, source: Iterable<string>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let failed: unknown;
    const submittable = {
      text: sql,
      submit(connection: { query(text: string): void }) {
        connection.query(sql);
      },
      handleCopyInResponse(connection: {
        sendCopyFromChunk(b: Buffer): void;
        endCopyFrom(): void;
        sendCopyFail(m: string): void;
        stream: NodeJS.WritableStream & { writableNeedDrain: boolean };
      }) {
        const it = source[Symbol.iterator]();
        const pump = () => {
          try {
            for (let next = it.next(); !next.done; next = it.next()) {
              connection.sendCopyFromChunk(Buffer.from(next.value));
              if (connection.stream.writableNeedDrain) {
                connection.stream.once('drain', pump);
                return;
              }
            }
            connection.endCopyFrom();
          } catch (error) {
            failed = error;
            connection.sendCopyFail(String(error));
          }
        };
        pump();
      },
      handleCopyData() {},
      handleCommandComplete() {},
      handleRowDescription() {},
      handleDataRow() {},
      handleEmptyQuery() {},
      handlePortalSuspended() {},
      handleReadyForQuery() {
        if (failed) reject(failed);
        else resolve();
      },
      handleError(error: unknown) {
        reject(failed ?? error);
      },
    };
    client.query(submittable as never);
  });
}

/** The chain as COPY text in chunks of about 1 MiB. */
function* copyChunks(n: number, last: { hash: string }): Generator<string> {
  let chunk = '';
  for (const row of generate(n)) {
    chunk += `${row.map(copyText).join('\t')}\n`;
    last.hash = row[12];
    if (chunk.length > 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/**
 * Builds a PostgreSQL database `name` on the server of `adminUrl`: the real migrations, then `n` chained entries
 * with one COPY, the primary key made after the load (and the secondary indexes only with
 * BENCH_AUDIT_INDEXES=1), then VACUUM ANALYZE, as a table that has lived a while would be.
 */
async function buildPostgres(adminUrl: string, name: string, n: number): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = databaseUrl(adminUrl, name);
  const opened = openDatabase(url);
  await migrateToLatest(opened.db, 'postgres');
  await opened.close();

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('set synchronous_commit = off');
    await client.query("set maintenance_work_mem = '512MB'");
    const { rows: indexes } = await client.query<{ name: string; sql: string }>(
      `select indexname as name, indexdef as sql from pg_indexes where tablename = 'audit_log'
        and indexname not in (select conname from pg_constraint where conrelid = 'audit_log'::regclass)`,
    );
    const { rows: pk } = await client.query<{ name: string; sql: string }>(
      "select conname as name, pg_get_constraintdef(oid) as sql from pg_constraint where conrelid = 'audit_log'::regclass and contype = 'p'",
    );
    for (const index of indexes) await client.query(`drop index ${index.name}`);
    for (const c of pk) await client.query(`alter table audit_log drop constraint ${c.name}`);
    const last = { hash: GENESIS_HASH };
    const began = Date.now();
    await copyIn(
      client,
      'copy audit_log (seq, ts, org_id, actor_type, actor_id, action, outcome, purpose_code, member_id, error_code, detail, prev_hash, hash) from stdin',
      copyChunks(n, last),
    );
    console.log(`  copied in ${((Date.now() - began) / 1000).toFixed(0)} s; indexing`);
    for (const c of pk) await client.query(`alter table audit_log add constraint ${c.name} ${c.sql}`);
    // Unique indexes always (the sequencer's insert names the entry id's as its conflict target: a verification
    // drains the queue first, and its own entry waits there for the next run); the others only when asked.
    for (const index of indexes) {
      if (process.env.BENCH_AUDIT_INDEXES === '1' || /^create unique/i.test(index.sql)) await client.query(index.sql);
    }
    await client.query('update audit_head set seq = $1, hash = $2 where id = 1', [n, last.hash]);
    await client.query('vacuum (analyze) audit_log');
  } finally {
    await client.end();
  }
}

/** `url` with its database name replaced. */
function databaseUrl(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
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

/** Runs the CLI's `audit verify --json` against `env`'s database and checks its report. */
async function timeVerify(env: Record<string, string>): Promise<{ ok: boolean; entries: number; seconds: number }> {
  const result = await cli(['audit', 'verify', '--json'], env);
  if (result.code !== 0) throw new Error(`audit verify exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
  const report = JSON.parse(result.stdout.trim().split('\n').pop()!) as { ok: boolean; entries: number; seconds: number };
  console.log(
    `  verify: ${report.entries.toLocaleString()} entries ok=${report.ok} in ${result.seconds.toFixed(1)} s (CLI's own count ${report.seconds} s)`,
  );
  return { ok: report.ok, entries: report.entries, seconds: result.seconds };
}

const millions = `${(ENTRIES / 1e6).toLocaleString('en-US')}M`;

async function runSqlite(): Promise<BenchResult> {
  if (!existsSync(dbFile)) {
    for (const suffix of ['-wal', '-shm']) rmSync(`${dbFile}${suffix}`, { force: true });
    const began = Date.now();
    await build(`${dbFile}.building`, ENTRIES);
    rmSync(dbFile, { force: true });
    renameSync(`${dbFile}.building`, dbFile);
    console.log(`  built ${ENTRIES.toLocaleString()} entries in ${((Date.now() - began) / 1000).toFixed(0)} s`);
  } else {
    console.log(`  reusing ${dbFile}`);
  }
  const size = statSync(dbFile).size;
  const run = await timeVerify({ DATABASE_URL: `sqlite:${dbFile}`, MAMORI_KEY_FILE: join(dir, 'keys.json'), LOG_LEVEL: 'warn' });
  // The CLI records its verification in the chain: a second run sees one entry more and must still pass.
  return {
    name: `audit verify, ${millions} entries (CLI)`,
    target: `≤ ${TARGET_SECONDS} s`,
    value: Math.round(run.seconds * 10) / 10,
    unit: 's',
    ok: run.ok && run.entries >= ENTRIES && run.seconds <= TARGET_SECONDS,
    notes: `wall time of \`mamori audit verify\` incl. start-up; ${Math.round(run.entries / run.seconds).toLocaleString('en-US')} entries/s; SQLite file ${(size / 2 ** 30).toFixed(1)} GiB, in the page cache`,
  };
}

/** The PostgreSQL server to build the database on (any database of it; the bench creates its own). */
const pgAdminUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const pgDatabase = `mamori_bench_audit_verify_${ENTRIES}`;
const pgMarker = `mamori bench: ${ENTRIES} audit entries`;

async function runPostgres(): Promise<BenchResult> {
  const admin = new pg.Client({ connectionString: pgAdminUrl });
  await admin.connect();
  let existing: string | undefined;
  try {
    const { rows } = await admin.query<{ comment: string | null }>(
      'select shobj_description(oid, $2) as comment from pg_database where datname = $1',
      [pgDatabase, 'pg_database'],
    );
    existing = rows[0]?.comment ?? undefined;
  } finally {
    await admin.end();
  }
  if (existing === pgMarker) {
    console.log(`  reusing PostgreSQL database ${pgDatabase}`);
  } else {
    const began = Date.now();
    await buildPostgres(pgAdminUrl, pgDatabase, ENTRIES);
    const done = new pg.Client({ connectionString: pgAdminUrl });
    await done.connect();
    await done.query(`comment on database ${pgDatabase} is '${pgMarker}'`);
    await done.end();
    console.log(`  built ${ENTRIES.toLocaleString()} entries on PostgreSQL in ${((Date.now() - began) / 1000).toFixed(0)} s`);
  }
  const url = databaseUrl(pgAdminUrl, pgDatabase);
  const size = await (async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const { rows } = await c.query<{ bytes: string }>(
      "select sum(pg_total_relation_size(relid))::text as bytes from pg_partition_tree('audit_log')",
    );
    await c.end();
    return Number(rows[0]!.bytes);
  })();
  const yardstick = await pgbenchYardstick();
  const run = await timeVerify({ DATABASE_URL: url, MAMORI_KEY_FILE: join(dir, 'keys.json'), LOG_LEVEL: 'warn' });
  return {
    name: `audit verify on PostgreSQL, ${millions} entries (CLI)`,
    target: `≤ ${TARGET_SECONDS} s`,
    value: Math.round(run.seconds * 10) / 10,
    unit: 's',
    ok: run.ok && run.entries >= ENTRIES && run.seconds <= TARGET_SECONDS,
    notes: `wall time of \`mamori audit verify\` incl. start-up; ${Math.round(run.entries / run.seconds).toLocaleString('en-US')} entries/s; audit_log ${(size / 2 ** 30).toFixed(1)} GiB, PostgreSQL on the same host, in its page cache; ${yardstick.note(run.entries / run.seconds, 'entries/s')}`,
  };
}

/** Dropped unless BENCH_KEEP=1 (the next run then reuses it). */
async function dropPostgres(): Promise<void> {
  const admin = new pg.Client({ connectionString: pgAdminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${pgDatabase}`);
  await admin.end();
}

export default async function run(): Promise<BenchResult[]> {
  mkdirSync(dir, { recursive: true });
  const keep = process.env.BENCH_KEEP === '1';
  const which = (process.env.BENCH_AUDIT_DIALECTS ?? 'sqlite,postgres').split(',');
  const results: BenchResult[] = [];
  try {
    if (which.includes('sqlite')) results.push(await runSqlite());
    if (which.includes('postgres')) {
      try {
        results.push(await runPostgres());
      } finally {
        if (!keep) await dropPostgres();
      }
    }
    return results;
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}
