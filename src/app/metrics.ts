/**
 * Prometheus metrics (prom-client), served on their own listener (`MAMORI_METRICS_PORT`, loopback by default)
 * so that the public port never exposes them. Labels are route patterns, methods, status classes and job
 * names only: never a raw URL, an id or anything a member typed.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { jobStates } from '../contract/jobs.ts';
import { type Db, dialectOf, poolOf } from '../db/database.ts';
import type { ReadReplica } from '../db/replica.ts';
import { auditQueueState, type QueueState } from '../modules/audit/sequencer.ts';
import { countRunsByState } from '../modules/jobs/lease.ts';

export interface Metrics {
  readonly registry: Registry;
  /** One answered request, by the route's pattern (`(no route)` when none matched). */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** Runs a scheduled job, counting its runs, failures and duration; a failure is rethrown. */
  runJob<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

/**
 * A registry of its own (several servers in one process, as in tests, do not collide), watching `db` and,
 * when one is configured, the streaming replica.
 */
export function createMetrics(db: Db, opts: { replica?: ReadReplica } = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mamori_' });

  const requests = new Counter({
    name: 'mamori_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status class',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'mamori_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route pattern, method and status class',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const jobRuns = new Counter({
    name: 'mamori_job_runs_total',
    help: 'Scheduled job runs, by job and outcome',
    labelNames: ['job', 'outcome'] as const,
    registers: [registry],
  });
  const jobDuration = new Histogram({
    name: 'mamori_job_duration_seconds',
    help: 'Duration of scheduled job runs',
    labelNames: ['job'] as const,
    buckets: [0.01, 0.1, 1, 10, 60, 600],
    registers: [registry],
  });
  const jobLastSuccess = new Gauge({
    name: 'mamori_job_last_success_timestamp_seconds',
    help: 'When each scheduled job last succeeded (Unix time)',
    labelNames: ['job'] as const,
    registers: [registry],
  });

  // Job runs per state in the database (every instance's): alert on `dead` above zero.
  const jobStateGauge = new Gauge({
    name: 'mamori_job_runs',
    help: 'Scheduled job runs in the database by state (dead: waiting for an administrator), read at scrape time',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      try {
        const counts = await countRunsByState(db);
        for (const state of jobStates) jobStateGauge.set({ state }, counts[state] ?? 0);
      } catch {
        // Database unreachable (or not migrated yet): the gauge keeps its last values; /ready reports it.
      }
    },
  });

  // The audit trail's length, read from its head when scraped: entries appended by every instance on this
  // database, so a rate over it is the audit write rate of the whole installation.
  new Gauge({
    name: 'mamori_audit_entries',
    help: 'Entries in the audit trail (sequence number of its head), read at scrape time',
    registers: [registry],
    async collect() {
      try {
        const { rows } = await sql<{ seq: number }>`select max(seq) as seq from audit_head`.execute(db);
        this.set(Number(rows[0]?.seq ?? 0));
      } catch {
        // Database unreachable: the gauge keeps its last value; /ready reports the database.
      }
    },
  });

  // PostgreSQL: entries queued by writers and not yet chained by the sequencer, and how long the oldest has waited.
  if (dialectOf(db) === 'postgres') {
    let state: Promise<QueueState> | undefined;
    const read = () => {
      state ??= auditQueueState(db).finally(() => setTimeout(() => (state = undefined), 1000).unref());
      return state;
    };
    new Gauge({
      name: 'mamori_audit_queue_depth',
      help: 'Audit entries queued and not yet sequenced into the chain (PostgreSQL)',
      registers: [registry],
      async collect() {
        try {
          this.set((await read()).depth);
        } catch {
          // Database unreachable: the gauge keeps its last value.
        }
      },
    });
    new Gauge({
      name: 'mamori_audit_sequencing_lag_seconds',
      help: 'Age of the oldest queued audit entry, in seconds (0 when the queue is empty)',
      registers: [registry],
      async collect() {
        try {
          this.set((await read()).oldestSeconds);
        } catch {
          // Database unreachable: the gauge keeps its last value.
        }
      },
    });
  }

  const pool = poolOf(db);
  if (pool) {
    const poolGauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(read());
        },
      });
    poolGauge('mamori_db_pool_connections', 'PostgreSQL pool: open connections', () => pool.totalCount);
    poolGauge('mamori_db_pool_idle', 'PostgreSQL pool: idle connections', () => pool.idleCount);
    poolGauge('mamori_db_pool_waiting', 'PostgreSQL pool: queries waiting for a connection', () => pool.waitingCount);
  }

  const replica = opts.replica;
  if (replica?.configured) {
    const reads = new Counter({
      name: 'mamori_replica_reads_total',
      help: 'Lag-tolerant reads, by where they ran (replica, primary) and why (fresh; otherwise why not the replica)',
      labelNames: ['target', 'reason'] as const,
      registers: [registry],
    });
    replica.onRead((target, reason) => reads.inc({ target, reason }));
    new Gauge({
      name: 'mamori_replica_lag_seconds',
      help: 'How far the replica is known to be behind the primary at most, as of its last check (-1: unknown)',
      registers: [registry],
      collect() {
        this.set(replica.status()?.lagSeconds ?? -1);
      },
    });
    new Gauge({
      name: 'mamori_replica_in_use',
      help: '1 while lag-tolerant reads go to the replica, 0 while they go to the primary',
      registers: [registry],
      collect() {
        this.set(replica.current().target === 'replica' ? 1 : 0);
      },
    });
  }

  return {
    registry,
    observeRequest(method, route, status, seconds) {
      const labels = { route, method, status: `${Math.floor(status / 100)}xx` };
      requests.inc(labels);
      latency.observe(labels, seconds);
    },
    async runJob(name, fn) {
      const end = jobDuration.startTimer({ job: name });
      try {
        const result = await fn();
        jobRuns.inc({ job: name, outcome: 'success' });
        jobLastSuccess.set({ job: name }, Date.now() / 1000);
        return result;
      } catch (error) {
        jobRuns.inc({ job: name, outcome: 'failure' });
        throw error;
      } finally {
        end();
      }
    },
  };
}

/** The `/metrics` listener: nothing else is served on it. */
export function buildMetricsServer(metrics: Metrics): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/metrics', async (_req, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  return app;
}
