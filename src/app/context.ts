/**
 * Builds what every service function needs (`base/context.ts#AppContext`), once per process: the database,
 * the key ring, the access policy and the clock. Routes, the CLI and jobs pass it down; tests build their own.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { AppContext } from '../base/context.ts';
import type { Db, DialectName } from '../db/database.ts';
import { ReadReplica } from '../db/replica.ts';
import { type Clock, systemClock } from '../db/time.ts';
import { PolicyStore } from '../modules/access/policy-store.ts';
import type { KeyRing } from '../modules/crypto/data-keys.ts';
import { createMailer, type Mailer } from '../modules/notify/mailer.ts';
import { activateDueVersions } from '../modules/policy/versions.ts';

export function createContext(opts: {
  db: Db;
  dialect: DialectName;
  sqlite?: BetterSqlite3.Database;
  /** Reads that tolerate a short lag; without it, every read goes to `db`. */
  replica?: ReadReplica;
  keys: KeyRing;
  clock?: Clock;
  mailer?: Mailer;
  publicUrl?: string;
}): AppContext {
  const clock = opts.clock ?? systemClock;
  return {
    db: opts.db,
    dialect: opts.dialect,
    ...(opts.sqlite ? { sqlite: opts.sqlite } : {}),
    replica: opts.replica ?? ReadReplica.primaryOnly(opts.db),
    keys: opts.keys,
    policy: new PolicyStore(opts.db, 5000, { beforeLoad: () => activateDueVersions(opts.db, clock()) }),
    clock,
    // Tests and tools that do not pass a mailer write to an outbox folder under the system's temp directory.
    mailer: opts.mailer ?? createMailer({ outboxDir: join(tmpdir(), 'mamori-outbox'), from: 'mamori <no-reply@localhost>' }),
    publicUrl: opts.publicUrl ?? 'http://localhost:8080',
  };
}
