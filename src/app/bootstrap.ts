/** Opening mamori: configuration, database (migrated), key ring and the service context. */

import { type Config, loadConfig } from '../base/config.ts';
import type { AppContext } from '../base/context.ts';
import { type OpenedDatabase, openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { ReadReplica } from '../db/replica.ts';
import { loadKeyRing } from '../modules/crypto/data-keys.ts';
import { createMailer } from '../modules/notify/mailer.ts';
import { createContext } from './context.ts';

export interface Opened {
  config: Config;
  database: OpenedDatabase;
  ctx: AppContext;
  close(): Promise<void>;
}

export async function openMamori(overrides: Partial<Config> = {}): Promise<Opened> {
  const config = loadConfig(process.env, overrides);
  const database = openDatabase(config.databaseUrl, { poolSize: config.databasePoolSize });
  await migrateToLatest(database.db, database.dialect);
  // A streaming replica for reads that tolerate a short lag (PostgreSQL only; the configuration refuses it on SQLite).
  const replica = config.databaseReplicaUrl
    ? new ReadReplica(database.db, openDatabase(config.databaseReplicaUrl, { connectTimeoutMs: 2000 }).db, {
        maxLagMs: config.databaseReplicaMaxLagSeconds * 1000,
      })
    : undefined;
  const keys = loadKeyRing(config.keyFile);
  const mailer = createMailer({ smtpUrl: config.smtpUrl, outboxDir: config.outboxDir, from: config.mailFrom });
  const ctx = createContext({
    db: database.db,
    dialect: database.dialect,
    ...(database.sqlite ? { sqlite: database.sqlite } : {}),
    ...(replica ? { replica } : {}),
    keys,
    mailer,
    publicUrl: config.publicUrl,
  });
  return {
    config,
    database,
    ctx,
    close: async () => {
      mailer.close();
      await replica?.close();
      await database.close();
    },
  };
}

/** True when no organization exists yet (a fresh database). */
export async function isEmpty(ctx: AppContext): Promise<boolean> {
  const row = await ctx.db.selectFrom('organizations').select('id').limit(1).executeTakeFirst();
  return !row;
}
