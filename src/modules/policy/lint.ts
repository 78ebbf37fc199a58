/**
 * Lint before publish: what a policy must say before it may be published, each gap with its exact place.
 *
 * Errors block publishing; warnings are shown and recorded with the version. The rules follow APPI (see
 * ../../shared/docs/appi.md): Art. 27(5)(iii) for joint use, Art. 27(1) for third-party provision, Art. 32 for
 * what must always be available to the person, the PPC Q&A on children, and the My Number law.
 */
import { circledNumber, purposeCodeOf, requestKinds } from '../../contract/policy-vocabulary.ts';
import { type PolicyDocument, requestKindEn, requestKindJa } from './document.ts';
import { lintSystems } from './lint-systems.ts';

export type LintSeverity = 'error' | 'warning';

export interface LintGap {
  severity: LintSeverity;
  code: string;
  /** Where in the document, e.g. `joint_uses[1].responsible.address`. */
  path: string;
  message_ja: string;
  message_en: string;
}

export interface LintOptions {
  /** Today (YYYY-MM-DD) for date rules such as overdue contractor inspections. */
  today: string;
  /** Organization codes known to mamori: a joint user named by `org` must be one of them. */
  knownOrgCodes?: ReadonlySet<string>;
  /** Codes of the organization's ledger assets (個人情報管理台帳): a system's `ledger_assets` must be among them. */
  knownAssetCodes?: ReadonlySet<string>;
  /** Codes of the systems whose connection is registered: a mapped system without one cannot be reached. */
  knownSystemCodes?: ReadonlySet<string>;
}

/** The headings of the PPC guideline (通則編 10) the safety measures are published under. */
const safetyHeadings = [
  ['basic_policy', '基本方針の策定', 'Basic policy'],
  ['rules', '個人データの取扱いに係る規律の整備', 'Rules for handling personal data'],
  ['organizational', '組織的安全管理措置', 'Organizational measures'],
  ['human', '人的安全管理措置', 'Human measures'],
  ['physical', '物理的安全管理措置', 'Physical measures'],
  ['technical', '技術的安全管理措置', 'Technical measures'],
  ['external_environment', '外的環境の把握', 'Understanding the external environment'],
] as const;

/** Item names that denote a My Number (個人番号): never collected for members, never jointly used. */
const MY_NUMBER_ITEM = /マイナンバー|個人番号|my[\s_-]?number/i;
/** Item names that look like bank accounts or card numbers (財産的被害のおそれのある記述). */
const FINANCIAL_ITEM = /口座|カード番号|クレジット|bank|account_no|card/i;
const JAPAN = /^(日本|japan|jp)$/i;

