/**
 * Bulk member import: 1,000,000 rows of UTF-8 CSV into a fresh database (SQLite, and PostgreSQL when it is
 * reachable: see bench/pg.ts, `BENCH_DIALECTS`) through the real command, `mamori import members`, run as a
 * child process so that its peak memory is its own. Targets: ≤ 30 s and ≤ 512 MB (on a 2-core machine). The time is the command's wall clock, start-up included; the memory is its
 * maximum resident set size (`/usr/bin/time -v`, else the command's own `process.resourceUsage().maxRSS`).
 *
 * The file comes from the demo generator (`syntheticMember`, `csvLine`: 85% with a bank account to encrypt);
 * the database gets the demo co-op's organizations first (`seedDemo(ctx, 0)`). BENCH_IMPORT_ROWS changes the
 * size; BENCH_KEEP=1 keeps bench/tmp/import-members/ (the CSV is then reused by the next run).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createContext } from '../src/app/context.ts';
import type { DialectName } from '../src/db/database.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { loadKeyRing } from '../src/modules/crypto/data-keys.ts';
import { DEMO_ORG, seedDemo } from '../src/modules/demo/seed.ts';
import { csvColumns, csvLine, syntheticMember } from '../src/modules/demo/synthetic.ts';
import { measureCpu } from './cpu.ts';
import { benchDialects, dropPgDatabase, freshPgDatabase } from './pg.ts';
import { pgbenchYardstick } from './pgbench.ts';
import type { BenchResult } from './types.ts';

const TARGET_SECONDS = 30;
const TARGET_MB = 512;
const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);
const root = join(import.meta.dirname, '..');
const dir = join(import.meta.dirname, 'tmp', 'import-members');
const csv = join(dir, `members-${ROWS}.csv`);
const dbFile = join(dir, 'mamori.db');
const keysFile = join(dir, 'keys.json');
const PG_DATABASE = 'mamori_bench_import';

async function writeCsv(file: string): Promise<void> {
  const out = createWriteStream(file);
  out.write(`${csvColumns.join(',')}\n`);
  let chunk = '';
  for (let i = 1; i <= ROWS; i++) {
    chunk += `${csvLine(syntheticMember(i))}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

/** A fresh database with the demo organizations; returns its URL. */
async function freshDatabase(dialect: DialectName): Promise<string> {
  let url = `sqlite:${dbFile}`;
  if (dialect === 'sqlite') for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) rmSync(f, { force: true });
  else url = await freshPgDatabase(PG_DATABASE);
  const opened = openDatabase(url);
  await migrateToLatest(opened.db, dialect);
  const ctx = createContext({
    db: opened.db,
    dialect,
    ...(opened.sqlite ? { sqlite: opened.sqlite } : {}),
    keys: loadKeyRing(keysFile, {}),
  });
  await seedDemo(ctx, 0);
  await opened.close();
  return url;
}

interface CommandRun {
  code: number | null;
  seconds: number;
  stdout: string;
  stderr: string;
}

async function importCommand(url: string): Promise<CommandRun> {
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  // BENCH_CPU_PROF=DIR: the command writes a V8 CPU profile of its main thread into DIR.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
  const args = [
    ...profile,
    join(root, 'bin', 'mamori.js'),
    'import',
    'members',
    csv,
    '--org',
    DEMO_ORG,
    '--json',
    '--report',
    join(dir, 'rejected.csv'),
  ];
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url, MAMORI_DATA_DIR: dir, MAMORI_KEY_FILE: keysFile };
  delete env.MAMORI_DATA_KEYS;
  const started = performance.now();
  const child = timeBin
    ? spawn(timeBin, ['-v', process.execPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, seconds: (performance.now() - started) / 1000, stdout, stderr };
}

