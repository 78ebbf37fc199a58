/**
 * Discovery of personal data in a connected database (issue 13 §6): from a column's name, its declared type and a
 * sample of its values, propose which data item it holds — names, kana, phone numbers, e-mails, postal codes,
 * addresses, birth dates, bank accounts, member codes, My Numbers. A person confirms or rejects each proposal;
 * nothing here changes the map by itself.
 *
 * Each kind is scored from two kinds of evidence: the column name (Japanese romanisations and English words that
 * systems use: `shimei`, `kana`, `tel`, `yubin`, `jusho`, `seinengappi`, `koza`, `kumiaiin_cd`, `my_number`…)
 * and the share of sampled values that have the kind's shape. The values decide where they are clear (an e-mail
 * column named `contact` is still found; a column named `tel` full of order numbers is not a phone); the name
 * decides between kinds whose values look alike (a member code and an order number are both digits).
 *
 * A column found to hold My Numbers is reported as such and nothing of its values is kept: the proposal carries
 * the column, the kind and the evidence in words, never a sample (the values never leave this function).
 */
import { isValidMyNumber } from '../my-number/detect.ts';

export const discoveryKinds = [
  'name',
  'name_kana',
  'phone',
  'email',
  'postal_code',
  'address',
  'birth_date',
  'bank_account',
  'member_code',
  'my_number',
] as const;
export type DiscoveryKind = (typeof discoveryKinds)[number];

export interface ColumnSample {
  table: string;
  column: string;
  /** The type as the database declares it (`text`, `varchar(40)`, `integer`, `date`…). */
  type: string;
  /** Non-null values read from the column (a few hundred at most); they are not kept. */
  values: readonly unknown[];
}

export interface Proposal {
  table: string;
  column: string;
  kind: DiscoveryKind;
  /** 0–1: how sure the proposal is (name and values agreeing is 1). */
  confidence: number;
  /** Why, in words (the name matched, n % of the sample had the shape); never a value. */
  reasons: { ja: string; en: string }[];
}

/** Column-name words per kind (lower case, matched as whole `_`/camel-case parts or as the whole name). */
const nameHints: Record<DiscoveryKind, RegExp> = {
  name: /(^|_)(name|shimei|simei|namae|full_?name|customer_?name|kaiin_?mei|kumiaiin_?mei|氏名|名前)($|_)/,
  name_kana: /(kana|furigana|yomi|フリガナ|カナ|ふりがな)/,
  phone: /(^|_)(tel|phone|denwa|keitai|mobile|fax|電話)($|_|no|bango)/,
  email: /(mail|e_?mail|メール)/,
  postal_code: /(zip|postal|post_?code|yubin|yuubin|郵便)/,
  address: /(^|_)(address|addr|jusho|juusho|jyusho|住所)($|_|\d)/,
  birth_date: /(birth|dob|seinengappi|tanjo|tanjou|生年月日|誕生)/,
  bank_account: /(koza|kouza|account_?(no|number)|bank_?account|口座)/,
  member_code: /(kumiaiin_?(cd|code|no|bango)|member_?(cd|code|no|id|number)|kaiin_?(cd|code|no|bango)|組合員(コード|番号))/,
  my_number: /(my_?number|mynumber|kojin_?bango|kojinbango|個人番号|マイナンバー)/,
};

const PREFECTURE = /(北海道|東京都|大阪府|京都府|.{2,3}県)/;
const HAS_KANJI = /[\u4e00-\u9fff々]/;

/** Whether one value has the kind's shape. */
const shapes: Record<DiscoveryKind, (v: string) => boolean> = {
  // 2–12 kanji/kana with an optional space between family and given name; no digits.
  name: (v) => /^[\u4e00-\u9fff々\u3040-\u30ffー]{1,6}[ 　]?[\u4e00-\u9fff々\u3040-\u30ffー]{1,6}$/.test(v) && HAS_KANJI.test(v),
  name_kana: (v) => /^[\u30a0-\u30ffｦ-ﾟ\u3040-\u309f]{1,10}[ 　]?[\u30a0-\u30ffｦ-ﾟ\u3040-\u309f]{1,10}$/.test(v),
  phone: (v) => /^(0\d{1,4}[-(]?\d{1,4}[-)]?\d{3,4}|\+81[- ]?\d{1,4}[- ]?\d{1,4}[- ]?\d{4})$/.test(v) && digits(v).length >= 10,
  email: (v) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v),
  postal_code: (v) => /^〒?\d{3}-?\d{4}$/.test(v),
  address: (v) => PREFECTURE.test(v) && /[市区町村郡]/.test(v),
  birth_date: (v) => {
    const m = /^(\d{4})[-/年.]?(\d{1,2})[-/月.]?(\d{1,2})日?(?:[ T].*)?$/.exec(v);
    if (!m) return false;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return y >= 1900 && y <= new Date().getUTCFullYear() && mo >= 1 && mo <= 12 && d >= 1 && d <= 31;
  },
  // A Japanese bank account number is 7 digits (with a branch of 3 written before it in some systems).
  bank_account: (v) => /^(\d{3}[- ]?)?\d{7}$/.test(v),
  member_code: (v) => /^[A-Za-z]?\d{5,10}$/.test(v),
  my_number: (v) => {
    const d = digits(v);
    return d.length === 12 && /^[\d\s-]+$/.test(v) && isValidMyNumber(d);
  },
};

