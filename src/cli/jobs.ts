/**
 * Scheduled jobs from the command line: the recent runs (dead and failed first), and retrying or discarding a
 * failed or dead run as the operator (audited as `job.retry` / `job.discard` with the CLI actor). The runs
 * themselves are done by `mamori serve` (modules/jobs/runner.ts).
 */
import type { Command } from 'commander';
import { openMamori } from '../app/bootstrap.ts';
import { type JobName, type JobState, jobLabels, jobNames, jobStates } from '../contract/jobs.ts';
import { mamoriJobs } from '../modules/jobs/catalogue.ts';
import { discardRun, retryRun } from '../modules/jobs/manage-run.ts';
import { listRuns } from '../modules/jobs/read-runs.ts';
import { cliActor } from './audit.ts';

const label = (job: string) => jobLabels[job as JobName]?.ja ?? job;

export function jobCommands(program: Command) {
  const jobs = program.command('jobs').description('定期ジョブ / scheduled jobs (run by mamori serve, once across instances)');

  jobs
    .command('list')
    .description('最近の実行（停止・失敗を先に）/ recent runs, dead and failed first')
    .option('--state <state>', `状態 / state: ${jobStates.join(', ')}`)
    .option('--job <name>', `ジョブ / job: ${jobNames.join(', ')}`)
    .option('--limit <n>', '件数 / how many', '50')
    .option('--json', 'JSONで出力 / print JSON')
    .action(async (o: { state?: string; job?: string; limit: string; json?: boolean }) => {
      if (o.state && !jobStates.includes(o.state as JobState)) throw new Error(`unknown state ${o.state}`);
      if (o.job && !jobNames.includes(o.job as JobName)) throw new Error(`unknown job ${o.job}`);
      const m = await openMamori();
      try {
        const overview = await listRuns(m.ctx.db, {
          actor: null,
          query: { state: o.state as JobState | undefined, job: o.job as JobName | undefined, limit: Math.min(500, Number(o.limit) || 50) },
          jobs: mamoriJobs,
        });
        if (o.json) {
          console.log(JSON.stringify(overview));
          return;
        }
        const c = overview.counts;
        console.log(`停止 dead ${c.dead} / 失敗 failed ${c.failed} / 実行中 running ${c.running} / 予定 scheduled ${c.scheduled}`);
        for (const r of overview.runs) {
          console.log(
            [
              r.id,
              r.job,
              label(r.job),
              r.due_at,
              r.state,
              `${r.attempts}/${r.max_attempts}`,
              r.state === 'failed' ? `next ${r.next_attempt_at}` : '',
              r.last_error ?? '',
            ].join('\t'),
          );
        }
      } finally {
        await m.close();
      }
    });

  for (const action of ['retry', 'discard'] as const) {
    jobs
      .command(`${action} <run-id>`)
      .description(
        action === 'retry'
          ? '失敗・停止した実行を今すぐ再実行（試行回数は初めから）/ retry a failed or dead run now, tries counted afresh'
          : '失敗・停止した実行を破棄 / set a failed or dead run aside',
      )
      .action(async (id: string) => {
        const m = await openMamori();
        try {
          const actor = cliActor(`jobs-${action}`);
          if (actor.type !== 'cli') throw new Error('not a command-line actor');
          const run = await (action === 'retry' ? retryRun : discardRun)(m.ctx, { actor, id });
          console.log(`${run.job}\t${run.due_at}\t${run.state}`);
        } finally {
          await m.close();
        }
      });
  }
}
