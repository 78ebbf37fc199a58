/**
 * The words of pseudonymized data (仮名加工情報, APPI Arts. 41–42; issue 14 §6), shared by the engine and the
 * console: what may become of each field of the member ledger, the class that decides it, and the Japanese
 * labels of the values written into a produced file. The table is the processing standard of Rule 31 as data:
 * the engine refuses a definition that asks for more than its row allows, whatever the screen offered.
 * Kept free of dependencies except other contract files (the console bundles it).
 */
import type { Labelled } from './labels.ts';
import type { MemberField } from './member-fields.ts';

/**
 * What becomes of a column: kept as it is; removed; replaced by a keyed pseudonym (HMAC-SHA-256 with the data
 * set's own key); or coarsened (an address to its prefecture or municipality, a postal code to its first three
 * digits, a date to its month or year).
 */
export const treatments = ['keep', 'remove', 'pseudonym', 'prefecture', 'municipality', 'postal_area', 'year_month', 'year'] as const;
export type Treatment = (typeof treatments)[number];
export const treatmentLabels: Record<Treatment, Labelled> = {
  keep: { ja: 'そのまま', en: 'Keep' },
  remove: { ja: '削除', en: 'Remove' },
  pseudonym: { ja: '仮名に置換', en: 'Keyed pseudonym' },
  prefecture: { ja: '都道府県まで', en: 'Prefecture only' },
  municipality: { ja: '市区町村まで', en: 'Municipality only' },
  postal_area: { ja: '上3桁まで', en: 'First three digits' },
  year_month: { ja: '年月まで', en: 'Year and month' },
  year: { ja: '年まで', en: 'Year only' },
};

/**
 * Why a field is treated as it is (Rule 31): a description that identifies the person (氏名, 連絡先; removed or
 * replaced), an ID that links back to the ledger (replaced or removed), a location (coarsened), an item whose
 * misuse may cause financial damage (always removed), free text that may hold anything (always removed), or an
 * attribute that identifies nobody alone (kept, coarsened or removed).
 */
export const fieldClasses = ['identifying', 'identifier', 'location', 'financial', 'free_text', 'attribute'] as const;
export type FieldClass = (typeof fieldClasses)[number];
export const fieldClassLabels: Record<FieldClass, Labelled> = {
  identifying: { ja: '本人を識別できる記述（削除または置換）', en: 'Identifies the person (removed or replaced)' },
  identifier: { ja: '台帳と結び付く番号（置換または削除）', en: 'Links to the ledger (replaced or removed)' },
  location: { ja: '所在（粗くするか削除）', en: 'Location (coarsened or removed)' },
  financial: { ja: '財産的被害のおそれ（必ず削除）', en: 'Financial damage risk (always removed)' },
  free_text: { ja: '自由記述（必ず削除）', en: 'Free text (always removed)' },
  attribute: { ja: '属性', en: 'Attribute' },
};

/** Each ledger field's class and the treatments it allows (the first is what a new definition proposes). */
export const fieldTreatments: Record<MemberField, { class: FieldClass; allowed: readonly Treatment[] }> = {
  member_code: { class: 'identifier', allowed: ['pseudonym', 'remove'] },
  name: { class: 'identifying', allowed: ['remove', 'pseudonym'] },
  name_kana: { class: 'identifying', allowed: ['remove', 'pseudonym'] },
  gender: { class: 'attribute', allowed: ['keep', 'remove'] },
  birth_date: { class: 'attribute', allowed: ['year_month', 'year', 'keep', 'remove'] },
  postal_code: { class: 'location', allowed: ['postal_area', 'remove'] },
  address: { class: 'location', allowed: ['municipality', 'prefecture', 'remove'] },
  phone: { class: 'identifying', allowed: ['remove', 'pseudonym'] },
  email: { class: 'identifying', allowed: ['remove', 'pseudonym'] },
  bank_account: { class: 'financial', allowed: ['remove'] },
  delivery_type: { class: 'attribute', allowed: ['keep', 'remove'] },
  join_date: { class: 'attribute', allowed: ['keep', 'year_month', 'year', 'remove'] },
  leave_date: { class: 'attribute', allowed: ['keep', 'year_month', 'year', 'remove'] },
  share_capital: { class: 'attribute', allowed: ['keep', 'remove'] },
  status: { class: 'attribute', allowed: ['keep', 'remove'] },
  note: { class: 'free_text', allowed: ['remove'] },
};

/** The first line of every produced file: what it is and what may not be done with it (Arts. 41–42). */
export const PSEUDONYMIZED_NOTICE =
  '【仮名加工情報】個人情報保護法第41条に基づき作成した仮名加工情報です。社内での分析専用：第三者への提供、本人への連絡、他の情報との照合による本人の識別はできません。';

/** Japanese labels of the coded values written into a produced file (the file is in one language). */
export const pseudonymizedValueLabels: Partial<Record<MemberField, Record<string, string>>> = {
  gender: { female: '女性', male: '男性', other: 'その他', unknown: '不明' },
  delivery_type: { group: '班配', individual: '個配', store_only: '店舗のみ' },
  status: { active: '加入中', suspended: '休止', withdrawn: '脱退' },
};

/** A data set as the API answers it (GET /pseudonymized/sets…): the definition, never the key, never data. */
export interface PseudonymizedSetView {
  code: string;
  name: string;
  description: string;
  purposes: string[];
  columns: { field: MemberField; treatment: Treatment; class: FieldClass }[];
  status: 'active' | 'retired';
  version: number;
  created_at: string;
  updated_at: string;
  /** The purposes of the set the caller's role holds: those it may produce the set for. */
  usable_purposes: string[];
}
