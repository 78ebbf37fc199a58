/**
 * The kinds of request from the person (APPI Arts. 32–35) and the workflow every request follows:
 *
 *   received → verified → in_progress → approved → answered → closed
 *        ↘          ↘            ↘           ↘
 *                  refused (with a reason, sent to the person) → closed
 *   any open state → withdrawn (by the person) → closed
 *
 * Identity is checked before anything is answered; an agent (法定代理人・任意代理人) shows proof of authority.
 * The rules are data here, so the screens, the API and the tests read the same table.
 */
import { z } from 'zod';
import type { RequestKind, RequestState } from '../../db/schema.ts';

export const requestKinds = [
  'disclosure',
  'correction',
  'deletion',
  'cessation',
  'provision_cessation',
  'provision_records',
  'safety_measures',
] as const satisfies readonly RequestKind[];

/** Kinds that deliver a package (開示) rather than change data. */
export const disclosingKinds: readonly RequestKind[] = ['disclosure', 'provision_records', 'safety_measures'];

/** Kinds still possible after the person's data was erased on request. */
export const kindsAfterErasure: readonly RequestKind[] = ['disclosure', 'provision_records', 'safety_measures'];

/** Fields a person may ask to have corrected or added (訂正・追加). */
export const correctableFields = ['name', 'name_kana', 'gender', 'birth_date', 'postal_code', 'address', 'phone', 'email'] as const;

/** Fields a member corrects directly on the page (連絡先), without a request. */
export const selfServiceFields = ['postal_code', 'address', 'phone', 'email'] as const;

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

export type RequestStep = 'verify' | 'start' | 'approve' | 'answer' | 'refuse' | 'withdraw' | 'close';

/** From which states each step may be taken, and where it leads. */
export const steps: Record<RequestStep, { from: readonly RequestState[]; to: RequestState }> = {
  verify: { from: ['received'], to: 'verified' },
  start: { from: ['verified'], to: 'in_progress' },
  approve: { from: ['in_progress'], to: 'approved' },
  answer: { from: ['approved'], to: 'answered' },
  refuse: { from: ['received', 'verified', 'in_progress', 'approved'], to: 'refused' },
  withdraw: { from: ['received', 'verified', 'in_progress', 'approved'], to: 'withdrawn' },
  close: { from: ['answered', 'refused', 'withdrawn'], to: 'closed' },
};

/** Steps that decide the outcome: only the privacy office (個人情報保護管理者) takes them. */
export const officerSteps: readonly RequestStep[] = ['approve', 'answer', 'refuse'];

export const openStates: readonly RequestState[] = ['received', 'verified', 'in_progress', 'approved'];

/** The kinds' names, Japanese and English: one list for mails, PDF and screens. */
export { requestKindLabels as kindLabels } from '../notify/templates.ts';
