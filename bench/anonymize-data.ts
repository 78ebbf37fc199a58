/**
 * Synthetic co-op members for the anonymization bench: member id, age, gender, 7-digit postal code (most in
 * Miyagi, a Zipf-like spread over a few thousand codes), delivery type, monthly spend (yen) and a main purchase
 * category (the sensitive column). Deterministic (seeded); nobody real.
 */

import { jpPrefecturePrefixMap } from '../src/modules/anonymize/jp-prefectures.ts';
import type { AnonymizeSpec, Cell, SourceTable } from '../src/modules/anonymize/types.ts';

export const benchColumns = ['member_id', 'age', 'gender', 'postal_code', 'delivery', 'monthly_spend', 'main_category'] as const;

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateMembers(n: number, seed = 14): SourceTable {
  const rnd = random(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  // Postal codes: 4,000 in Miyagi (980-989), 2,000 elsewhere; picked with Zipf-like weights.
  const prefixes = Object.keys(jpPrefecturePrefixMap);
  const miyagi = prefixes.filter((p) => p.startsWith('98'));
  const codes: string[] = [];
  for (let i = 0; i < 4000; i++)
    codes.push(`${miyagi[Math.floor(rnd() * miyagi.length)]}${String(Math.floor(rnd() * 10000)).padStart(4, '0')}`);
  for (let i = 0; i < 2000; i++)
    codes.push(`${prefixes[Math.floor(rnd() * prefixes.length)]}${String(Math.floor(rnd() * 10000)).padStart(4, '0')}`);
  const cumulative = new Float64Array(codes.length);
  let total = 0;
  for (let i = 0; i < codes.length; i++) {
    total += 1 / (i + 10) ** 0.8 + (i < 4000 ? 0.002 : 0);
    cumulative[i] = total;
  }
  const pickCode = () => {
    const x = rnd() * total;
    let lo = 0;
    let hi = codes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return codes[lo]!;
  };
  const deliveries = ['個配', '班配', '店舗受取', '移動店舗'];
  const categories = ['米', '野菜', '果物', '牛乳・乳製品', '肉', '魚', '冷凍食品', '日用品'];
  const values: Cell[][] = benchColumns.map(() => new Array<Cell>(n));
  const [id, age, gender, postal, delivery, spend, category] = values as [Cell[], Cell[], Cell[], Cell[], Cell[], Cell[], Cell[]];
  for (let r = 0; r < n; r++) {
    id[r] = `M${String(r + 1).padStart(8, '0')}`;
    age[r] = Math.max(18, Math.min(104, Math.round(55 + 16 * normal())));
    const g = rnd();
    gender[r] = g < 0.7 ? '女' : g < 0.98 ? '男' : '回答なし';
    postal[r] = pickCode();
    const d = rnd();
    delivery[r] = deliveries[d < 0.5 ? 0 : d < 0.8 ? 1 : d < 0.95 ? 2 : 3]!;
    spend[r] = Math.min(300_000, Math.round(Math.exp(9.5 + 0.7 * normal())));
    category[r] = categories[Math.floor(rnd() ** 1.5 * categories.length)]!;
  }
  return { columns: [...benchColumns], values };
}

export function benchSpec(withL: boolean): AnonymizeSpec {
  return {
    columns: [
      { name: 'member_id', role: 'identifier', pseudonym: true },
      {
        name: 'age',
        role: 'quasi_identifier',
        coding: { top: 90, bottom: 20 },
        hierarchy: [
          { kind: 'interval', width: 5 },
          { kind: 'interval', width: 10 },
          { kind: 'interval', width: 20 },
        ],
      },
      { name: 'gender', role: 'quasi_identifier', hierarchy: [] },
      {
        name: 'postal_code',
        role: 'quasi_identifier',
        hierarchy: [
          { kind: 'mask', keep: 5 },
          { kind: 'mask', keep: 3 },
          { kind: 'prefix_map', map: jpPrefecturePrefixMap },
        ],
      },
      {
        name: 'delivery',
        role: 'quasi_identifier',
        hierarchy: [{ kind: 'groups', groups: { 宅配: ['個配', '班配'], 店舗: ['店舗受取', '移動店舗'] } }],
      },
      {
        name: 'monthly_spend',
        role: 'quasi_identifier',
        coding: { top: 100_000 },
        hierarchy: [
          { kind: 'interval', width: 1000 },
          { kind: 'breaks', bounds: [0, 5000, 10_000, 20_000, 50_000] },
          { kind: 'breaks', bounds: [0, 10_000, 50_000] },
        ],
      },
      { name: 'main_category', role: 'sensitive' },
    ],
    k: 5,
    suppressionLimit: 0.04,
    ...(withL ? { l: { column: 'main_category', l: 3 } } : {}),
    pseudonymKey: new Uint8Array(32).fill(42),
  };
}
