/**
 * The Japanese and English names of the places in a policy document, for messages a person reads: a validation
 * error says 「利用目的 2 › 名称」, not `purposes.1.name`. The path stays in the issue's `field` for the console
 * (which takes the reader to the input) and for the file's line numbers.
 */

import { requestKinds, requestMethods } from '../../contract/policy-vocabulary.ts';

type Label = readonly [ja: string, en: string];

/** Top-level sections, with the name of one row of a list. */
const sections: Record<string, Label> = {
  format: ['形式', 'Format'],
  organization: ['組織', 'Organization'],
  holders: ['共同の保有者', 'Holder'],
  basic_policy: ['基本方針', 'Basic policy'],
  data_subjects: ['本人の区分', 'Group of data subjects'],
  third_party_exceptions: ['同意なく第三者に提供する場合', 'Case of provision without consent'],
  scope: ['商品・サービスの範囲', 'Scope of products and services'],
  items: ['情報項目', 'Item'],
  purposes: ['利用目的', 'Purpose'],
  joint_uses: ['共同利用', 'Joint use'],
  no_joint_use: ['共同利用を行っていない旨', 'Statement of no joint use'],
  third_parties: ['第三者提供', 'Third-party provision'],
  contractors: ['委託先', 'Contractor'],
  no_outsourcing: ['委託していない旨', 'Statement of no outsourcing'],
  contact: ['お問い合わせ窓口', 'Contact window'],
  requests: ['開示等の請求の手続', 'Request procedure'],
  safety_measures: ['安全管理措置', 'Safety measures'],
  anonymized: ['匿名加工情報', 'Anonymized release'],
  retention: ['保存期間', 'Retention'],
  sections: ['その他の記載', 'Other section'],
  child_consent_age: ['保護者の同意が必要な年齢', 'Age needing a guardian’s consent'],
  systems: ['連携システム', 'Connected system'],
};

/** Fields, by key, wherever they occur. */
const fields: Record<string, Label> = {
  code: ['コード', 'code'],
  name: ['名称', 'name'],
  name_en: ['英語の名称', 'English name'],
  kind: ['種別', 'kind'],
  postal_code: ['郵便番号', 'postal code'],
  address: ['住所', 'address'],
  representative: ['代表者', 'representative'],
  website: ['ウェブサイト', 'website'],
  title: ['表題', 'title'],
  philosophy: ['基本理念', 'philosophy'],
  commitments: ['基本方針', 'commitment'],
  enacted_on: ['制定日', 'date of enactment'],
  revised_on: ['改定日', 'date of revision'],
  child_facing: ['お子さま向け', 'for children'],
  guardian_consent: ['保護者の同意', 'guardian’s consent'],
  sensitive: ['要配慮個人情報', 'sensitive data'],
  financial: ['財産的被害のおそれ', 'financial damage risk'],
  description: ['説明', 'description'],
  number: ['番号', 'number'],
  items: ['情報項目', 'items'],
  consent: ['同意の扱い', 'consent'],
  users: ['共同利用者', 'joint user'],
  purposes: ['利用目的', 'purposes'],
  responsible: ['管理責任者', 'responsible party'],
  org: ['mamoriの組織コード', 'mamori organization code'],
  starts_on: ['開始日', 'start date'],
  ends_on: ['終了日', 'end date'],
  note: ['備考', 'note'],
  legal_basis: ['提供の根拠', 'legal basis'],
  purpose: ['提供の目的', 'purpose of provision'],
  transmission: ['提供の方法', 'transmission'],
  country: ['所在国', 'country'],
  country_regime: ['当該国の個人情報の保護に関する制度', 'the country’s regime'],
  recipient_measures: ['提供先が講ずる個人情報の保護のための措置', 'the recipient’s measures'],
  contract_record: ['契約書を提供記録に代える', 'a contract stands in for the record'],
  service: ['委託する業務', 'service'],
  contract: ['契約', 'contract'],
  confidentiality: ['秘密保持', 'confidentiality'],
  no_reprovision: ['再提供の禁止', 'no re-provision'],
  incident_liability: ['事故時の責任分担', 'liability for incidents'],
  return_or_destruction: ['契約終了時の返却・廃棄', 'return or destruction'],
  subcontracting: ['再委託', 'sub-contracting'],
  signed_on: ['契約日', 'date signed'],
  expires_on: ['契約の終了日', 'expiry date'],
  inspection: ['点検', 'inspection'],
  interval_months: ['点検の間隔（月）', 'interval (months)'],
  last_on: ['前回の点検日', 'last inspection'],
  department: ['窓口の部署', 'department'],
  phone: ['電話番号', 'phone'],
  hours: ['受付時間', 'hours'],
  email: ['メールアドレス', 'e-mail'],
  complaints: ['苦情の申出先', 'complaints'],
  methods: ['請求の方法', 'way to make a request'],
  kinds: ['請求できる内容', 'kind of request'],
  fee: ['手数料', 'fee'],
  free: ['無料', 'free'],
  amount_yen: ['金額（円）', 'amount (yen)'],
  identity_check: ['ご本人の確認', 'identity check'],
  agents: ['代理人による請求', 'requests by agents'],
  organizational: ['組織的安全管理措置', 'organizational measure'],
  human: ['人的安全管理措置', 'human measure'],
  physical: ['物理的安全管理措置', 'physical measure'],
  technical: ['技術的安全管理措置', 'technical measure'],
  storage: ['保管している国', 'country of storage'],
  regime: ['当該国の制度', 'regime'],
  method_of_provision: ['提供の方法', 'method of provision'],
  recipients: ['提供先', 'recipients'],
  published_on: ['公表日', 'publication date'],
  subject: ['対象', 'subject'],
  period: ['期間', 'period'],
  basis: ['根拠', 'basis'],
  body: ['本文', 'text'],
  ledger: ['組合員台帳に載る人', 'kept in the member ledger'],
  subjects: ['本人の区分', 'group of data subjects'],
  items_all: ['すべての項目', 'all items'],
  purposes_all: ['すべての利用目的', 'all purposes'],
  purpose_items: ['利用目的ごとの項目', 'items per purpose'],
  refusal_grounds: ['開示等に応じられない場合', 'ground for refusal'],
  basic_policy: ['基本方針の策定', 'basic policy'],
  rules: ['規律の整備', 'rules'],
  external_environment: ['外的環境の把握', 'external environment'],
  owner: ['主管部署', 'owning department'],
  ledger_assets: ['台帳の資産', 'ledger assets'],
  tables: ['テーブル', 'table'],
  table: ['テーブル名', 'table name'],
  key: ['行を識別する列', 'key column'],
  link: ['本人との結び付き', 'link to the person'],
  identity: ['本人の識別子', 'identity'],
  via: ['経由するテーブル', 'reached through'],
  references: ['参照先の列', 'referenced column'],
  columns: ['列', 'column'],
  column: ['列名', 'column name'],
  item: ['情報項目', 'item'],
  erase: ['削除の請求での扱い', 'on erasure'],
  keep_rule: ['保存の根拠', 'retention rule'],
  correct: ['訂正を反映', 'corrections written'],
};

