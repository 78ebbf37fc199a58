/**
 * Ready-made generalization hierarchies for the common quasi-identifiers, so that a release spec can say
 * `preset: age_bands` instead of writing the steps out. The screen shows the expanded steps and lets the
 * officer edit them; the spec keeps whichever was written.
 */
import type { HierarchyStep } from '../../contract/release-vocabulary.ts';
import { jpPrefecturePrefixMap } from '../anonymize/jp-prefectures.ts';

export const hierarchyPresetNames = [
  'age_bands',
  'postal_code',
  'date_month_year',
  'amount_ranges',
  'delivery_type_groups',
  'none',
] as const;
export type HierarchyPreset = (typeof hierarchyPresetNames)[number];

/** Japanese and English names of the presets (the screen's choice). */
export const hierarchyPresetLabels: Record<HierarchyPreset, { ja: string; en: string }> = {
  age_bands: { ja: '年齢: 5歳・10歳・20歳刻み', en: 'Age: 5, 10, 20-year bands' },
  postal_code: { ja: '郵便番号: 下位桁を伏せる → 上3桁 → 都道府県', en: 'Postal code: mask digits → first 3 → prefecture' },
  date_month_year: { ja: '日付: 年月 → 年', en: 'Date: month → year' },
  amount_ranges: { ja: '金額: 範囲に区切る', en: 'Amount: ranges' },
  delivery_type_groups: { ja: '利用形態: 宅配・店舗', en: 'Delivery type: home delivery or store' },
  none: { ja: '一般化なし（* のみ）', en: 'No steps (only *)' },
};

/** The steps of a preset. */
export function presetHierarchy(name: HierarchyPreset): HierarchyStep[] {
  switch (name) {
    case 'age_bands':
      return [
        { kind: 'interval', width: 5, origin: 0 },
        { kind: 'interval', width: 10, origin: 0 },
        { kind: 'interval', width: 20, origin: 0 },
      ];
    case 'postal_code':
      // 980-0811 → 980-08** → 980-**** → 宮城県 (the engine's approximate prefix map, editable in the spec).
      return [
        { kind: 'mask', keep: 6 },
        { kind: 'mask', keep: 4 },
        { kind: 'prefix_map', map: { ...jpPrefecturePrefixMap } },
      ];
    case 'date_month_year':
      return [
        { kind: 'date', unit: 'month' },
        { kind: 'date', unit: 'year' },
      ];
    case 'amount_ranges':
      return [
        { kind: 'breaks', bounds: [0, 5000, 10000, 20000, 30000, 50000, 100000] },
        { kind: 'breaks', bounds: [0, 10000, 30000, 100000] },
      ];
    case 'delivery_type_groups':
      return [{ kind: 'groups', groups: { 宅配: ['班配', '個配'], 店舗: ['店舗のみ'] } }];
    case 'none':
      return [];
  }
}
