/**
 * Worker thread entry: transforms the chunks it is sent (see pool.ts). It holds the key ring to encrypt bank
 * accounts, like the main thread does; nothing leaves the process.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { KeyRing, type KeyRingFile } from '../crypto/data-keys.ts';
import { toThreadError } from './pool.ts';
import type { FileChunk } from './source.ts';
import { type TransformPlan, transformChunk } from './transform.ts';

const { plan, keyRing } = workerData as { plan: TransformPlan; keyRing: KeyRingFile };
const keys = new KeyRing(keyRing);

parentPort!.on('message', (chunk: FileChunk) => {
  try {
    parentPort!.postMessage({ seq: chunk.seq, result: transformChunk(chunk, plan, keys) });
  } catch (error) {
    parentPort!.postMessage({ seq: chunk.seq, error: toThreadError(error) });
  }
});
