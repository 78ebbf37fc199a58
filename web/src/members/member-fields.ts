/**
 * How the console shows and edits the member ledger's fields: their order, the input each needs, and the
 * display of coded values (gender, delivery type, status) in the current language.
 */
import { memberFieldCodes } from '../../../src/contract/member-fields.ts';
import type { MemberValue } from '../api/types.ts';
import type { I18n, MessageKey } from '../i18n/i18n.tsx';

/** The ledger's order (as in the server's field table), then items the ledger does not hold yet. */
export const fieldOrder = [...memberFieldCodes, 'purchase_history', 'inquiries'] as const;

export function sortItems(items: readonly string[]): string[] {
  const rank = (c: string) => {
    const i = (fieldOrder as readonly string[]).indexOf(c);
    return i < 0 ? fieldOrder.length : i;
  };
  return [...items].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export const choices: Record<string, readonly string[]> = {
  gender: ['female', 'male', 'other', 'unknown'],
  delivery_type: ['group', 'individual', 'store_only'],
  status: ['active', 'suspended', 'withdrawn'],
};

export type InputKind = 'text' | 'textarea' | 'date' | 'number' | 'select' | 'tel' | 'email';

export function inputKind(field: string): InputKind {
  if (field in choices) return 'select';
  if (field === 'birth_date' || field === 'join_date' || field === 'leave_date') return 'date';
  if (field === 'share_capital') return 'number';
  if (field === 'note') return 'textarea';
  if (field === 'phone') return 'tel';
  if (field === 'email') return 'email';
  return 'text';
}

/** Fields the console never offers to edit: the member code identifies the record in the co-op's other systems. */
export const readOnlyFields = new Set(['member_code']);

export function choiceLabel(i18n: I18n, field: string, value: string): string {
  const key = `choice.${field}.${value}`;
  return i18n.has(key) ? i18n.t(key as MessageKey) : value;
}

/** A stored value as a person reads it. */
export function displayValue(i18n: I18n, field: string, value: MemberValue | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  if (field in choices) return choiceLabel(i18n, field, String(value));
  if (inputKind(field) === 'date') return i18n.date(String(value));
  if (field === 'share_capital' && typeof value === 'number') return i18n.t('member.yen', { n: i18n.number(value) });
  return String(value);
}
