/**
 * The member ledger's fields (組合員台帳の項目): labels, and the rule that turns what a person typed (or a
 * CSV cell) into the stored value. One table serves the API, the console and the import, so a value is
 * accepted or refused the same way on every path.
 */

import type { AppContext } from '../../base/context.ts';
import type { FieldIssue } from '../../contract/errors.ts';
import { type MemberField, memberFieldCodes } from '../../contract/member-fields.ts';
import type { DeliveryType, Gender, MemberStatus, MemberTable } from '../../db/schema.ts';
import { japanDate } from '../../db/time.ts';
import { containsMyNumber } from '../my-number/detect.ts';
import {
  digitsOnly,
  isKana,
  kanaSearchKey,
  nfkc,
  normalizeBankAccount,
  normalizeDate,
  normalizeKana,
  normalizePhone,
  normalizePostalCode,
  normalizeText,
} from './normalize.ts';

/** Japanese and English labels; the Japanese label is also accepted as a CSV header. */
export const memberFieldLabels: Record<MemberField, { ja: string; en: string; aliases?: string[] }> = {
  member_code: { ja: '組合員コード', en: 'Member code', aliases: ['組合員番号', 'メンバーコード'] },
  name: { ja: '氏名', en: 'Name', aliases: ['名前', 'お名前'] },
  name_kana: { ja: 'フリガナ', en: 'Name (kana)', aliases: ['氏名カナ', 'カナ氏名', 'ふりがな', 'カナ'] },
  gender: { ja: '性別', en: 'Gender' },
  birth_date: { ja: '生年月日', en: 'Birth date' },
  postal_code: { ja: '郵便番号', en: 'Postal code' },
  address: { ja: '住所', en: 'Address' },
  phone: { ja: '電話番号', en: 'Phone', aliases: ['電話'] },
  email: { ja: 'メールアドレス', en: 'E-mail', aliases: ['メール', 'Eメール'] },
  bank_account: { ja: '登録口座', en: 'Registered bank account', aliases: ['口座', '引落口座', 'メンバー登録口座'] },
  delivery_type: { ja: '利用形態', en: 'Delivery type', aliases: ['班/個配区分', 'はん個配区分', '配達区分'] },
  join_date: { ja: '加入日', en: 'Join date', aliases: ['生協加入日'] },
  leave_date: { ja: '脱退日', en: 'Leave date', aliases: ['生協脱退日'] },
  share_capital: { ja: '出資金', en: 'Share capital', aliases: ['出資金額'] },
  status: { ja: '状態', en: 'Status', aliases: ['組合員状態'] },
  note: { ja: '備考', en: 'Note', aliases: ['メモ'] },
};

/** Stored values of the ledger (bank account still in plaintext here; the service encrypts it). */
export interface MemberValues {
  member_code: string;
  name: string;
  name_kana: string;
  gender: Gender;
  birth_date: string | null;
  postal_code: string | null;
  address: string | null;
  phone: string | null;
  email: string | null;
  bank_account: string | null;
  delivery_type: DeliveryType;
  join_date: string;
  leave_date: string | null;
  share_capital: number;
  status: MemberStatus;
  note: string | null;
}

type Raw = string | number | null | undefined;
type Result<T> = { ok: true; value: T } | { ok: false; code: string; ja: string; en: string };
const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const bad = (code: string, ja: string, en: string): Result<never> => ({ ok: false, code, ja, en });

const genders: Record<string, Gender> = {
  female: 'female',
  f: 'female',
  女: 'female',
  女性: 'female',
  '2': 'female',
  male: 'male',
  m: 'male',
  男: 'male',
  男性: 'male',
  '1': 'male',
  other: 'other',
  その他: 'other',
  '9': 'other',
  unknown: 'unknown',
  不明: 'unknown',
  未回答: 'unknown',
  '0': 'unknown',
};
const deliveryTypes: Record<string, DeliveryType> = {
  group: 'group',
  班: 'group',
  班配: 'group',
  はん: 'group',
  グループ: 'group',
  individual: 'individual',
  個配: 'individual',
  個人宅配: 'individual',
  個人: 'individual',
  store_only: 'store_only',
  店舗: 'store_only',
  店舗のみ: 'store_only',
};
const statuses: Record<string, MemberStatus> = {
  active: 'active',
  加入中: 'active',
  有効: 'active',
  在籍: 'active',
  suspended: 'suspended',
  休止: 'suspended',
  停止: 'suspended',
  withdrawn: 'withdrawn',
  脱退: 'withdrawn',
  脱退済: 'withdrawn',
};

