/**
 * What leaves the server for one asset: register codes with their names, the seven stages of the risk table
 * in order (unassessed ones marked), the review clock as of today, the gaps JIS Q 15001 would find, and
 * whether the caller may edit it. The API, the CLI and the xlsx export all read this shape.
 */

import {
  type AcquisitionMethod,
  expectedFields,
  type LifecycleStage,
  lifecycleStages,
  type Medium,
  type ResidualLevel,
  type ReviewResult,
  type ReviewState,
  residualLevels,
} from '../../contract/ledger-vocabulary.ts';
import type { LedgerAssetTable, LedgerReviewTable, LedgerRiskTable } from '../../db/schema.ts';
import type { Registers } from './registers.ts';
import { reviewStatus } from './schedule.ts';

export interface PresentedRisk {
  stage: LifecycleStage;
  /** False when no row exists for the stage yet (未評価). */
  assessed: boolean;
  applicable: boolean;
  threats: string;
  countermeasures: string;
  residual_risk: ResidualLevel | null;
}

export interface PresentedReview {
  id: string;
  reviewed_on: string;
  result: ReviewResult;
  notes: string;
  reviewer_name: string;
  created_at: string;
}

export interface PresentedAsset {
  id: string;
  code: string;
  name: string;
  status: 'active' | 'retired';
  version: number;
  department: { code: string; name: string; name_en: string };
  medium: Medium;
  description: string;
  data_subjects: string;
  record_count: number | null;
  items: { code: string; name: string; name_en: string; sensitive: boolean; status: 'active' | 'retired' | 'unknown' }[];
  other_items: string;
  purposes: { code: string; label: string; name: string; name_en: string; status: 'active' | 'retired' | 'unknown' }[];
  storage_location: string;
  storage_method: string;
  access_scope: string;
  period_of_use: string;
  retention: string;
  disposal_method: string;
  sensitive: boolean;
  sensitive_note: string;
  acquisition_method: AcquisitionMethod | null;
  acquisition_note: string;
  notice_method: string;
  consent: string;
  provision: string;
  joint_use: string;
  /** Each as entered; `code` is set when it names a contractor of the policy in effect. */
  contractors: { value: string; code: string | null; name: string; service: string | null }[];
  review: {
    interval_months: number;
    last_reviewed_on: string | null;
    next_review_on: string;
    state: ReviewState;
    days_overdue: number;
    days_left: number;
    last: PresentedReview | null;
  };
  risks: PresentedRisk[];
  highest_residual_risk: ResidualLevel | null;
  /** Entries JIS Q 15001 expects that are still empty: field names, and `risks.<stage>` for unassessed stages. */
  gaps: string[];
  retired_on: string | null;
  retire_reason: string | null;
  created_at: string;
  updated_at: string;
  can_edit: boolean;
  /** The review history, newest first (detail only). */
  reviews?: PresentedReview[];
}

export const parseCodes = (json: string): string[] => {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
};

export function presentReview(r: LedgerReviewTable): PresentedReview {
  return {
    id: r.id,
    reviewed_on: r.reviewed_on,
    result: r.result,
    notes: r.notes,
    reviewer_name: r.reviewer_name,
    created_at: r.created_at,
  };
}

/** The seven stages in order, from the stored rows of one asset. */
export function presentRisks(rows: readonly LedgerRiskTable[]): PresentedRisk[] {
  return lifecycleStages.map((stage) => {
    const r = rows.find((x) => x.stage === stage);
    return r
      ? {
          stage,
          assessed: true,
          applicable: Number(r.applicable) === 1,
          threats: r.threats,
          countermeasures: r.countermeasures,
          residual_risk: r.residual_risk,
        }
      : { stage, assessed: false, applicable: true, threats: '', countermeasures: '', residual_risk: null };
  });
}

