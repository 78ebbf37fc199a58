/**
 * mamori's recurring jobs. Each handler is idempotent, because a run may be tried again after a failure or
 * taken over after its instance crashed mid-way:
 *
 * - the three prunes delete rows past a cutoff (alert counters older than two days, expired staff and member
 *   sessions, stale sign-in throttles and one-time codes): a second run finds nothing more to delete;
 * - `send_reminders` claims each request for the day (`reminded_on`) in the transaction that lists it, so a
 *   request is in at most one digest a day however often the job runs (a crash between the commit and the
 *   mail loses that day's digest for it; it is listed again the next day while still due);
 * - `activate_policy_versions` claims each due version with a conditional update (scheduled → active) in the
 *   transaction that materialises it; a second run finds nothing scheduled. The policy store also activates
 *   due versions when it reloads (every 5 s in use), so the engine enforces a new version from midnight even
 *   if this job is late or dead; the job covers an installation nobody uses at midnight;
 * - `prune_job_runs` deletes finished runs past 30 days (dead and failed runs stay until handled);
 * - `dispose_provision_records` disposes of provision records past their keeping date, writing a disposal
 *   record and an audit entry per organization and kind (provision/dispose-records.ts): a second run finds
 *   nothing more to dispose of;
 * - `deliver_releases` claims each monthly release's month (`last_period`) before delivering it, and gives the claim
 *   back when the delivery fails, so that a retry delivers it and a success is never repeated.
 *
 * Auditing: the runner writes no audit entries of its own. What changes registers or personal data records
 * itself, as it does when a person triggers it: each reminder mail (`notify.sent` / `notify.failed`), each
 * activation (`policy.activate`). Pruning expired sessions, counters and codes changes neither.
 */
import type { JobName } from '../../contract/jobs.ts';
import { pruneAccessCounters } from '../audit/alerts.ts';
import { pruneStaffSignIns } from '../auth/sessions.ts';
import { activateDueVersions } from '../policy/versions.ts';
import { pruneMemberSignIns } from '../portal/sessions.ts';
import { disposeExpiredRecords } from '../provision/dispose-records.ts';
import { deliverDueReleases } from '../releases/deliver-due.ts';
import { sendReminders } from '../requests/notify.ts';
import type { JobDefinition } from './definitions.ts';
import { pruneFinishedRuns } from './lease.ts';

const KEEP_RUNS_DAYS = 30;

type Defaults = Pick<JobDefinition, 'maxAttempts' | 'backoff'>;
/** Housekeeping: a missed hour is made up by the next. */
const hourly: Defaults = { maxAttempts: 3, backoff: { baseSeconds: 60, maxSeconds: 600 } };
/** Work people wait for: six tries over about half an hour (1, 2, 4, 8 and 16 minutes apart). */
const daily: Defaults = { maxAttempts: 6, backoff: { baseSeconds: 60, maxSeconds: 3600 } };

export const mamoriJobs: readonly (JobDefinition & { name: JobName })[] = [
  {
    name: 'prune_access_counters',
    schedule: { everyMinutes: 60 },
    ...hourly,
    handler: async (ctx) => {
      await pruneAccessCounters(ctx.db, ctx.clock());
      return undefined;
    },
  },
  {
    name: 'prune_staff_sign_ins',
    schedule: { everyMinutes: 60 },
    ...hourly,
    handler: async (ctx) => {
      await pruneStaffSignIns(ctx, ctx.clock());
      return undefined;
    },
  },
  {
    name: 'prune_member_sign_ins',
    schedule: { everyMinutes: 60 },
    ...hourly,
    handler: async (ctx) => {
      await pruneMemberSignIns(ctx, ctx.clock());
      return undefined;
    },
  },
  {
    name: 'send_reminders',
    // The privacy office's morning digest of requests due soon or overdue.
    schedule: { dailyAtJst: '09:00' },
    ...daily,
    handler: async (ctx) => sendReminders(ctx),
  },
  {
    name: 'activate_policy_versions',
    // Effective dates are dates in Japan: a version takes effect at midnight JST.
    schedule: { dailyAtJst: '00:00' },
    ...daily,
    handler: async (ctx) => ({ activated: (await activateDueVersions(ctx.db, ctx.clock())).length }),
  },
  {
    name: 'prune_job_runs',
    schedule: { dailyAtJst: '03:30' },
    ...hourly,
    handler: async (ctx) => ({
      deleted: await pruneFinishedRuns(ctx.db, new Date(ctx.clock().getTime() - KEEP_RUNS_DAYS * 24 * 3600_000)),
    }),
  },
  {
    name: 'dispose_provision_records',
    // Keeping dates are dates in Japan: a record kept "until" a day is disposed of after that day has ended.
    schedule: { dailyAtJst: '02:30' },
    ...daily,
    handler: async (ctx, run) => ({ ...(await disposeExpiredRecords(ctx, { dueAt: run.dueAt })) }),
  },
  {
    name: 'deliver_releases',
    // Monthly anonymized releases (modules/releases): each claimed once per month before it is delivered.
    schedule: { dailyAtJst: '06:00' },
    ...daily,
    handler: async (ctx) => deliverDueReleases(ctx),
  },
];