const labelsJa: Record<DiscoveryKind, string> = {
  name: '氏名',
  name_kana: 'フリガナ',
  phone: '電話番号',
  email: 'メールアドレス',
  postal_code: '郵便番号',
  address: '住所',
  birth_date: '生年月日',
  bank_account: '口座番号',
  member_code: '組合員コード',
  my_number: '個人番号（マイナンバー）',
};

function digits(v: string): string {
  return v.replace(/\D/g, '');
}

/** The column name as words: `kumiaiinCd` → `kumiaiin_cd`, spaces and dashes as `_`. */
function nameWords(column: string): string {
  return column
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[\s-]+/g, '_')
    .toLowerCase();
}

/** Kinds whose values are also a name's evidence for another kind (digits fit several): the name decides. */
const ambiguousByValue = new Set<DiscoveryKind>(['bank_account', 'member_code']);

/** The share of a sample needed for its shape to count, and for the values alone to make a proposal. */
const SHAPE_SHARE = 0.6;
const VALUES_ALONE_SHARE = 0.9;
/** Distinct values per sampled value below which a column is a category, not personal data. */
const MIN_DISTINCT = 0.25;

/**
 * Proposals for one column: at most one kind (the best supported), or none. A My Number is proposed when the
 * values are valid My Numbers, whatever the name; by its name alone when the values say nothing else.
 */
export function proposeForColumn(col: ColumnSample): Proposal | null {
  const words = nameWords(col.column);
  const values = col.values
    .map((v) =>
      v instanceof Date
        ? v.toISOString().slice(0, 10)
        : typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint'
          ? String(v).trim()
          : '',
    )
    .filter((v) => v !== '');
  const share = (kind: DiscoveryKind) => (values.length === 0 ? 0 : values.filter((v) => shapes[kind](v)).length / values.length);
  // Personal data varies from person to person: a column of a few repeated words (班配達, 置き配希望) is a
  // category or a note, whatever its shape.
  const varied = values.length < 10 || new Set(values).size / values.length >= MIN_DISTINCT;
  const isDateType = /date|time/i.test(col.type);
  let best: { kind: DiscoveryKind; score: number; byName: boolean; share: number } | null = null;
  for (const kind of discoveryKinds) {
    const byName = nameHints[kind].test(words);
    let s = share(kind);
    if (kind === 'birth_date' && isDateType && s === 0 && values.length > 0) s = byName ? 1 : 0;
    // Seven plain digits are as often a code as a postal code: alone, only the written form 〒980-0000 decides.
    const alone =
      kind === 'postal_code' ? (values.length ? values.filter((v) => /^〒?\d{3}-\d{4}$/.test(v)).length / values.length : 0) : s;
    const valuesDecide = alone >= VALUES_ALONE_SHARE && !ambiguousByValue.has(kind);
    const score =
      byName && s >= SHAPE_SHARE ? 1 : valuesDecide ? 0.8 * s : byName && values.length === 0 ? 0.5 : byName && s > 0 ? 0.4 + 0.3 * s : 0;
    // A date column is a birth date only by its name: order and delivery dates share the shape.
    if (kind === 'birth_date' && !byName) continue;
    if (!varied && kind !== 'birth_date' && kind !== 'postal_code') continue;
    if (score > 0 && (!best || score > best.score)) best = { kind, score, byName, share: s };
  }
  // Twelve-digit values with valid check digits are My Numbers, whatever else they might look like.
  const myNumberShare = share('my_number');
  if (myNumberShare >= SHAPE_SHARE)
    best = { kind: 'my_number', score: Math.max(0.9, myNumberShare), byName: nameHints.my_number.test(words), share: myNumberShare };
  if (!best || best.score < 0.4) return null;
  const reasons: Proposal['reasons'] = [];
  if (best.byName)
    reasons.push({
      ja: `列名「${col.column}」が${labelsJa[best.kind]}を示しています`,
      en: `the column name “${col.column}” suggests ${best.kind}`,
    });
  if (values.length > 0) {
    const pct = Math.round(best.share * 100);
    reasons.push({
      ja: `標本${values.length}件のうち${pct}%が${labelsJa[best.kind]}の形式です`,
      en: `${pct}% of ${values.length} sampled values have the shape of ${best.kind}`,
    });
  }
  return { table: col.table, column: col.column, kind: best.kind, confidence: Math.round(best.score * 100) / 100, reasons };
}

/** Proposals for every column of a schema sample, best first. */
export function proposeMap(columns: readonly ColumnSample[]): Proposal[] {
  return columns
    .map(proposeForColumn)
    .filter((p): p is Proposal => p !== null)
    .sort((a, b) => b.confidence - a.confidence || a.table.localeCompare(b.table) || a.column.localeCompare(b.column));
}
