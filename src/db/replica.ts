/**
 * Reads that tolerate a short lag, served by a PostgreSQL streaming replica (hot standby) while it is known
 * to hold everything the primary had committed at most `maxLagMs` ago, and by the primary otherwise. Which
 * reads may come here is a rule written down in docs/operations.md ("Read replica"): pure reads only (no
 * audit entry in the same transaction), nothing that decides access, and nothing a user expects to show
 * their own write of a moment ago.
 *
 * Freshness is measured, not assumed. Every check reads the primary's WAL position (`pg_current_wal_lsn()`,
 * a sample: "at time t the primary had written up to L") and the replica's replay position: the replica is
 * fresh as of the newest sample it has replayed past, or as of the commit time of the last transaction it
 * replayed (`pg_last_xact_replay_timestamp()`), whichever is later. A read goes to the replica only while
 * now − fresh-as-of ≤ the bound, so a replica that stops replaying (network cut, replay paused, a long
 * recovery conflict) falls out of use within the bound even between checks. A replica that answers errors,
 * or that is no longer in recovery (promoted: it no longer follows this primary), is not used either.
 * Without a replica (unset, or SQLite) every read runs on the primary directly.
 */
import { NoResultError, sql } from 'kysely';
import type { Db } from './database.ts';

/** What the last check found. */
export type ReplicaState = 'ok' | 'lagging' | 'unreachable' | 'timeout' | 'not_standby';

/** Where a read ran, and why: `fresh` (replica), otherwise why not the replica. */
export type ReadReason = 'fresh' | 'no_replica' | Exclude<ReplicaState, 'ok'> | 'read_failed' | 'not_yet_replicated';
export type ReadTarget = 'replica' | 'primary';

export interface ReplicaStatus {
  state: ReplicaState;
  /** How far behind the replica is known to be at most, in seconds, as of the check (null: unknown). */
  lagSeconds: number | null;
  /** When the check ran (ms since the epoch, by the replica's clock option). */
  checkedAt: number;
}

export interface ReplicaOptions {
  /** The bound: a read goes to the replica only if it holds everything committed up to this long ago. */
  maxLagMs: number;
  /** How old the last check may be before a read triggers another (default: a fifth of the bound, 100 ms – 1 s). */
  checkIntervalMs?: number;
  /** How long a check waits for an answer before calling the replica `timeout` (default 1 s). */
  timeoutMs?: number;
  /** The clock, in ms (tests move it). */
  now?: () => number;
}

interface Sample {
  at: number;
  lsn: bigint;
}

type ReadListener = (target: ReadTarget, reason: ReadReason) => void;
type ChangeListener = (status: ReplicaStatus, previous: ReplicaStatus | null) => void;

/** `16/B374D848` → a comparable number. */
export function parseLsn(text: string): bigint {
  const [hi = '0', lo = '0'] = text.split('/');
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

/** Errors that say the replica could not serve the read (down, restarting, cut off, conflict with recovery). */
export function isReplicaFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    // 08: connection exceptions; 57P0x: shutting down, crashed, cannot connect now; 40001: on a hot standby,
    // "canceling statement due to conflict with recovery"; 53300: too many connections.
    if (code.startsWith('08') || code.startsWith('57P') || code === '40001' || code === '53300') return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND'].includes(code)) return true;
  }
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(error.message);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The read side of the database: `read(fn)` runs `fn` on the replica when it is fresh enough, on the primary
 * otherwise. Built once per process (`app/bootstrap.ts`) as `ctx.replica`; without a replica it is the
 * primary alone (`ReadReplica.primaryOnly`).
 */
export class ReadReplica {
  /** The primary: every write, every audited read and every read that decides access. */
  readonly primary: Db;
  readonly #replica: Db | undefined;
  readonly #maxLagMs: number;
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  #samples: Sample[] = [];
  /** The newest moment the replica is known to hold everything the primary had committed (ms). */
  #freshAt = Number.NEGATIVE_INFINITY;
  #status: ReplicaStatus | null = null;
  #checking: Promise<ReplicaStatus> | null = null;
  readonly #readListeners = new Set<ReadListener>();
  readonly #changeListeners = new Set<ChangeListener>();

