/** Request shapes of the discovery API (one zod schema per endpoint; the OpenAPI document uses them). */
import { z } from 'zod';

/** A connected system's code, as the register and the policy's `systems[].code` spell it. */
export const systemParams = z.strictObject({
  code: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'code')
    .describe('連携システムのコード / the connected system’s code'),
});

export const listProposalsQuery = z.strictObject({
  run: z.uuid().optional().describe('検出の実行ID（省略時は最新）/ the run (the latest when omitted)'),
});
export type ListProposalsQuery = z.infer<typeof listProposalsQuery>;

/** The most proposals decided in one call (a wide system has a few hundred columns). */
export const MAX_DECISIONS = 500;

export const decideBody = z.strictObject({
  ids: z.array(z.uuid()).min(1).max(MAX_DECISIONS).describe('検出結果のID / proposal ids'),
  decision: z
    .enum(['confirmed', 'rejected'])
    .describe('confirmed: 方針の下書きのデータマップに加える / add to the draft’s dataset map; rejected: 却下 / reject'),
});
export type DecideInput = z.infer<typeof decideBody>;
