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

/** The seven kinds in the order the page offers them (APPI Arts. 32–35). */
export const requestKinds: readonly RequestKind[] = [
  'disclosure',
  'correction',
  'deletion',
  'cessation',
  'provision_cessation',
  'provision_records',
  'safety_measures',
];

/** Kinds answered with a package to download. */
export const disclosingKinds: readonly RequestKind[] = ['disclosure', 'provision_records', 'safety_measures'];

export const openStates: readonly RequestState[] = ['received', 'verified', 'in_progress', 'approved'];

/** Fields a correction request may name (訂正・追加), as the server's `correctableFields`. */
export const correctableFields = ['name', 'name_kana', 'gender', 'birth_date', 'postal_code', 'address', 'phone', 'email'] as const;

/** Contact fields the member changes directly, as the server's `selfServiceFields`. */
export const contactFields = ['postal_code', 'address', 'phone', 'email'] as const;
export type ContactField = (typeof contactFields)[number];

export const packageForms = ['pdf', 'json', 'csv'] as const;
export type PackageForm = (typeof packageForms)[number];
