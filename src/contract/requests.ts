/**
 * The vocabulary of requests from the person (APPI Arts. 32–35), shared by the server and the console: the
 * kinds, the workflow every request follows and the kinds' names.
 *
 *   received → verified → in_progress → approved → answered → closed
 *        ↘          ↘            ↘           ↘
 *                  refused (with a reason, sent to the person) → closed
 *   any open state → withdrawn (by the person) → closed
 *
 * The rules are data here, so the screens, the API and the tests read the same table. Free of zod and of
 * server code, so that the console's bundle stays small (the schemas are in modules/requests/kinds.ts).
 */
import type { Labelled } from './labels.ts';

export type RequestKind =
  | 'disclosure'
  | 'correction'
  | 'deletion'
  | 'cessation'
  | 'provision_cessation'
  | 'provision_records'
  | 'safety_measures';
export type RequestState = 'received' | 'verified' | 'in_progress' | 'approved' | 'answered' | 'refused' | 'withdrawn' | 'closed';
export type RequestChannel = 'page' | 'phone' | 'paper' | 'counter' | 'mail';
export type Requester = 'self' | 'legal_representative' | 'mandated_agent';

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

/** The seven kinds of request (APPI Arts. 32–35), as the person and the office read them. */
export const requestKindLabels: Record<RequestKind, Labelled> = {
  disclosure: { ja: '開示', en: 'Disclosure' },
  correction: { ja: '訂正・追加', en: 'Correction or addition' },
  deletion: { ja: '削除', en: 'Deletion' },
  cessation: { ja: '利用停止', en: 'Cessation of use' },
  provision_cessation: { ja: '第三者提供の停止', en: 'Cessation of provision to third parties' },
  provision_records: { ja: '第三者提供記録の開示', en: 'Disclosure of third-party provision records' },
  safety_measures: { ja: '安全管理措置の開示', en: 'Disclosure of safety measures' },
};
