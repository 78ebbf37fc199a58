/**
 * What every service function needs, built once per process by the assembly (`app/context.ts#createContext`):
 * the database, the clock, the event hub and the member page's address. Routes, the CLI and jobs pass it down; tests build
 * their own.
 *
 * The base layer knows no module, so the per-process services that modules own are added to this interface
 * by those modules themselves (TypeScript declaration merging, as Fastify's decorators do):
 * `crypto/data-keys.ts` adds `keys` (the key ring), `access/policy-store.ts` adds `policy` (the access
 * policy cache) and `notify/mailer.ts` adds `mailer`.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Db, DialectName } from '../db/database.ts';
import type { ReadReplica } from '../db/replica.ts';
import type { Clock } from '../db/time.ts';
import type { EventHub } from './events.ts';

export interface AppContext {
  db: Db;
  dialect: DialectName;
  sqlite?: BetterSqlite3.Database;
  /**
   * Reads that tolerate a short lag (`replica.read(fn)`): a PostgreSQL streaming replica while it is fresh
   * enough, the primary otherwise or without one. Never for writes, audited reads or access decisions
   * (docs/operations.md, "Read replica").
   */
  replica: ReadReplica;
  clock: Clock;
  /**
   * The event hub: changes announced here reach this process's caches at once and, on PostgreSQL, every other
   * instance on the database (see events.ts).
   */
  events: EventHub;
  /** The member page's address, for links in mails (e.g. `http://localhost:8080`). */
  publicUrl: string;
}
