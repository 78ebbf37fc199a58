/**
 * Builds what every service function needs (`base/context.ts#AppContext`), once per process: the database,
 * the key ring, the access policy and the clock. Routes, the CLI and jobs pass it down; tests build their own.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { AppContext } from '../base/context.ts';
import type { Db, DialectName } from '../db/database.ts';
import { type Clock, systemClock } from '../db/time.ts';
import { PolicyStore } from '../modules/access/policy-store.ts';
import { registerAuditMacKeys } from '../modules/audit/mac.ts';
import type { KeyRing } from '../modules/crypto/data-keys.ts';
import { createMailer, type Mailer } from '../modules/notify/mailer.ts';
import { activateDueVersions } from '../modules/policy/versions.ts';

export function createContext(opts: {
  db: Db;
  dialect: DialectName;
  sqlite?: BetterSqlite3.Database;
  keys: KeyRing;
  clock?: Clock;
  mailer?: Mailer;
  publicUrl?: string;
}): AppContext {
  const clock = opts.clock ?? systemClock;
  // The audit queue's MAC keys are derived from the data keys (audit/mac.ts).
  registerAuditMacKeys(
    opts.keys.file.keys.map((k) => ({ id: k.id, key: Buffer.from(k.key, 'base64') })),
    opts.keys.primaryId,
  );
  return {
    db: opts.db,
    dialect: opts.dialect,
    ...(opts.sqlite ? { sqlite: opts.sqlite } : {}),
    keys: opts.keys,
    policy: new PolicyStore(opts.db, 5000, { beforeLoad: () => activateDueVersions(opts.db, clock()) }),
    clock,
    // Tests and tools that do not pass a mailer write to an outbox folder under the system's temp directory.
    mailer: opts.mailer ?? createMailer({ outboxDir: join(tmpdir(), 'mamori-outbox'), from: 'mamori <no-reply@localhost>' }),
    publicUrl: opts.publicUrl ?? 'http://localhost:8080',
  };
}
