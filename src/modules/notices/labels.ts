/** The Japanese words the notices use for the document's codes (legal bases, transmission, notice flags). */

import type { RequestMethodCode } from '../../contract/policy-vocabulary.ts';
import type { NoticeRequirement } from '../policy/changes.ts';
import type { LegalBasis } from '../policy/document.ts';

/** APPI Art. 27(1) and consent, in the words a member reads. */
export const legalBasisJa: Record<LegalBasis, string> = {
  consent: 'ご本人の同意に基づく提供',
  law: '法令に基づく場合',
  life_body_property: '人の生命、身体又は財産の保護のために必要がある場合であって、ご本人の同意を得ることが困難であるとき',
  public_health_children:
    '公衆衛生の向上又は児童の健全な育成の推進のために特に必要がある場合であって、ご本人の同意を得ることが困難であるとき',
  public_body:
    '国の機関若しくは地方公共団体又はその委託を受けた者が法令の定める事務を遂行することに対して協力する必要がある場合であって、ご本人の同意を得ることにより当該事務の遂行に支障を及ぼすおそれがあるとき',
  academic_research: '学術研究の目的で取り扱う必要がある場合',
};

/** The standard ways to make a request, as the console's choices name them (the notice adds the details). */
export const requestMethodJa: Record<RequestMethodCode, string> = {
  phone: '電話',
  post: '郵送',
  counter: '窓口',
  email: '電子メール',
  member_page: '組合員ページ',
};

export const transmissionJa = { paper: '書面の送付', electronic: '電子データの送信' } as const;

export const subcontractingJa = {
  prohibited: '再委託を禁止しています',
  with_consent: '事前の書面による承諾がある場合に限り認めています',
  allowed: '認めています（委託先と同等の義務を課します）',
} as const;

export const recipientKindJa = { recipient: '提供先', category: '提供先の区分' } as const;

/** Badges of the change list: what a change required before it took effect. */
export const noticeBadgeJa: Record<NoticeRequirement, string | undefined> = {
  prior: '事前通知',
  after: '事後通知',
  consent: '同意が必要',
  none: undefined,
};

export const changeKindJa = { added: '追加', removed: '削除', changed: '変更' } as const;

export const versionStateJa = { current: '現在の版', upcoming: '施行予定', past: '過去の版' } as const;
