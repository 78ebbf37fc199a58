/** Worker thread entry of `importMembersInThread`: opens mamori from the environment and runs the import. */
import { parentPort, workerData } from 'node:worker_threads';
import { openMamori } from '../app/bootstrap.ts';
import { importMembers } from '../modules/import/import-members.ts';
import { toThreadError } from '../modules/import/pool.ts';
import type { ThreadImportOptions } from './import-in-thread.ts';

const { opts } = workerData as { opts: ThreadImportOptions };
const m = await openMamori();
try {
  const summary = await importMembers(m.ctx, { ...opts, onProgress: (progress) => parentPort!.postMessage({ progress }) });
  parentPort!.postMessage({ summary });
} catch (error) {
  parentPort!.postMessage({ error: toThreadError(error) });
} finally {
  await m.close();
}
