/**
 * A policy document as the sections a member reads, in order. Both the HTML page (`render.ts`) and the
 * plain-text form the diff compares (`diff.ts`) are made from these sections, so the comparison shows
 * exactly what was published. Blocks hold plain text; escaping is the renderers' job.
 *
 * What is published, and why it is there: the joint uses carry the five items of APPI Art. 27(5)(iii); the
 * section 保有個人データに関する事項 carries what Art. 32 requires to be always available; third-party
 * provision names the legal basis and, for a foreign recipient, the country and its regime (Art. 28).
 * Contractors are published by the work outsourced and the contract terms, not by name, and never with
 * their inspections: the law asks for supervision, not for publishing who and how (a public list of
 * contractors also invites impersonation: "this is your delivery company, please confirm your address").
 */

import { japaneseDate } from '../../base/japan-date.ts';
import { circledNumber, purposeCodeOf, requestKinds, type requestMethods } from '../../contract/policy-vocabulary.ts';
import { type PolicyDocument, requestKindJa } from '../policy/document.ts';
import { legalBasisJa, recipientKindJa, subcontractingJa, transmissionJa } from './labels.ts';

export type Block =
  | { kind: 'p'; text: string; link?: { href: string; label: string } }
  /** `numbered`: the items carry their published numbers (①, 1.) and need no bullet. */
  | { kind: 'list'; items: string[]; numbered?: boolean }
  | { kind: 'fields'; rows: { term: string; values: string[] }[] }
  | { kind: 'table'; head: string[]; rows: string[][] }
  | { kind: 'sub'; id: string; heading: string; blocks: Block[] };

export interface Section {
  /** Stable identity across versions (the diff pairs sections by it). */
  key: string;
  /** HTML anchor. */
  id: string;
  heading: string;
  blocks: Block[];
}

export interface NoticeSectionOptions {
  /** The version's effective date: a joint use without a start date starts then (policy/materialize.ts). */
  effectiveOn?: string;
  /** The anonymized releases the co-op created in mamori (modules/releases), published beside the policy's. */
  releases?: readonly NoticeRelease[];
}

/**
 * A release as the notice publishes it (APPI Art. 43(3)–(4)): its items from the day they were published; the
 * method of provision and the recipients only once the method was published; 提供 only once it was delivered.
 */
export interface NoticeRelease {
  code: string;
  name: string;
  items: string[];
  /** YYYY-MM-DD (Japan time). */
  itemsPublishedOn: string;
  methodOfProvision: string | null;
  methodPublishedOn: string | null;
  recipients: string;
  delivered: boolean;
}

/** The sections of a document, in the order they are published. */
export function noticeSections(doc: PolicyDocument, opts: NoticeSectionOptions = {}): Section[] {
  const sections: Section[] = [];
  const add = (id: string, heading: string, blocks: Block[], key = id) => {
    if (blocks.length) sections.push({ key, id, heading, blocks });
  };
  const itemName = itemNamer(doc);
  const purposeName = purposeNamer(doc);

  add(
    'philosophy',
    '基本理念',
    doc.basic_policy.philosophy.map((text) => ({ kind: 'p', text })),
  );
  if (doc.basic_policy.commitments.length) {
    add('basic-policy', '基本方針', [
      { kind: 'list', numbered: true, items: doc.basic_policy.commitments.map((c, i) => `${i + 1}. ${c}`) },
    ]);
  }
  if (doc.items.length) {
    add('items', '取り扱う個人情報の項目', [
      {
        kind: 'list',
        items: doc.items.map((i) => `${i.name}${i.sensitive ? '（要配慮個人情報）' : ''}${i.description ? `：${i.description}` : ''}`),
      },
    ]);
  }
  add('purposes', '利用目的', purposeBlocks(doc));
  add('joint-use', '個人データの共同利用', jointUseBlocks(doc, itemName, purposeName, opts));
  add('third-parties', '個人データの第三者提供', thirdPartyBlocks(doc, itemName));
  add('outsourcing', '個人データの取扱いの委託', outsourcingBlocks(doc, itemName));
  add('anonymized', '匿名加工情報', anonymizedBlocks(doc, opts.releases ?? []));
  add('retained-data', '保有個人データに関する事項', retainedDataBlocks(doc));
  if (doc.retention.length) {
    add('retention', '保存期間', [
      { kind: 'table', head: ['対象', '保存期間', '根拠'], rows: doc.retention.map((r) => [r.subject, r.period, r.basis ?? '']) },
    ]);
  }
  doc.sections.forEach((s, i) => {
    add(
      `section-${i + 1}`,
      s.title,
      s.body.map((text) => ({ kind: 'p', text })),
      `section:${s.title}`,
    );
  });
  if (doc.contact) add('contact', 'お問い合わせ窓口', [{ kind: 'fields', rows: contactRows(doc) }]);
  const dates = [
    ...(doc.basic_policy.enacted_on ? [`${japaneseDate(doc.basic_policy.enacted_on)} 制定`] : []),
    ...doc.basic_policy.revised_on.map((d) => `${japaneseDate(d)} 改定`),
  ];
  if (dates.length) add('history', '制定・改定', [{ kind: 'list', items: dates }]);
  return sections;
}

