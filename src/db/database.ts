import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  type QueryResult,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import { noteClient } from './pg-copy.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the database or an open transaction: service functions accept both. */
export type DbOrTx = Db | Tx;
export type DialectName = 'sqlite' | 'postgres';

export interface OpenedDatabase {
  db: Db;
  dialect: DialectName;
  /** The raw better-sqlite3 handle (SQLite only): bulk paths (import, verify) use it directly. */
  sqlite?: BetterSqlite3.Database;
  close(): Promise<void>;
}

// PostgreSQL returns int8 and numeric as strings; every such value here (counts, sequence numbers, yen)
// fits a double exactly, so read them as numbers and keep one representation across dialects.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

/**
 * SQLite transactions start with BEGIN IMMEDIATE: every mamori transaction writes (at least the audit
 * entry), and taking the write lock up front avoids SQLITE_BUSY_SNAPSHOT when another process (a CLI import)
 * wrote in between a read and the first write.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver() {
    return new ImmediateSqliteDriver(this.#config);
  }
}

/** Kysely prepares every statement anew; caching them by SQL text halves the cost of a small query. */
function withStatementCache(raw: BetterSqlite3.Database) {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = raw.prepare(sql);
        if (cache.size > 500) cache.clear();
        cache.set(sql, stmt);
      }
      return stmt;
    },
    close() {
      raw.close();
    },
  };
}

/**
 * An open transaction on SQLite's raw better-sqlite3 handle: hot paths (the audited member read, the
 * session lookup) run prepared statements on it synchronously instead of building and compiling Kysely
 * queries, a few microseconds instead of tens per statement. Created by `sqliteGroupTransaction`.
 */
export class SqliteTx {
  readonly raw: BetterSqlite3.Database;
  constructor(raw: BetterSqlite3.Database) {
    this.raw = raw;
  }
  /** A statement prepared once per handle. Kept apart from Kysely's cache, so `.pluck()`/`.raw()` stay ours. */
  prepare(sql: string): BetterSqlite3.Statement {
    return prepared(this.raw, sql);
  }
}

const preparedByHandle = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();
/** A statement prepared once per raw handle, for the fast paths (not shared with Kysely's cache). */
export function prepared(raw: BetterSqlite3.Database, sql: string): BetterSqlite3.Statement {
  let cache = preparedByHandle.get(raw);
  if (!cache) {
    cache = new Map();
    preparedByHandle.set(raw, cache);
  }
  let stmt = cache.get(sql);
  if (!stmt) {
    stmt = raw.prepare(sql);
    cache.set(sql, stmt);
  }
  return stmt;
}

/**
 * Runs `fn` on the raw SQLite handle while holding Kysely's one connection, so that no Kysely query or
 * transaction of this process interleaves with it (Kysely serialises SQLite through that connection).
 * Anything that uses the raw handle of a shared `Db` must go through here or `sqliteGroupTransaction`.
 */
export function withSqlite<T>(db: Db, raw: BetterSqlite3.Database, fn: (raw: BetterSqlite3.Database) => T | Promise<T>): Promise<T> {
  return db.connection().execute(async () => fn(raw));
}

interface Queued {
  fn: (tx: SqliteTx) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for the short transactions of the hot read path. Every audited read writes its audit entry and
 * counters and must commit before it answers; committing each alone costs a WAL write of the same few pages
 * (chain head, the log's last page and its index pages) per read. Here the reads that arrive within one turn
 * of the event loop share one transaction: each runs in its own SAVEPOINT — so a read that throws is rolled
 * back alone — strictly one after another, and every caller's promise settles only after COMMIT, so no read
 * answers before its audit entry is durable. A failed COMMIT fails every read of the group.
 */
class GroupCommit {
  readonly #db: Db;
  readonly #raw: BetterSqlite3.Database;
  #queue: Queued[] = [];
  #running = false;

  constructor(db: Db, raw: BetterSqlite3.Database) {
    this.#db = db;
    this.#raw = raw;
  }

  run<T>(fn: (tx: SqliteTx) => T | Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.#running) this.#start();
    });
  }