/** Checks a policy document; returns every gap, errors first. */
export function lintPolicy(doc: PolicyDocument, opts: LintOptions): LintGap[] {
  const gaps: LintGap[] = [];
  const add = (severity: LintSeverity, code: string, path: string, ja: string, en: string) =>
    gaps.push({ severity, code, path, message_ja: ja, message_en: en });
  const error = (code: string, path: string, ja: string, en: string) => add('error', code, path, ja, en);
  const warning = (code: string, path: string, ja: string, en: string) => add('warning', code, path, ja, en);

  // Art. 32: the name, address and representative are always available to the person.
  const org = doc.organization;
  if (!org.address)
    error('organization_address_missing', 'organization.address', '組織の住所がありません。', 'The organization’s address is missing.');
  if (!org.representative) {
    error(
      'organization_representative_missing',
      'organization.representative',
      '組織の代表者（氏名）がありません。',
      'The organization’s representative is missing.',
    );
  }

  // A holder of the data under this policy is named with its address and representative as the organization is.
  doc.holders.forEach((h, i) => {
    if (!h.address)
      error(
        'holder_address_missing',
        `holders[${i}].address`,
        `保有者「${h.name}」の住所がありません。`,
        `Holder “${h.name}” has no address.`,
      );
    if (!h.representative) {
      error(
        'holder_representative_missing',
        `holders[${i}].representative`,
        `保有者「${h.name}」の代表者がありません。`,
        `Holder “${h.name}” has no representative.`,
      );
    }
    if (h.org && opts.knownOrgCodes && !opts.knownOrgCodes.has(h.org)) {
      error(
        'holder_org_unknown',
        `holders[${i}].org`,
        `保有者「${h.name}」の組織コード「${h.org}」はmamoriに登録されていません。`,
        `Holder “${h.name}” names organization code “${h.org}”, which mamori does not know.`,
      );
    }
  });

  // Groups of people: purposes name known groups; someone in the member ledger is covered by some group.
  duplicates(doc.data_subjects, (g) => g.code, 'data_subjects', error);
  const subjectCodes = new Set(doc.data_subjects.map((g) => g.code));
  doc.purposes.forEach((p, i) => {
    p.subjects.forEach((code, k) => {
      if (!subjectCodes.has(code)) {
        error(
          'purpose_subject_unknown',
          `purposes[${i}].subjects[${k}]`,
          `利用目的${circledNumber(p.number)}の本人の区分「${code}」は本人の区分の一覧にありません。`,
          `Purpose ${p.number} names the group “${code}”, which is not among the data subjects.`,
        );
      }
    });
  });
  if (doc.data_subjects.length && !doc.data_subjects.some((g) => g.ledger)) {
    error(
      'ledger_subject_missing',
      'data_subjects',
      '組合員台帳の方（組合員など）にあたる本人の区分がありません。どの利用目的でも組合員の情報を開けなくなります。',
      'No group of data subjects is marked as kept in the member ledger: no purpose could open a member’s record.',
    );
  }

  duplicates(doc.items, (i) => i.code, 'items', error);
  duplicates(doc.scope, (s) => s.code, 'scope', error);
  duplicates(doc.purposes, purposeCodeOf, 'purposes', error);
  duplicates(doc.joint_uses, (j) => j.code, 'joint_uses', error);
  duplicates(doc.third_parties, (t) => t.code, 'third_parties', error);
  duplicates(doc.contractors, (c) => c.code, 'contractors', error);
  const numbers = new Map<number, number>();
  doc.purposes.forEach((p, i) => {
    if (numbers.has(p.number)) {
      error(
        'purpose_number_duplicate',
        `purposes[${i}].number`,
        `利用目的の番号 ${circledNumber(p.number)} が重複しています。`,
        `Purpose number ${p.number} is used twice.`,
      );
    }
    numbers.set(p.number, i);
  });

  const itemCodes = new Set(doc.items.map((i) => i.code));
  const itemNames = new Map(doc.items.map((i) => [i.code, i.name]));
  doc.items.forEach((item, i) => {
    if (MY_NUMBER_ITEM.test(item.code) || MY_NUMBER_ITEM.test(item.name)) {
      error(
        'my_number_item',
        `items[${i}]`,
        `「${item.name}」: 個人番号（マイナンバー）は組合員の情報項目にできません。`,
        `“${item.name}”: a My Number can never be an item of members’ data.`,
      );
    }
    // Rule 31 (iii): an item whose misuse may cause financial damage is removed from pseudonymized data, which the
    // engine knows only from this flag.
    if (!item.financial && (FINANCIAL_ITEM.test(item.code) || FINANCIAL_ITEM.test(item.name))) {
      warning(
        'item_financial_unflagged',
        `items[${i}].financial`,
        `「${item.name}」は口座・カード番号のように見えますが、「財産的被害のおそれ」の印がありません。印があれば仮名加工情報から必ず削除されます。`,
        `“${item.name}” looks like a bank account or card number but is not marked as a financial item; marked, it is always removed from pseudonymized data.`,
      );
    }
  });

  if (doc.purposes.length === 0)
    error('purposes_missing', 'purposes', '利用目的が一つもありません。', 'The policy states no purposes of use.');
  const usedItems = new Set<string>();
  doc.purposes.forEach((p, i) => {
    const label = `利用目的${circledNumber(p.number)}`;
    if (p.items.length === 0) {
      error(
        'purpose_without_items',
        `purposes[${i}].items`,
        `${label}に利用する情報項目がありません。`,
        `Purpose ${p.number} names no data items.`,
      );
    }
    p.items.forEach((code, k) => {
      usedItems.add(code);
      if (!itemCodes.has(code)) {
        error(
          'purpose_item_unknown',
          `purposes[${i}].items[${k}]`,
          `${label}の情報項目「${code}」は項目一覧にありません。`,
          `Purpose ${p.number} names item “${code}”, which is not in the items.`,
        );
      }
    });
  });

  const purposeCodes = new Set(doc.purposes.map(purposeCodeOf));
  const sensitive = new Set(doc.items.filter((i) => i.sensitive).map((i) => i.code));
  doc.joint_uses.forEach((ju, i) => {
    const at = `joint_uses[${i}]`;
    const label = `共同利用「${ju.name}」`;
    if (ju.users.length === 0) {
      error(
        'joint_use_users_missing',
        `${at}.users`,
        `${label}に共同利用者の範囲がありません。`,
        `Joint use “${ju.name}” states no joint users.`,
      );
    }
    if (ju.items.length === 0 && !ju.items_all) {
      error(
        'joint_use_items_missing',
        `${at}.items`,
        `${label}に共同利用する項目がありません。`,
        `Joint use “${ju.name}” states no items.`,
      );
    }
    if (ju.purposes.length === 0 && !ju.purposes_all) {
      error(
        'joint_use_purposes_missing',
        `${at}.purposes`,
        `${label}に利用目的がありません。`,
        `Joint use “${ju.name}” states no purposes.`,
      );
    }
    ju.items.forEach((code, k) => {
      usedItems.add(code);
      if (!itemCodes.has(code)) {
        error(
          'joint_use_item_unknown',
          `${at}.items[${k}]`,
          `${label}の項目「${code}」は項目一覧にありません。`,
          `Joint use “${ju.name}” names item “${code}”, which is not in the items.`,
        );
      } else if (sensitive.has(code)) {
        warning(
          'joint_use_sensitive_item',
          `${at}.items[${k}]`,
          `${label}に要配慮個人情報「${itemNames.get(code)}」が含まれます。本人の同意を確認してください。`,
          `Joint use “${ju.name}” includes special care-required data (“${code}”): make sure consent is obtained.`,
        );
      }
    });
    ju.purposes.forEach((code, k) => {
      if (!purposeCodes.has(code)) {
        error(
          'joint_use_purpose_unknown',
          `${at}.purposes[${k}]`,
          `${label}の利用目的「${code}」は利用目的一覧にありません。`,
          `Joint use “${ju.name}” names purpose “${code}”, which is not among the purposes.`,
        );
      }
    });
    if (ju.items_all && ju.items.length) {
      warning(
        'joint_use_items_redundant',
        `${at}.items`,
        `${label}は「すべての項目」としているため、個別の項目の一覧は使われません。`,
        `Joint use “${ju.name}” covers all items: its list of items is not used.`,
      );
    }
    if (ju.purposes_all && ju.purposes.length) {
      warning(
        'joint_use_purposes_redundant',
        `${at}.purposes`,
        `${label}は「すべての利用目的」としているため、個別の利用目的の一覧は使われません。`,
        `Joint use “${ju.name}” covers all purposes: its list of purposes is not used.`,
      );
    }
    if (ju.items_all) {
      for (const item of doc.items) {
        usedItems.add(item.code);
        if (item.sensitive) {
          warning(
            'joint_use_sensitive_item',
            `${at}.items_all`,
            `${label}（すべての項目）に要配慮個人情報「${item.name}」が含まれます。本人の同意を確認してください。`,
            `Joint use “${ju.name}” (all items) includes special care-required data (“${item.code}”): make sure consent is obtained.`,
          );
        }
      }
    }
    // Narrower items for a purpose: the purpose is one of the joint use's, the items among its items.
    ju.purpose_items.forEach((pi, k) => {
      const pAt = `${at}.purpose_items[${k}]`;
      if (!purposeCodes.has(pi.purpose) || (!ju.purposes_all && !ju.purposes.includes(pi.purpose))) {
        error(
          'joint_use_purpose_items_purpose',
          `${pAt}.purpose`,
          `${label}の利用目的ごとの項目: 利用目的「${pi.purpose}」はこの共同利用の利用目的にありません。`,
          `Joint use “${ju.name}”: purpose “${pi.purpose}” of its per-purpose items is not one of its purposes.`,
        );
      }
      pi.items.forEach((code, n) => {
        if (!itemCodes.has(code) || (!ju.items_all && !ju.items.includes(code))) {
          error(
            'joint_use_purpose_items_item',
            `${pAt}.items[${n}]`,
            `${label}の利用目的ごとの項目「${itemNames.get(code) ?? code}」はこの共同利用の項目にありません。`,
            `Joint use “${ju.name}”: item “${code}” of its per-purpose items is not one of its items.`,
          );
        }
      });
    });
    ju.users.forEach((u, k) => {
      if (u.org && opts.knownOrgCodes && !opts.knownOrgCodes.has(u.org)) {
        error(
          'joint_use_org_unknown',
          `${at}.users[${k}].org`,
          `${label}の共同利用者「${u.name}」の組織コード「${u.org}」はmamoriに登録されていません。`,
          `Joint user “${u.name}” of “${ju.name}” names organization code “${u.org}”, which mamori does not know.`,
        );
      }
    });
    // Art. 27(5)(iii): the responsible party's name, address and representative.
    if (!ju.responsible) {
      error(
        'joint_use_responsible_missing',
        `${at}.responsible`,
        `${label}に管理責任者（名称・住所・代表者）がありません。`,
        `Joint use “${ju.name}” states no responsible party (name, address, representative).`,
      );
    } else {
      if (!ju.responsible.address) {
        error(
          'joint_use_responsible_address_missing',
          `${at}.responsible.address`,
          `${label}の管理責任者「${ju.responsible.name}」の住所がありません。`,
          `The responsible party “${ju.responsible.name}” of joint use “${ju.name}” has no address.`,
        );
      }
      if (!ju.responsible.representative) {
        error(
          'joint_use_responsible_representative_missing',
          `${at}.responsible.representative`,
          `${label}の管理責任者「${ju.responsible.name}」の代表者がありません。`,
          `The responsible party “${ju.responsible.name}” of joint use “${ju.name}” has no representative.`,
        );
      }
    }
    if (!ju.starts_on) {
      warning(
        'joint_use_start_missing',
        `${at}.starts_on`,
        `${label}の開始日が記載されていません。この版の施行日から共同利用を開始したものとして扱います。`,
        `Joint use “${ju.name}” has no start date: it is treated as starting on the version’s effective date.`,
      );
    }
    if (ju.ends_on && ju.starts_on && ju.ends_on < ju.starts_on) {
      error(
        'joint_use_dates_invalid',
        `${at}.ends_on`,
        `${label}の終了日が開始日より前です。`,
        `Joint use “${ju.name}” ends before it starts.`,
      );
    }
  });

  doc.third_parties.forEach((tp, i) => {
    const at = `third_parties[${i}]`;
    if (!tp.legal_basis) {
      error(
        'third_party_legal_basis_missing',
        `${at}.legal_basis`,
        `第三者提供先「${tp.name}」に提供の根拠（同意・法令等）がありません。`,
        `Third-party recipient “${tp.name}” has no legal basis (consent, law, …).`,
      );
    }
    if (tp.country && !JAPAN.test(tp.country) && !tp.country_regime) {
      error(
        'third_party_foreign_regime_missing',
        `${at}.country_regime`,
        `外国の第三者「${tp.name}」（${tp.country}）について、その国の個人情報保護制度の情報がありません。`,
        `Foreign recipient “${tp.name}” (${tp.country}) lacks information on that country’s regime (Art. 28).`,
      );
    }
    if (tp.country && !JAPAN.test(tp.country) && !tp.recipient_measures) {
      error(
        'third_party_foreign_measures_missing',
        `${at}.recipient_measures`,
        `外国の第三者「${tp.name}」（${tp.country}）が講ずる個人情報の保護のための措置の情報がありません。`,
        `Foreign recipient “${tp.name}” (${tp.country}) lacks information on the measures it takes (Art. 28).`,
      );
    }
    tp.items.forEach((code, k) => {
      usedItems.add(code);
      if (!itemCodes.has(code)) {
        error(
          'third_party_item_unknown',
          `${at}.items[${k}]`,
          `第三者提供先「${tp.name}」の項目「${code}」は項目一覧にありません。`,
          `Recipient “${tp.name}” names item “${code}”, which is not in the items.`,
        );
      }
    });
  });

  doc.contractors.forEach((c, i) => {
    const at = `contractors[${i}]`;
    const missing: (readonly [string, string])[] = (
      [
        ['confidentiality', '秘密保持'],
        ['no_reprovision', '再提供の禁止'],
        ['incident_liability', '事故時の責任分担'],
        ['return_or_destruction', '契約終了時の返却・廃棄'],
      ] as const
    ).filter(([key]) => !c.contract[key]);
    if (!c.contract.subcontracting) missing.push(['subcontracting', '再委託の扱い']);
    if (missing.length) {
      warning(
        'contractor_contract_incomplete',
        `${at}.contract`,
        `委託先「${c.name}」の契約に次の定めがありません: ${missing.map(([, ja]) => ja).join('、')}`,
        `The contract with “${c.name}” lacks: ${missing.map(([key]) => key).join(', ')}`,
      );
    }
    const due = c.inspection.last_on ? addMonths(c.inspection.last_on, c.inspection.interval_months) : undefined;
    if (!due || due < opts.today) {
      warning(
        'contractor_inspection_overdue',
        `${at}.inspection`,
        due ? `委託先「${c.name}」の定期点検の期限（${due}）を過ぎています。` : `委託先「${c.name}」の点検実施日が記録されていません。`,
        due ? `The inspection of “${c.name}” was due on ${due}.` : `No inspection of “${c.name}” is recorded.`,
      );
    }
  });

  if (!doc.contact) {
    error(
      'contact_missing',
      'contact',
      'お問い合わせ窓口（部署・電話番号・受付時間）がありません。',
      'The contact window (department, phone, hours) is missing.',
    );
  }
  if (doc.contact && !doc.contact.hours) {
    warning(
      'contact_hours_missing',
      'contact.hours',
      'お問い合わせ窓口の受付時間がありません。',
      'The contact window’s hours are not stated.',
    );
  }
  if (doc.requests && doc.requests.fee.free === undefined && doc.requests.fee.amount_yen === undefined) {
    error(
      'requests_fee_unstated',
      'requests.fee',
      '開示等の請求の手数料（無料か、金額）が記載されていません。',
      'The fee for requests (free, or the amount) is not stated.',
    );
  }
  if (!doc.requests || doc.requests.methods.length === 0) {
    error(
      'requests_procedure_missing',
      'requests.methods',
      '開示等の請求の手続（請求の方法）がありません。',
      'How to make requests (disclosure, correction, …) is not stated.',
    );
  }
  // The request sentence names the kinds the co-op lists: the law gives the person every one of them.
  if (doc.requests) {
    const listed = new Set(doc.requests.kinds);
    const missing = requestKinds.filter((k) => !listed.has(k));
    if (doc.requests.kinds.length === 0) {
      warning(
        'request_kinds_unstated',
        'requests.kinds',
        '請求できる内容（開示、訂正等）が選ばれていません。公表文は請求の種類を挙げずに手続だけを示します。',
        'No kinds of request are listed: the notice names none and shows only the procedure.',
      );
    } else if (missing.length) {
      warning(
        'request_kinds_incomplete',
        'requests.kinds',
        `法が本人に認める請求のうち、次が選ばれていません: ${missing.map((k) => requestKindJa[k]).join('、')}。独自の表現で記載している場合はそのままで構いません。`,
        `Kinds of request the law gives the person that are not selected: ${missing.map((k) => requestKindEn[k]).join(', ')} (fine if the policy words them its own way).`,
      );
    }
  }
  const safety = doc.safety_measures;
  const headings =
    safety &&
    safetyHeadings.filter(([key]) => (key === 'external_environment' ? safety.storage.length === 0 : true) && safety[key].length === 0);
  if (safety && headings && headings.length > 0 && headings.length < safetyHeadings.length) {
    warning(
      'safety_headings_missing',
      'safety_measures',
      `安全管理措置のうち、ガイドラインの次の項目の記載がありません: ${headings.map(([, ja]) => ja).join('、')}。`,
      `Safety measures: nothing under these headings of the guideline: ${headings.map(([, , en]) => en).join(', ')}.`,
    );
  }
  if (!safety || headings?.length === safetyHeadings.length) {
    error(
      'safety_measures_missing',
      'safety_measures',
      '安全管理措置の記載がありません。',
      'The safety management measures are not stated.',
    );
  } else {
    safety.storage.forEach((s, i) => {
      if (!JAPAN.test(s.country) && !s.regime) {
        error(
          'storage_country_regime_missing',
          `safety_measures.storage[${i}].regime`,
          `保管先の国「${s.country}」の個人情報保護制度の情報がありません（外的環境の把握）。`,
          `Data stored in ${s.country}: information on that country’s regime is missing.`,
        );
      }
    });
  }

  doc.scope.forEach((s, i) => {
    if (s.child_facing && !s.guardian_consent) {
      error(
        'child_service_without_guardian_consent',
        `scope[${i}].guardian_consent`,
        `子ども向けのサービス「${s.name}」に保護者の同意の取得がありません。`,
        `The children’s service “${s.name}” does not obtain a guardian’s consent.`,
      );
    }
  });

  doc.items.forEach((item, i) => {
    if (!usedItems.has(item.code)) {
      warning(
        'item_unused',
        `items[${i}]`,
        `情報項目「${item.name}」はどの利用目的・共同利用・提供にも使われていません。`,
        `Item “${item.name}” is not used by any purpose, joint use or provision.`,
      );
    }
  });

  // Whether there is joint use or outsourcing at all is a statement the notice makes: only when the co-op made it.
  if (doc.joint_uses.length === 0 && !doc.no_joint_use) {
    error(
      'joint_use_unstated',
      'no_joint_use',
      '共同利用の有無が記載されていません。共同利用を登録するか、「共同利用は行っていない」を選んでください。',
      'Whether personal data is used jointly is not stated: add the joint uses, or state that there are none.',
    );
  }
  if (doc.joint_uses.length > 0 && doc.no_joint_use) {
    error(
      'joint_use_contradiction',
      'no_joint_use',
      '共同利用が登録されているのに「共同利用は行っていない」が選ばれています。',
      'Joint uses are listed, yet the policy states that there is no joint use.',
    );
  }
  if (doc.contractors.length === 0 && !doc.no_outsourcing) {
    error(
      'outsourcing_unstated',
      'no_outsourcing',
      '個人データの取扱いの委託の有無が記載されていません。委託先を登録するか、「委託していない」を選んでください。',
      'Whether the handling of personal data is entrusted to others is not stated: add the contractors, or state that there are none.',
    );
  }
  if (doc.contractors.length > 0 && doc.no_outsourcing) {
    error(
      'outsourcing_contradiction',
      'no_outsourcing',
      '委託先が登録されているのに「委託していない」が選ばれています。',
      'Contractors are listed, yet the policy states that nothing is entrusted to others.',
    );
  }

  lintSystems(doc, opts, error, warning);

  // Drafting marks left in text that would be published: （仮）, TODO, ○○ and the like.
  for (const { path, text } of texts(doc, '')) {
    const mark = PLACEHOLDER.exec(text)?.[0];
    if (mark) {
      warning(
        'placeholder_text',
        path,
        `仮の記載「${mark}」が残っています。公表前に正式な文言にしてください。`,
        `A drafting mark “${mark}” is left in the text; replace it before publishing.`,
      );
    }
  }

  return gaps.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}

