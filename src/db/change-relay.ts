/**
 * PostgreSQL's side of the change bus (base/events.ts): `pg_notify` to send, and one dedicated connection per
 * server instance that LISTENs and hands every message to the instance's event hub.
 *
 * The channel is per schema (`mamori:<schema>`): several mamori databases may share one PostgreSQL database
 * (tests give each file a schema), and a channel is database-wide. Sender and listener both name it from
 * their own `current_schema()`, so they agree without configuration.
 *
 * A NOTIFY issued in a transaction is delivered when it commits, and not at all if it rolls back; delivery is
 * in commit order, to every session listening at that moment. A listener that loses its connection misses
 * what is sent meanwhile, so it reports the loss (`caches.flush`, caches bypassed while `listening` is false),
 * reconnects with back-off, LISTENs again and only then reports the connection back (`caches.flush` once more).
 */

import { sql } from 'kysely';
import pg from 'pg';
import { type Db, type DbOrTx, poolOf } from './database.ts';

/** The channel's name as SQL: `mamori:` and the schema, cut to PostgreSQL's 63 bytes of an identifier. */
const channelSql = "left('mamori:' || current_schema(), 63)";

/**
 * Sends with `pg_notify` on the given connection or transaction (base/events.ts's `ChangeRelay`; base
 * imports db, so db names no base type and matches it by shape).
 */
export const pgChangeRelay = {
  async send(db: DbOrTx, message: string): Promise<void> {
    await sql`select pg_notify(${sql.raw(channelSql)}, ${message})`.execute(db);
  },
};

/** What the listener does with what it hears and with the state of its connection. */
export interface ListenerTarget {
  /** A message on the channel. */
  receive(message: string): void;
  /** The connection was lost (`disconnected`) or is listening again (`reconnected`). */
  connectionChanged(state: 'disconnected' | 'reconnected'): void;
}

export interface ListenerOptions {
  /** First wait before reconnecting, doubled on each failure up to `maxDelayMs`. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** How often the connection is checked with a query (a dead peer is otherwise found only by TCP keep-alive). */
  heartbeatMs?: number;
  log?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

/** The listening connection of one instance; start it with `listen`. */
export class PgChangeListener {
  readonly #pool: pg.Pool;
  readonly #target: ListenerTarget;
  readonly #minDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #heartbeatMs: number;
  readonly #log: ListenerOptions['log'];
  #client: pg.Client | undefined;
  #listening = false;
  #stopped = false;
  #heartbeat: NodeJS.Timeout | undefined;
  #reconnecting: Promise<void> | undefined;
  #connects = 0;

  constructor(db: Db, target: ListenerTarget, opts: ListenerOptions = {}) {
    const pool = poolOf(db);
    if (!pool) throw new Error('PgChangeListener needs a PostgreSQL database opened by openDatabase');
    this.#pool = pool;
    this.#target = target;
    this.#minDelayMs = opts.minDelayMs ?? 100;
    this.#maxDelayMs = opts.maxDelayMs ?? 5000;
    this.#heartbeatMs = opts.heartbeatMs ?? 10_000;
    this.#log = opts.log;
  }

  /** True while the connection listens: every change committed meanwhile is heard. */
  get listening(): boolean {
    return this.#listening;
  }

  /** The listening connection's server process id (for operations and tests), while connected. */
  get backendPid(): number | undefined {
    return this.#listening ? (this.#client as unknown as { processID?: number } | undefined)?.processID : undefined;
  }

  /** How many times the connection was (re)established. */
  get connects(): number {
    return this.#connects;
  }

  /** Connects and listens; if the first attempt fails, keeps retrying in the background and resolves anyway. */
  async listen(): Promise<void> {
    try {
      await this.#connect();
    } catch (error) {
      this.#log?.warn({ err: error }, 'change listener: cannot connect, retrying');
      void this.#reconnect();
    }
    this.#heartbeat = setInterval(() => void this.#check(), this.#heartbeatMs);
    this.#heartbeat.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#heartbeat);
    this.#listening = false;
    const client = this.#client;
    this.#client = undefined;
    if (client) await client.end().catch(() => undefined);
    await this.#reconnecting;
  }

  async #connect(): Promise<void> {
    const options = this.#pool.options as pg.PoolConfig;
    const client = new pg.Client({
      ...(options.connectionString ? { connectionString: options.connectionString } : {}),
      ...(options.options ? { options: options.options } : {}),
      application_name: 'mamori change listener',
      keepAlive: true,
    });
    // An error or the end of this connection is a loss only while it is the one in use.
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client));
    await client.connect();
    try {
      const { rows } = await client.query<{ channel: string }>(`select ${channelSql} as channel`);
      const channel = rows[0]!.channel;
      client.on('notification', (n) => {
        if (n.channel !== channel || n.payload === undefined) return;
        try {
          this.#target.receive(n.payload);
        } catch (error) {
          this.#log?.warn({ err: error }, 'change listener: a listener failed');
        }
      });
      await client.query(`listen "${channel.replaceAll('"', '""')}"`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.#stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#connects++;
    // Listening from here on: whatever was kept before (while nothing was heard) is dropped, then trusted again.
    this.#target.connectionChanged('reconnected');
    this.#listening = true;
  }

  #lost(client: pg.Client, error?: unknown): void {
    if (client !== this.#client || this.#stopped) return;
    this.#client = undefined;
    this.#listening = false;
    this.#target.connectionChanged('disconnected');
    this.#log?.warn({ err: error }, 'change listener: connection lost, caches bypassed until it is back');
    client.end().catch(() => undefined);
    void this.#reconnect();
  }

  #reconnect(): Promise<void> {
    this.#reconnecting ??= (async () => {
      let delay = this.#minDelayMs;
      while (!this.#stopped && !this.#client) {
        // Jitter, so that the instances of a restarted database do not all come back in the same instant.
        await new Promise((resolve) => setTimeout(resolve, delay * (0.5 + Math.random() / 2)));
        if (this.#stopped) break;
        try {
          await this.#connect();
          this.#log?.info({}, 'change listener: listening again');
        } catch (error) {
          this.#log?.warn({ err: error, delayMs: delay }, 'change listener: reconnect failed');
          delay = Math.min(delay * 2, this.#maxDelayMs);
        }
      }
    })().finally(() => {
      this.#reconnecting = undefined;
    });
    return this.#reconnecting;
  }

  /** A connection that no longer answers (a silent network loss) is treated as lost. */
  async #check(): Promise<void> {
    const client = this.#client;
    if (!client) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.query('select 1'),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('heartbeat timed out')), Math.min(5000, this.#heartbeatMs));
        }),
      ]);
    } catch (error) {
      this.#lost(client, error);
    } finally {
      clearTimeout(timer);
    }
  }
}