const MAX_TEXT = 500;
const str = (v: Raw) => (v === null || v === undefined ? '' : typeof v === 'number' ? String(v) : v);

function text(max: number, required: boolean, label: string, labelEn: string) {
  return (v: Raw): Result<string | null> => {
    const s = normalizeText(str(v));
    if (!s) return required ? bad('required', `${label}は必須です。`, `${labelEn} is required.`) : ok(null);
    if (s.length > max)
      return bad('too_long', `${label}は${max}文字以内で入力してください。`, `${labelEn} must be at most ${max} characters.`);
    return ok(s);
  };
}

function date(required: boolean, label: string, labelEn: string) {
  return (v: Raw): Result<string | null> => {
    const s = str(v).trim();
    if (!s) return required ? bad('required', `${label}は必須です。`, `${labelEn} is required.`) : ok(null);
    const d = normalizeDate(s);
    if (!d) return bad('invalid_date', `${label}の日付が正しくありません。`, `${labelEn} is not a valid date.`);
    if (d < '1900-01-01' || d > '2100-12-31') return bad('invalid_date', `${label}の日付が範囲外です。`, `${labelEn} is out of range.`);
    return ok(d);
  };
}

function oneOf<T>(map: Record<string, T>, label: string, labelEn: string, fallback?: T) {
  return (v: Raw): Result<T> => {
    const s = normalizeText(str(v)).toLowerCase();
    if (!s && fallback !== undefined) return ok(fallback);
    const value = map[s];
    if (value === undefined) {
      return bad('invalid_choice', `${label}の値「${s}」は使えません。`, `${labelEn} "${s}" is not one of the accepted values.`);
    }
    return ok(value);
  };
}

// Built once: the rules below run for every row of a million-row import.
const nameRule = text(100, true, '氏名', 'Name') as (v: Raw) => Result<string>;
const birthDateRule = date(false, '生年月日', 'Birth date');
const joinDateRule = date(true, '加入日', 'Join date') as (v: Raw) => Result<string>;

/** Today in Japan, recomputed at most once a minute. */
let today = { at: 0, value: '' };
function todayIso(): string {
  const now = Date.now();
  if (now - today.at > 60_000) today = { at: now, value: japanDate(new Date(now)) };
  return today.value;
}

export const fieldRules: { [K in MemberField]: (v: Raw) => Result<MemberValues[K]> } = {
  member_code: (v) => {
    const s = normalizeText(str(v)).toUpperCase();
    if (!s) return bad('required', '組合員コードは必須です。', 'Member code is required.');
    if (!/^[0-9A-Z-]{1,20}$/.test(s)) {
      return bad('invalid_format', '組合員コードは英数字とハイフン20文字以内です。', 'Member code is up to 20 letters, digits or hyphens.');
    }
    return ok(s);
  },
  name: nameRule,
  name_kana: (v) => {
    const s = normalizeKana(str(v));
    if (!s) return bad('required', 'フリガナは必須です。', 'Name (kana) is required.');
    if (!isKana(s)) return bad('not_kana', 'フリガナはカタカナまたはひらがなで入力してください。', 'Name (kana) must be written in kana.');
    if (s.length > 100) return bad('too_long', 'フリガナは100文字以内で入力してください。', 'Name (kana) must be at most 100 characters.');
    return ok(s);
  },
  gender: oneOf(genders, '性別', 'Gender', 'unknown'),
  birth_date: (v) => {
    const r = birthDateRule(v);
    if (r.ok && r.value && r.value > todayIso()) {
      return bad('invalid_date', '生年月日が未来の日付です。', 'Birth date is in the future.');
    }
    return r;
  },
  postal_code: (v) => {
    const s = str(v).trim();
    if (!s) return ok(null);
    const p = normalizePostalCode(s);
    return p ? ok(p) : bad('invalid_format', '郵便番号は7桁で入力してください。', 'Postal code must have 7 digits.');
  },
  address: text(MAX_TEXT, false, '住所', 'Address'),
  phone: (v) => {
    const s = str(v).trim();
    if (!s) return ok(null);
    const p = normalizePhone(s);
    const d = digitsOnly(p);
    if (!/^[0-9-]+$/.test(p) || d.length < 10 || d.length > 11 || !d.startsWith('0')) {
      return bad('invalid_format', '電話番号は0から始まる10〜11桁で入力してください。', 'Phone must be 10 or 11 digits starting with 0.');
    }
    return ok(p);
  },
  email: (v) => {
    const s = normalizeText(str(v)).toLowerCase();
    if (!s) return ok(null);
    if (s.length > 254 || !/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(s)) {
      return bad('invalid_format', 'メールアドレスの形式が正しくありません。', 'E-mail address is not valid.');
    }
    return ok(s);
  },
  bank_account: (v) => {
    const s = normalizeBankAccount(str(v));
    if (!s) return ok(null);
    if (s.length > 100) return bad('too_long', '登録口座は100文字以内で入力してください。', 'Bank account must be at most 100 characters.');
    return ok(s);
  },
  delivery_type: oneOf(deliveryTypes, '利用形態', 'Delivery type', 'individual'),
  join_date: joinDateRule,
  leave_date: date(false, '脱退日', 'Leave date'),
  share_capital: (v) => {
    const s = nfkc(str(v)).replace(/[,円¥\s]/g, '');
    if (!s) return ok(0);
    if (!/^\d{1,12}$/.test(s))
      return bad(
        'invalid_number',
        '出資金は0以上の整数（円）で入力してください。',
        'Share capital must be a whole number of yen, 0 or more.',
      );
    return ok(Number(s));
  },
  status: oneOf(statuses, '状態', 'Status', 'active'),
  note: text(2000, false, '備考', 'Note'),
};