/**
 * Marks that say a text is not final: 仮 in brackets of either width, TODO/TBD/FIXME, runs of ○/〇/●/×/✕ used as
 * blanks (○○生協), and xxx as a stand-in (not inside a longer word).
 */
const PLACEHOLDER = /[（(]\s*仮\s*[)）]|\b(?:TODO|TBD|FIXME)\b|[○〇●×✕]{2,}|(?<![A-Za-z])[xX]{3,}(?![A-Za-z])/;

/** Every string of the document with its path (`purposes[2].name`). */
function* texts(value: unknown, path: string): Generator<{ path: string; text: string }> {
  if (typeof value === 'string') yield { path, text: value };
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* texts(value[i], `${path}[${i}]`);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) yield* texts(v, path ? `${path}.${key}` : key);
  }
}

/** True when the gaps allow publishing (no errors). */
export const publishable = (gaps: readonly LintGap[]): boolean => gaps.every((g) => g.severity !== 'error');

function duplicates<T>(
  list: readonly T[],
  key: (t: T) => string,
  section: string,
  error: (code: string, path: string, ja: string, en: string) => void,
): void {
  const seen = new Set<string>();
  list.forEach((entry, i) => {
    const k = key(entry);
    if (seen.has(k))
      error('code_duplicate', `${section}[${i}].code`, `コード「${k}」が重複しています。`, `Code “${k}” is used twice in ${section}.`);
    seen.add(k);
  });
}

/** `YYYY-MM-DD` plus `months`, clamped to the month's last day. */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}
