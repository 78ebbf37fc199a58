/** Request shapes of the jobs API (one zod schema per endpoint; the OpenAPI document uses them). */
import { z } from 'zod';
import { jobNames, jobStates } from '../../contract/jobs.ts';

export const listRunsQuery = z.strictObject({
  state: z.enum(jobStates).optional().describe('この状態の実行だけ / only runs in this state'),
  job: z.enum(jobNames).optional().describe('このジョブの実行だけ / only runs of this job'),
  limit: z.coerce.number().int().min(1).max(500).optional().describe('件数（既定 100）/ how many (default 100)'),
});
export type ListRunsQuery = z.infer<typeof listRunsQuery>;

export const runIdParams = z.strictObject({ id: z.uuid() });
