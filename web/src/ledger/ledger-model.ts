/**
 * The ledger as the console sees it: the server's presented asset (one type, shared with the API), the
 * form's draft of an asset, and the conversions between them. Labels of stages, media and levels come from
 * the server's vocabulary module, so the console, the API and the Excel export use the same words.
 */

import type { PresentedAsset } from '../../../src/contract/api.ts';
import {
  type AcquisitionMethod,
  assetFieldLabels,
  DEFAULT_REVIEW_INTERVAL_MONTHS,
  type LifecycleStage,
  lifecycleStages,
  type Medium,
  type ResidualLevel,
  stageLabels,
} from '../../../src/contract/ledger-vocabulary.ts';
import type { I18n } from '../i18n/i18n.tsx';

export type Asset = PresentedAsset;
export interface LedgerList {
  assets: Asset[];
  counts: { active: number; overdue: number; due_soon: number; sensitive: number };
}

/** A risk row being edited: `assessment` is 未評価 (none), 該当 (applies) or 該当なし (n/a). */
export interface RiskDraft {
  stage: LifecycleStage;
  assessment: 'none' | 'applies' | 'n/a';
  threats: string;
  countermeasures: string;
  residual_risk: ResidualLevel | '';
}

export interface AssetDraft {
  code: string;
  name: string;
  department: string;
  medium: Medium;
  description: string;
  data_subjects: string;
  record_count: string;
  items: string[];
  other_items: string;
  purposes: string[];
  storage_location: string;
  storage_method: string;
  access_scope: string;
  period_of_use: string;
  retention: string;
  disposal_method: string;
  sensitive: boolean;
  sensitive_note: string;
  acquisition_method: AcquisitionMethod | '';
  acquisition_note: string;
  notice_method: string;
  consent: string;
  provision: string;
  joint_use: string;
  /** One contractor per line. */
  contractors: string;
  review_interval_months: number;
  last_reviewed_on: string;
  risks: RiskDraft[];
}

/** The free-text fields of the form, in the order the form shows them. */
export const textFields = [
  'storage_location',
  'storage_method',
  'access_scope',
  'period_of_use',
  'retention',
  'disposal_method',
  'notice_method',
  'consent',
  'provision',
  'joint_use',
] as const;

export function emptyDraft(department: string): AssetDraft {
  return {
    code: '',
    name: '',
    department,
    medium: 'paper',
    description: '',
    data_subjects: '',
    record_count: '',
    items: [],
    other_items: '',
    purposes: [],
    storage_location: '',
    storage_method: '',
    access_scope: '',
    period_of_use: '',
    retention: '',
    disposal_method: '',
    sensitive: false,
    sensitive_note: '',
    acquisition_method: '',
    acquisition_note: '',
    notice_method: '',
    consent: '',
    provision: '',
    joint_use: '',
    contractors: '',
    review_interval_months: DEFAULT_REVIEW_INTERVAL_MONTHS,
    last_reviewed_on: '',
    risks: lifecycleStages.map((stage) => ({ stage, assessment: 'none', threats: '', countermeasures: '', residual_risk: '' })),
  };
}

export function draftOf(a: Asset): AssetDraft {
  return {
    ...emptyDraft(a.department.code),
    code: a.code,
    name: a.name,
    medium: a.medium,
    description: a.description,
    data_subjects: a.data_subjects,
    record_count: a.record_count === null ? '' : String(a.record_count),
    items: a.items.map((i) => i.code),
    other_items: a.other_items,
    purposes: a.purposes.map((p) => p.code),
    storage_location: a.storage_location,
    storage_method: a.storage_method,
    access_scope: a.access_scope,
    period_of_use: a.period_of_use,
    retention: a.retention,
    disposal_method: a.disposal_method,
    sensitive: a.sensitive,
    sensitive_note: a.sensitive_note,
    acquisition_method: a.acquisition_method ?? '',
    acquisition_note: a.acquisition_note,
    notice_method: a.notice_method,
    consent: a.consent,
    provision: a.provision,
    joint_use: a.joint_use,
    contractors: a.contractors.map((c) => c.value).join('\n'),
    review_interval_months: a.review.interval_months,
    last_reviewed_on: a.review.last_reviewed_on ?? '',
    risks: a.risks.map((r) => ({
      stage: r.stage,
      assessment: !r.assessed ? 'none' : r.applicable ? 'applies' : 'n/a',
      threats: r.threats,
      countermeasures: r.countermeasures,
      residual_risk: r.residual_risk ?? '',
    })),
  };
}

/** The risk rows to send (assessed stages only), with the stage of each position for placing errors. */
export function risksToSend(draft: AssetDraft) {
  const rows = draft.risks.filter((r) => r.assessment !== 'none');
  return {
    stages: rows.map((r) => r.stage),
    risks: rows.map((r) => ({
      stage: r.stage,
      applicable: r.assessment === 'applies',
      threats: r.threats.trim(),
      countermeasures: r.countermeasures.trim(),
      residual_risk: r.residual_risk === '' ? null : r.residual_risk,
    })),
  };
}

/** The request body for a new asset, or the fields that differ from the stored asset for a change. */
export function payloadOf(draft: AssetDraft): Record<string, unknown> {
  const count = draft.record_count.trim();
  return {
    ...(draft.code.trim() ? { code: draft.code.trim() } : {}),
    name: draft.name.trim(),
    department: draft.department,
    medium: draft.medium,
    description: draft.description.trim(),
    data_subjects: draft.data_subjects.trim(),
    record_count: count === '' ? null : Number(count.replace(/[,，]/g, '')),
    items: draft.items,
    other_items: draft.other_items.trim(),
    purposes: draft.purposes,
    ...Object.fromEntries(textFields.map((f) => [f, draft[f].trim()])),
    sensitive: draft.sensitive,
    sensitive_note: draft.sensitive_note.trim(),
    acquisition_method: draft.acquisition_method === '' ? null : draft.acquisition_method,
    acquisition_note: draft.acquisition_note.trim(),
    contractors: draft.contractors
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean),
    review_interval_months: draft.review_interval_months,
    risks: risksToSend(draft).risks,
  };
}

/** Only what changed, for a PATCH at the stored version. */
export function changesOf(before: AssetDraft, after: AssetDraft): Record<string, unknown> {
  const a = payloadOf(before);
  const b = payloadOf(after);
  return Object.fromEntries(Object.entries(b).filter(([k, v]) => JSON.stringify(a[k]) !== JSON.stringify(v)));
}

/** A field's label in the current language (gaps and errors name fields by their API names). */
export function fieldLabel(i18n: I18n, field: string): string {
  if (field.startsWith('risks.')) {
    const stage = field.split('.')[1] as LifecycleStage;
    const s = stageLabels[stage];
    return s ? `${i18n.pick('リスク評価', 'Risk')}: ${i18n.pick(s.ja, s.en)}` : field;
  }
  const l = assetFieldLabels[field as keyof typeof assetFieldLabels];
  return l ? i18n.pick(l.ja, l.en) : field;
}

/** `YYYY-MM-DD` in Japan, as the server counts review dates. */
export function japanToday(): string {
  return new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
}