/** The organizations holding the data under the policy, as one name: 「A生協及びB株式会社」, 「A、B及びC」. */
export function holdersName(doc: PolicyDocument): string {
  return joinJa([doc.organization.name, ...doc.holders.map((h) => h.name)]);
}

/** 「A」, 「A及びB」, 「A、B及びC」. */
function joinJa(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join('、')}及び${names.at(-1)}`;
}

function itemNamer(doc: PolicyDocument) {
  const names = new Map(doc.items.map((i) => [i.code, i.name]));
  return (codes: string[]) => codes.map((c) => names.get(c) ?? c).join('、');
}

function purposeNamer(doc: PolicyDocument) {
  const byCode = new Map(doc.purposes.map((p) => [purposeCodeOf(p), p]));
  return (code: string) => {
    const p = byCode.get(code);
    return p ? `${circledNumber(p.number)}${p.name}` : code;
  };
}

function purposeBlocks(doc: PolicyDocument): Block[] {
  const blocks: Block[] = [];
  const sorted = [...doc.purposes].sort((a, b) => a.number - b.number);
  const numbered = (purposes: typeof sorted): Block => ({
    kind: 'list',
    numbered: true,
    items: purposes.map((p) => `${circledNumber(p.number)}${p.name}`),
  });
  if (sorted.length && doc.data_subjects.length === 0) {
    blocks.push({ kind: 'p', text: '取得した個人情報は、次の目的の達成に必要な範囲で利用します。' });
    blocks.push(numbered(sorted));
  } else if (sorted.length) {
    // One heading per group of people: its purposes (a purpose naming no group concerns every group) and the
    // items those purposes use.
    blocks.push({ kind: 'p', text: '取得した個人情報は、ご本人の区分ごとに、次の目的の達成に必要な範囲で利用します。' });
    const itemName = itemNamer(doc);
    for (const g of doc.data_subjects) {
      const purposes = sorted.filter((p) => p.subjects.length === 0 || p.subjects.includes(g.code));
      const items = [...new Set(purposes.flatMap((p) => p.items))];
      const sub: Block[] = [
        ...(g.description ? [{ kind: 'p' as const, text: g.description }] : []),
        ...(purposes.length ? [numbered(purposes)] : [{ kind: 'p' as const, text: '該当する利用目的はありません。' }]),
        ...(items.length ? [{ kind: 'fields' as const, rows: [{ term: '取り扱う個人情報の項目', values: [itemName(items)] }] }] : []),
      ];
      blocks.push({ kind: 'sub', id: `subjects-${g.code}`, heading: `${g.name}の個人情報`, blocks: sub });
    }
  }
  if (doc.scope.length) {
    const scope: Block[] = [
      { kind: 'list', numbered: true, items: doc.scope.map((s, i) => `${circledNumber(i + 1)}${s.name}${scopeNote(s)}`) },
    ];
    blocks.push({ kind: 'sub', id: 'scope', heading: '「商品・サービス」の範囲', blocks: scope });
  }
  const forChildren = doc.scope.some((s) => s.child_facing);
  if (doc.child_consent_age || forChildren) {
    const age = doc.child_consent_age ? `${doc.child_consent_age}歳未満の` : '';
    blocks.push({
      kind: 'p',
      text: `${age}お子さまの個人情報は、保護者（法定代理人）の同意を得て取り扱います。`,
    });
  }
  return blocks;
}

function scopeNote(s: PolicyDocument['scope'][number]): string {
  if (s.child_facing && s.guardian_consent) return '（お子さま向けのサービスです。保護者の同意を得て取り扱います）';
  if (s.child_facing) return '（お子さま向けのサービスです）';
  return '';
}

/** A joint use without its own start date starts when the version takes effect; say which date that is. */
function effectiveStart(effectiveOn: string | undefined): string {
  return effectiveOn ? `${japaneseDate(effectiveOn)}（この方針の施行日）` : 'この方針の施行日';
}

function jointUseBlocks(
  doc: PolicyDocument,
  itemName: (codes: string[]) => string,
  purposeName: (code: string) => string,
  opts: NoticeSectionOptions,
): Block[] {
  // That there is none is said only when the co-op stated it (`no_joint_use`); otherwise nothing is said.
  if (doc.joint_uses.length === 0) return doc.no_joint_use ? [{ kind: 'p', text: '個人データの共同利用は行っていません。' }] : [];
  const blocks: Block[] = [
    {
      kind: 'p',
      text: '次のとおり、個人データを特定の者との間で共同して利用します（個人情報保護法第27条第5項第3号）。',
    },
  ];
  for (const j of doc.joint_uses) {
    const r = j.responsible;
    const items = j.items_all ? '「取り扱う個人情報の項目」に記載のすべての項目' : itemName(j.items) || '—';
    const purposes = j.purposes_all ? ['「利用目的」に記載のすべての利用目的'] : j.purposes.length ? j.purposes.map(purposeName) : ['—'];
    const narrower = j.purpose_items.map((pi) => `${purposeName(pi.purpose)}：${itemName(pi.items) || '—'}`);
    const rows = [
      { term: '共同して利用される個人データの項目', values: [items] },
      ...(narrower.length ? [{ term: '利用目的ごとに利用する項目', values: narrower }] : []),
      {
        term: '共同して利用する者の範囲',
        values: j.users.length ? j.users.map((u) => `${u.name}${u.note ? `（${u.note}）` : ''}`) : ['—'],
      },
      { term: '利用する者の利用目的', values: purposes },
      { term: '個人データの管理について責任を有する者の名称', values: [r?.name ?? '—'] },
      { term: '責任を有する者の住所', values: [r?.address ? withPostal(r.postal_code, r.address) : '—'] },
      { term: '責任を有する者の代表者', values: [r?.representative ?? '—'] },
      { term: '共同利用の開始日', values: [j.starts_on ? japaneseDate(j.starts_on) : effectiveStart(opts.effectiveOn)] },
      ...(j.ends_on ? [{ term: '共同利用の終了日', values: [japaneseDate(j.ends_on)] }] : []),
      ...(j.note ? [{ term: '備考', values: [j.note] }] : []),
    ];
    blocks.push({
      kind: 'sub',
      id: `joint-use-${j.code}`,
      heading: j.name,
      blocks: [
        { kind: 'p', text: `${j.name}として、次の個人データを共同して利用します。` },
        { kind: 'fields', rows },
      ],
    });
  }
  return blocks;
}

function thirdPartyBlocks(doc: PolicyDocument, itemName: (codes: string[]) => string): Block[] {
  // The co-op's own list of exceptions when it published one; otherwise the rule of Art. 27(1) in general terms.
  const blocks: Block[] = doc.third_party_exceptions.length
    ? [
        { kind: 'p', text: '次の場合を除き、あらかじめご本人の同意を得ないで個人データを第三者に提供することはありません。' },
        { kind: 'list', items: doc.third_party_exceptions },
      ]
    : [
        {
          kind: 'p',
          text: 'ご本人の同意がある場合、法令に基づく場合その他個人情報保護法が認める場合を除き、個人データを第三者に提供することはありません。',
        },
      ];
  if (doc.third_parties.length === 0) return blocks;
  blocks.push({ kind: 'p', text: '個人データを提供する第三者と、その根拠及び方法は次のとおりです。' });
  for (const t of doc.third_parties) {
    const rows = [
      { term: recipientKindJa[t.kind], values: [t.name] },
      ...(t.address ? [{ term: '所在地', values: [t.address] }] : []),
      ...(t.representative ? [{ term: '代表者', values: [t.representative] }] : []),
      ...(t.items.length ? [{ term: '提供する個人データの項目', values: [itemName(t.items)] }] : []),
      ...(t.purpose ? [{ term: '提供の目的', values: [t.purpose] }] : []),
      ...(t.legal_basis ? [{ term: '提供の根拠', values: [legalBasisJa[t.legal_basis]] }] : []),
      ...(t.transmission.length ? [{ term: '提供の方法', values: [t.transmission.map((m) => transmissionJa[m]).join('又は')] }] : []),
      ...(t.country
        ? [
            { term: '提供先の所在国', values: [t.country] },
            { term: '当該国の個人情報の保護に関する制度', values: [t.country_regime ?? '—'] },
            { term: '提供先が講ずる個人情報の保護のための措置', values: [t.recipient_measures ?? '—'] },
          ]
        : []),
      ...(t.note ? [{ term: '備考', values: [t.note] }] : []),
    ];
    blocks.push({ kind: 'sub', id: `third-party-${t.code}`, heading: t.name, blocks: [{ kind: 'fields', rows }] });
  }
  return blocks;
}

function contractTerms(c: PolicyDocument['contractors'][number]['contract']): string {
  const terms = [
    c.confidentiality && '秘密保持',
    c.no_reprovision && '再提供の禁止',
    c.incident_liability && '事故時の責任分担',
    c.return_or_destruction && '契約終了時の返却・廃棄',
  ].filter(Boolean);
  return terms.length ? terms.join('、') : '—';
}

function outsourcingBlocks(doc: PolicyDocument, itemName: (codes: string[]) => string): Block[] {
  if (doc.contractors.length === 0) return doc.no_outsourcing ? [{ kind: 'p', text: '個人データの取扱いを外部に委託していません。' }] : [];
  const abroad = doc.contractors.some((c) => c.country);
  const head = ['委託する業務', '取り扱う個人データの項目', '契約で定める事項', '再委託', ...(abroad ? ['委託先の所在国'] : [])];
  const seen = new Set<string>();
  const rows: string[][] = [];
  for (const c of doc.contractors) {
    const row = [
      c.service,
      itemName(c.items) || '—',
      contractTerms(c.contract),
      c.contract.subcontracting ? subcontractingJa[c.contract.subcontracting] : '記載なし',
      // Only the country the co-op stated: a contractor without one is not assumed to be in Japan.
      ...(abroad ? [c.country ?? '記載なし'] : []),
    ];
    const key = row.join('\u0000');
    if (!seen.has(key)) rows.push(row);
    seen.add(key);
  }
  return [
    {
      kind: 'p',
      text: '利用目的の達成に必要な範囲で、個人データの取扱いを外部に委託しています。委託先は個人情報の取扱いが適切な事業者を選び、次の事項を定めた契約を結んだうえで、必要かつ適切な監督を行います。',
    },
    { kind: 'table', head, rows },
  ];
}

function anonymizedBlocks(doc: PolicyDocument, releases: readonly NoticeRelease[]): Block[] {
  if (doc.anonymized.length === 0 && releases.length === 0) return [];
  // Only what the co-op did: 提供 is said when a declared release has a method of provision or a release was
  // delivered; otherwise the notice says that it creates them.
  const provides = doc.anonymized.some((a) => a.method_of_provision) || releases.some((r) => r.delivered);
  const blocks: Block[] = [
    {
      kind: 'p',
      text: provides
        ? '特定の個人を識別できず、復元もできないように加工した匿名加工情報を、個人情報保護委員会規則の基準に従って作成し、提供しています。提供先には匿名加工情報であることを明示し、ご本人を識別する行為は行いません。'
        : '特定の個人を識別できず、復元もできないように加工した匿名加工情報を、個人情報保護委員会規則の基準に従って作成しています。ご本人を識別する行為は行いません。',
    },
  ];
  for (const a of doc.anonymized) {
    const rows = [
      { term: '匿名加工情報に含まれる個人に関する情報の項目', values: [a.items.join('、') || '—'] },
      ...(a.method_of_provision ? [{ term: '提供の方法', values: [a.method_of_provision] }] : []),
      ...(a.recipients ? [{ term: '提供先', values: [a.recipients] }] : []),
      ...(a.published_on ? [{ term: '公表日', values: [japaneseDate(a.published_on)] }] : []),
    ];
    blocks.push({ kind: 'sub', id: `anonymized-${a.code}`, heading: a.name, blocks: [{ kind: 'fields', rows }] });
  }
  const declared = new Set(doc.anonymized.map((a) => a.code));
  for (const r of releases) {
    const rows = [
      { term: '匿名加工情報に含まれる個人に関する情報の項目', values: [r.items.join('、') || '—'] },
      { term: '作成・項目の公表日', values: [japaneseDate(r.itemsPublishedOn)] },
      ...(r.methodOfProvision && r.methodPublishedOn
        ? [
            { term: '提供の方法', values: [r.methodOfProvision] },
            { term: '提供先', values: [r.recipients] },
            { term: '提供の方法の公表日', values: [japaneseDate(r.methodPublishedOn)] },
          ]
        : []),
    ];
    const id = declared.has(r.code) ? `anonymized-release-${r.code}` : `anonymized-${r.code}`;
    blocks.push({ kind: 'sub', id, heading: r.name, blocks: [{ kind: 'fields', rows }] });
  }
  return blocks;
}

function withPostal(postal: string | undefined, address: string): string {
  return postal ? `〒${postal} ${address}` : address;
}

function contactLine(doc: PolicyDocument): string {
  const c = doc.contact;
  return c ? `${c.department}（電話 ${c.phone}${c.hours ? `、受付時間 ${c.hours}` : ''}）` : '下記「お問い合わせ窓口」';
}

/** Art. 32: what is always available to the person about the retained personal data. */
function retainedDataBlocks(doc: PolicyDocument): Block[] {
  const o = doc.organization;
  const purposeRange = purposeRangeText(doc);
  const blocks: Block[] = [
    { kind: 'p', text: '個人情報保護法第32条に基づき、保有個人データについて次の事項を公表します。' },
    {
      kind: 'sub',
      id: 'controller',
      heading: '個人情報取扱事業者の名称、住所及び代表者',
      blocks: [o, ...doc.holders].map((h) => ({
        kind: 'fields' as const,
        rows: [
          { term: '名称', values: [h.name] },
          { term: '住所', values: [h.address ? withPostal(h.postal_code, h.address) : '—'] },
          { term: '代表者', values: [h.representative ?? '—'] },
        ],
      })),
    },
    {
      kind: 'sub',
      id: 'retained-purposes',
      heading: 'すべての保有個人データの利用目的',
      blocks: [
        {
          kind: 'p',
          text: `すべての保有個人データの利用目的は、「利用目的」に記載のとおりです${purposeRange}。`,
          link: { href: '#purposes', label: '利用目的へ' },
        },
      ],
    },
    { kind: 'sub', id: 'requests', heading: '開示等の請求の手続', blocks: requestBlocks(doc) },
  ];
  const safety = safetyBlocks(doc);
  if (safety.length) blocks.push({ kind: 'sub', id: 'safety', heading: '保有個人データの安全管理のために講じた措置', blocks: safety });
  const complaints = doc.contact?.complaints;
  blocks.push({
    kind: 'sub',
    id: 'complaints',
    heading: '苦情の申出先',
    blocks: [...(complaints ? [{ kind: 'p' as const, text: complaints }] : []), { kind: 'p', text: `苦情の申出先：${contactLine(doc)}` }],
  });
  return blocks;
}

function purposeRangeText(doc: PolicyDocument): string {
  if (doc.purposes.length === 0) return '';
  const numbers = doc.purposes.map((p) => p.number);
  const [min, max] = [Math.min(...numbers), Math.max(...numbers)];
  return min === max ? `（${circledNumber(min)}）` : `（${circledNumber(min)}〜${circledNumber(max)}）`;
}

/** A request method's wording: the standard ones with the contact window's details, the co-op's own as written. */
function methodText(doc: PolicyDocument, method: string): string {
  const c = doc.contact;
  switch (method as (typeof requestMethods)[number]) {
    case 'phone':
      return c ? `お電話（${c.department}、${c.phone}${c.hours ? `、受付時間 ${c.hours}` : ''}）` : 'お電話';
    case 'post':
      return c?.address ? `郵送（${withPostal(c.postal_code, c.address)} ${c.department}宛）` : '郵送';
    case 'counter':
      return c ? `窓口（${c.department}）` : '窓口';
    case 'email':
      return c?.email ? `電子メール（${c.email}）` : '電子メール';
    case 'member_page':
      return '組合員ページ（ログインしてお手続きいただけます）';
    default:
      return method;
  }
}

function requestBlocks(doc: PolicyDocument): Block[] {
  const r = doc.requests;
  const rows: { term: string; values: string[] }[] = [{ term: '請求先', values: [contactLine(doc)] }];
  const kinds = (r?.kinds ?? []).map((k) =>
    (requestKinds as readonly string[]).includes(k) ? requestKindJa[k as keyof typeof requestKindJa] : k,
  );
  if (r) {
    if (kinds.length) rows.push({ term: '請求できる内容', values: kinds });
    if (r.methods.length) rows.push({ term: '請求の方法', values: r.methods.map((m) => methodText(doc, m)) });
    // Only what the co-op stated: free, an amount, or paid; with its note. Nothing when it said nothing (the lint
    // reports the gap) — never a default it did not choose.
    const fee =
      r.fee.free === true
        ? '無料'
        : r.fee.amount_yen !== undefined
          ? `1件につき${r.fee.amount_yen.toLocaleString('ja-JP')}円`
          : r.fee.free === false
            ? '有料'
            : undefined;
    const feeText = fee && r.fee.note ? `${fee}（${r.fee.note}）` : (fee ?? r.fee.note);
    if (feeText) rows.push({ term: '手数料', values: [feeText] });
    if (r.identity_check) rows.push({ term: 'ご本人の確認', values: [r.identity_check] });
    if (r.agents) rows.push({ term: '代理人による請求', values: [r.agents] });
    if (r.refusal_grounds.length) rows.push({ term: '開示等に応じられない場合', values: r.refusal_grounds });
  }
  // The sentence names exactly the kinds the co-op accepts; without a list it claims none in particular.
  const lead = kinds.length
    ? `保有個人データの${joinJa(kinds)}のご請求は、次の手続でお受けします。`
    : '保有個人データに関するご請求は、次の手続でお受けします。';
  return [
    { kind: 'p', text: lead },
    { kind: 'fields', rows },
    ...(r?.methods.includes('member_page')
      ? [{ kind: 'p' as const, text: '組合員ページからもご請求いただけます。', link: { href: '/my', label: '組合員ページへ' } }]
      : []),
  ];
}

function safetyBlocks(doc: PolicyDocument): Block[] {
  const s = doc.safety_measures;
  if (!s) return [];
  const blocks: Block[] = [];
  const group = (id: string, heading: string, items: string[]) => {
    if (items.length) blocks.push({ kind: 'sub', id, heading, blocks: [{ kind: 'list', items }] });
  };
  group('safety-basic-policy', '基本方針の策定', s.basic_policy);
  group('safety-rules', '個人データの取扱いに係る規律の整備', s.rules);
  group('safety-organizational', '組織的安全管理措置', s.organizational);
  group('safety-human', '人的安全管理措置', s.human);
  group('safety-physical', '物理的安全管理措置', s.physical);
  group('safety-technical', '技術的安全管理措置', s.technical);
  if (s.storage.length || s.external_environment.length) {
    blocks.push({
      kind: 'sub',
      id: 'safety-external',
      heading: '外的環境の把握',
      blocks: [
        ...(s.external_environment.length ? [{ kind: 'list' as const, items: s.external_environment }] : []),
        ...(s.storage.length
          ? [
              { kind: 'p' as const, text: '個人データを保管している国と、その国の個人情報の保護に関する制度は次のとおりです。' },
              {
                kind: 'fields' as const,
                rows: s.storage.map((x) => ({
                  term: x.country,
                  values: [x.regime ?? (x.country === '日本' ? '個人情報保護法' : '—'), ...(x.note ? [x.note] : [])],
                })),
              },
            ]
          : []),
      ],
    });
  }
  return blocks;
}

function contactRows(doc: PolicyDocument): { term: string; values: string[] }[] {
  const c = doc.contact!;
  return [
    { term: '窓口', values: [c.department] },
    { term: '電話番号', values: [c.phone] },
    ...(c.hours ? [{ term: '受付時間', values: [c.hours] }] : []),
    ...(c.email ? [{ term: 'メールアドレス', values: [c.email] }] : []),
    ...(c.address ? [{ term: '所在地', values: [withPostal(c.postal_code, c.address)] }] : []),
  ];
}