/** Fields whose name depends on the list they are in (`parent.key`). */
const inContext: Record<string, Label> = {
  'purpose_items.purpose': ['利用目的', 'purpose'],
};

/**
 * Lists that mix codes (ticked in the console) with the co-op's own wording (typed in a list of its own): an entry
 * in own words is named as the console names its input, 「独自の表現による請求の種類 2」 (its place among the own
 * entries), not 「請求できる内容 6」 (its place in the whole list). The names match web/src i18n
 * `policy.requests.ownKinds` / `ownMethods`.
 */
const ownWording: Record<string, { codes: readonly string[]; label: Label }> = {
  'requests.kinds': { codes: requestKinds, label: ['独自の表現による請求の種類', "Kinds of request in the co-op's own words"] },
  'requests.methods': { codes: requestMethods, label: ['その他の請求の方法', 'Other ways to make a request'] },
};

/** 「独自の表現による請求の種類 2」 for `requests.kinds.5` when entry 5 is the second in own words; else undefined. */
function ownWordingLabel(segments: readonly string[], doc: unknown): { ja: string; en: string } | undefined {
  if (segments.length !== 3 || !/^\d+$/.test(segments[2]!)) return undefined;
  const own = ownWording[`${segments[0]}.${segments[1]}`];
  const list = (doc as Record<string, Record<string, unknown> | undefined> | undefined)?.[segments[0]!]?.[segments[1]!];
  if (!own || !Array.isArray(list)) return undefined;
  const at = Number(segments[2]);
  if (own.codes.includes(String(list[at]))) return undefined;
  const n = list.slice(0, at + 1).filter((v) => !own.codes.includes(String(v))).length;
  const section = sections[segments[0]!]!;
  return { ja: `${section[0]} › ${own.label[0]} ${n}`, en: `${section[1]} › ${own.label[1]} ${n}` };
}

/**
 * 「利用目的 2 › 名称」 / "Purpose 2 › name" for `purposes.1.name` (or `purposes[1].name`); unknown keys as they are.
 * With the document, an entry in the co-op's own words is named as the console shows it (`ownWording`).
 */
export function fieldLabel(path: string, doc?: unknown): { ja: string; en: string } {
  const segments = path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean);
  if (segments.length === 0) return { ja: '文書全体', en: 'the document' };
  const own = doc === undefined ? undefined : ownWordingLabel(segments, doc);
  if (own) return own;
  const ja: string[] = [];
  const en: string[] = [];
  let parent = '';
  segments.forEach((seg, i) => {
    if (/^\d+$/.test(seg)) {
      // A row: its number is added to the name of the list it belongs to.
      const n = Number(seg) + 1;
      ja[ja.length - 1] = `${ja[ja.length - 1] ?? ''} ${n}`;
      en[en.length - 1] = `${en[en.length - 1] ?? ''} ${n}`;
      return;
    }
    const label = i === 0 ? (sections[seg] ?? fields[seg]) : (inContext[`${parent}.${seg}`] ?? fields[seg] ?? sections[seg]);
    ja.push(label?.[0] ?? seg);
    en.push(label?.[1] ?? seg);
    parent = seg;
  });
  return { ja: ja.join(' › '), en: en.join(' › ') };
}
