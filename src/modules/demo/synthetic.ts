/**
 * Synthetic, realistic members for the demo co-op, tests and benchmarks. Deterministic for a seed; names,
 * addresses, phones and accounts are made up from common parts (no real person's data). E-mail addresses use
 * the reserved domain example.jp. No value can contain a valid My Number (no 12-digit runs are produced).
 */

import { memberFieldCodes } from '../../contract/member-fields.ts';
import type { MemberValues } from '../members/fields.ts';

/** mulberry32: small, fast, good enough for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const families: [string, string][] = [
  ['佐藤', 'サトウ'],
  ['鈴木', 'スズキ'],
  ['高橋', 'タカハシ'],
  ['田中', 'タナカ'],
  ['伊藤', 'イトウ'],
  ['渡辺', 'ワタナベ'],
  ['山本', 'ヤマモト'],
  ['中村', 'ナカムラ'],
  ['小林', 'コバヤシ'],
  ['加藤', 'カトウ'],
  ['吉田', 'ヨシダ'],
  ['山田', 'ヤマダ'],
  ['佐々木', 'ササキ'],
  ['山口', 'ヤマグチ'],
  ['松本', 'マツモト'],
  ['井上', 'イノウエ'],
  ['木村', 'キムラ'],
  ['林', 'ハヤシ'],
  ['斎藤', 'サイトウ'],
  ['清水', 'シミズ'],
  ['山崎', 'ヤマザキ'],
  ['阿部', 'アベ'],
  ['森', 'モリ'],
  ['池田', 'イケダ'],
  ['橋本', 'ハシモト'],
  ['石川', 'イシカワ'],
  ['千葉', 'チバ'],
  ['菅原', 'スガワラ'],
  ['遠藤', 'エンドウ'],
  ['及川', 'オイカワ'],
  ['大友', 'オオトモ'],
  ['庄司', 'ショウジ'],
  ['今野', 'コンノ'],
  ['丹野', 'タンノ'],
  ['門脇', 'カドワキ'],
  ['熊谷', 'クマガイ'],
];
const female: [string, string][] = [
  ['花子', 'ハナコ'],
  ['陽子', 'ヨウコ'],
  ['恵子', 'ケイコ'],
  ['美咲', 'ミサキ'],
  ['由美', 'ユミ'],
  ['裕子', 'ユウコ'],
  ['真由美', 'マユミ'],
  ['直子', 'ナオコ'],
  ['智子', 'トモコ'],
  ['久美子', 'クミコ'],
  ['さくら', 'サクラ'],
  ['結衣', 'ユイ'],
  ['明美', 'アケミ'],
  ['幸子', 'サチコ'],
  ['和子', 'カズコ'],
  ['優子', 'ユウコ'],
  ['愛', 'アイ'],
  ['千尋', 'チヒロ'],
];
const male: [string, string][] = [
  ['太郎', 'タロウ'],
  ['健一', 'ケンイチ'],
  ['誠', 'マコト'],
  ['浩', 'ヒロシ'],
  ['大輔', 'ダイスケ'],
  ['翔太', 'ショウタ'],
  ['拓也', 'タクヤ'],
  ['和彦', 'カズヒコ'],
  ['隆', 'タカシ'],
  ['修', 'オサム'],
  ['一郎', 'イチロウ'],
  ['健太', 'ケンタ'],
  ['直樹', 'ナオキ'],
  ['蓮', 'レン'],
  ['悠真', 'ユウマ'],
  ['博', 'ヒロシ'],
  ['茂', 'シゲル'],
  ['進', 'ススム'],
];
/** Postal code, municipality and town (synthetic combinations of place names in Miyagi). */
const places: [string, string][] = [
  ['980-0811', '宮城県仙台市青葉区一番町'],
  ['980-0021', '宮城県仙台市青葉区中央'],
  ['981-0933', '宮城県仙台市青葉区柏木'],
  ['981-3194', '宮城県仙台市泉区泉中央'],
  ['981-3134', '宮城県仙台市泉区将監'],
  ['983-0852', '宮城県仙台市宮城野区榴岡'],
  ['984-0051', '宮城県仙台市若林区新寺'],
  ['982-0011', '宮城県仙台市太白区長町'],
  ['985-0002', '宮城県塩竈市海岸通'],
  ['986-0850', '宮城県石巻市立町'],
  ['989-6162', '宮城県大崎市古川駅前大通'],
  ['981-1224', '宮城県名取市増田'],
  ['989-2432', '宮城県岩沼市中央'],
  ['981-0112', '宮城県宮城郡利府町利府'],
  ['988-0017', '宮城県気仙沼市南町'],
];
const banks = ['七十七銀行', 'ゆうちょ銀行', '仙台銀行', '東北労働金庫', 'きらやか銀行', 'JAバンク'];
const branches = ['本店', '県庁支店', '泉中央支店', '長町支店', '古川支店', '石巻支店', '名取支店', '塩釜支店'];

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const digits = (r: () => number, n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function dateBetween(r: () => number, fromYear: number, toYear: number): string {
  const y = fromYear + Math.floor(r() * (toYear - fromYear + 1));
  const m = 1 + Math.floor(r() * 12);
  const d = 1 + Math.floor(r() * 28);
  return `${y}-${pad(m)}-${pad(d)}`;
}

export type SyntheticMember = Omit<MemberValues, 'bank_account'> & { bank_account: string | null };

/** The `index`-th synthetic member (member codes 1000001, 1000002, …). */
export function syntheticMember(index: number, seed = 2026): SyntheticMember {
  const r = rng(seed * 1_000_003 + index);
  const isFemale = r() < 0.72; // co-op members are mostly women
  const [fam, famKana] = pick(r, families);
  const [giv, givKana] = pick(r, isFemale ? female : male);
  const [postal, place] = pick(r, places);
  const birth = dateBetween(r, 1940, 2004);
  const join = dateBetween(r, Math.max(1985, Number(birth.slice(0, 4)) + 18), 2026);
  const roll = r();
  const status = roll < 0.05 ? 'withdrawn' : roll < 0.08 ? 'suspended' : 'active';
  const mobile = r() < 0.6;
  const phone = mobile
    ? `${pick(r, ['090', '080', '070'])}-${digits(r, 4)}-${digits(r, 4)}`
    : `022-${2 + Math.floor(r() * 7)}${digits(r, 2)}-${digits(r, 4)}`;
  return {
    member_code: String(1_000_000 + index),
    name: `${fam} ${giv}`,
    name_kana: `${famKana} ${givKana}`,
    gender: isFemale ? 'female' : 'male',
    birth_date: birth,
    postal_code: postal,
    address: `${place}${1 + Math.floor(r() * 5)}丁目${1 + Math.floor(r() * 30)}-${1 + Math.floor(r() * 20)}`,
    phone,
    email: r() < 0.7 ? `member${index}@example.jp` : null,
    bank_account: r() < 0.85 ? `${pick(r, banks)} ${pick(r, branches)} 普通 ${digits(r, 7)}` : null,
    delivery_type: r() < 0.35 ? 'group' : r() < 0.9 ? 'individual' : 'store_only',
    join_date: join,
    leave_date: status === 'withdrawn' ? (join < '2026-01-01' ? '2026-03-20' : join) : null,
    share_capital: (1 + Math.floor(r() * 20)) * 1000,
    status,
    note: r() < 0.05 ? pick(r, ['置き配希望', '午前中の配達希望', '班長', '夕方以降に連絡']) : null,
  };
}

/** The CSV header mamori's import reads (English keys; Japanese labels are accepted too). */
export const csvColumns = memberFieldCodes;

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function csvLine(m: SyntheticMember): string {
  return csvColumns.map((c) => csvCell(m[c])).join(',');
}
