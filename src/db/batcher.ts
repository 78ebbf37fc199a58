/**
 * Group commit for many small transactions of one kind (PostgreSQL's hot read path). Items that arrive while
 * the previous groups are still running wait and then go together: one transaction, a handful of statements,
 * one commit for all of them. Under light load every item goes alone and at once (up to `maxInFlight` groups
 * run side by side); under heavy load groups grow, so the per-item cost of round trips, parsing and commits
 * falls as the load rises — the same idea as SQLite's `sqliteGroupTransaction`, for a database reached over
 * the network.
 *
 * `run` answers each item of a group, in order; if it throws, every item of the group fails with that error.
 * Items that arrive within one turn of the event loop start together (the group starts on `setImmediate`).
 */
export interface BatcherOptions {
  /** Most items in one group. */
  maxBatch: number;
  /** Most groups running at once. */
  maxInFlight: number;
}

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

export class Batcher<I, O> {
  readonly #run: (items: I[]) => Promise<O[]>;
  readonly #options: BatcherOptions;
  #queue: Waiting<I, O>[] = [];
  #inFlight = 0;
  #scheduled = false;

  constructor(run: (items: I[]) => Promise<O[]>, options: BatcherOptions) {
    if (options.maxBatch < 1 || options.maxInFlight < 1) throw new Error('Batcher needs maxBatch and maxInFlight of at least 1');
    this.#run = run;
    this.#options = options;
  }

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight >= this.#options.maxInFlight || this.#queue.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      while (this.#inFlight < this.#options.maxInFlight && this.#queue.length > 0) this.#start();
    });
  }

  #start(): void {
    const group = this.#queue.splice(0, this.#options.maxBatch);
    this.#inFlight += 1;
    let answers: Promise<O[]>;
    try {
      answers = this.#run(group.map((w) => w.item));
    } catch (error) {
      answers = Promise.reject(error);
    }
    answers
      .then(
        (outs) => {
          if (outs.length !== group.length) throw new Error(`Batcher: ${outs.length} answers for ${group.length} items`);
          group.forEach((w, i) => {
            w.resolve(outs[i]!);
          });
        },
        (error: unknown) => {
          for (const w of group) w.reject(error);
        },
      )
      .catch((error: unknown) => {
        for (const w of group) w.reject(error);
      })
      .finally(() => {
        this.#inFlight -= 1;
        this.#schedule();
      });
  }
}
