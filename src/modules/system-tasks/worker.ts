/**
 * The worker that carries requests into the connected systems, one per server process (started with the job
 * runner by `mamori serve`). Every poll: the watchdog first (tasks left running under an expired lease — their
 * worker died — go back to `failed` to be retried, or `dead` once their attempts are used up), then it claims due
 * tasks one at a time (lease.ts) and runs them:
 *
 *   disclose: `select` → the rows found, encrypted (`result_enc`) → `done`
 *   erase, correct: `apply` the approved plan → record `applied` + rows changed → `verify` (read back) → `done`
 *   any failure → `failed` with the error code and a back-off, or `dead` after the last attempt
 *   `AnswerPending` (a drop folder's answer not there yet) → back to waiting, the attempt not counted
 *
 * Idempotent across crashes: a worker killed between `apply` and recording it leaves the task `running` under a
 * lease that expires; the watchdog makes it `failed`, the next worker applies the same plan again, and the
 * connector writes only rows not yet in the planned state (changed 0), so nothing is applied twice.
 */
import { hostname } from 'node:os';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import type { DbOrTx } from '../../db/database.ts';
import type { SystemTaskTable } from '../../db/schema.ts';
import { iso } from '../../db/time.ts';
import { AnswerPending, type Connector, type FoundTable } from '../connectors/connector.ts';
import { policyInEffect } from '../policy/in-effect.ts';
import { openSystem } from '../systems/read-connection.ts';
import { personIdentities } from './identities.ts';
import { claimNextTask, INTERRUPTED, renewTaskLease } from './lease.ts';
import { errorOf } from './plan-request.ts';
import { auditTask, foundTables, parsePlan, planTables, workerActor } from './record.ts';

export interface WorkerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
const silent: WorkerLog = { info() {}, warn() {}, error() {} };

export interface WorkerOptions {
  /** Between the end of one poll and the next. */
  pollMs: number;
  /** How long a claim holds; renewed every third of it while the connector works. */
  leaseMs: number;
  /** The first retry's delay; each further try doubles it, up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** How long to wait before looking again for a drop folder's answer. */
  pendingMs?: number;
  owner?: string;
  log?: WorkerLog;
  /**
   * Called right after a plan was applied, before it is recorded — for the crash test only (it kills the
   * process there to prove a re-run applies nothing twice).
   */
  afterApply?: (task: SystemTaskTable) => void;
}

/** The delay before try `attempts + 1`. */
export function taskBackoffMs(attempts: number, opts: Pick<WorkerOptions, 'backoffMs' | 'maxBackoffMs'> = {}): number {
  const base = opts.backoffMs ?? 30_000;
  return Math.min(opts.maxBackoffMs ?? 3_600_000, base * 2 ** Math.max(0, attempts - 1));
}

export class SystemTaskWorker {
  readonly owner: string;
  readonly #ctx: AppContext;
  readonly #opts: WorkerOptions;
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<unknown> | undefined;
  #stopping = false;
  #started = false;
  /** Asked to look again while a poll was running: the next poll starts at once. */
  #again = false;
  #unsubscribe: (() => void) | undefined;
  /** Tasks the watchdog found stuck since the worker started (shown in the log). */
  stuckFound = 0;

  constructor(ctx: AppContext, opts: WorkerOptions) {
    this.#ctx = ctx;
    this.#opts = opts;
    this.owner = opts.owner ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  }

