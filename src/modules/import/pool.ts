/**
 * Chunks are transformed by a few worker threads while the main thread writes the database: parsing,
 * normalising and encrypting cost more than the writes, and a 2-core machine then keeps both cores busy.
 * Results come back as promises that the importer awaits in file order. With `size` 0 (small files, or a
 * single core) chunks are transformed inline, by the same function.
 */
import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode, isErrorCode } from '../../base/errors.ts';
import type { FieldIssue } from '../../contract/errors.ts';
import type { KeyRing } from '../crypto/data-keys.ts';
import type { FileChunk } from './source.ts';
import { type ChunkResult, type TransformPlan, transformChunk } from './transform.ts';

/** An error as it crosses a thread boundary; `AppError`s keep their code and issues. */
export type ThreadError = { code?: string; issues?: FieldIssue[]; message: string };

export function toThreadError(error: unknown): ThreadError {
  if (error instanceof AppError) return { code: error.code, ...(error.issues ? { issues: error.issues } : {}), message: error.message };
  return { message: error instanceof Error ? error.message : String(error) };
}

export function fromThreadError(e: ThreadError): Error {
  return e.code && isErrorCode(e.code) ? new AppError(e.code as ErrorCode, e.issues, e.message) : new Error(e.message);
}

type Reply = { seq: number; result?: ChunkResult; error?: ThreadError };
type Waiter = { resolve: (r: ChunkResult) => void; reject: (e: Error) => void };

interface Slot {
  worker: Worker;
  waiting: Map<number, Waiter>;
}

export class TransformPool {
  readonly #plan: TransformPlan;
  readonly #keys: KeyRing;
  readonly #slots: Slot[] = [];
  #failure: Error | undefined;
  #closing = false;

  constructor(plan: TransformPlan, keys: KeyRing, size: number) {
    this.#plan = plan;
    this.#keys = keys;
    for (let i = 0; i < size; i++) this.#slots.push(this.#spawn());
  }

  get size(): number {
    return this.#slots.length;
  }

  #spawn(): Slot {
    const worker = new Worker(new URL('./transform-worker.ts', import.meta.url), {
      workerData: { plan: this.#plan, keyRing: this.#keys.file },
      // A worker holds one chunk at a time; small heaps make V8 collect early instead of growing (memory target).
      resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 32 },
    });
    const slot: Slot = { worker, waiting: new Map() };
    worker.on('message', (reply: Reply) => {
      const waiter = slot.waiting.get(reply.seq);
      if (!waiter) return;
      slot.waiting.delete(reply.seq);
      if (reply.result) waiter.resolve(reply.result);
      else waiter.reject(fromThreadError(reply.error!));
    });
    const fail = (error: Error) => {
      if (this.#closing) return;
      this.#failure ??= error;
      for (const s of this.#slots) {
        for (const w of s.waiting.values()) w.reject(this.#failure);
        s.waiting.clear();
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`取込ワーカーが終了しました / import worker exited (code ${code})`)));
    return slot;
  }

  /** Transforms a chunk; its bytes are handed over to the worker. */
  run(chunk: FileChunk): Promise<ChunkResult> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#slots.length === 0) {
      try {
        return Promise.resolve(transformChunk(chunk, this.#plan, this.#keys));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    let slot = this.#slots[0]!;
    for (const s of this.#slots) if (s.waiting.size < slot.waiting.size) slot = s;
    return new Promise<ChunkResult>((resolve, reject) => {
      slot.waiting.set(chunk.seq, { resolve, reject });
      slot.worker.postMessage(chunk, [chunk.bytes.buffer as ArrayBuffer]);
    });
  }

  /** Stops the workers (again: a no-op). */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.#failure ??= new Error('import: the transform pool is closed');
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
  }
}