  #start(): void {
    this.#running = true;
    withSqlite(this.#db, this.#raw, () => this.#drain())
      .catch((error: unknown) => {
        for (const q of this.#queue.splice(0)) q.reject(error);
      })
      .finally(() => {
        this.#running = false;
        // Reads queued after the last commit, while the connection was being released, start the next group.
        if (this.#queue.length > 0) this.#start();
      });
  }

  async #drain(): Promise<void> {
    const raw = this.#raw;
    const tx = new SqliteTx(raw);
    while (this.#queue.length > 0) {
      try {
        prepared(raw, 'begin immediate').run();
      } catch (error) {
        // No transaction (the write lock stayed with another process past the busy timeout): fail who waits.
        for (const q of this.#queue.splice(0)) q.reject(error);
        return;
      }
      const done: [Queued, unknown][] = [];
      let current: Queued | undefined;
      try {
        // Take reads until none is waiting, then once more after the I/O callbacks of this loop turn have run.
        for (let pass = 0; pass < 2; pass++) {
          if (pass === 1) await new Promise<void>((resolve) => setImmediate(resolve));
          for (current = this.#queue.shift(); current; current = this.#queue.shift()) {
            prepared(raw, 'savepoint read').run();
            let value: unknown;
            try {
              value = await current.fn(tx);
            } catch (error) {
              prepared(raw, 'rollback to read').run();
              prepared(raw, 'release read').run();
              current.reject(error);
              continue;
            }
            prepared(raw, 'release read').run();
            done.push([current, value]);
          }
        }
        prepared(raw, 'commit').run();
      } catch (error) {
        // Only the statements above fail here (I/O, disk full): nothing of this group was committed.
        if (raw.inTransaction) prepared(raw, 'rollback').run();
        current?.reject(error);
        for (const [q] of done) q.reject(error);
        continue;
      }
      for (const [q, value] of done) q.resolve(value);
    }
  }
}

const groups = new WeakMap<BetterSqlite3.Database, GroupCommit>();

/**
 * Runs `fn` in a transaction on the raw SQLite handle (BEGIN IMMEDIATE, holding Kysely's connection), which may
 * be shared with other callers of this function in the same turn of the event loop (group commit, see
 * `GroupCommit`): `fn` runs in its own savepoint and must not wait for anything but its own statements. The
 * result is returned only once the shared transaction has committed.
 */
export function sqliteGroupTransaction<T>(db: Db, raw: BetterSqlite3.Database, fn: (tx: SqliteTx) => T | Promise<T>): Promise<T> {
  let group = groups.get(raw);
  if (!group) {
    group = new GroupCommit(db, raw);
    groups.set(raw, group);
  }
  return group.run(fn);
}

// The checkpointer thread: its own connection, a PASSIVE checkpoint (never blocks the writer) every interval.
const checkpointerCode = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = NORMAL');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

/**
 * Moves WAL checkpoints off the event loop of a busy server. By default the connection that commits runs the
 * checkpoint (copy the WAL's pages into the database, fsync) whenever the WAL passes 1,000 pages: a stall of the
 * event loop every few hundred audited reads. Here a worker thread checkpoints every `intervalMs` while the
 * server keeps writing; the server's own automatic checkpoint stays as a backstop at `backstopPages` (200 MiB):
 * under a sustained stream of writes the WAL only starts over after a checkpoint by the writer itself, which
 * then finds almost everything copied already and stalls the event loop only for its fsync, every ~50,000 pages
 * instead of every 1,000.
 */
export function startBackgroundCheckpoints(
  raw: BetterSqlite3.Database,
  opts: { intervalMs?: number; backstopPages?: number } = {},
): { stop(): Promise<void>; running(): boolean } {
  // An in-memory database has no WAL to checkpoint: nothing to run, nothing missing.
  if (raw.memory || !raw.name) return { stop: async () => {}, running: () => true };
  const worker = new Worker(checkpointerCode, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      file: resolve(raw.name),
      intervalMs: opts.intervalMs ?? 100,
    },
  });
  worker.unref();
  let alive = true;
  worker.once('exit', () => {
    alive = false;
  });
  raw.pragma(`wal_autocheckpoint = ${opts.backstopPages ?? 50_000}`);
  // After a busy spell the WAL file is cut back to 64 MiB when it starts over.
  raw.pragma('journal_size_limit = 67108864');
  return {
    async stop() {
      const exited = once(worker, 'exit');
      worker.postMessage('stop');
      await exited;
      if (raw.open) raw.pragma('wal_autocheckpoint = 1000');
    },
    /** False once the thread has ended (stopped, or died): readiness reports it. */
    running: () => alive,
  };
}

/** The dialect a database or an open transaction speaks (for code that is handed only a transaction). */
export function dialectOf(db: DbOrTx): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

const rawHandles = new WeakMap<Db, BetterSqlite3.Database>();
const pools = new WeakMap<Db, pg.Pool>();

/** The connection pool behind a `Db` opened by `openDatabase` on PostgreSQL (metrics read its counts). */
export function poolOf(db: Db): pg.Pool | undefined {
  return pools.get(db);
}

const backendPids = new WeakMap<Db, Set<number>>();

/**
 * PostgreSQL: the server process ids (`pg_backend_pid()`) of the connections a `Db` opened by `openDatabase`
 * has open now. A bulk load asks the server whether anyone else is connected (import/store.ts).
 */
export function ownBackendPids(db: Db): number[] {
  return [...(backendPids.get(db) ?? [])];
}

/** The raw better-sqlite3 handle behind a `Db` opened by `openDatabase` on SQLite, if any. */
export function sqliteHandleOf(db: Db): BetterSqlite3.Database | undefined {
  return rawHandles.get(db);
}

