/**
 * What an operator's tools ask of a running server: `GET /health` (the process answers) and `GET /ready`
 * (it can serve: the database answers in time, its schema is current, on SQLite the checkpointer runs), and
 * the one request log line, which names the route's pattern and a truncated client address, never the raw
 * URL (a member id, a search term) or the full address.
 */
import { isIP } from 'node:net';
import { type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import { type Db, dialectOf } from '../db/database.ts';
import { latestMigration } from '../db/migrate.ts';
import type { ReadReplica, ReplicaState } from '../db/replica.ts';
import { auditQueueState } from '../modules/audit/sequencer.ts';

/** How long readiness waits for the database before calling it unreachable. */
export const READY_TIMEOUT_MS = 2000;

/**
 * Probes come often from a load balancer or an orchestrator: cheap, but still limited per address — per
 * instance (`rateLimitScope`), since each instance answers for itself and /health must not need the database.
 */
const PROBE_RATE_LIMIT = { max: 600, timeWindow: 60_000 };

export type CheckResult = 'ok' | 'unreachable' | 'timeout' | 'pending_migration' | 'not_checked' | 'stopped' | 'lagging';

/**
 * The streaming replica, when one is configured: its state, how far behind it is known to be at most, and
 * where lag-tolerant reads go now. Reported, never a reason to refuse traffic: without the replica those
 * reads go to the primary.
 */
export interface ReplicaReadiness {
  state: ReplicaState;
  lag_seconds: number | null;
  max_lag_seconds: number;
  reads: 'replica' | 'primary';
}

export interface Readiness {
  ready: boolean;
  checks: Record<string, CheckResult>;
  replica?: ReplicaReadiness;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The readiness checks. The database answers a query within `timeoutMs`; the newest migration is applied (a
 * server started against a database another release left behind, or one mid-migration, takes no traffic);
 * `checkpointer` (SQLite) says whether the WAL checkpoint thread runs; `sequencer` (PostgreSQL) whether the
 * audit queue is being chained (empty, or a batch finished within SEQUENCER_STALL_SECONDS): `lagging` otherwise.
 */
export async function checkReadiness(
  db: Db,
  opts: { checkpointer?: () => boolean; replica?: ReadReplica; timeoutMs?: number; onError?: (error: unknown) => void } = {},
): Promise<Readiness> {
  const checks: Record<string, CheckResult> = {};
  const latest = latestMigration();
  try {
    const answer = await withTimeout(
      sql<{ name: string }>`select name from kysely_migration where name = ${latest}`.execute(db),
      opts.timeoutMs ?? READY_TIMEOUT_MS,
    );
    if (answer === 'timeout') {
      checks.database = 'timeout';
      checks.migrations = 'not_checked';
    } else {
      checks.database = 'ok';
      checks.migrations = answer.rows.length > 0 ? 'ok' : 'pending_migration';
      if (checks.migrations === 'ok' && dialectOf(db) === 'postgres') {
        const state = await withTimeout(auditQueueState(db), opts.timeoutMs ?? READY_TIMEOUT_MS);
        checks.sequencer = state === 'timeout' ? 'timeout' : state.keepingUp ? 'ok' : 'lagging';
      }
    }
  } catch (error) {
    // The reason goes to the log only: the answer names no host, user or driver message.
    opts.onError?.(error);
    checks.database = 'unreachable';
    checks.migrations = 'not_checked';
  }
  if (opts.checkpointer) checks.checkpointer = opts.checkpointer() ? 'ok' : 'stopped';
  const ready = Object.values(checks).every((c) => c === 'ok');
  if (!opts.replica?.configured) return { ready, checks };
  // The check has its own timeout (the replica's), shorter than the probe's.
  const status = await opts.replica.check();
  const replica: ReplicaReadiness = {
    state: status.state,
    lag_seconds: status.lagSeconds === null ? null : Math.round(status.lagSeconds * 1000) / 1000,
    max_lag_seconds: opts.replica.maxLagSeconds,
    reads: opts.replica.current().target,
  };
  return { ready, checks, replica };
}

const checkSchema = z.enum(['ok', 'unreachable', 'timeout', 'pending_migration', 'not_checked', 'stopped', 'lagging']);
const readinessSchema = z.object({
  ready: z.boolean(),
  checks: z.record(z.string(), checkSchema),
  replica: z
    .object({
      state: z.enum(['ok', 'lagging', 'unreachable', 'timeout', 'not_standby']),
      lag_seconds: z.number().nullable(),
      max_lag_seconds: z.number(),
      reads: z.enum(['replica', 'primary']),
    })
    .optional(),
});

/** `/health` and `/ready`, outside /api/v1 (no session, no CSRF: probes carry neither). */
export function probeRoutes(db: Db, opts: { checkpointer?: () => boolean; replica?: ReadReplica }) {
  return async (app: FastifyInstance) => {
    app.get(
      '/health',
      {
        config: { rateLimit: PROBE_RATE_LIMIT, rateLimitScope: 'instance' },
        schema: {
          tags: ['system'],
          summary: '生存確認（プロセスが応答する）/ liveness: the process answers',
          response: { 200: z.object({ ok: z.literal(true) }) },
        },
      },
      async (_req, reply) => {
        reply.header('cache-control', 'no-store');
        return { ok: true as const };
      },
    );
    app.get(
      '/ready',
      {
        config: { rateLimit: PROBE_RATE_LIMIT, rateLimitScope: 'instance' },
        schema: {
          tags: ['system'],
          summary:
            '受付可能か（DB・マイグレーション・チェックポイント、レプリカの状態）/ readiness: database, migrations, checkpointer (and the replica, reported)',
          response: { 200: readinessSchema, 503: readinessSchema },
        },
      },
      async (req, reply) => {
        const result = await checkReadiness(db, {
          ...(opts.checkpointer ? { checkpointer: opts.checkpointer } : {}),
          ...(opts.replica ? { replica: opts.replica } : {}),
          onError: (error) => req.log.warn({ err: error }, 'readiness: database check failed'),
        });
        reply.header('cache-control', 'no-store');
        return reply.status(result.ready ? 200 : 503).send(result);
      },
    );
  };
}

/**
 * A client address cut to its network: IPv4 to /24 (`203.0.113.77` → `203.0.113.0`), IPv6 to /48
 * (`2001:db8:1234:5678::1` → `2001:db8:1234::`); enough to tell networks apart in an incident, not to name a
 * household. An IPv4-mapped IPv6 address is read as IPv4; anything else is `unknown`.
 */
export function truncateAddress(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const v = mapped ? mapped[1]! : address;
  const family = isIP(v);
  if (family === 4) return `${v.split('.').slice(0, 3).join('.')}.0`;
  if (family !== 6) return 'unknown';
  const [head = '', tail] = v.split('::');
  const groups = head ? head.split(':') : [];
  // `a::b`: the groups before `::` come first; fewer than three means the rest of the /48 is zeros.
  if (tail === undefined && groups.length < 3) return 'unknown';
  const network = [0, 1, 2].map((i) => (groups[i] ? Number.parseInt(groups[i]!, 16).toString(16) : '0'));
  return `${network.join(':')}::`;
}

/** The request log line: route pattern, method, status, duration and the truncated client address. */
export function logRequest(req: FastifyRequest, reply: FastifyReply, error?: Error | null): void {
  const line = {
    method: req.method,
    route: req.routeOptions.url ?? '(no route)',
    status: reply.statusCode,
    ms: Math.round(reply.elapsedTime * 10) / 10,
    client: truncateAddress(req.ip),
  };
  if (error) req.log.error({ ...line, err: error }, 'request');
  else req.log.info(line, 'request');
}

/**
 * Fastify's own request lines ("incoming request", "request completed", "Route GET:/… not found") carry the
 * raw URL and the full address: all off, and the one `logRequest` line written when the answer has gone.
 */
export class RequestLog extends LogController {
  constructor() {
    super({ disableRequestLogging: true });
  }
  override requestCompleted(error: Error | null | undefined, req: FastifyRequest, reply: FastifyReply): void {
    logRequest(req, reply, error);
  }
}
