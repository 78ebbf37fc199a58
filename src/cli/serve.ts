import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { isEmpty, openMamori } from '../app/bootstrap.ts';
import { startChangeListener } from '../app/instances.ts';
import { buildMetricsServer, createMetrics } from '../app/metrics.ts';
import { pruneRateLimits } from '../app/rate-limit-store.ts';
import { buildServer } from '../app/server.ts';
import { startAuditSequencer } from '../modules/audit/sequencer.ts';
import { seedDemo } from '../modules/demo/seed.ts';
import { mamoriJobs } from '../modules/jobs/catalogue.ts';
import { JobRunner } from '../modules/jobs/runner.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function serveCommand(program: Command) {
  program
    .command('serve')
    .description('サーバーを起動（初回はデモ生協を作成）/ start the server (seeds the demo co-op on first start)')
    .option('--port <port>', 'port (PORT)')
    .option('--host <host>', 'host (HOST)')
    .option('--no-demo', '初回起動でデモ生協を作らない / do not seed the demo co-op')
    .option('--build-web-if-missing', 'web/dist が無ければ管理画面をビルド / build the web console if web/dist is missing')
    .action(async (opts: { port?: string; host?: string; demo: boolean; buildWebIfMissing?: boolean }) => {
      const webDir = join(root, 'web', 'dist');
      if (opts.buildWebIfMissing && !existsSync(join(webDir, 'index.html'))) {
        console.log('管理画面をビルドしています… / building the web console…');
        execFileSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
          cwd: root,
          stdio: 'inherit',
        });
      }
      const m = await openMamori({ ...(opts.port ? { port: Number(opts.port) } : {}), ...(opts.host ? { host: opts.host } : {}) });
      let seeded: Awaited<ReturnType<typeof seedDemo>> | undefined;
      if (opts.demo && m.config.demoMembers > 0 && (await isEmpty(m.ctx))) {
        console.log(`デモ生協を作成しています（組合員 ${m.config.demoMembers.toLocaleString()} 名）… / seeding the demo co-op…`);
        seeded = await seedDemo(m.ctx, m.config.demoMembers, { systemsDir: join(m.config.dataDir, 'systems') });
      }
      // Prometheus metrics on their own listener, only when MAMORI_METRICS_PORT is set.
      const metrics = m.config.metricsPort ? createMetrics(m.ctx.db, { replica: m.ctx.replica }) : undefined;
      const app = await buildServer(m.ctx, m.config, { webDir, ...(metrics ? { metrics } : {}) });
      // PostgreSQL: chains the audit entries that writers queue (every instance runs one; one works at a time).
      const sequencer = startAuditSequencer(m.ctx.db, { onError: (error) => app.log.error({ err: error }, 'audit sequencer failed') });
      // PostgreSQL: hear the other instances' changes (sessions ended, settings, policy) before serving.
      const changes = await startChangeListener(m.ctx, { log: app.log });
      await app.listen({ port: m.config.port, host: m.config.host });
      const metricsServer = metrics ? buildMetricsServer(metrics) : undefined;
      if (metricsServer) {
        await metricsServer.listen({ port: m.config.metricsPort!, host: m.config.metricsHost });
        console.log(`metrics: http://${m.config.metricsHost}:${m.config.metricsPort}/metrics`);
      }
      const url = `http://${m.config.host === '127.0.0.1' || m.config.host === '0.0.0.0' ? 'localhost' : m.config.host}:${m.config.port}`;
      console.log(`\nmamori: ${url}  (API: ${url}/api/docs)  DB: ${m.config.databaseUrl}`);
      if (seeded) {
        console.log(`\nデモのログイン / demo logins (password: ${seeded.password})`);
        for (const u of seeded.users) {
          console.log(
            `  ${u.login.padEnd(9)} ${u.displayName}（${u.role}）${u.totpSecret ? `  TOTP secret: ${u.totpSecret}（npx mamori demo totp ${u.login} で現在のコード）` : ''}`,
          );
        }
      } else if (opts.demo) {
        console.log(
          'デモのログインは初回起動時に表示されました（パスワード mamori-demo-2026）。/ demo logins were printed on first start (password mamori-demo-2026).',
        );
      }
      console.log(`メール / mail: ${m.ctx.mailer.kind === 'smtp' ? 'SMTP' : 'outbox'} ${m.ctx.mailer.target}`);
      // Scheduled jobs (housekeeping, reminders, policy activation), leased so that each run is done by one
      // instance however many serve this database (modules/jobs); each try is counted in the metrics when on.
      const jobs = m.config.jobsEnabled
        ? new JobRunner(m.ctx, {
            // The shared rate limits (PostgreSQL) live in the assembly (app/rate-limit-store.ts): their prune is added here.
            jobs:
              m.ctx.dialect === 'postgres'
                ? [
                    ...mamoriJobs,
                    {
                      name: 'prune_rate_limits',
                      schedule: { everyMinutes: 60 },
                      maxAttempts: 3,
                      backoff: { baseSeconds: 60, maxSeconds: 600 },
                      handler: async (ctx) => {
                        await pruneRateLimits(ctx.db);
                        return undefined;
                      },
                    },
                  ]
                : mamoriJobs,
            pollMs: m.config.jobsPollSeconds * 1000,
            leaseMs: m.config.jobsLeaseSeconds * 1000,
            ...(metrics ? { observe: metrics.runJob } : {}),
            log: app.log,
          })
        : undefined;
      jobs?.start();
      const stop = async () => {
        // Stop claiming runs and let the one in progress finish (its lease expires if it does not in time).
        await jobs?.stop({ waitMs: 20_000 });
        await metricsServer?.close();
        await app.close();
        await sequencer.stop();
        await changes.stop();
        await m.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });

  program
    .command('migrate')
    .description('データベースを最新の構造にする / migrate the database to the latest schema')
    .action(async () => {
      const m = await openMamori();
      console.log(`最新です / up to date: ${m.config.databaseUrl}`);
      await m.close();
    });
}
