/**
 * A worker thread of `verifyAuditChain` on SQLite: opens its own read-only connection to the database file
 * and checks the sequence ranges the main thread hands it, one at a time, answering each with its report.
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { chainColumns, checkRows } from './chain-range.ts';

const { file } = workerData as { file: string };
const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
db.pragma('cache_size = -16384');
const select = db.prepare(`select ${chainColumns.join(', ')} from audit_log where seq >= ? and seq <= ? order by seq`).raw(true);

parentPort!.on('message', (message: { index: number; from: number; to: number } | 'close') => {
  if (message === 'close') {
    db.close();
    parentPort!.close();
    return;
  }
  const report = checkRows(select.iterate(message.from, message.to) as Iterable<unknown[]>);
  parentPort!.postMessage({ index: message.index, report });
});