export function openSqlite(file: string): BetterSqlite3.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const raw = new BetterSqlite3(file);
  raw.pragma('busy_timeout = 10000');
  try {
    raw.pragma('journal_mode = WAL');
  } catch (error) {
    raw.close();
    // A large import alone on the database writes through a rollback journal (import/store.ts) and holds the
    // file until it ends; entering WAL mode waits for it up to the busy timeout.
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new Error(
        `データベース ${file} を使用中の処理（大量の取込など）があります。終わってから、もう一度実行してください。 / ` +
          `Another process holds the database ${file} (a large import, for instance); run this again when it has finished.`,
      );
    }
    throw error;
  }
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('cache_size = -65536');
  return raw;
}

export interface OpenOptions {
  /** PostgreSQL only: the schema to use (tests give each file its own). */
  schema?: string;
  poolSize?: number;
  /** PostgreSQL only: give up connecting after this long (a replica that is down must not hold reads up). */
  connectTimeoutMs?: number;
}

/** Statement texts marked by `executePrepared` → their names on the server. */
const namedStatements = new Map<string, string>();

/**
 * Runs `query` as a named prepared statement on PostgreSQL: parsed and planned once per pooled connection, then
 * only bound and executed. For the statements of the hot paths, whose text is the same at every call (their
 * values go in parameters). Measured under audited reads: the read group's statement (a CTE of four inserts)
 * spent 0.61 ms planning for 0.28 ms executing at every call, more of the server's time than everything else
 * together. Elsewhere (SQLite) it is `db.executeQuery`, whose statements better-sqlite3 caches anyway.
 *
 * Only for fixed texts: each distinct text stays prepared on every connection that ran it, so a text that
 * varies (an IN list of varying length) must not come here.
 */
export async function executePrepared<R>(db: DbOrTx, query: { compile(db: DbOrTx): CompiledQuery<R> }): Promise<QueryResult<R>> {
  const compiled = query.compile(db);
  if (dialectOf(db) === 'postgres' && !namedStatements.has(compiled.sql)) {
    namedStatements.set(compiled.sql, `mamori_${createHash('sha256').update(compiled.sql).digest('hex').slice(0, 24)}`);
  }
  return db.executeQuery(compiled);
}

/**
 * On each new PostgreSQL connection: queries whose text `executePrepared` marked go to the server by name
 * (node-postgres prepares a named statement on first use on that connection). Kysely calls
 * `client.query(text, values)`; every other query passes through as it is.
 */
function prepareNamedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const [text, values] = args;
    if (args.length === 2 && typeof text === 'string' && Array.isArray(values)) {
      const name = namedStatements.get(text);
      if (name) return query({ name, text, values });
    }
    return query(...args);
  };
}

/** Opens `sqlite:PATH` or `postgres://…`. */
export function openDatabase(url: string, options: OpenOptions = {}): OpenedDatabase {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length) || './data/mamori.db';
    const raw = openSqlite(file);
    const db = new Kysely<Database>({
      dialect: new ImmediateSqliteDialect({ database: withStatementCache(raw) as never }),
    });
    rawHandles.set(db, raw);
    return { db, dialect: 'sqlite', sqlite: raw, close: () => db.destroy() };
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(options.connectTimeoutMs ? { connectionTimeoutMillis: options.connectTimeoutMs } : {}),
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle connection the server closed (a restart, a replica stopped) is dropped by the pool, which then
  // emits 'error': without a listener that would end the process. The next query opens a new connection.
  pool.on('error', () => {});
  // A connection that is checked out (a transaction in progress) has no pool listener: when the server ends it
  // (`pg_terminate_backend`, a failover), pg emits 'error' on the client, which would end the process. The query
  // in progress is rejected all the same (its request fails and its transaction is gone), and the pool drops the
  // dead connection when it is released (test/faults/server-faults.test.ts).
  pool.on('connect', (client) => client.on('error', () => {}));
  pool.on('connect', prepareNamedStatements);
  // Kysely takes its connections through this wrapper, which notes each for `transactionWithCopy` (pg-copy.ts).
  const noting = {
    async connect() {
      const client = await pool.connect();
      noteClient(client);
      return client;
    },
    end: () => pool.end(),
    options: pool.options,
  };
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: noting }) });
  pools.set(db, pool);
  const pids = new Set<number>();
  // `processID` (the server's pid, from the startup's BackendKeyData) is public on pg.Client but not typed.
  const pidOf = (client: pg.PoolClient) => (client as unknown as { processID: number | null }).processID;
  pool.on('connect', (client) => {
    const pid = pidOf(client);
    if (pid) pids.add(pid);
  });
  pool.on('remove', (client) => {
    const pid = pidOf(client);
    if (pid) pids.delete(pid);
  });
  backendPids.set(db, pids);
  return { db, dialect: 'postgres', close: () => db.destroy() };
}
