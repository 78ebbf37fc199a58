/** Per-organization settings kept as JSON on the organization row, validated on read and write. */
import { z } from 'zod';
import { JST_OFFSET_MS } from '../db/time.ts';
import { DEFAULT_PRIOR_NOTICE_DAYS } from './rules.ts';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);

export const orgSettingsSchema = z
  .object({
    /** A demo organization: the demo helpers (e.g. printing a demo user's TOTP code) work only here. */
    demo: z.boolean().default(false),
    alerts: z
      .object({
        /** Alert when one actor opens more than this many member records in one hour. */
        readsPerHour: z.number().int().min(1).default(200),
        /** Alert when one actor is shown more than this many members in result lists (searches) in one hour. */
        listedRowsPerHour: z.number().int().min(1).default(2000),
        /** Working hours in Japan time (JST, UTC+9); access outside them raises an alert. */
        workStart: hhmm.default('08:00'),
        workEnd: hhmm.default('20:00'),
        /** ISO weekdays (1 = Monday … 7 = Sunday) that are working days. */
        workDays: z.array(z.number().int().min(1).max(7)).default([1, 2, 3, 4, 5, 6]),
      })
      .prefault({}),
    policy: z
      .object({
        /** Days of notice before a change that needs prior notice may take effect (rules.ts, confirm per co-op). */
        priorNoticeDays: z.number().int().min(0).max(365).default(DEFAULT_PRIOR_NOTICE_DAYS),
      })
      .prefault({}),
    requests: z
      .object({
        /** Days to answer a request from the person (the law says 遅滞なく; the co-op sets its own, e.g. 14). */
        dueDays: z.number().int().min(1).max(90).default(14),
        /** Reminders to the privacy office start this many days before the due date (and continue while overdue). */
        remindDaysBefore: z.number().int().min(0).max(30).default(3),
        /** Fee in yen for a disclosure; the seeds promise free of charge as a rule. */
        disclosureFeeYen: z.number().int().min(0).max(100_000).default(0),
        /**
         * Items kept after a deletion request because a law requires them (co-op law: the membership and share
         * capital records, 10 years). Everything else is erased; what is kept is restricted to this purpose.
         */
        retainOnDeletion: z.array(z.string()).default(['member_code', 'name', 'join_date', 'leave_date', 'share_capital']),
        /** Where the privacy office receives reminders and new-request notices (defaults to its officers' e-mail). */
        officeEmail: z.string().email().optional(),
      })
      .prefault({}),
  })
  .prefault({});

export type OrgSettings = z.infer<typeof orgSettingsSchema>;

export function parseOrgSettings(json: string): OrgSettings {
  return orgSettingsSchema.parse(JSON.parse(json || '{}'));
}

/** True when `at` falls outside the organization's working hours (Japan has no daylight saving time). */
export function isOffHours(at: Date, settings: OrgSettings): boolean {
  const jst = new Date(at.getTime() + JST_OFFSET_MS);
  const weekday = jst.getUTCDay() === 0 ? 7 : jst.getUTCDay();
  if (!settings.alerts.workDays.includes(weekday)) return true;
  const minutes = jst.getUTCHours() * 60 + jst.getUTCMinutes();
  const [sh, sm] = settings.alerts.workStart.split(':').map(Number) as [number, number];
  const [eh, em] = settings.alerts.workEnd.split(':').map(Number) as [number, number];
  return minutes < sh * 60 + sm || minutes >= eh * 60 + em;
}
