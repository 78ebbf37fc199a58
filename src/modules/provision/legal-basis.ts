/**
 * Who may be provided to a recipient, one person at a time: the legal basis of each inclusion and the reason
 * of each exclusion. Consent counts only when it is on record for that recipient, granted, and not stopped by a
 * request; for a foreign recipient (Art. 28) only when it was given while the policy version shown to the
 * person carried the country, its regime and the recipient's measures. An Art. 27(1) exception needs no
 * consent, but a withdrawn member or someone outside the organization is still left out.
 */
import { AppError } from '../../base/errors.ts';
import type { DbOrTx } from '../../db/database.ts';
import type { MemberTable } from '../../db/schema.ts';
import { type LegalBasis, type PolicyDocument, policyDocumentSchema } from '../policy/document.ts';

/** Why a person was left out of a run, counted by reason (the run's preview and record). */
export const exclusionReasons = [
  'not_in_organization',
  'duplicate',
  'withdrawn_member',
  'no_consent',
  'consent_withdrawn',
  'provision_stopped',
  'consent_before_foreign_info',
] as const;
export type ExclusionReason = (typeof exclusionReasons)[number];

export type ThirdParty = PolicyDocument['third_parties'][number];

const JAPAN = /^(日本|japan|jp)$/i;

/** A recipient outside Japan (Art. 28). */
export function isForeign(party: Pick<ThirdParty, 'country'>): boolean {
  return Boolean(party.country && !JAPAN.test(party.country.trim()));
}

/** The Art. 28 information is on record for the recipient: its country's regime and its measures. */
export function hasForeignInformation(party: ThirdParty | undefined): boolean {
  return Boolean(party && (!isForeign(party) || (party.country_regime && party.recipient_measures)));
}

/** May the recipient be provided to on this basis as far as Art. 28 goes (its information on record)? */
export function foreignInformationOnRecord(party: ThirdParty, basis: LegalBasis): boolean {
  // Art. 28(1) concerns provision on consent; the Art. 27(1) exceptions are outside it.
  return basis !== 'consent' || !isForeign(party) || hasForeignInformation(party);
}

/** Refuses a foreign recipient whose Art. 28 information is not on record in the register in effect. */
export function assertForeignInformation(party: ThirdParty, basis: LegalBasis): void {
  if (!foreignInformationOnRecord(party, basis)) throw new AppError('provision_foreign_info_missing');
}

export interface ConsentOnRecord {
  state: string;
  event_id: string;
  request_id: string | null;
  policy_version: number | null;
}

/** The current consent of each person to the recipient, with the event that set it. */
export async function consentsFor(db: DbOrTx, memberIds: readonly string[], thirdPartyCode: string): Promise<Map<string, ConsentOnRecord>> {
  const out = new Map<string, ConsentOnRecord>();
  for (let i = 0; i < memberIds.length; i += 500) {
    const rows = await db
      .selectFrom('member_consents')
      .innerJoin('consent_events', 'consent_events.id', 'member_consents.event_id')
      .select([
        'member_consents.member_id',
        'member_consents.state',
        'member_consents.event_id',
        'consent_events.request_id',
        'consent_events.policy_version',
      ])
      .where('member_consents.member_id', 'in', memberIds.slice(i, i + 500))
      .where('member_consents.subject_kind', '=', 'third_party')
      .where('member_consents.subject_code', '=', thirdPartyCode)
      .execute();
    for (const r of rows) out.set(r.member_id, r);
  }
  return out;
}

/**
 * Whether the policy version a person was shown carried the Art. 28 information for the recipient. Versions
 * are read once per check (a run asks about a handful of versions for thousands of people).
 */
export function foreignInformationShown(db: DbOrTx, orgId: string, thirdPartyCode: string): (version: number | null) => Promise<boolean> {
  const cache = new Map<number, Promise<boolean>>();
  return (version) => {
    if (version === null) return Promise.resolve(false);
    let known = cache.get(version);
    if (!known) {
      known = db
        .selectFrom('policy_versions')
        .select('document')
        .where('org_id', '=', orgId)
        .where('number', '=', version)
        .executeTakeFirst()
        .then((row) => {
          if (!row) return false;
          const parsed = policyDocumentSchema.safeParse(JSON.parse(row.document));
          return parsed.success && hasForeignInformation(parsed.data.third_parties.find((t) => t.code === thirdPartyCode));
        });
      cache.set(version, known);
    }
    return known;
  };
}

/** The outcome for one person: included with the consent event it rests on (none for an exception), or left out. */
export type Decision = { included: true; consentEventId: string | null } | { included: false; reason: ExclusionReason };

export async function decidePerson(opts: {
  member: Pick<MemberTable, 'status' | 'erased_at'>;
  basis: LegalBasis;
  consent: ConsentOnRecord | undefined;
  foreign: boolean;
  shown: (version: number | null) => Promise<boolean>;
}): Promise<Decision> {
  if (opts.member.status === 'withdrawn' || opts.member.erased_at) return { included: false, reason: 'withdrawn_member' };
  if (opts.basis !== 'consent') return { included: true, consentEventId: null };
  const c = opts.consent;
  if (!c) return { included: false, reason: 'no_consent' };
  if (c.state !== 'granted') return { included: false, reason: c.request_id ? 'provision_stopped' : 'consent_withdrawn' };
  if (opts.foreign && !(await opts.shown(c.policy_version))) return { included: false, reason: 'consent_before_foreign_info' };
  return { included: true, consentEventId: c.event_id };
}
