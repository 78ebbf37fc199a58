/**
 * The words of anonymized releases (匿名加工情報, issue 14), shared by the engine, the release register, the spec
 * file and the console: the roles a column plays and the kinds of generalization step a hierarchy is made of,
 * each with its Japanese and English label. Kept free of dependencies so that the console's bundle can take them.
 */

type Labelled = { ja: string; en: string };

/**
 * What a column of the source is to the release: an identifier (removed, or replaced by the release's keyed
 * hash), a quasi-identifier (generalized along its hierarchy until every class has k records), a sensitive
 * value (kept; l-diversity counts its distinct values per class), or an insensitive value (kept as it is).
 */
export const columnRoles = ['identifier', 'quasi_identifier', 'sensitive', 'insensitive'] as const;
export type ColumnRole = (typeof columnRoles)[number];
export const columnRoleLabels: Record<ColumnRole, Labelled> = {
  identifier: { ja: '識別子（削除）', en: 'Identifier (removed)' },
  quasi_identifier: { ja: '準識別子（一般化）', en: 'Quasi-identifier (generalized)' },
  sensitive: { ja: '機微な値', en: 'Sensitive' },
  insensitive: { ja: 'その他の値（そのまま）', en: 'Insensitive (kept)' },
};

/**
 * One step of a generalization hierarchy: level 0 is the value itself; each step replaces it by a coarser label;
 * the last level of every hierarchy is `*` (the value withheld), added by the engine.
 * - `mask`: keep the first `keep` characters, the rest become `*` (postal code 123-4567 → 123-45** → 12*-****).
 * - `prefix_map`: the label of the longest matching prefix (postal code → prefecture); a value no prefix
 *   matches is an error naming it (a hierarchy that does not cover a value).
 * - `interval`: numbers in bands of `width` from `origin` (age 37 → 35–39); labels as `35-39`.
 * - `breaks`: numbers in ranges between the given ascending bounds (spend → 0-999, 1000-4999, 5000+).
 * - `date`: a date (YYYY-MM-DD) to its month (YYYY-MM) or year (YYYY).
 * - `groups`: a category to its group (配達 → 宅配, 店舗受取 → 店舗); a value in no group is an error.
 */
export const hierarchyStepKinds = ['mask', 'prefix_map', 'interval', 'breaks', 'date', 'groups'] as const;
export type HierarchyStepKind = (typeof hierarchyStepKinds)[number];
export const hierarchyStepLabels: Record<HierarchyStepKind, Labelled> = {
  mask: { ja: '末尾を伏せる', en: 'Mask trailing characters' },
  prefix_map: { ja: '先頭一致で置換（例: 郵便番号→都道府県）', en: 'Map by prefix (e.g. postal code → prefecture)' },
  interval: { ja: '一定幅の区間', en: 'Fixed-width bands' },
  breaks: { ja: '区切り値による範囲', en: 'Ranges between bounds' },
  date: { ja: '日付を月・年に', en: 'Date to month or year' },
  groups: { ja: '区分をまとめる', en: 'Group categories' },
};

export type HierarchyStep =
  | { kind: 'mask'; keep: number }
  | { kind: 'prefix_map'; map: Record<string, string> }
  | { kind: 'interval'; width: number; origin?: number }
  | { kind: 'breaks'; bounds: number[] }
  | { kind: 'date'; unit: 'month' | 'year' }
  | { kind: 'groups'; groups: Record<string, string[]> };

/** Re-identification risk models reported for a release (El Emam's prosecutor, journalist and marketer). */
export const riskModels = ['prosecutor', 'journalist', 'marketer'] as const;
export type RiskModel = (typeof riskModels)[number];
export const riskModelLabels: Record<RiskModel, Labelled> = {
  prosecutor: { ja: '検察官モデル（特定の人を探す）', en: 'Prosecutor (a known person is in the data)' },
  journalist: { ja: 'ジャーナリストモデル（誰かを特定する）', en: 'Journalist (anyone re-identified)' },
  marketer: { ja: 'マーケターモデル（多数を特定する）', en: 'Marketer (share re-identified)' },
};
