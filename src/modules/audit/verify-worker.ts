/**
 * A worker thread of `verifyAuditChain`: checks the sequence ranges the main thread hands it, one at a time,
 * answering each with its report, through a connection of its own —
 * - SQLite: a read-only connection to the database file;
 * - PostgreSQL: a client in a read-only repeatable-read transaction that adopts the snapshot the main thread
 *   exported (`SET TRANSACTION SNAPSHOT`), so that every worker sees exactly the chain the main thread read the
 *   head and bounds of, however many entries are appended meanwhile.
 * The main thread asks it to close when the chain is checked (or a problem found).
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { checkPostgresRange } from './chain-postgres.ts';
import { checkSqliteRange, type RangeReport } from './chain-range.ts';
import { registerDerivedAuditMacKeys } from './mac.ts';

/** What a worker is started with. */
export type VerifyWorkerData =
  | { kind: 'sqlite'; file: string }
  /** `macKeys`: the main thread's derived audit MAC keys (mac.ts), to check the entries' MACs. */
  | { kind: 'postgres'; connection: pg.ClientConfig; snapshot: string; macKeys: { id: string; key: Uint8Array }[] };

type Message = { index: number; from: number; to: number } | 'close';

interface Source {
  check(from: number, to: number): RangeReport | Promise<RangeReport>;
  close(): Promise<void> | void;
}

function openSqliteSource(file: string): Source {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  // Read the file through a memory map (SQLite caps it at its compiled maximum): no read() call per page.
  db.pragma('mmap_size = 17179869184');
  return {
    check: (from, to) => checkSqliteRange(db, from, to),
    close: () => {
      db.close();
    },
  };
}

async function openPostgresSource(connection: pg.ClientConfig, snapshot: string): Promise<Source> {
  const client = new pg.Client(connection);
  await client.connect();
  await client.query('begin isolation level repeatable read read only');
  // The snapshot id comes from pg_export_snapshot() (hex digits and dashes); checked before it is spliced in.
  if (!/^[0-9A-Fa-f-]+$/.test(snapshot)) throw new Error(`unexpected snapshot id ${snapshot}`);
  await client.query(`set transaction snapshot '${snapshot}'`);
  return {
    check: (from, to) => checkPostgresRange(client, from, to),
    async close() {
      await client.query('rollback').catch(() => {});
      await client.end();
    },
  };
}

const data = workerData as VerifyWorkerData;
if (data.kind === 'postgres') registerDerivedAuditMacKeys(data.macKeys);
const source: Promise<Source> =
  data.kind === 'sqlite' ? Promise.resolve(openSqliteSource(data.file)) : openPostgresSource(data.connection, data.snapshot);
// Messages are handled strictly in turn (the main thread sends the next range only after a report anyway).
let turn: Promise<void> = Promise.resolve();

parentPort!.on('message', (message: Message) => {
  turn = turn.then(async () => {
    const s = await source;
    if (message === 'close') {
      await s.close();
      parentPort!.close();
      return;
    }
    const report = await s.check(message.from, message.to);
    parentPort!.postMessage({ index: message.index, report });
  });
  // A failure (connection lost, snapshot gone) is left unhandled: it ends the worker with an 'error' event,
  // which the main thread reports.
});
