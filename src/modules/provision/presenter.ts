/** What leaves the server about provision runs, continuous records and disposals: counts and codes, never names. */
import type {
  ProvisionContinuousRecordTable,
  ProvisionDisposalTable,
  ProvisionRecordMode,
  ProvisionRetention,
  ProvisionRunTable,
} from '../../db/schema.ts';
import type { Population } from './population.ts';

export interface ProvisionRunView {
  id: string;
  status: 'previewed' | 'confirmed';
  third_party_code: string;
  recipient_name: string;
  items: string[];
  legal_basis: string;
  exception_reason: string | null;
  record_mode: ProvisionRecordMode;
  retention: ProvisionRetention;
  /** How the population was chosen: the filter as given, or how many codes (never the codes). */
  population: { kind: 'codes'; codes: number } | Exclude<Population, { kind: 'codes' }>;
  included: number;
  excluded: Record<string, number>;
  excluded_total: number;
  policy_version: number | null;
  continuous_id: string | null;
  occurred_on: string | null;
  created_at: string;
  confirmed_at: string | null;
}

export function presentRun(row: ProvisionRunTable): ProvisionRunView {
  const population = JSON.parse(row.population) as Population;
  const excluded = JSON.parse(row.excluded) as Record<string, number>;
  return {
    id: row.id,
    status: row.status,
    third_party_code: row.third_party_code,
    recipient_name: row.recipient_name,
    items: JSON.parse(row.items) as string[],
    legal_basis: row.legal_basis,
    exception_reason: row.exception_reason,
    record_mode: row.record_mode,
    retention: row.retention,
    population: population.kind === 'codes' ? { kind: 'codes', codes: population.member_codes.length } : population,
    included: row.included,
    excluded,
    excluded_total: Object.values(excluded).reduce((a, b) => a + b, 0),
    policy_version: row.policy_version,
    continuous_id: row.continuous_id,
    occurred_on: row.occurred_on,
    created_at: row.created_at,
    confirmed_at: row.confirmed_at,
  };
}

export interface ContinuousRecordView {
  id: string;
  third_party_code: string;
  counterparty_name: string;
  items: string[];
  legal_basis: string;
  retention: ProvisionRetention;
  first_on: string;
  last_on: string;
  keep_until: string;
  people: number;
  runs: number;
}

export function presentContinuous(row: ProvisionContinuousRecordTable): ContinuousRecordView {
  return {
    id: row.id,
    third_party_code: row.third_party_code,
    counterparty_name: row.counterparty_name,
    items: JSON.parse(row.items) as string[],
    legal_basis: row.legal_basis,
    retention: row.retention,
    first_on: row.first_on,
    last_on: row.last_on,
    keep_until: row.keep_until,
    people: row.people,
    runs: row.runs,
  };
}

export type DisposalView = Omit<ProvisionDisposalTable, 'org_id'>;

export function presentDisposal(row: ProvisionDisposalTable): DisposalView {
  const { org_id: _org, ...rest } = row;
  return rest;
}
