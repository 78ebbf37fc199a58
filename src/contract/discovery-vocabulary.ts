/**
 * The words of discovery (issue 13 §6), shared by the server and the console: what a column was found to hold
 * (the kinds of connectors/detect.ts), the register's item each kind stands for when a person confirms it, and
 * the decisions on a proposal — each with its Japanese and English label. Free of dependencies (the console
 * bundles it).
 */
import type { Labelled } from './labels.ts';
import type { RoleKind } from './roles.ts';

/** Kinds a column may be found to hold; the same list as `discoveryKinds` in connectors/detect.ts. */
export const discoveryKindLabels = {
  name: { ja: '氏名', en: 'Name' },
  name_kana: { ja: 'フリガナ', en: 'Name (kana)' },
  phone: { ja: '電話番号', en: 'Phone number' },
  email: { ja: 'メールアドレス', en: 'E-mail address' },
  postal_code: { ja: '郵便番号', en: 'Postal code' },
  address: { ja: '住所', en: 'Address' },
  birth_date: { ja: '生年月日', en: 'Birth date' },
  bank_account: { ja: '口座番号', en: 'Bank account' },
  member_code: { ja: '組合員コード', en: 'Member code' },
  my_number: { ja: '個人番号（マイナンバー）', en: 'My Number (individual number)' },
} as const satisfies Record<string, Labelled>;
export type DiscoveryKindCode = keyof typeof discoveryKindLabels;

/**
 * The item code of the registers (`items[].code`) a confirmed kind is mapped to: the usual codes of the member
 * ledger and the presets. A draft that lacks the item is told so when a proposal is confirmed.
 */
export const discoveryKindItems: Record<DiscoveryKindCode, string> = {
  name: 'name',
  name_kana: 'name_kana',
  phone: 'phone',
  email: 'email',
  postal_code: 'postal_code',
  address: 'address',
  birth_date: 'birth_date',
  bank_account: 'bank_account',
  member_code: 'member_code',
  my_number: 'my_number',
};

export const discoveryDecisions = ['pending', 'confirmed', 'rejected'] as const;
export type DiscoveryDecisionCode = (typeof discoveryDecisions)[number];
export const discoveryDecisionLabels: Record<DiscoveryDecisionCode, Labelled> = {
  pending: { ja: '未判断', en: 'Pending' },
  confirmed: { ja: '確定', en: 'Confirmed' },
  rejected: { ja: '却下', en: 'Rejected' },
};

export const discoveryRunStatuses = ['running', 'done', 'failed'] as const;
export type DiscoveryRunStatusCode = (typeof discoveryRunStatuses)[number];
export const discoveryRunStatusLabels: Record<DiscoveryRunStatusCode, Labelled> = {
  running: { ja: '検出中', en: 'Running' },
  done: { ja: '完了', en: 'Done' },
  failed: { ja: '失敗', en: 'Failed' },
};

export type DiscoveryCapability = 'read' | 'run' | 'decide';

/**
 * Who may do what with discovery, by role kind: the server's permission table (discovery/permissions.ts) and
 * the console's buttons read this one table. Deciding writes the policy draft's dataset map, which only the
 * privacy officer edits, so an administrator who runs the scan leaves the decisions to the officer.
 */
export const discoveryRoleRules: Record<RoleKind, Record<DiscoveryCapability, boolean>> = {
  privacy_officer: { read: true, run: true, decide: true },
  system_admin: { read: true, run: true, decide: false },
  auditor: { read: true, run: false, decide: false },
  department_manager: { read: false, run: false, decide: false },
  staff: { read: false, run: false, decide: false },
};
