/**
 * Worker thread entry: transforms the chunks it is sent (see pool.ts). It holds the key ring to encrypt bank
 * accounts, like the main thread does; nothing leaves the process.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { KeyRing, type KeyRingFile } from '../crypto/data-keys.ts';
import { toThreadError } from './pool.ts';
import type { FileChunk } from './source.ts';
import { type TransformPlan, transformChunk } from './transform.ts';

/** Nice value of a transform thread (0 is normal, 19 the lowest priority). */
const TRANSFORM_NICE = 10;

const { plan, keyRing } = workerData as { plan: TransformPlan; keyRing: KeyRingFile };
const keys = new KeyRing(keyRing);

// The thread that writes the database sets the pace of an import; transforming runs ahead of it and waits
// when enough chunks are ready. A lower priority for this thread keeps the transform threads from taking the
// writer's core on a small machine (and a server's, on the same machine): they use what is left. Only on
// Linux, where the nice value belongs to the thread; elsewhere it would lower the whole process.
if (process.platform === 'linux') {
  try {
    setPriority(TRANSFORM_NICE);
  } catch {
    // Not permitted: run at the normal priority.
  }
}

parentPort!.on('message', (chunk: FileChunk) => {
  try {
    parentPort!.postMessage({ seq: chunk.seq, result: transformChunk(chunk, plan, keys) });
  } catch (error) {
    parentPort!.postMessage({ seq: chunk.seq, error: toThreadError(error) });
  }
});
