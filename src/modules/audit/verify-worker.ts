/**
 * A worker thread of `verifyAuditChain` on SQLite: opens its own read-only connection to the database file
 * and checks the sequence ranges the main thread hands it, one at a time, answering each with its report.
 * The main thread asks it to close when the chain is checked (or a problem found).
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { checkSqliteRange } from './chain-range.ts';

const { file } = workerData as { file: string };
const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
// Read the file through a memory map (SQLite caps it at its compiled maximum): no read() call per page.
db.pragma('mmap_size = 17179869184');

parentPort!.on('message', (message: { index: number; from: number; to: number } | 'close') => {
  if (message === 'close') {
    db.close();
    parentPort!.close();
    return;
  }
  const report = checkSqliteRange(db, message.from, message.to);
  parentPort!.postMessage({ index: message.index, report });
});