export default async function run(): Promise<BenchResult[]> {
  mkdirSync(dir, { recursive: true });
  if (!existsSync(csv)) await writeCsv(csv);
  const results: BenchResult[] = [];
  try {
    for (const dialect of await benchDialects()) results.push(...(await measure(dialect)));
  } finally {
    if (process.env.BENCH_KEEP !== '1') {
      rmSync(dir, { recursive: true, force: true });
      await dropPgDatabase(PG_DATABASE).catch(() => {});
    }
  }
  return results;
}

async function measure(dialect: DialectName): Promise<BenchResult[]> {
  const fileMb = statSync(csv).size / 2 ** 20;
  const url = await freshDatabase(dialect);
  const yardstick = dialect === 'postgres' ? await pgbenchYardstick() : null;
  const watch = measureCpu([]);
  const r = await importCommand(url);
  const machine = watch.stop();
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
  const summary = line
    ? (JSON.parse(line) as {
        created: number;
        seconds: number;
        peak_rss_mb: number;
        indexesRebuilt: boolean;
        timings: Record<'lookup' | 'members' | 'audit' | 'indexes' | 'commit', number>;
      })
    : null;
  const t = summary?.timings;
  const waits = t
    ? `; the writer waited on members ${t.members} s, audit entries ${t.audit} s, lookups ${t.lookup} s, index rebuild ${t.indexes} s${summary.indexesRebuilt ? '' : ' (none)'}, commit ${t.commit} s`
    : '';
  const timeRss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  const cpu = ['User', 'System'].map((k) => Number(new RegExp(`${k} time \\(seconds\\): ([\\d.]+)`).exec(r.stderr)?.[1] ?? Number.NaN));
  const peakMb = timeRss ? Math.round(Number(timeRss[1]) / 1024) : (summary?.peak_rss_mb ?? Number.NaN);
  const complete = r.code === 0 && summary?.created === ROWS;
  const problem = complete ? '' : ` FAILED (exit ${r.code}, created ${summary?.created ?? '?'}): ${r.stderr.slice(-500)}`;
  const seconds = Math.round(r.seconds * 10) / 10;
  const label = dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  // What the machine did meanwhile besides the command: on PostgreSQL, mostly the server's backends.
  const commandCpu = (cpu[0] ?? 0) + (cpu[1] ?? 0);
  const rest = Number.isNaN(commandCpu)
    ? ''
    : `, the rest of the machine ${Math.max(0, machine.bench + machine.other + machine.postgres - commandCpu).toFixed(1)} s`;
  const server = `; machine over the run: busy ${(machine.bench + machine.other + machine.postgres).toFixed(1)} CPU-s${rest}${dialect === 'postgres' ? ' (mostly the PostgreSQL server on the same machine)' : ''}, idle ${machine.idle.toFixed(1)} s`;
  return [
    {
      name: `import ${ROWS.toLocaleString('en-US')} members (${label}, UTF-8 CSV)`,
      target: `≤ ${TARGET_SECONDS} s`,
      value: seconds,
      unit: 's',
      ok: complete && seconds <= TARGET_SECONDS,
      notes:
        `${Math.round(ROWS / r.seconds).toLocaleString('en-US')} rows/s end to end (command start to exit); ` +
        `${summary?.seconds ?? '?'} s inside the import${waits}; CPU of the command ${Number.isNaN(cpu[0]!) ? '?' : `user ${cpu[0]} s + system ${cpu[1]} s`}${server}; ` +
        `file ${fileMb.toFixed(0)} MB${yardstick ? `; ${yardstick.note(ROWS / r.seconds, 'rows/s')}` : ''}${problem}`,
    },
    {
      name: dialect === 'sqlite' ? 'import peak memory' : `import peak memory (${label})`,
      target: `≤ ${TARGET_MB} MB`,
      value: peakMb,
      unit: 'MB',
      ok: complete && peakMb <= TARGET_MB,
      notes: `maximum resident set size of the command (${timeRss ? '/usr/bin/time -v' : 'process.resourceUsage'}), all threads`,
    },
  ];
}
