/**
 * What every service function needs, built once per process: the database, the key ring, the access
 * policy and the clock. Routes, the CLI and jobs pass it down; tests build their own.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Db, DialectName } from '../db/database.ts';
import { type Clock, systemClock } from '../db/time.ts';
import { PolicyStore } from '../modules/access/policy-store.ts';
import type { KeyRing } from '../modules/crypto/data-keys.ts';
import { activateDueVersions } from '../modules/policy/versions.ts';

export interface AppContext {
  db: Db;
  dialect: DialectName;
  sqlite?: BetterSqlite3.Database;
  keys: KeyRing;
  policy: PolicyStore;
  clock: Clock;
}

export function createContext(opts: {
  db: Db;
  dialect: DialectName;
  sqlite?: BetterSqlite3.Database;
  keys: KeyRing;
  clock?: Clock;
}): AppContext {
  const clock = opts.clock ?? systemClock;
  return {
    db: opts.db,
    dialect: opts.dialect,
    ...(opts.sqlite ? { sqlite: opts.sqlite } : {}),
    keys: opts.keys,
    policy: new PolicyStore(opts.db, 5000, { beforeLoad: () => activateDueVersions(opts.db, clock()) }),
    clock,
  };
}
