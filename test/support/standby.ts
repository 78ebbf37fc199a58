/**
 * A real hot standby for the replica tests (test/api/replica.test.ts): a pair of PostgreSQL clusters of the
 * installed server version (Debian: /usr/lib/postgresql/<major>/bin), each on a free port of 127.0.0.1 in a
 * temporary folder — a primary made with `initdb` (`wal_level = replica`, replication allowed from 127.0.0.1),
 * and a standby made from it with `pg_basebackup -R` that streams from it through a replication slot.
 *
 * Why a primary of its own rather than a base backup of the test server on 5432: a base backup copies the
 * whole cluster, and on a developer's machine that cluster holds the benchmarks' databases (6.7 GB when this
 * was written: 80 s and 6.7 GB of /tmp per run); the test server's configuration (pg_hba.conf, slots) also
 * stays untouched. The pair is what production has — the application's primary and its streaming replica —
 * only small: the replica tests put their test schema on this primary.
 *
 * Started lazily, once per test run: the first test file that asks starts it (a folder named after the run is
 * the lock, so files in other processes wait for it instead of starting another), and the run's global
 * teardown (test/global-setup.ts) stops it. Pairs a killed run left behind are stopped and removed by the next
 * run that starts one (each records the process that owns it). As root, the server programs run as the
 * `postgres` user (`runuser`); otherwise as the current user.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface Standby {
  /** The pair's primary: database `test`, user `postgres`. */
  primaryUrl: string;
  /** The standby, streaming from it (same database and user). */
  url: string;
  port: number;
  /** The run's folder: `primary/` and `data/` (the clusters), their logs, `standby.json`. */
  dir: string;
  slot: string;
  bin: string;
}

const isRoot = process.getuid?.() === 0;
const SLOT = 'mamori_test_standby';

export const standbyDir = (run: string) => join(tmpdir(), `mamori-standby-${run}`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a PostgreSQL program, as `postgres` when we are root (the server refuses to run as root). */
function pgRun(bin: string, program: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }) {
  const command = isRoot ? 'runuser' : join(bin, program);
  const argv = isRoot ? ['-u', 'postgres', '--', join(bin, program), ...args] : args;
  const r = spawnSync(command, argv, { cwd: opts.cwd, encoding: 'utf8', env: { ...process.env, ...opts.env }, timeout: 120_000 });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The folder of the server programs: `MAMORI_TEST_PG_BINDIR`, else Debian's newest /usr/lib/postgresql/<major>/bin. */
function serverBin(): string {
  const root = '/usr/lib/postgresql';
  const installed = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((x, y) => Number(y) - Number(x))
        .map((v) => join(root, v, 'bin'))
    : [];
  const candidates = [process.env.MAMORI_TEST_PG_BINDIR, ...installed].filter((d): d is string => Boolean(d));
  const bin = candidates.find((d) => ['initdb', 'pg_ctl', 'pg_basebackup'].every((p) => existsSync(join(d, p))));
  if (!bin) {
    throw new Error(
      'PostgreSQL のサーバープログラム（initdb, pg_ctl, pg_basebackup）が見つかりません。/ PostgreSQL server programs (initdb, pg_ctl, pg_basebackup) not found ' +
        `in ${candidates.join(', ') || root} (Debian: apt-get install postgresql; or set MAMORI_TEST_PG_BINDIR).`,
    );
  }
  return bin;
}

/** Stops and removes the pairs of earlier runs whose owning process is gone. */
function sweepAbandoned(bin: string): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith('mamori-standby-') || name.endsWith('.lock')) continue;
    const dir = join(tmpdir(), name);
    let owner = 0;
    try {
      owner = JSON.parse(readFileSync(join(dir, 'owner.json'), 'utf8')).pid;
    } catch {
      // No owner file yet: being created right now. Left alone.
      continue;
    }
    if (alive(owner)) continue;
    stopCluster(bin, join(dir, 'data'));
    stopCluster(bin, join(dir, 'primary'));
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}.lock`, { recursive: true, force: true });
  }
}

function stopCluster(bin: string, data: string): void {
  if (existsSync(join(data, 'postmaster.pid'))) pgRun(bin, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'], { cwd: tmpdir() });
}

/** Waits until the standby streams from the primary and answers as a hot standby. */
export async function waitStreaming(standby: Standby, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const streaming = await withClient(standby.url, async (c) => {
        const { rows } = await c.query<{ standby: boolean; status: string | null }>(
          `select pg_is_in_recovery() as standby, (select status from pg_stat_wal_receiver) as status`,
        );
        last = JSON.stringify(rows[0]);
        return rows[0]?.standby === true && rows[0].status === 'streaming';
      });
      if (streaming) return;
    } catch (error) {
      last = String(error);
    }
    await sleep(200);
  }
  const log = existsSync(join(standby.dir, 'log')) ? readFileSync(join(standby.dir, 'log'), 'utf8').slice(-2000) : '';
  throw new Error(`the hot standby did not start streaming within ${timeoutMs} ms (${last})\n${log}`);
}

/**
 * The run's hot standby: started by the first caller of the run (in any test process), waited for by the
 * others. Throws with the reason when it cannot be started: a replica test never silently passes without one.
 */
export async function ensureStandby(run: string, owner: number): Promise<Standby> {
  const dir = standbyDir(run);
  const lock = `${dir}.lock`;
  try {
    mkdirSync(lock);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another test process of this run is starting it (or has): wait for its description or its failure.
    for (let i = 0; i < 600; i++) {
      if (existsSync(join(dir, 'standby.json'))) {
        const standby = JSON.parse(readFileSync(join(dir, 'standby.json'), 'utf8')) as Standby;
        await waitStreaming(standby);
        return standby;
      }
      if (existsSync(join(lock, 'failed')))
        throw new Error(`the hot standby failed to start: ${readFileSync(join(lock, 'failed'), 'utf8')}`);
      await sleep(200);
    }
    throw new Error('timed out waiting for another test process to start the hot standby');
  }
  try {
    return await startPair(owner, dir);
  } catch (error) {
    writeFileSync(join(lock, 'failed'), String(error));
    throw error;
  }
}

async function startPair(owner: number, dir: string): Promise<Standby> {
  const bin = serverBin();
  sweepAbandoned(bin);
  mkdirSync(dir, { mode: 0o700 });
  writeFileSync(join(dir, 'owner.json'), JSON.stringify({ pid: owner }));
  const uid = isRoot ? Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()) : undefined;
  if (uid !== undefined) chownSync(dir, uid, -1);
  const own = (file: string) => {
    if (uid !== undefined) chownSync(file, uid, -1);
  };

  // The primary: a fresh cluster that allows replication from 127.0.0.1 (initdb's trust lines include it).
  const primaryData = join(dir, 'primary');
  const init = pgRun(bin, 'initdb', ['-D', primaryData, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'], {
    cwd: dir,
  });
  if (!init.ok) throw new Error(`initdb failed: ${init.output}`);
  const primaryPort = await freePort();
  const common = [
    `listen_addresses = '127.0.0.1'`,
    `unix_socket_directories = '${dir}'`,
    'fsync = off',
    'shared_buffers = 16MB',
    'logging_collector = off',
  ];
  appendConf(join(primaryData, 'postgresql.conf'), [
    `port = ${primaryPort}`,
    ...common,
    'wal_level = replica',
    'max_wal_senders = 4',
    'max_replication_slots = 4',
    'max_connections = 40',
  ]);
  startCluster(bin, primaryData, join(dir, 'primary.log'), dir);
  const primaryUrl = `postgres://postgres@127.0.0.1:${primaryPort}/test`;
  await withClient(`postgres://postgres@127.0.0.1:${primaryPort}/postgres`, (c) => c.query('create database test'));

  // The standby: a base backup of it, told to stream (`-R`) through its own slot (`-C -S`).
  const data = join(dir, 'data');
  const backup = pgRun(
    bin,
    'pg_basebackup',
    [
      '-h',
      '127.0.0.1',
      '-p',
      String(primaryPort),
      '-U',
      'postgres',
      '-D',
      data,
      '-R',
      '-X',
      'stream',
      '--checkpoint=fast',
      '--no-sync',
      '-C',
      '-S',
      SLOT,
    ],
    { cwd: dir },
  );
  if (!backup.ok) throw new Error(`pg_basebackup failed: ${backup.output}`);
  const port = await freePort();
  // The copied postgresql.conf is the primary's: the lines appended last win.
  appendConf(join(data, 'postgresql.conf'), [`port = ${port}`, 'hot_standby = on']);
  own(join(data, 'postgresql.conf'));
  const standby: Standby = { primaryUrl, url: `postgres://postgres@127.0.0.1:${port}/test`, port, dir, slot: SLOT, bin };
  startCluster(bin, data, join(dir, 'log'), dir);
  await waitStreaming(standby);
  writeFileSync(join(dir, 'standby.json'), JSON.stringify(standby));
  return standby;
}

