/**
 * The state of a contractor's contract and of its inspection clock (委託先の監督), and what blocks a hand-over.
 * Pure: the register's contractor, the latest inspection recorded in mamori and today (JST) in, the state out.
 *
 * - The contract is expired the day after `contract.expires_on`; without an expiry it is open-ended.
 * - The last inspection is the later of the one recorded in mamori and the register's `inspection.last_on` (a
 *   recorded inspection supersedes the register's date; a register date entered later still counts when later).
 *   The next one falls due `interval_months` after it, unless the inspection recorded in mamori set its own
 *   next due date. Never inspected: due at once (a contractor is checked before it first receives data).
 * - Overdue the day after the due date; due soon from INSPECTION_DUE_SOON_DAYS before it.
 * - Blocks, in this order: contract_expired, inspection_overdue (overdue or never), contract_clauses_missing
 *   (REQUIRED_CONTRACT_CLAUSES of the register).
 */
import type { ErrorCode } from '../../base/errors.ts';
import { daysBetween, INSPECTION_DUE_SOON_DAYS, REQUIRED_CONTRACT_CLAUSES } from '../../base/rules.ts';
import { type ContractClause, type ContractState, contractClauses, type InspectionState } from '../../contract/handover-vocabulary.ts';
import { addMonths } from '../ledger/schedule.ts';
import type { PolicyDocument } from '../policy/document.ts';

export type PolicyContractor = PolicyDocument['contractors'][number];

export interface RecordedInspection {
  inspected_on: string;
  next_due_on: string;
}

export interface ContractorState {
  contract: {
    state: ContractState;
    signed_on: string | null;
    expires_on: string | null;
    /** Days until the expiry (negative once expired); null when open-ended. */
    days_left: number | null;
    /** Clauses of contractClauses the register does not tick. */
    clauses_missing: ContractClause[];
  };
  inspection: {
    state: InspectionState;
    interval_months: number;
    last_on: string | null;
    /** Where the last inspection is recorded: mamori, or the register's `inspection.last_on`. */
    last_source: 'mamori' | 'register' | null;
    next_due_on: string | null;
    /** Days until the next inspection is due (negative when overdue); null when never inspected. */
    days_left: number | null;
  };
  /** The refusals a hand-over would get today, first one first; empty when a hand-over may go ahead. */
  blocks: ErrorCode[];
}

export function contractorState(c: PolicyContractor, recorded: RecordedInspection | null, today: string): ContractorState {
  const expires = c.contract.expires_on ?? null;
  const contractDays = expires ? daysBetween(today, expires) : null;
  const contract: ContractorState['contract'] = {
    state: expires === null ? 'open_ended' : contractDays! < 0 ? 'expired' : 'valid',
    signed_on: c.contract.signed_on ?? null,
    expires_on: expires,
    days_left: contractDays,
    clauses_missing: contractClauses.filter((k) => !c.contract[k]),
  };

  const interval = c.inspection.interval_months;
  const register = c.inspection.last_on ?? null;
  let last: string | null = null;
  let source: 'mamori' | 'register' | null = null;
  let next: string | null = null;
  if (recorded && (!register || recorded.inspected_on >= register)) {
    last = recorded.inspected_on;
    source = 'mamori';
    next = recorded.next_due_on;
  } else if (register) {
    last = register;
    source = 'register';
    next = addMonths(register, interval);
  }
  const inspectionDays = next ? daysBetween(today, next) : null;
  const inspectionState: InspectionState =
    inspectionDays === null ? 'never' : inspectionDays < 0 ? 'overdue' : inspectionDays <= INSPECTION_DUE_SOON_DAYS ? 'due_soon' : 'ok';

  const blocks: ErrorCode[] = [];
  if (contract.state === 'expired') blocks.push('contract_expired');
  if (inspectionState === 'overdue' || inspectionState === 'never') blocks.push('inspection_overdue');
  if (REQUIRED_CONTRACT_CLAUSES.some((k) => contract.clauses_missing.includes(k))) blocks.push('contract_clauses_missing');
  return {
    contract,
    inspection: {
      state: inspectionState,
      interval_months: interval,
      last_on: last,
      last_source: source,
      next_due_on: next,
      days_left: inspectionDays,
    },
    blocks,
  };
}
