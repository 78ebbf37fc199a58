/**
 * The kinds of request from the person (APPI Arts. 32–35) and the workflow every request follows:
 *
 *   received → verified → in_progress → approved → answered → closed
 *        ↘          ↘            ↘           ↘
 *                  refused (with a reason, sent to the person) → closed
 *   any open state → withdrawn (by the person) → closed
 *
 * Identity is checked before anything is answered; an agent (法定代理人・任意代理人) shows proof of authority.
 * The vocabulary (kinds, steps, states, labels) is in contract/requests.ts, shared with the console; the
 * schemas of what each kind asks for are here.
 */
import { z } from 'zod';
import type { RequestKind } from '../../contract/requests.ts';
import { correctableFields } from '../../contract/requests.ts';

const codeList = z.array(z.string().trim().min(1).max(64)).max(100);
const freeText = z.string().trim().max(2000).optional();

/** What each kind asks for. Unknown keys are refused, so a typo never silently drops part of a request. */
export const requestDetailSchemas = {
  disclosure: z.strictObject({ text: freeText }),
  correction: z.strictObject({
    changes: z.partialRecord(z.enum(correctableFields), z.string().max(500).nullable()).refine((c) => Object.keys(c).length > 0, {
      message: '訂正する項目を指定してください / name at least one field to correct',
    }),
    text: freeText,
  }),
  deletion: z.strictObject({
    /** Item codes to delete; omitted: everything the law does not require keeping. */
    items: codeList.optional(),
    text: freeText,
  }),
  cessation: z.strictObject({ purposes: codeList.min(1), text: freeText }),
  provision_cessation: z.strictObject({ third_parties: codeList.min(1), text: freeText }),
  provision_records: z.strictObject({ text: freeText }),
  safety_measures: z.strictObject({ text: freeText }),
} satisfies Record<RequestKind, z.ZodType>;

export type RequestDetail = { [K in RequestKind]: z.infer<(typeof requestDetailSchemas)[K]> };