  constructor(primary: Db, replica: Db | undefined, opts: ReplicaOptions) {
    this.primary = primary;
    this.#replica = replica;
    this.#maxLagMs = opts.maxLagMs;
    this.#intervalMs = opts.checkIntervalMs ?? Math.min(1000, Math.max(100, opts.maxLagMs / 5));
    this.#timeoutMs = opts.timeoutMs ?? 1000;
    this.#now = opts.now ?? Date.now;
  }

  /** No replica: every read runs on `primary`. */
  static primaryOnly(primary: Db): ReadReplica {
    return new ReadReplica(primary, undefined, { maxLagMs: 0 });
  }

  /** True when a replica is configured (PostgreSQL with `MAMORI_DATABASE_REPLICA_URL`). */
  get configured(): boolean {
    return this.#replica !== undefined;
  }

  /** The bound, in seconds. */
  get maxLagSeconds(): number {
    return this.#maxLagMs / 1000;
  }

  /** The last check's finding (null before the first check, or without a replica). */
  status(): ReplicaStatus | null {
    return this.#status;
  }

  /** Where reads go right now, without checking: the replica only while it is known to be fresh enough. */
  current(): { target: ReadTarget; reason: ReadReason } {
    if (!this.#replica) return { target: 'primary', reason: 'no_replica' };
    const status = this.#status;
    if (!status) return { target: 'primary', reason: 'unreachable' };
    if (status.state !== 'ok') return { target: 'primary', reason: status.state };
    return this.#now() - this.#freshAt <= this.#maxLagMs
      ? { target: 'replica', reason: 'fresh' }
      : { target: 'primary', reason: 'lagging' };
  }

  /** Called on every read with where it ran and why (metrics). Returns the unsubscribe function. */
  onRead(listener: ReadListener): () => void {
    this.#readListeners.add(listener);
    return () => this.#readListeners.delete(listener);
  }

  /** Called when a check finds another state than the last one (logs). Returns the unsubscribe function. */
  onChange(listener: ChangeListener): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  /**
   * Runs a read that tolerates a lag of at most the bound: on the replica when it is fresh enough, on the
   * primary otherwise. A read the replica fails to serve (connection lost, conflict with recovery) runs again
   * on the primary, and so does one that finds on the replica no row where the caller knows one exists
   * (kysely's `NoResultError`, or `retryOnPrimaryIf` of the result): the row may just not have arrived yet.
   * `fn` must only read, and must not decide access.
   */
  async read<T>(fn: (db: Db) => Promise<T>, opts: { retryOnPrimaryIf?: (value: T) => boolean } = {}): Promise<T> {
    const replica = this.#replica;
    if (!replica) return this.#onPrimary(fn, 'no_replica');
    const route = await this.#route();
    if (route.target === 'primary') return this.#onPrimary(fn, route.reason);
    let value: T;
    try {
      value = await fn(replica);
    } catch (error) {
      if (error instanceof NoResultError) return this.#onPrimary(fn, 'not_yet_replicated');
      if (!isReplicaFailure(error)) throw error;
      // Out of use until the next check says otherwise; this read is served by the primary.
      this.#setStatus({ state: 'unreachable', lagSeconds: null, checkedAt: this.#now() });
      return this.#onPrimary(fn, 'read_failed');
    }
    if (opts.retryOnPrimaryIf?.(value)) return this.#onPrimary(fn, 'not_yet_replicated');
    this.#emitRead('replica', 'fresh');
    return value;
  }

  /** Checks the replica now (readiness, tests); concurrent callers share one check. */
  check(): Promise<ReplicaStatus> {
    if (!this.#replica) return Promise.resolve({ state: 'ok', lagSeconds: 0, checkedAt: this.#now() });
    this.#checking ??= this.#probe().finally(() => {
      this.#checking = null;
    });
    return this.#checking;
  }

  /** Closes the replica's connections (the primary belongs to whoever opened it). */
  async close(): Promise<void> {
    await this.#replica?.destroy();
  }