export function presentAsset(
  row: LedgerAssetTable,
  ctx: {
    registers: Registers;
    risks: readonly LedgerRiskTable[];
    lastReview: LedgerReviewTable | null;
    today: string;
    canEdit: boolean;
    history?: readonly LedgerReviewTable[];
  },
): PresentedAsset {
  const { registers } = ctx;
  const dept = registers.departments.get(row.department_id);
  const items = parseCodes(row.items).map((code) => {
    const i = registers.items.get(code);
    return i
      ? { code, name: i.name, name_en: i.name_en, sensitive: i.sensitive, status: i.status }
      : { code, name: code, name_en: code, sensitive: false, status: 'unknown' as const };
  });
  const purposes = parseCodes(row.purposes).map((code) => {
    const p = registers.purposes.get(code);
    return p
      ? { code, label: p.label, name: p.name, name_en: p.name_en, status: p.status }
      : { code, label: code, name: code, name_en: code, status: 'unknown' as const };
  });
  const contractors = parseCodes(row.contractors).map((value) => {
    const c = registers.contractors.get(value);
    return c ? { value, code: c.code, name: c.name, service: c.service } : { value, code: null, name: value, service: null };
  });
  const risks = presentRisks(ctx.risks);
  const levels = risks.filter((r) => r.assessed && r.applicable && r.residual_risk).map((r) => residualLevels.indexOf(r.residual_risk!));
  const status = reviewStatus(row.next_review_on, ctx.today);
  const presented: PresentedAsset = {
    id: row.id,
    code: row.code,
    name: row.name,
    status: row.status,
    version: Number(row.version),
    department: dept ? { code: dept.code, name: dept.name, name_en: dept.name_en } : { code: '?', name: '?', name_en: '?' },
    medium: row.medium,
    description: row.description,
    data_subjects: row.data_subjects,
    record_count: row.record_count === null ? null : Number(row.record_count),
    items,
    other_items: row.other_items,
    purposes,
    storage_location: row.storage_location,
    storage_method: row.storage_method,
    access_scope: row.access_scope,
    period_of_use: row.period_of_use,
    retention: row.retention,
    disposal_method: row.disposal_method,
    sensitive: Number(row.sensitive) === 1,
    sensitive_note: row.sensitive_note,
    acquisition_method: row.acquisition_method,
    acquisition_note: row.acquisition_note,
    notice_method: row.notice_method,
    consent: row.consent,
    provision: row.provision,
    joint_use: row.joint_use,
    contractors,
    review: {
      interval_months: Number(row.review_interval_months),
      last_reviewed_on: row.last_reviewed_on,
      next_review_on: row.next_review_on,
      // A retired asset is no longer reviewed: its clock stops.
      state: row.status === 'retired' ? 'ok' : status.state,
      days_overdue: row.status === 'retired' ? 0 : status.daysOverdue,
      days_left: status.daysLeft,
      last: ctx.lastReview ? presentReview(ctx.lastReview) : null,
    },
    risks,
    highest_residual_risk: levels.length ? residualLevels[Math.max(...levels)]! : null,
    gaps: [],
    retired_on: row.retired_on,
    retire_reason: row.retire_reason,
    created_at: row.created_at,
    updated_at: row.updated_at,
    can_edit: ctx.canEdit && row.status === 'active',
  };
  presented.gaps = gapsOf(presented);
  if (ctx.history) presented.reviews = ctx.history.map(presentReview);
  return presented;
}

/** What the JIS ledger still lacks for this asset. */
export function gapsOf(a: PresentedAsset): string[] {
  const gaps: string[] = [];
  for (const f of expectedFields) {
    const v = a[f];
    if (v === null || v === '' || (Array.isArray(v) && v.length === 0)) gaps.push(f);
  }
  if (a.sensitive && !a.sensitive_note) gaps.push('sensitive_note');
  for (const r of a.risks) if (!r.assessed) gaps.push(`risks.${r.stage}`);
  return gaps;
}
