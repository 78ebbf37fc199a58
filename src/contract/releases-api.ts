/**
 * What the releases API answers (modules/releases/presenter.ts builds these), for the console. Kept free of
 * dependencies except other contract files (the console bundles it).
 */
import type { RiskModel } from './release-vocabulary.ts';

/** The engine's report as stored with a run (modules/anonymize/types.ts `AnonymizeReport`). */
export interface ReleaseReport {
  metric: { name: string; value: number };
  levels: { column: string; level: number; of: number }[];
  lattice: { size: number; evaluated: number; pruned: number };
  classSizes: { classes: number; min: number; max: number; average: number; histogram: { size: number; classes: number }[] };
  rows: { input: number; output: number; suppressed: number; topBottomCoded: number };
  risk: Record<RiskModel, { highest: number; average: number }>;
  verified: { k: boolean; l: boolean | null };
  timings: Record<string, number>;
}

export interface ReleaseRunView {
  id: string;
  kind: 'preview' | 'delivery';
  status: 'succeeded' | 'failed';
  release_version: number;
  report: ReleaseReport | null;
  /** Members left out of the source, by reason (erased, withdrawn, opted_out, stopped, no_consent). */
  excluded: Record<string, number> | null;
  error_code: string | null;
  error_detail: string | null;
  target: string | null;
  delivery_id: string | null;
  file_name: string | null;
  sha256: string | null;
  rows: number | null;
  period: string | null;
  started_at: string;
  finished_at: string | null;
}

export interface ReleaseSummaryView {
  id: string;
  code: string;
  name: string;
  recipients: string;
  purpose: string;
  items: string[];
  items_published_at: string | null;
  method_of_provision: string | null;
  method_published_at: string | null;
  schedule: { kind: 'once' } | { kind: 'monthly'; day: number };
  output: { format: 'csv' | 'parquet'; charset: 'utf-8' | 'shift_jis' };
  target: string | null;
  status: 'active' | 'retired';
  version: number;
  created_at: string;
  updated_at: string;
  /** The processing method: only for the privacy office (the spec as JSON and as its YAML file). */
  spec?: unknown;
  yaml?: string;
}

/** One version of the definition: its items and which of its fields changed (names, never the method itself). */
export interface ReleaseVersionView {
  version: number;
  items: string[];
  changed: string[];
  created_at: string;
  /** The login of who saved it. */
  created_by: string | null;
}

export interface ReleaseView extends ReleaseSummaryView {
  runs: ReleaseRunView[];
  versions: ReleaseVersionView[];
  can_manage: boolean;
}

export interface ReleasesList {
  releases: ReleaseSummaryView[];
  can_manage: boolean;
}

export interface RunOutcomeView {
  run: string;
  report: ReleaseReport;
  excluded: Record<string, number> | null;
  delivery?: { id: string; fileName: string; bytes: number; sha256: string; rows: number; deliveredAt: string; target: string };
}

/** Why members were left out of a members source, in words. */
export const exclusionReasonLabels: Record<string, { ja: string; en: string }> = {
  erased: { ja: '削除請求により消去済み', en: 'Erased on request' },
  withdrawn: { ja: '脱退', en: 'Withdrawn' },
  opted_out: { ja: 'この目的の利用を拒否（オプトアウト）', en: 'Opted out of the purpose' },
  stopped: { ja: 'この目的の利用停止', en: 'Use stopped for the purpose' },
  no_consent: { ja: '同意なし（同意が必要な目的）', en: 'No consent (opt-in purpose)' },
};