/**
 * The stored value holds a My Number (the API's guard reads what was typed; this reads what would be stored,
 * e.g. a share capital of `123,456,789,018` yen that is stored as a 12-digit number).
 */
function holdsMyNumber(field: MemberField, value: unknown): boolean {
  if (!mayHoldMyNumber.has(field)) return false;
  return (typeof value === 'string' || typeof value === 'number') && containsMyNumber(String(value));
}

/** Fields whose stored value can hold 12 digits (dates, choices, kana, postal codes and phones cannot). */
const mayHoldMyNumber = new Set<MemberField>(['member_code', 'name', 'address', 'email', 'bank_account', 'share_capital', 'note']);

export const myNumberIssue = (field: string): FieldIssue => ({
  field,
  code: 'my_number',
  message_ja: '個人番号（マイナンバー）と思われる番号が含まれています。マイナンバーは保存できません。',
  message_en: 'Contains what appears to be an Individual Number (My Number); mamori never stores one.',
});

export interface NormalizedMember {
  values: Partial<MemberValues>;
  issues: FieldIssue[];
}

/**
 * Normalises the given fields. For `create`, required fields that are absent are reported; for `update`,
 * only the fields present are touched. Cross-field rules: a leave date is not before the join date, and a
 * withdrawn member has a leave date.
 */
export function normalizeMemberInput(input: Partial<Record<MemberField, Raw>>, mode: 'create' | 'update'): NormalizedMember {
  const values: Partial<Record<MemberField, unknown>> = {};
  const issues: FieldIssue[] = [];
  for (const field of memberFieldCodes) {
    if (!(field in input) && mode === 'update') continue;
    const result = fieldRules[field](input[field]);
    if (!result.ok) issues.push({ field, code: result.code, message_ja: result.ja, message_en: result.en });
    else if (holdsMyNumber(field, result.value)) issues.push(myNumberIssue(field));
    else values[field] = result.value;
  }
  const v = values as Partial<MemberValues>;
  if (v.join_date && v.leave_date && v.leave_date < v.join_date) {
    issues.push({
      field: 'leave_date',
      code: 'before_join_date',
      message_ja: '脱退日が加入日より前です。',
      message_en: 'Leave date is before the join date.',
    });
  }
  if (mode === 'create' && v.status === 'withdrawn' && !v.leave_date) {
    issues.push({
      field: 'leave_date',
      code: 'required',
      message_ja: '脱退した組合員には脱退日が必要です。',
      message_en: 'A withdrawn member needs a leave date.',
    });
  }
  return { values: v, issues };
}

/** Search keys derived from stored values. */
export function searchKeys(v: Partial<MemberValues>): { name_kana_norm?: string; phone_norm?: string | null } {
  const out: { name_kana_norm?: string; phone_norm?: string | null } = {};
  if (v.name_kana !== undefined) out.name_kana_norm = kanaSearchKey(v.name_kana);
  if (v.phone !== undefined) out.phone_norm = v.phone ? digitsOnly(v.phone) : null;
  return out;
}

/**
 * The ledger row for normalised values (encrypting the bank account). Here, beside the rules, so that the
 * import's transform threads load the rules without the services around them.
 */
export function toRow(ctx: Pick<AppContext, 'keys'>, values: Partial<MemberValues>): Partial<MemberTable> {
  const { bank_account, ...rest } = values;
  const row: Partial<MemberTable> = { ...rest, ...searchKeys(values) };
  if (bank_account !== undefined) row.bank_account_enc = bank_account === null ? null : ctx.keys.encrypt(bank_account);
  return row;
}
