/**
 * The member page API's shapes (本人のページ). The data, consent and request types are the server's own
 * (type-only imports: nothing of the server is bundled), so the page cannot drift from what it reads.
 */

import type { ConsentEventView, ConsentView, MyData, RequestView } from '../../../src/contract/api.ts';
import type { RequestKind, RequestState } from '../../../src/contract/requests.ts';

export type { ConsentEventView, ConsentView, MyData, RequestKind, RequestState, RequestView };

/** `GET /api/v1/portal/me`: who is signed in, whose page is open, and the wards they may switch to. */
export interface MemberMe {
  member: { id: string; member_code: string; name: string; org_code: string; org_name: string };
  subject: { id: string; member_code: string; name: string; is_self: boolean };
  wards: { id: string; member_code: string; name: string; relationship: string }[];
}

export interface MyConsents {
  consents: ConsentView[];
  history: ConsentEventView[];
}

/** The kinds in the order the page offers them, what is answered with a package, open states, correctable fields. */
export { correctableFields, disclosingKinds, openStates, requestKinds } from '../../../src/contract/requests.ts';

import { selfServiceFields } from '../../../src/contract/requests.ts';

/** Contact fields the member changes directly (the server's `selfServiceFields`). */
export const contactFields = selfServiceFields;
export type ContactField = (typeof contactFields)[number];

export const packageForms = ['pdf', 'json', 'csv'] as const;
export type PackageForm = (typeof packageForms)[number];
