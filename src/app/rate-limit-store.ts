/**
 * Rate limits shared by every instance on one PostgreSQL: a store for @fastify/rate-limit (its `store` option)
 * that counts in the UNLOGGED table `rate_limits` (migration 0011), one upsert per limited request. Windows are
 * fixed, like the plugin's own memory store: the first request opens a window of `timeWindow` by the
 * database's clock (instances' clocks may differ; the database's is one), later ones count in it, and one
 * after its end opens the next. Keys are the route and the client's key (its address), hashed: the table
 * holds no addresses. `pruneRateLimits` deletes ended windows (hourly housekeeping).
 *
 * A route may keep its limit per instance (`config.rateLimitScope: 'instance'`, base/guard.ts): the public
 * notices' coarse per-address ceiling and the probes protect one instance's capacity, and a database write
 * per cached notice or probe would cost more than the answer (and make /health depend on the database).
 * SQLite keeps the plugin's memory store: one process.
 */
import { createHash } from 'node:crypto';
import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** What the plugin passes to `child`: the route's merged limit options and, for a route, its options. */
interface ChildOptions {
  routeInfo?: { method?: string | string[]; url?: string; config?: { rateLimitScope?: 'instance' | 'shared' } };
  max?: unknown;
  timeWindow?: unknown;
}

/** The database's clock in milliseconds, as SQL. */
const nowMs = sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/** Counts one request in the window of `keyHash`, opening a new window when the last has ended. */
async function hit(db: Db, keyHash: string, timeWindow: number): Promise<{ current: number; ttl: number }> {
  const { rows } = await sql<{ hits: number; window_ends: number; now: number }>`
    with clock as (select ${nowMs} as now)
    insert into rate_limits as r (key_hash, hits, window_ends)
      select ${keyHash}, 1, clock.now + ${timeWindow} from clock
    on conflict (key_hash) do update set
      hits = case when r.window_ends <= (select now from clock) then 1 else r.hits + 1 end,
      window_ends = case when r.window_ends <= (select now from clock) then excluded.window_ends else r.window_ends end
    returning r.hits, r.window_ends, (select now from clock) as now`.execute(db);
  const row = rows[0]!;
  return { current: Number(row.hits), ttl: Math.max(0, Number(row.window_ends) - Number(row.now)) };
}

async function peek(db: Db, keyHash: string): Promise<{ current: number; ttl: number }> {
  const { rows } = await sql<{ hits: number; window_ends: number; now: number }>`
    select hits, window_ends, ${nowMs} as now from rate_limits where key_hash = ${keyHash}`.execute(db);
  const row = rows[0];
  if (!row || Number(row.window_ends) <= Number(row.now)) return { current: 0, ttl: 0 };
  return { current: Number(row.hits), ttl: Number(row.window_ends) - Number(row.now) };
}

/** Fixed windows in this process's memory (as the plugin's own store), for limits kept per instance. */
class MemoryStore implements FastifyRateLimitStore {
  readonly #windows = new Map<string, { hits: number; ends: number }>();
  readonly #max = 5000;

  incr(key: string, callback: Callback, timeWindow: number): void {
    const now = Date.now();
    let w = this.#windows.get(key);
    if (!w || w.ends <= now) {
      w = { hits: 0, ends: now + timeWindow };
      this.#windows.delete(key);
      // Bounded: the oldest window goes first (insertion order).
      if (this.#windows.size >= this.#max) this.#windows.delete(this.#windows.keys().next().value!);
      this.#windows.set(key, w);
    }
    w.hits++;
    callback(null, { current: w.hits, ttl: w.ends - now });
  }

  read(key: string, callback: Callback): void {
    const now = Date.now();
    const w = this.#windows.get(key);
    callback(null, !w || w.ends <= now ? { current: 0, ttl: 0 } : { current: w.hits, ttl: w.ends - now });
  }

  child(): FastifyRateLimitStore {
    return new MemoryStore();
  }
}

/**
 * The store class for `@fastify/rate-limit`'s `store` option, counting in `db`; a route with
 * `rateLimitScope: 'instance'` gets a store in memory instead.
 */
export function sharedRateLimitStore(db: Db): FastifyRateLimitStoreCtor {
  class SharedStore implements FastifyRateLimitStore {
    readonly #prefix: string;

    constructor(_options: FastifyRateLimitOptions, prefix = 'global') {
      this.#prefix = prefix;
    }

    #hash(key: string): string {
      return createHash('sha256').update(`${this.#prefix}\n${key}`).digest('hex');
    }

    incr(key: string, callback: Callback, timeWindow: number): void {
      hit(db, this.#hash(key), timeWindow).then(
        (result) => callback(null, result),
        (error: Error) => callback(error),
      );
    }

    read(key: string, callback: Callback): void {
      peek(db, this.#hash(key)).then(
        (result) => callback(null, result),
        (error: Error) => callback(error),
      );
    }

    child(routeOptions: unknown): FastifyRateLimitStore {
      const o = routeOptions as ChildOptions;
      if (o.routeInfo?.config?.rateLimitScope === 'instance') return new MemoryStore();
      // A route's limit counts per method and pattern; a limiter made in code (`createRateLimit`) per its limits.
      const route = o.routeInfo?.url
        ? `${String(o.routeInfo.method)} ${o.routeInfo.url}`
        : `limiter ${String(o.max)}/${String(o.timeWindow)}`;
      return new SharedStore({}, route);
    }
  }
  return SharedStore;
}

/** Deletes the windows that have ended (run by the hourly housekeeping; safe on every instance). */
export async function pruneRateLimits(db: Db): Promise<number> {
  const result = await sql`delete from rate_limits where window_ends < ${nowMs}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
