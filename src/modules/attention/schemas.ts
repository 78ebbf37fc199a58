/** The attention panel's answer: one part per kind of work, null when the role's work is not that. */
import { z } from 'zod';

export const attentionAnswer = z.strictObject({
  today: z.iso.date().describe('今日（日本時間）/ today in Japan'),
  requests: z
    .strictObject({
      open: z.int(),
      overdue: z.int(),
      /** Days left to the nearest due date among open requests (negative: overdue); null when none is open. */
      nearest_days_left: z.int().nullable(),
      nearest_due_on: z.iso.date().nullable(),
      /** Open requests assigned to the reader. */
      mine: z.int(),
    })
    .nullable(),
  alerts: z.strictObject({ open: z.int() }).nullable(),
  /** Tasks in the connected systems needing a hand: stopped after their last try, or stuck (their worker died). */
  system_tasks: z.strictObject({ dead: z.int(), stuck: z.int() }).nullable(),
  ledger: z.strictObject({ overdue: z.int(), due_soon: z.int() }).nullable(),
  /** Contractors (委託先) whose inspection is overdue (or never done) or due soon, or whose contract has expired. */
  contractors: z.strictObject({ inspection_overdue: z.int(), inspection_due_soon: z.int(), contract_expired: z.int() }).nullable(),
  policy: z
    .strictObject({
      scheduled: z.array(
        z.strictObject({
          number: z.int().nullable(),
          notice_on: z.iso.date().nullable(),
          effective_on: z.iso.date().nullable(),
          /** Days between the notice and the effective date (周知期間); null without a notice date. */
          notice_days: z.int().nullable(),
          days_until: z.int().nullable(),
        }),
      ),
    })
    .nullable(),
});
export type Attention = z.infer<typeof attentionAnswer>;
