/**
 * The words of the ledger of personal information (個人情報管理台帳, JIS Q 15001:2023): lifecycle stages,
 * residual-risk levels, media, how data is acquired and review results, each with its Japanese and English
 * label. Kept free of dependencies: the server's schemas, the xlsx export, the CLI and the web console all
 * take the lists (and the order of the risk table) from here.
 */

/** The lifecycle stages a risk assessment covers, in the order a privacy office reads them. */
export const lifecycleStages = ['acquire', 'transfer', 'use', 'store', 'dispose', 'outsource', 'provide'] as const;
export type LifecycleStage = (typeof lifecycleStages)[number];

export const stageLabels: Record<LifecycleStage, { ja: string; en: string }> = {
  acquire: { ja: '取得・入力', en: 'Acquisition and input' },
  transfer: { ja: '移送・送信', en: 'Transfer and transmission' },
  use: { ja: '利用・加工', en: 'Use and processing' },
  store: { ja: '保管・バックアップ', en: 'Storage and backup' },
  dispose: { ja: '消去・廃棄', en: 'Deletion and disposal' },
  outsource: { ja: '委託', en: 'Outsourcing' },
  provide: { ja: '提供', en: 'Provision' },
};

/** 残存リスク: what remains after the countermeasures. */
export const residualLevels = ['low', 'medium', 'high'] as const;
export type ResidualLevel = (typeof residualLevels)[number];
export const residualLabels: Record<ResidualLevel, { ja: string; en: string }> = {
  low: { ja: '低', en: 'Low' },
  medium: { ja: '中', en: 'Medium' },
  high: { ja: '高', en: 'High' },
};

/** 媒体: paper records, a system (electronic), or both. */
export const media = ['paper', 'electronic', 'both'] as const;
export type Medium = (typeof media)[number];
export const mediumLabels: Record<Medium, { ja: string; en: string }> = {
  paper: { ja: '紙', en: 'Paper' },
  electronic: { ja: '電子', en: 'Electronic' },
  both: { ja: '紙・電子', en: 'Paper and electronic' },
};

/**
 * 取得方法: JIS Q 15001 treats direct acquisition in writing (本人から書面で直接取得) apart, because it needs the
 * purpose stated explicitly beforehand (明示) and, as a rule, consent.
 */
export const acquisitionMethods = ['direct_written', 'direct_other', 'indirect'] as const;
export type AcquisitionMethod = (typeof acquisitionMethods)[number];
export const acquisitionLabels: Record<AcquisitionMethod, { ja: string; en: string }> = {
  direct_written: { ja: '本人から書面で直接取得', en: 'Directly from the person, in writing' },
  direct_other: { ja: '本人から書面以外で直接取得', en: 'Directly from the person, not in writing' },
  indirect: { ja: '本人以外から取得', en: 'From someone other than the person' },
};

/** 見直しの結果. */
export const reviewResults = ['no_change', 'updated', 'action_required'] as const;
export type ReviewResult = (typeof reviewResults)[number];
export const reviewResultLabels: Record<ReviewResult, { ja: string; en: string }> = {
  no_change: { ja: '変更なし', en: 'No change' },
  updated: { ja: '内容を更新', en: 'Entry updated' },
  action_required: { ja: '要対応', en: 'Action required' },
};

/** Where an asset stands against its review interval. */
export const reviewStates = ['ok', 'due_soon', 'overdue'] as const;
export type ReviewState = (typeof reviewStates)[number];
export const reviewStateLabels: Record<ReviewState, { ja: string; en: string }> = {
  ok: { ja: '期限内', en: 'Up to date' },
  due_soon: { ja: '期限間近', en: 'Due soon' },
  overdue: { ja: '期限切れ', en: 'Overdue' },
};

export const assetStatuses = ['active', 'retired'] as const;
export type AssetStatus = (typeof assetStatuses)[number];

/**
 * The entries JIS Q 15001 expects on every ledger line; an empty one is reported as a gap (記載漏れ) rather
 * than refused, so an office can register an asset first and complete it later.
 */
export const expectedFields = [
  'data_subjects',
  'items',
  'purposes',
  'storage_location',
  'storage_method',
  'access_scope',
  'period_of_use',
  'retention',
  'disposal_method',
  'acquisition_method',
  'notice_method',
  'consent',
] as const;
export type ExpectedField = (typeof expectedFields)[number];

/** Labels of the ledger's fields (the xlsx headers and the console use the same words). */
export const assetFieldLabels = {
  code: { ja: '台帳番号', en: 'Ledger no.' },
  name: { ja: '情報資産の名称', en: 'Information asset' },
  department: { ja: '管理部門', en: 'Owning department' },
  medium: { ja: '媒体', en: 'Medium' },
  description: { ja: '概要', en: 'Description' },
  data_subjects: { ja: '本人の区分', en: 'Data subjects' },
  record_count: { ja: '件数（概数）', en: 'Records (approx.)' },
  items: { ja: '情報項目', en: 'Data items' },
  other_items: { ja: 'その他の項目', en: 'Other items' },
  purposes: { ja: '利用目的', en: 'Purposes of use' },
  storage_location: { ja: '保管場所', en: 'Storage location' },
  storage_method: { ja: '保管方法', en: 'Storage method' },
  access_scope: { ja: 'アクセス権者', en: 'Who may access' },
  period_of_use: { ja: '利用期間', en: 'Period of use' },
  retention: { ja: '保存期間', en: 'Retention' },
  disposal_method: { ja: '廃棄方法', en: 'Disposal method' },
  sensitive: { ja: '要配慮個人情報', en: 'Special care-required data' },
  sensitive_note: { ja: '要配慮個人情報の内容', en: 'Special care-required data (what)' },
  acquisition_method: { ja: '取得方法', en: 'How acquired' },
  acquisition_note: { ja: '取得の経緯', en: 'Acquisition details' },
  notice_method: { ja: '利用目的の通知・公表', en: 'How the purpose is notified' },
  consent: { ja: '同意の取得', en: 'Consent' },
  provision: { ja: '第三者提供', en: 'Third-party provision' },
  joint_use: { ja: '共同利用', en: 'Joint use' },
  contractors: { ja: '委託先', en: 'Contractors' },
  review_interval_months: { ja: '見直し間隔（月）', en: 'Review interval (months)' },
  last_reviewed_on: { ja: '前回見直し日', en: 'Last reviewed' },
  next_review_on: { ja: '次回見直し期限', en: 'Next review due' },
  review_state: { ja: '見直し状況', en: 'Review status' },
  status: { ja: '状態', en: 'Status' },
  updated_at: { ja: '最終更新', en: 'Last updated' },
} as const satisfies Record<string, { ja: string; en: string }>;
export type AssetFieldLabelKey = keyof typeof assetFieldLabels;

/** JIS Q 15001: at least once a year; an asset may be reviewed more often. */
export const DEFAULT_REVIEW_INTERVAL_MONTHS = 12;
export const MAX_REVIEW_INTERVAL_MONTHS = 12;
/** A review falls due this many days before its deadline (the console and the export show it). */
export const DUE_SOON_DAYS = 30;