  get #log(): WorkerLog {
    return this.#opts.log ?? silent;
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    // Work queued in this process (an approval, a disclosure planned) is taken at once, not at the next poll.
    this.#unsubscribe = this.#ctx.events.on('system_tasks.queued', () => this.#wake());
    this.#next(0);
  }

  #wake(): void {
    if (this.#stopping) return;
    if (this.#polling) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#next(0);
  }

  #next(delay: number): void {
    if (this.#stopping) return;
    this.#timer = setTimeout(() => {
      this.#again = false;
      this.#polling = this.poll()
        .catch((error: unknown) => this.#log.error({ err: error }, 'system tasks: poll failed'))
        .finally(() => {
          this.#polling = undefined;
          this.#next(this.#again ? 0 : this.#opts.pollMs);
        });
    }, delay);
    this.#timer.unref();
  }

  /** One poll: the watchdog, then every due task until none is left. Returns the tasks run. */
  async poll(): Promise<number> {
    await this.watchdog();
    let ran = 0;
    while (!this.#stopping) {
      const task = await claimNextTask(this.#ctx.db, this.#ctx.dialect, {
        owner: this.owner,
        now: this.#ctx.clock(),
        leaseMs: this.#opts.leaseMs,
      });
      if (!task) break;
      await this.run(task);
      ran += 1;
    }
    return ran;
  }

  /**
   * Tasks left `running` or `applied` under an expired lease: `failed` (tried again at once) or `dead`, each
   * audited. Returns how many were found.
   */
  async watchdog(): Promise<number> {
    const { db } = this.#ctx;
    const now = this.#ctx.clock();
    const at = iso(now);
    const stuck = await db
      .selectFrom('system_tasks')
      .selectAll()
      .where('state', 'in', ['running', 'applied'])
      .where('lease_owner', 'is not', null)
      .where('lease_until', '<', at)
      .limit(100)
      .execute();
    let found = 0;
    for (const t of stuck) {
      const dead = Number(t.attempts) >= Number(t.max_attempts);
      const moved = await db.transaction().execute(async (tx) => {
        const r = await tx
          .updateTable('system_tasks')
          .set({
            state: dead ? 'dead' : 'failed',
            lease_owner: null,
            lease_until: null,
            error_code: INTERRUPTED,
            error_detail: 'lease expired: the worker stopped or lost the database',
            next_at: at,
            updated_at: at,
            version: t.version + 1,
          })
          .where('id', '=', t.id)
          .where('version', '=', t.version)
          .where('lease_until', '<', at)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) return false;
        const request = await requestRow(tx, t.request_id);
        await auditTask(tx, workerActor(t.org_id), {
          action: 'fail',
          task: t,
          request,
          state: dead ? 'dead' : 'failed',
          extra: { error: INTERRUPTED, attempts: Number(t.attempts) },
          clock: this.#ctx.clock,
        });
        return true;
      });
      if (moved) found += 1;
    }
    if (found > 0) {
      this.stuckFound += found;
      this.#log.warn({ tasks: found, total: this.stuckFound }, 'system tasks: tasks whose worker stopped are retried');
    }
    return found;
  }

  /** Runs one claimed task to its next resting state. */
  async run(task: SystemTaskTable): Promise<void> {
    const { db } = this.#ctx;
    const ids = { task: task.id, system: task.system_code, action: task.action, attempt: task.attempts };
    const renew = setInterval(
      () =>
        void renewTaskLease(db, {
          id: task.id,
          owner: this.owner,
          until: new Date(this.#ctx.clock().getTime() + this.#opts.leaseMs),
          now: this.#ctx.clock(),
        }).catch(() => {}),
      Math.max(100, Math.floor(this.#opts.leaseMs / 3)),
    );
    renew.unref();
    let connector: Connector | undefined;
    try {
      const request = await requestRow(db, task.request_id);
      const policy = await policyInEffect(db, task.org_id);
      const map = policy?.document.systems.find((s) => s.code === task.system_code);
      if (!map) throw new AppError('system_not_mapped');
      if (task.action === 'stop') {
        await this.#finish(task, request, {});
        return;
      }
      connector = await openSystem(db, this.#ctx.keys, task.org_id, task.system_code);
      if (task.action === 'disclose') {
        const found = await connector.select(map, await personIdentities(db, request.member_id), { reference: task.id });
        await this.#finish(task, request, { found });
        return;
      }
      const plan = parsePlan(task);
      if (!plan) throw new AppError('system_task_state_invalid');
      let state = task.state;
      if (state !== 'applied') {
        const applied = await connector.apply(plan);
        this.#opts.afterApply?.(task);
        const recorded = await this.#move(task, request, 'applied', {
          // A drop folder cannot know the rows it changes (-1): only known counts are added.
          changed: task.changed + Math.max(0, applied.changed),
          audit: { action: 'apply', extra: { table_rows: planTables(plan), rows: plan.rows, rows_changed: applied.changed } },
        });
        if (!recorded) return;
        state = 'applied';
      }
      const verified = await connector.verify(plan);
      if (!verified.ok) {
        throw new AppError('system_verify_mismatch', undefined, verified.differences.slice(0, 20).join('; ').slice(0, 500));
      }
      await this.#finish(task, request, { plan });
    } catch (error) {
      await this.#fail(task, error).catch((e: unknown) => this.#log.error({ ...ids, err: e }, 'system tasks: could not record a failure'));
    } finally {
      clearInterval(renew);
      await connector?.close().catch(() => {});
    }
  }

  async #finish(
    task: SystemTaskTable,
    request: RequestRow,
    what: { found?: FoundTable[]; plan?: NonNullable<ReturnType<typeof parsePlan>> },
  ): Promise<void> {
    const extra = what.found
      ? { table_rows: foundTables(what.found), rows: what.found.reduce((n, t) => n + t.rows.length, 0) }
      : what.plan
        ? { table_rows: planTables(what.plan), rows: what.plan.rows }
        : {};
    await this.#move(task, request, 'done', {
      ...(what.found ? { result_enc: this.#ctx.keys.encrypt(JSON.stringify(what.found)) } : {}),
      audit: { action: what.found ? 'apply' : 'verify', extra },
    });
  }

  /** Moves a task this worker holds; false when the lease was lost meanwhile (nothing recorded). */
  async #move(
    task: SystemTaskTable,
    request: RequestRow,
    state: 'applied' | 'done',
    opts: {
      changed?: number;
      result_enc?: string;
      audit: { action: 'apply' | 'verify'; extra: Parameters<typeof auditTask>[2]['extra'] };
    },
  ): Promise<boolean> {
    const now = this.#ctx.clock();
    const ok = await this.#ctx.db.transaction().execute(async (tx) => {
      const r = await tx
        .updateTable('system_tasks')
        .set({
          state,
          ...(opts.changed !== undefined ? { changed: opts.changed } : {}),
          ...(opts.result_enc !== undefined ? { result_enc: opts.result_enc } : {}),
          ...(state === 'done' ? { lease_owner: null, lease_until: null, next_at: null, error_code: null, error_detail: null } : {}),
          updated_at: iso(now),
          version: task.version + 1,
        })
        .where('id', '=', task.id)
        .where('lease_owner', '=', this.owner)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return false;
      await auditTask(tx, workerActor(task.org_id), {
        action: opts.audit.action,
        task,
        request,
        state,
        ...(opts.audit.extra ? { extra: opts.audit.extra } : {}),
        clock: this.#ctx.clock,
      });
      return true;
    });
    if (ok) task.version += 1;
    else this.#log.warn({ task: task.id }, 'system tasks: lease lost; the outcome is left to the worker that took the task over');
    return ok;
  }

  async #fail(task: SystemTaskTable, error: unknown): Promise<void> {
    const now = this.#ctx.clock();
    const current = await this.#ctx.db.selectFrom('system_tasks').select(['state', 'version']).where('id', '=', task.id).executeTakeFirst();
    const applied = current?.state === 'applied';
    if (error instanceof AnswerPending) {
      // Not a failure: the answer comes when the system's own batch runs. The attempt is given back.
      await this.#ctx.db
        .updateTable('system_tasks')
        .set((eb) => ({
          state: applied ? 'applied' : 'queued',
          attempts: eb('attempts', '-', 1),
          lease_owner: null,
          lease_until: null,
          next_at: iso(new Date(now.getTime() + (this.#opts.pendingMs ?? 60_000))),
          updated_at: iso(now),
          version: eb('version', '+', 1),
        }))
        .where('id', '=', task.id)
        .where('lease_owner', '=', this.owner)
        .execute();
      return;
    }
    const { code, detail } = errorOf(error);
    const dead = task.attempts >= task.max_attempts;
    const state = dead ? 'dead' : 'failed';
    await this.#ctx.db.transaction().execute(async (tx) => {
      const r = await tx
        .updateTable('system_tasks')
        .set((eb) => ({
          state,
          error_code: code,
          error_detail: detail,
          lease_owner: null,
          lease_until: null,
          next_at: iso(new Date(now.getTime() + (dead ? 0 : taskBackoffMs(task.attempts, this.#opts)))),
          updated_at: iso(now),
          version: eb('version', '+', 1),
        }))
        .where('id', '=', task.id)
        .where('lease_owner', '=', this.owner)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return;
      const request = await requestRow(tx, task.request_id);
      await auditTask(tx, workerActor(task.org_id), {
        action: 'fail',
        task,
        request,
        state,
        extra: { error: code, attempts: task.attempts },
        clock: this.#ctx.clock,
      });
    });
    const log = dead ? this.#log.error : this.#log.warn;
    log.call(this.#log, { task: task.id, system: task.system_code, error: code, attempts: task.attempts }, `system tasks: task ${state}`);
  }

  /** Stops polling and waits for the task in progress (at most `waitMs`; its lease then expires). */
  async stop(opts: { waitMs?: number } = {}): Promise<void> {
    this.#stopping = true;
    this.#unsubscribe?.();
    clearTimeout(this.#timer);
    const polling = this.#polling;
    if (!polling) return;
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([polling, new Promise((resolve) => (timeout = setTimeout(resolve, opts.waitMs ?? 30_000)))]);
    clearTimeout(timeout);
  }
}

type RequestRow = { id: string; reference: string; kind: string; member_id: string };

async function requestRow(db: DbOrTx, id: string): Promise<RequestRow> {
  return db.selectFrom('subject_requests').select(['id', 'reference', 'kind', 'member_id']).where('id', '=', id).executeTakeFirstOrThrow();
}
