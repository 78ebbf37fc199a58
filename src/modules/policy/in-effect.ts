/**
 * The policy version in effect for an organization: what members were shown and what the consent, request
 * and disclosure services read (third parties, safety measures, contact, the child consent age). Parsed
 * documents are cached by the version's hash, so a busy page does not parse the same JSON again and again.
 */

import { DEFAULT_CHILD_CONSENT_AGE } from '../../base/rules.ts';
import type { DbOrTx } from '../../db/database.ts';
import { type PolicyDocument, policyDocumentSchema } from './document.ts';

export interface PolicyInEffect {
  number: number;
  document: PolicyDocument;
}

const parsed = new Map<string, PolicyDocument>();

export async function policyInEffect(db: DbOrTx, orgId: string): Promise<PolicyInEffect | null> {
  const row = await db
    .selectFrom('policy_versions')
    .select(['number', 'sha256', 'document'])
    .where('org_id', '=', orgId)
    .where('status', '=', 'active')
    .orderBy('number', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row || row.number === null) return null;
  let document = parsed.get(row.sha256);
  if (!document) {
    document = policyDocumentSchema.parse(JSON.parse(row.document));
    if (parsed.size > 100) parsed.clear();
    parsed.set(row.sha256, document);
  }
  return { number: row.number, document };
}

/** The age under which a child's choices need a guardian (the policy's `child_consent_age`, default 16). */
export function childConsentAge(policy: PolicyInEffect | null): number {
  return policy?.document.child_consent_age ?? DEFAULT_CHILD_CONSENT_AGE;
}

/** Full years of age on `today` (both `YYYY-MM-DD`); null without a birth date. */
export function ageOn(birthDate: string | null, today: string): number | null {
  if (!birthDate) return null;
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}
