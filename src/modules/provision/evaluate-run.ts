/**
 * The heart of a provision run, shared by its preview and its confirmation: the recipient from the register in
 * effect, the items it receives, the legal basis, and each person of the population included or left out.
 */
import { AppError } from '../../base/errors.ts';
import type { DbOrTx } from '../../db/database.ts';
import type { ProvisionRecordMode, ProvisionRetention } from '../../db/schema.ts';
import type { LegalBasis } from '../policy/document.ts';
import { policyInEffect } from '../policy/in-effect.ts';
import {
  assertForeignInformation,
  consentsFor,
  decidePerson,
  type ExclusionReason,
  exclusionReasons,
  foreignInformationShown,
  isForeign,
  type ThirdParty,
} from './legal-basis.ts';
import { type Population, resolvePopulation } from './population.ts';

export interface RunInput {
  thirdPartyCode: string;
  /** The population as resolved for this moment (a connected system's codes already read: population.ts). */
  population: Exclude<Population, { kind: 'system' }>;
  /** An Art. 27(1) exception chosen for the run; without it, the register entry's basis (else consent). */
  legalBasis?: LegalBasis | undefined;
  /** Required with an exception: why it applies (written into the run and the audit trail). */
  exceptionReason?: string | undefined;
  /** One record per person, or one continuous-provision record for the recipient (ignored for exceptions). */
  recordMode: Exclude<ProvisionRecordMode, 'none'>;
  /** Without it, the register entry's: `contract` where a contract stands in for the record (`contract_record`). */
  retention?: ProvisionRetention | undefined;
}

export interface EvaluatedRun {
  party: ThirdParty;
  policyVersion: number;
  items: string[];
  basis: LegalBasis;
  recordMode: ProvisionRecordMode;
  retention: ProvisionRetention;
  foreign: boolean;
  considered: number;
  included: { memberId: string; consentEventId: string | null }[];
  excluded: Partial<Record<ExclusionReason, number>>;
}

export async function evaluateRun(db: DbOrTx, orgId: string, input: RunInput): Promise<EvaluatedRun> {
  const policy = await policyInEffect(db, orgId);
  const party = policy?.document.third_parties.find((t) => t.code === input.thirdPartyCode);
  if (!policy || !party) throw new AppError('third_party_unknown');
  const basis: LegalBasis = input.legalBasis ?? party.legal_basis ?? 'consent';
  if (basis !== 'consent' && !input.exceptionReason?.trim()) {
    throw new AppError('validation_failed', [
      {
        field: 'exception_reason',
        code: 'required',
        message_ja: '同意によらない提供（法第27条第1項の例外）には、その理由を記入してください。',
        message_en: 'Provision under an Art. 27(1) exception needs a written reason.',
      },
    ]);
  }
  if (party.items.length === 0) throw new AppError('provision_items_missing');
  assertForeignInformation(party, basis);

  const { members, unmatched } = await resolvePopulation(db, orgId, input.population);
  const consents =
    basis === 'consent'
      ? await consentsFor(
          db,
          members.map((m) => m.id),
          party.code,
        )
      : new Map();
  const shown = foreignInformationShown(db, orgId, party.code);
  const foreign = isForeign(party);
  const excluded: Partial<Record<ExclusionReason, number>> = { ...unmatched };
  const included: EvaluatedRun['included'] = [];
  for (const member of members) {
    const d = await decidePerson({ member, basis, consent: consents.get(member.id), foreign, shown });
    if (d.included) included.push({ memberId: member.id, consentEventId: d.consentEventId });
    else excluded[d.reason] = (excluded[d.reason] ?? 0) + 1;
  }
  // Reasons in the vocabulary's order, so equal outcomes serialise equally.
  const ordered = Object.fromEntries(exclusionReasons.filter((r) => excluded[r]).map((r) => [r, excluded[r]!]));
  return {
    party,
    policyVersion: policy.number,
    items: [...party.items],
    basis,
    // No record is kept for an Art. 27(1) exception (Art. 29(1) proviso); the run is still audited.
    recordMode: basis === 'consent' ? input.recordMode : 'none',
    retention: input.retention ?? (party.contract_record ? 'contract' : 'record'),
    foreign,
    considered: members.length + (unmatched.not_in_organization ?? 0) + (unmatched.duplicate ?? 0),
    included,
    excluded: ordered,
  };
}
