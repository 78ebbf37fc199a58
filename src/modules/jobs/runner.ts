/**
 * The job runner, one per server process (`mamori serve`): every poll it makes sure each recurring job's
 * current and next runs exist, buries runs whose instance died on their last try, then claims due runs one
 * at a time and runs them — so that across any number of instances on one database each run is done by one
 * of them. A claim is a lease: renewed while the handler works, it lets another instance take the run over
 * once it expires (the instance crashed or lost the database). A failed try is retried after an exponential
 * back-off; after the last try the run is `dead` until an administrator retries or discards it.
 */
import { hostname } from 'node:os';
import type { AppContext } from '../../base/context.ts';
import { backoffMs, type JobDefinition, slotAfter, slotAtOrBefore } from './definitions.ts';
import { summarizeError } from './error-summary.ts';
import { buryExpired, claimNext, ensureRun, recordFailure, recordSuccess, renewLease } from './lease.ts';

/** The little of a logger the runner needs (Fastify's pino logger fits). */
export interface JobLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const silent: JobLog = { info() {}, warn() {}, error() {} };

export interface RunnerOptions {
  jobs: readonly JobDefinition[];
  /** Between the end of one poll and the start of the next. */
  pollMs: number;
  /** How long a claim holds; renewed every third of it while the handler runs. */
  leaseMs: number;
  /** Who holds the leases (default `host:pid:random`). */
  owner?: string;
  /** Wraps each try (the Prometheus metrics count runs, failures and durations). */
  observe?: <T>(job: string, fn: () => Promise<T>) => Promise<T>;
  log?: JobLog;
}

export class JobRunner {
  readonly owner: string;
  readonly #ctx: AppContext;
  readonly #opts: RunnerOptions;
  readonly #jobs: Map<string, JobDefinition>;
  /** The next due time this process last made sure of, per job: the inserts are skipped until it passes. */
  readonly #ensured = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<unknown> | undefined;
  #stopping = false;
  #started = false;

  constructor(ctx: AppContext, opts: RunnerOptions) {
    this.#ctx = ctx;
    this.#opts = opts;
    this.#jobs = new Map(opts.jobs.map((j) => [j.name, j]));
    this.owner = opts.owner ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  }

  /** Starts polling (the first poll at once). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#next(0);
  }

  #next(delay: number): void {
    if (this.#stopping) return;
    this.#timer = setTimeout(() => {
      this.#polling = this.poll()
        .catch((error: unknown) => this.#log.error({ err: error }, 'job runner: poll failed'))
        .finally(() => {
          this.#polling = undefined;
          this.#next(this.#opts.pollMs);
        });
    }, delay);
    this.#timer.unref();
  }

  get #log(): JobLog {
    return this.#opts.log ?? silent;
  }

  /** One poll: schedule, bury, then run what is due until nothing is (or the runner stops). Returns the runs tried. */
  async poll(): Promise<number> {
    const { db, dialect } = this.#ctx;
    await this.#ensureRuns(this.#ctx.clock());
    const buried = await buryExpired(db, this.#ctx.clock());
    if (buried > 0) this.#log.warn({ runs: buried }, 'job runner: runs whose instance stopped on their last try are dead');
    let tried = 0;
    while (!this.#stopping) {
      const run = await claimNext(db, dialect, {
        owner: this.owner,
        now: this.#ctx.clock(),
        leaseMs: this.#opts.leaseMs,
        jobs: [...this.#jobs.keys()],
      });
      if (!run) break;
      await this.#run(this.#jobs.get(run.job)!, run);
      tried += 1;
    }
    return tried;
  }

  async #ensureRuns(now: Date): Promise<void> {
    for (const job of this.#jobs.values()) {
      const next = slotAfter(job.schedule, now).getTime();
      if (this.#ensured.get(job.name) === next) continue;
      // The current slot too: a job new to the database (or after an upgrade) runs at once, not a period later.
      for (const dueAt of [slotAtOrBefore(job.schedule, now), new Date(next)]) {
        await ensureRun(this.#ctx.db, { job: job.name, dueAt, maxAttempts: job.maxAttempts, now });
      }
      this.#ensured.set(job.name, next);
    }
  }

  async #run(job: JobDefinition, run: { id: string; due_at: string; attempts: number; max_attempts: number }): Promise<void> {
    const { db } = this.#ctx;
    const ids = { job: job.name, run: run.id, attempt: run.attempts };
    let lost = false;
    const renew = setInterval(
      () =>
        void renewLease(db, {
          id: run.id,
          owner: this.owner,
          until: new Date(this.#ctx.clock().getTime() + this.#opts.leaseMs),
          now: this.#ctx.clock(),
        })
          .then((ok) => {
            if (!ok && !lost) {
              lost = true;
              this.#log.warn(ids, 'job runner: lease lost; another instance may take the run over');
            }
          })
          .catch(() => {}),
      Math.max(100, Math.floor(this.#opts.leaseMs / 3)),
    );
    renew.unref();
    const observe = this.#opts.observe ?? (<T>(_name: string, fn: () => Promise<T>) => fn());
    let outcome: { ok: true; result: Awaited<ReturnType<JobDefinition['handler']>> } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, result: await observe(job.name, () => job.handler(this.#ctx, { dueAt: run.due_at, attempt: run.attempts })) };
    } catch (error) {
      outcome = { ok: false, error };
    } finally {
      clearInterval(renew);
    }
    const now = this.#ctx.clock();
    if (outcome.ok) {
      const recorded = await recordSuccess(db, { id: run.id, owner: this.owner, result: outcome.result, now });
      if (!recorded) this.#log.warn(ids, 'job runner: finished after losing the lease; outcome not recorded');
      return;
    }
    const last = run.attempts >= run.max_attempts;
    const retryInMs = last ? null : backoffMs(job.backoff, run.attempts);
    const error = summarizeError(outcome.error);
    await recordFailure(db, { id: run.id, owner: this.owner, error, retryInMs, now });
    if (last) this.#log.error({ ...ids, error }, 'job runner: run failed on its last try and is dead');
    else this.#log.warn({ ...ids, error, retry_in_ms: retryInMs }, 'job runner: run failed, will retry');
  }

  /**
   * Stops polling and waits for the run in progress (at most `waitMs`; a run still going after that keeps its
   * lease until it expires, and another instance takes it over then).
   */
  async stop(opts: { waitMs?: number } = {}): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#timer);
    const polling = this.#polling;
    if (!polling) return;
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([polling, new Promise((resolve) => (timeout = setTimeout(resolve, opts.waitMs ?? 30_000)))]);
    clearTimeout(timeout);
  }
}
