/**
 * What a recurring job is (defined in code, not in the database): its name, when it is due — every N minutes
 * on the clock, or daily at a time in Japan — its handler, how often a failing run is tried and how long to
 * wait between tries. The due times are computed the same way by every instance, so that the unique key
 * (job, due time) of `job_runs` turns every instance's "make sure the next run exists" into one row.
 */
import type { AppContext } from '../../base/context.ts';

/** Counts a handler reports (rows pruned, reminders sent): never names, ids or values. */
export type JobResult = Record<string, number>;

export type JobSchedule =
  /** Every `minutes`, aligned on the clock (every 60: on the hour; every 15: :00, :15, :30, :45 UTC). */
  | { everyMinutes: number }
  /** Once a day at `HH:MM` Japan time (Asia/Tokyo, UTC+9, no daylight saving). */
  | { dailyAtJst: string };

export interface JobDefinition {
  name: string;
  schedule: JobSchedule;
  /**
   * The work. It must be idempotent: a run whose instance crashed after part of the work is taken over by
   * another instance once its lease expires, and a failed run is tried again.
   */
  handler: (ctx: AppContext, run: { dueAt: string; attempt: number }) => Promise<JobResult | undefined>;
  /** Tries before the run is `dead` (a crashed try counts). */
  maxAttempts: number;
  /** Wait before try n+1: `baseSeconds · 2^(n-1)`, at most `maxSeconds`. */
  backoff: { baseSeconds: number; maxSeconds: number };
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const JST_OFFSET = 9 * 60 * MINUTE;

function dailyMinutes(at: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(at);
  if (!m) throw new Error(`dailyAtJst must be HH:MM, got ${at}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The latest due time at or before `now`. */
export function slotAtOrBefore(schedule: JobSchedule, now: Date): Date {
  const t = now.getTime();
  if ('everyMinutes' in schedule) {
    const every = schedule.everyMinutes * MINUTE;
    return new Date(Math.floor(t / every) * every);
  }
  const jst = t + JST_OFFSET;
  const slot = Math.floor(jst / DAY) * DAY + dailyMinutes(schedule.dailyAtJst) * MINUTE - JST_OFFSET;
  return new Date(slot <= t ? slot : slot - DAY);
}

/** The first due time after `now`. */
export function slotAfter(schedule: JobSchedule, now: Date): Date {
  const last = slotAtOrBefore(schedule, now).getTime();
  return new Date(last + ('everyMinutes' in schedule ? schedule.everyMinutes * MINUTE : DAY));
}

/** Milliseconds to wait after failed try number `attempt` (1-based). */
export function backoffMs(backoff: JobDefinition['backoff'], attempt: number): number {
  const seconds = Math.min(backoff.maxSeconds, backoff.baseSeconds * 2 ** Math.max(0, attempt - 1));
  return seconds * 1000;
}
