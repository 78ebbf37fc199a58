/**
 * Builds what every service function needs (`base/context.ts#AppContext`), once per process: the database,
 * the key ring, the access policy, the clock and the event hub. Routes, the CLI and jobs pass it down; tests build their own.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { AppContext } from '../base/context.ts';
import { EventHub } from '../base/events.ts';
import { pgChangeRelay } from '../db/change-relay.ts';
import type { Db, DialectName } from '../db/database.ts';
import { ReadReplica } from '../db/replica.ts';
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
  /** Reads that tolerate a short lag; without it, every read goes to `db`. */
  replica?: ReadReplica;
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
  // On PostgreSQL every published change is also sent to the other instances (NOTIFY); a server listens with
  // `app/instances.ts#startChangeListener`. The CLI sends but does not listen.
  const events = new EventHub(opts.dialect === 'postgres' ? pgChangeRelay : undefined);
  // Activating a due version changes the enforced registers: the other instances reload too.
  const activate = async () => {
    const activated = await activateDueVersions(opts.db, clock());
    if (activated.length > 0) await events.publish(opts.db, 'policy.changed', {});
  };
  return {
    db: opts.db,
    dialect: opts.dialect,
    ...(opts.sqlite ? { sqlite: opts.sqlite } : {}),
    replica: opts.replica ?? ReadReplica.primaryOnly(opts.db),
    keys: opts.keys,
    events,
    policy: new PolicyStore(opts.db, events, 5000, { beforeLoad: activate }),
    clock,
    // Tests and tools that do not pass a mailer write to an outbox folder under the system's temp directory.
    mailer: opts.mailer ?? createMailer({ outboxDir: join(tmpdir(), 'mamori-outbox'), from: 'mamori <no-reply@localhost>' }),
    publicUrl: opts.publicUrl ?? 'http://localhost:8080',
  };
}