function appendConf(file: string, lines: string[]): void {
  writeFileSync(file, `${readFileSync(file, 'utf8')}\n# mamori tests (test/support/standby.ts)\n${lines.join('\n')}\n`);
}

function startCluster(bin: string, data: string, log: string, cwd: string): void {
  const r = pgRun(bin, 'pg_ctl', ['-D', data, '-l', log, '-w', '-t', '120', 'start'], { cwd });
  if (!r.ok) {
    const tail = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '';
    throw new Error(`a test PostgreSQL cluster did not start (${data}): ${r.output}\n${tail}`);
  }
}

/** Stops the standby's server (as an outage would), keeping its data to start it again. */
export function stopStandbyServer(standby: Standby): void {
  const r = pgRun(standby.bin, 'pg_ctl', ['-D', join(standby.dir, 'data'), '-m', 'fast', '-w', 'stop'], { cwd: standby.dir });
  if (!r.ok) throw new Error(`pg_ctl stop failed: ${r.output}`);
}

/** Starts the stopped standby again and waits until it streams. */
export async function restartStandbyServer(standby: Standby): Promise<void> {
  startCluster(standby.bin, join(standby.dir, 'data'), join(standby.dir, 'log'), standby.dir);
  await waitStreaming(standby);
}

/** Pauses (or resumes) WAL replay on the standby: it keeps receiving, but its data stops moving. */
export async function setReplayPaused(standby: Standby, paused: boolean): Promise<void> {
  await withClient(standby.url, (c) => c.query(paused ? 'select pg_wal_replay_pause()' : 'select pg_wal_replay_resume()'));
}

/** The run's teardown: stops its pair and removes its folder. Nothing to do if none was started. */
export function stopRunStandby(run: string): void {
  const dir = standbyDir(run);
  if (!existsSync(`${dir}.lock`)) return;
  if (existsSync(dir)) {
    const bin = serverBin();
    stopCluster(bin, join(dir, 'data'));
    stopCluster(bin, join(dir, 'primary'));
  }
  rmSync(dir, { recursive: true, force: true });
  rmSync(`${dir}.lock`, { recursive: true, force: true });
}
