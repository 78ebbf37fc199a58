import { isIP } from 'node:net';
import { z } from 'zod';

/** Names proxy-addr (Fastify's `trustProxy`) accepts besides addresses and CIDRs. */
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An address, a CIDR (`10.0.0.0/8`, `fd00::/8`) or one of proxy-addr's names. */
function isProxyAddress(v: string): boolean {
  if (PROXY_NAMES.has(v)) return true;
  const [address = '', prefix, ...rest] = v.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * `MAMORI_TRUST_PROXY`: unset or `false`, no proxy is trusted (the socket's address is the client's);
 * `true`, every proxy; a number, that many hops; otherwise a comma-separated list of addresses or CIDRs.
 */
export function parseTrustProxy(raw: string | undefined): unknown {
  const v = raw?.trim();
  if (!v || v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v.split(',').map((a) => a.trim());
}

/** `MAMORI_JOBS`: on unless `off`/`false`/`0`; anything else is kept as written and refused by the schema. */
function parseSwitch(raw: string | undefined): unknown {
  const v = raw?.trim().toLowerCase();
  if (!v || v === 'on' || v === 'true' || v === '1') return true;
  if (v === 'off' || v === 'false' || v === '0') return false;
  return raw;
}

/**
 * The one configuration schema, read from the environment and validated at start-up: a bad value stops
 * the process with a clear message instead of surfacing later.
 */
const configSchema = z
  .object({
    /** `sqlite:./data/mamori.db` (default) or `postgres://user@host:5432/db`. */
    databaseUrl: z.string().refine((v) => v.startsWith('sqlite:') || v.startsWith('postgres://') || v.startsWith('postgresql://'), {
      message: 'DATABASE_URL must start with sqlite: or postgres://',
    }),
    /**
     * A PostgreSQL streaming replica (hot standby) for reads that tolerate a short lag (docs/operations.md,
     * "Read replica"); unset, every read goes to the primary. Only with a PostgreSQL `databaseUrl`.
     */
    databaseReplicaUrl: z
      .string()
      .refine((v) => v.startsWith('postgres://') || v.startsWith('postgresql://'), {
        message: 'MAMORI_DATABASE_REPLICA_URL は postgres:// で始めてください / MAMORI_DATABASE_REPLICA_URL must start with postgres://',
      })
      .optional(),
    /** Reads leave the replica when it may be further behind the primary than this (seconds). */
    databaseReplicaMaxLagSeconds: z.coerce.number().min(0.1).max(3600),
    dataDir: z.string().min(1),
    host: z.string().min(1),
    port: z.coerce.number().int().min(0).max(65535),
    /** Secure cookies: on by default (browsers accept them on http://localhost too). */
    cookieSecure: z.boolean(),
    /** Where the data-encryption key ring lives (JSON); created on first start when missing. */
    keyFile: z.string().min(1),
    /** Session lifetime in minutes (idle timeout). */
    sessionIdleMinutes: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60),
    /** Failed password attempts before the account locks, and how long it stays locked. */
    lockoutThreshold: z.coerce.number().int().min(1).max(100),
    lockoutMinutes: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60),
    /** Request body limit in bytes for the API. */
    bodyLimit: z.coerce.number().int().min(1024),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    /** Demo seeding on first start (members to generate). 0 turns the demo off. */
    demoMembers: z.coerce.number().int().min(0),
    /** SMTP server for mails (`smtp://user:pass@host:587`); unset, mails are written to `outboxDir`. */
    smtpUrl: z
      .string()
      .refine((v) => v.startsWith('smtp://') || v.startsWith('smtps://'), {
        message: 'MAMORI_SMTP_URL must start with smtp:// or smtps://',
      })
      .optional(),
    outboxDir: z.string().min(1),
    mailFrom: z.string().min(3),
    /** The address members use to reach mamori, for links in mails. */
    publicUrl: z.url(),
    /** Which reverse proxies' `X-Forwarded-For` decides the client address (rate limits, logs): see `parseTrustProxy`. */
    trustProxy: z.union([
      z.boolean(),
      z.number().int().min(1, { message: 'MAMORI_TRUST_PROXY の段数は1以上です / MAMORI_TRUST_PROXY hops must be at least 1' }).max(100),
      z
        .array(z.string())
        .min(1)
        .refine((list) => list.every(isProxyAddress), {
          message:
            'MAMORI_TRUST_PROXY は true、段数、またはアドレス・CIDR のカンマ区切りです / MAMORI_TRUST_PROXY must be true, a number of hops, or comma-separated addresses or CIDRs',
        }),
    ]),
    /** Port of the Prometheus `/metrics` listener; unset, no metrics are served. */
    metricsPort: z.coerce.number().int().min(1).max(65535).optional(),
    /** Where the metrics listener binds (loopback by default: scrapers on the same host or through a tunnel). */
    metricsHost: z.string().min(1),
    /** PostgreSQL: connections in this process's pool (each audited read holds one for its transaction). */
    databasePoolSize: z.coerce.number().int().min(1).max(500),
    /** Whether this process runs scheduled jobs (`MAMORI_JOBS=off` leaves them to the other instances). */
    jobsEnabled: z.boolean(),
    /** Seconds between the job runner's polls for due runs. */
    jobsPollSeconds: z.coerce.number().int().min(1).max(3600),
    /** Seconds a claimed run stays leased without renewal: after a crash, another instance takes the run over then. */
    jobsLeaseSeconds: z.coerce
      .number()
      .int()
      .min(5)
      .max(24 * 3600),
  })
  .refine((c) => c.databaseReplicaUrl === undefined || !c.databaseUrl.startsWith('sqlite:'), {
    path: ['databaseReplicaUrl'],
    message:
      'MAMORI_DATABASE_REPLICA_URL は DATABASE_URL が PostgreSQL のときだけ使えます / MAMORI_DATABASE_REPLICA_URL needs a PostgreSQL DATABASE_URL (SQLite has no replica)',
  })
  .refine((c) => c.metricsPort === undefined || c.metricsPort !== c.port, {
    path: ['metricsPort'],
    message:
      'MAMORI_METRICS_PORT は PORT と別のポートにしてください / MAMORI_METRICS_PORT must differ from PORT (metrics never share the public port)',
  });

