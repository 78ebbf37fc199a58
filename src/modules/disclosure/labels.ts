/**
 * The words for the codes a disclosure package carries (状態, 方法, 結果 …), Japanese and English, shared by the
 * forms that a person reads (the PDF; the CSV may use them too). A code without a label is shown as it is, so a
 * new code appears rather than disappearing.
 */

import type { Labelled } from '../../contract/labels.ts';
import type { LegalBasis } from '../policy/document.ts';

export const purposeStatusLabels: Record<string, Labelled> = {
  in_use: { ja: '利用中', en: 'In use' },
  opted_out: { ja: '停止中（オプトアウト）', en: 'Stopped (opted out)' },
  stopped: { ja: '利用停止', en: 'Use stopped' },
  no_consent: { ja: '同意がないため利用しません', en: 'Not used (no consent)' },
};

export const consentModeLabels: Record<string, Labelled> = {
  none: { ja: '同意不要', en: 'No consent needed' },
  opt_out: { ja: 'オプトアウト', en: 'Opt-out' },
  opt_in: { ja: '同意が必要', en: 'Opt-in' },
};

export const consentSubjectKindLabels: Record<string, Labelled> = {
  purpose: { ja: '利用目的', en: 'Purpose' },
  third_party: { ja: '第三者提供', en: 'Provision to a third party' },
};

export const consentStateLabels: Record<string, Labelled> = {
  granted: { ja: '同意', en: 'Consented' },
  withdrawn: { ja: '同意の撤回', en: 'Consent withdrawn' },
  opted_out: { ja: '停止（オプトアウト）', en: 'Opted out' },
  /** An opt-in subject the person has not consented to (yet). */
  not_given: { ja: '同意なし', en: 'Not given' },
};

export const consentSourceLabels: Record<string, Labelled> = {
  page: { ja: '組合員ページ', en: 'Member page' },
  paper: { ja: '書面', en: 'Paper' },
  phone: { ja: '電話', en: 'Phone' },
  counter: { ja: '窓口', en: 'Counter' },
  request: { ja: '請求', en: 'Request' },
  import: { ja: '取込', en: 'Import' },
};

export const requestStateLabels: Record<string, Labelled> = {
  received: { ja: '受付', en: 'Received' },
  verified: { ja: '本人確認済み', en: 'Identity verified' },
  in_progress: { ja: '対応中', en: 'In progress' },
  approved: { ja: '対応決定', en: 'Approved' },
  answered: { ja: '回答済み', en: 'Answered' },
  refused: { ja: 'お応えできません', en: 'Refused' },
  withdrawn: { ja: '取下げ', en: 'Withdrawn' },
  closed: { ja: '完了', en: 'Closed' },
};

export const directionLabels: Record<string, Labelled> = {
  provided: { ja: '提供', en: 'Provided' },
  received: { ja: '受領', en: 'Received' },
};

export const legalBasisLabels: Record<LegalBasis, Labelled> = {
  consent: { ja: '本人の同意', en: "The person's consent" },
  law: { ja: '法令に基づく場合', en: 'Required by law' },
  life_body_property: { ja: '人の生命・身体・財産の保護に必要な場合', en: 'Protecting life, body or property' },
  public_health_children: { ja: '公衆衛生の向上・児童の健全な育成に必要な場合', en: 'Public health or the healthy upbringing of children' },
  public_body: { ja: '国の機関等への協力に必要な場合', en: 'Co-operating with public bodies' },
  academic_research: { ja: '学術研究の目的', en: 'Academic research' },
};

/** The audit actions that touch a person's record, as the access log of the package names them. */
export const accessActionLabels: Record<string, Labelled> = {
  'member.read': { ja: '閲覧', en: 'Viewed' },
  'member.search': { ja: '検索', en: 'Searched' },
  'member.create': { ja: '登録', en: 'Registered' },
  'member.update': { ja: '変更', en: 'Changed' },
  'member.import': { ja: '取込', en: 'Imported' },
  'member.export': { ja: '出力', en: 'Exported' },
  'member.self_update': { ja: 'ご本人による変更', en: 'Changed by you' },
  'access.refused': { ja: '閲覧の拒否', en: 'Access refused' },
  'consent.change': { ja: '同意・選択の変更', en: 'Consent or choice changed' },
  'provision.record': { ja: '第三者提供・受領の記録', en: 'Provision recorded' },
  'request.file': { ja: '請求の受付', en: 'Request received' },
  'request.step': { ja: '請求の手続き', en: 'Request handled' },
  'request.update': { ja: '請求内容の調整', en: 'Request adjusted' },
  'request.document': { ja: '請求書類の取扱い', en: 'Request document' },
  'request.assign': { ja: '請求の担当者の設定', en: 'Request assigned' },
  'request.effect': { ja: '請求による変更', en: 'Changed on your request' },
  'disclosure.package': { ja: '開示資料の作成', en: 'Disclosure prepared' },
  'guardian.link': { ja: '保護者の登録', en: 'Guardian registered' },
  'guardian.unlink': { ja: '保護者の登録解除', en: 'Guardian removed' },
  'guardian.list': { ja: '保護者の確認', en: 'Guardians checked' },
  'alert.acknowledge': { ja: '警告の確認', en: 'Alert checked' },
  'portal.sign_in': { ja: '組合員ページへのログイン', en: 'Signed in to the member page' },
  'portal.logout': { ja: '組合員ページからのログアウト', en: 'Signed out of the member page' },
  'portal.act_as': { ja: '保護者による利用', en: 'Used by a guardian' },
  'portal.code_request': { ja: '確認コードの送付', en: 'Confirmation code sent' },
  'portal.password_set': { ja: 'パスワードの設定', en: 'Password set' },
  'portal.locked': { ja: 'ログインの一時停止', en: 'Sign-in locked' },
};

export const outcomeLabels: Record<string, Labelled> = {
  allowed: { ja: '許可', en: 'Allowed' },
  ok: { ja: '完了', en: 'Done' },
  refused: { ja: '拒否', en: 'Refused' },
  failed: { ja: '失敗', en: 'Failed' },
};

export const memberStatusLabels: Record<string, Labelled> = {
  active: { ja: '加入中', en: 'Active' },
  suspended: { ja: '休止', en: 'Suspended' },
  withdrawn: { ja: '脱退', en: 'Withdrawn' },
  erased: { ja: '削除済み', en: 'Erased' },
};

/** The ledger's coded values (性別, 利用形態, 状態), read as words instead of the stored code. */
export const itemValueLabels: Record<string, Record<string, Labelled>> = {
  gender: {
    female: { ja: '女性', en: 'Female' },
    male: { ja: '男性', en: 'Male' },
    other: { ja: 'その他', en: 'Other' },
    unknown: { ja: '未回答', en: 'Not stated' },
  },
  delivery_type: {
    group: { ja: '班（グループ配達）', en: 'Group delivery' },
    individual: { ja: '個配（個人宅配）', en: 'Individual delivery' },
    store_only: { ja: '店舗のみ', en: 'Stores only' },
  },
  status: memberStatusLabels,
};

/** The label of `code` in `labels`, or the code itself in both languages. */
export function labelOf(labels: Readonly<Record<string, Labelled>>, code: string): Labelled {
  return labels[code] ?? { ja: code, en: code };
}
