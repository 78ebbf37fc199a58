/**
 * A worker in a process of its own, for the crash test of the system tasks (src/modules/system-tasks/crash.test.ts):
 * runs one poll against the database named in the environment and exits — or, with MAMORI_CHILD_CRASH=1, is
 * killed (SIGKILL) right after the connector applied a plan and before mamori recorded it.
 *
 *   MAMORI_CHILD_DB      sqlite:/path/to/mamori.db or a PostgreSQL URL
 *   MAMORI_CHILD_SCHEMA  PostgreSQL schema of the test
 *   MAMORI_CHILD_KEYS    the key ring (JSON) of the test's context
 *   MAMORI_CHILD_LEASE   lease in milliseconds
 */
import { createContext } from '../../src/app/context.ts';
import { openDatabase } from '../../src/db/database.ts';
import { KeyRing } from '../../src/modules/crypto/data-keys.ts';
import { SystemTaskWorker } from '../../src/modules/system-tasks/worker.ts';
import { standInSqliteConnector } from './sqlite-test-connector.ts';

const env = process.env;
const schema = env.MAMORI_CHILD_SCHEMA;
const opened = openDatabase(env.MAMORI_CHILD_DB!, schema ? { schema, poolSize: 2 } : {});
const ctx = createContext({
  db: opened.db,
  dialect: opened.dialect,
  ...(opened.sqlite ? { sqlite: opened.sqlite } : {}),
  keys: new KeyRing(JSON.parse(env.MAMORI_CHILD_KEYS!)),
});
standInSqliteConnector();
const worker = new SystemTaskWorker(ctx, {
  pollMs: 1000,
  leaseMs: Number(env.MAMORI_CHILD_LEASE ?? 500),
  owner: `child:${process.pid}`,
  ...(env.MAMORI_CHILD_CRASH === '1' ? { afterApply: () => process.kill(process.pid, 'SIGKILL') } : {}),
});
const ran = await worker.poll();
process.stdout.write(`${JSON.stringify({ ran })}\n`);
await opened.close();
