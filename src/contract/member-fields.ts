/**
 * The member ledger's fields (組合員台帳の項目), in ledger order. Kept free of dependencies: the server's field
 * rules (fields.ts), the CSV format and the web console all take the list from here.
 */
export const memberFieldCodes = [
  'member_code',
  'name',
  'name_kana',
  'gender',
  'birth_date',
  'postal_code',
  'address',
  'phone',
  'email',
  'bank_account',
  'delivery_type',
  'join_date',
  'leave_date',
  'share_capital',
  'status',
  'note',
] as const;
export type MemberField = (typeof memberFieldCodes)[number];