export type Config = z.infer<typeof configSchema>;

/** Reads the configuration from `env`, with defaults that run a demo co-op on a laptop. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const dataDir = env.MAMORI_DATA_DIR ?? './data';
  const raw = {
    databaseUrl: env.DATABASE_URL ?? `sqlite:${dataDir}/mamori.db`,
    databaseReplicaUrl: env.MAMORI_DATABASE_REPLICA_URL || undefined,
    databaseReplicaMaxLagSeconds: env.MAMORI_DATABASE_REPLICA_MAX_LAG_SECONDS ?? 5,
    dataDir,
    host: env.HOST ?? '127.0.0.1',
    port: env.PORT ?? 8080,
    cookieSecure: env.MAMORI_COOKIE_SECURE ? env.MAMORI_COOKIE_SECURE !== 'false' : true,
    keyFile: env.MAMORI_KEY_FILE ?? `${dataDir}/keys.json`,
    sessionIdleMinutes: env.MAMORI_SESSION_IDLE_MINUTES ?? 30,
    lockoutThreshold: env.MAMORI_LOCKOUT_THRESHOLD ?? 5,
    lockoutMinutes: env.MAMORI_LOCKOUT_MINUTES ?? 15,
    bodyLimit: env.MAMORI_BODY_LIMIT ?? 256 * 1024,
    logLevel: env.LOG_LEVEL ?? 'info',
    demoMembers: env.MAMORI_DEMO_MEMBERS ?? 10_000,
    smtpUrl: env.MAMORI_SMTP_URL || undefined,
    outboxDir: env.MAMORI_OUTBOX_DIR ?? `${dataDir}/outbox`,
    mailFrom: env.MAMORI_MAIL_FROM ?? 'mamori <no-reply@localhost>',
    publicUrl: env.MAMORI_PUBLIC_URL ?? `http://localhost:${env.PORT ?? 8080}`,
    trustProxy: parseTrustProxy(env.MAMORI_TRUST_PROXY),
    metricsPort: env.MAMORI_METRICS_PORT || undefined,
    metricsHost: env.MAMORI_METRICS_HOST ?? '127.0.0.1',
    databasePoolSize: env.MAMORI_DATABASE_POOL_SIZE ?? 10,
    jobsEnabled: parseSwitch(env.MAMORI_JOBS),
    jobsPollSeconds: env.MAMORI_JOBS_POLL_SECONDS ?? 30,
    jobsLeaseSeconds: env.MAMORI_JOBS_LEASE_SECONDS ?? 300,
    ...overrides,
  };
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`);
    throw new Error(`設定が正しくありません / Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