  async #route(): Promise<{ target: ReadTarget; reason: ReadReason }> {
    const status = this.#status;
    const stale = !status || this.#now() - status.checkedAt >= this.#intervalMs;
    if (stale) {
      // With a replica in use, a read waits for the check (it must know the replica is still fresh enough).
      // With the replica out of use, reads stay on the primary while the check runs in the background, so
      // a replica that is down costs no read a timeout.
      if (!status || status.state === 'ok') await this.check();
      else void this.check();
    }
    return this.current();
  }

  async #onPrimary<T>(fn: (db: Db) => Promise<T>, reason: ReadReason): Promise<T> {
    const value = await fn(this.primary);
    this.#emitRead('primary', reason);
    return value;
  }

  #emitRead(target: ReadTarget, reason: ReadReason): void {
    for (const listener of this.#readListeners) listener(target, reason);
  }

  #setStatus(status: ReplicaStatus): void {
    const previous = this.#status;
    this.#status = status;
    if (previous?.state !== status.state) for (const listener of this.#changeListeners) listener(status, previous);
  }

  async #probe(): Promise<ReplicaStatus> {
    const replica = this.#replica!;
    const startedAt = this.#now();
    // The primary's position first: if the replica has replayed past it, it held at `startedAt` all the
    // primary had committed then. (A primary that does not answer leaves only the replay timestamp.)
    try {
      const { rows } = await sql<{ lsn: string }>`select pg_current_wal_lsn()::text as lsn`.execute(this.primary);
      if (rows[0]) this.#samples.push({ at: startedAt, lsn: parseLsn(rows[0].lsn) });
    } catch {
      // Reads would fail on the primary too; the replica's own timestamp still says something.
    }
    let status: ReplicaStatus;
    try {
      const answer = await withTimeout(
        sql<{ standby: boolean; replay: string | null; behind_ms: number | null }>`
          select pg_is_in_recovery() as standby, pg_last_wal_replay_lsn()::text as replay,
                 (extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)::float8 as behind_ms`.execute(replica),
        this.#timeoutMs,
      );
      const at = this.#now();
      if (answer === 'timeout') status = { state: 'timeout', lagSeconds: null, checkedAt: at };
      else {
        const row = answer.rows[0];
        if (!row?.standby) status = { state: 'not_standby', lagSeconds: null, checkedAt: at };
        else {
          this.#advance(row.replay, row.behind_ms, at);
          const lagMs = at - this.#freshAt;
          status = {
            state: lagMs <= this.#maxLagMs ? 'ok' : 'lagging',
            lagSeconds: Number.isFinite(lagMs) ? Math.max(0, lagMs) / 1000 : null,
            checkedAt: at,
          };
        }
      }
    } catch {
      status = { state: 'unreachable', lagSeconds: null, checkedAt: this.#now() };
    }
    this.#setStatus(status);
    return status;
  }

  /** Moves "fresh as of" forward from the replay position and the last replayed commit's time. */
  #advance(replay: string | null, behindMs: number | null, at: number): void {
    if (replay !== null) {
      const replayed = parseLsn(replay);
      // Samples the replica has replayed past: the newest tells how fresh it is; older ones are of no more use.
      let newest: Sample | undefined;
      for (const s of this.#samples) if (s.lsn <= replayed) newest = s;
      if (newest) {
        this.#freshAt = Math.max(this.#freshAt, newest.at);
        this.#samples = this.#samples.filter((s) => s.at > newest.at);
      }
    }
    // The last replayed commit happened `behindMs` ago: everything committed before it is there (clocks of
    // primary and replica are assumed in step, as NTP keeps them).
    if (behindMs !== null && Number.isFinite(behindMs)) this.#freshAt = Math.max(this.#freshAt, at - Math.max(0, behindMs));
    // Samples so old that they could never make the replica fresh enough are dropped; at most 64 are kept.
    this.#samples = this.#samples.filter((s) => at - s.at <= this.#maxLagMs * 2 + this.#intervalMs).slice(-64);
  }
}
