/**
 * The CLI runs an import in a worker thread with a bounded heap. V8 sizes a main thread's heap for speed,
 * not memory (its young generation alone grows to 128 MB under an import's allocation rate); a worker's
 * limits keep a million-row import within its memory budget. The heap limit grows with the file, since the
 * member codes seen so far (to catch duplicates) are the one thing held for the whole run.
 */
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { ImportMembersOptions, ImportProgress, ImportSummary } from '../modules/import/import-members.ts';
import { fromThreadError, type ThreadError } from '../modules/import/pool.ts';

/** Plain data only (it is copied to the thread): the mapping as a file path or parsed JSON, no callback. */
export type ThreadImportOptions = Omit<ImportMembersOptions, 'onProgress'>;

type Message = { progress?: ImportProgress; summary?: ImportSummary; error?: ThreadError };

/** Like `importMembers`, on a database opened from the environment (DATABASE_URL, MAMORI_*), in a thread. */
export function importMembersInThread(opts: ThreadImportOptions, onProgress?: (p: ImportProgress) => void): Promise<ImportSummary> {
  let size = 0;
  try {
    size = statSync(opts.file).size;
  } catch {
    // The import itself reports a file it cannot open.
  }
  const worker = new Worker(new URL('./import-thread.ts', import.meta.url), {
    workerData: { opts },
    resourceLimits: { maxOldGenerationSizeMb: 128 + Math.ceil(size / (2 << 20)), maxYoungGenerationSizeMb: 32 },
  });
  return new Promise<ImportSummary>((resolve, reject) => {
    let settled = false;
    worker.on('message', (m: Message) => {
      if (m.progress) onProgress?.(m.progress);
      else if (m.summary || m.error) {
        settled = true;
        if (m.summary) resolve(m.summary);
        else reject(fromThreadError(m.error!));
      }
    });
    worker.on('error', (error: Error & { code?: string }) => {
      settled = true;
      reject(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new Error(
              '取込に必要なメモリが上限を超えました（何も取り込んでいません）。 / The import ran out of memory; nothing was imported.',
            )
          : error,
      );
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`取込スレッドが終了しました / the import thread exited (code ${code})`));
    });
  });
}
