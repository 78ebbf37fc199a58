/** The connected systems panel's API: one zod schema per endpoint, the inferred types beside them. */
import { z } from 'zod';
import { taskActions, taskStates } from '../../contract/connector-vocabulary.ts';

export const requestIdParams = z.strictObject({ id: z.uuid() });
export const taskIdParams = z.strictObject({ id: z.uuid() });
export const systemCodeParams = z.strictObject({ code: z.string().trim().min(1).max(64) });

export const approveBody = z
  .strictObject({
    /** The tasks approved with the versions the preview showed; omitted: every planned task with a plan. */
    tasks: z
      .array(z.strictObject({ id: z.uuid(), version: z.int().min(1) }))
      .max(200)
      .optional(),
  })
  .default({});

const errorView = z.strictObject({
  code: z.string(),
  message_ja: z.string(),
  message_en: z.string(),
  /** What failed, in words naming tables and columns, never values or secrets. */
  detail: z.string().nullable(),
});

export const systemTaskView = z.strictObject({
  id: z.uuid(),
  system_code: z.string(),
  system_name: z.string(),
  action: z.enum(taskActions),
  state: z.enum(taskStates),
  version: z.int(),
  /** `planned` with a plan: the officer may approve it. */
  approvable: z.boolean(),
  /** Rows the plan changes or deletes; -1: unknown until the system answers (a drop folder). */
  rows: z.int(),
  tables: z.array(z.strictObject({ table: z.string(), action: z.enum(['delete', 'update']), rows: z.int(), columns: z.array(z.string()) })),
  kept: z.array(z.strictObject({ table: z.string(), column: z.string(), item: z.string(), rows: z.int(), rule: z.string() })),
  /** Rows written or deleted so far. */
  changed: z.int(),
  attempts: z.int(),
  max_attempts: z.int(),
  next_at: z.string().nullable(),
  error: errorView.nullable(),
  approved_by_name: z.string().nullable(),
  approved_at: z.string().nullable(),
  updated_at: z.string(),
});
export type SystemTaskView = z.infer<typeof systemTaskView>;

export const systemTasksView = z.strictObject({
  request_id: z.uuid(),
  /** Systems in the dataset map of the policy in effect (0: nothing to carry over). */
  mapped_systems: z.int(),
  tasks: z.array(systemTaskView),
  /** Tasks with work left: the request cannot be answered while any is open. */
  open: z.int(),
  awaiting_approval: z.int(),
  /** Some task is queued, running or waiting for a retry (the screen refreshes). */
  running: z.boolean(),
});
export type SystemTasksView = z.infer<typeof systemTasksView>;

export const needingActionView = z.strictObject({
  tasks: z.array(systemTaskView.extend({ request_id: z.uuid(), reference: z.string() })),
});
