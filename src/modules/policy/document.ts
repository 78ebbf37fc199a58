/**
 * The policy document: one organization's privacy policy as data (個人情報保護方針 and its registers).
 *
 * This is the shape of a policy YAML file (`mamori policy export`), of a draft being edited in the console,
 * and of every published version. The registers the access engine enforces (purposes, items, joint use) are
 * materialised from the version in effect (see `materialize.ts`); the public notices are rendered from the
 * published versions (see `../notices/`). Keys are English snake_case so a file reads the same in any
 * editor; the values a member reads are Japanese first, with optional English beside them.
 *
 * The schema only checks shape. Whether the policy says everything the law requires (a joint use's
 * responsible party with address and representative, a contact window, …) is `lint.ts`'s job, so that an
 * incomplete draft can be saved and completed later, and only publishing is refused.
 */
import { z } from 'zod';
import { eraseActions, identityKinds, systemKinds } from '../../contract/connector-vocabulary.ts';
import { purposeCodeOf, type RequestKindCode } from '../../contract/policy-vocabulary.ts';

export const POLICY_FORMAT = 'mamori-policy/1';

const text = z.string().trim().min(1).max(4000);
const shortText = z.string().trim().min(1).max(400);
const optionalText = z.string().trim().max(4000).optional();
/** Register codes: stable identifiers that survive renumbering and renaming. */
const code = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'code: letters, digits, _ and - (up to 64)');
const date = z.iso.date();
const paragraphs = z.array(text).max(200);

/** Who runs the policy: Art. 32 requires the name, address and representative to be available. */
export const organizationSchema = z.strictObject({
  /** The organization's code in mamori (e.g. `demo-coop`). */
  code,
  name: shortText,
  name_en: shortText.optional(),
  kind: z.enum(['coop', 'federation', 'subsidiary']).default('coop'),
  postal_code: z.string().trim().max(16).optional(),
  address: shortText.optional(),
  /** As published, e.g. `代表理事 理事長 山田太郎`. */
  representative: shortText.optional(),
  website: z.url().optional(),
});

/**
 * 共同の保有者: another organization that holds the data under this same policy (「○○生協及び○○株式会社」: a
 * co-op and its subsidiaries publish one policy). Each holder is named on the notice with its address and
 * representative (Art. 32), and the policy's title names them all.
 */
export const holderSchema = z.strictObject({
  /** The holder's organization code in mamori, when it has one. */
  org: code.optional(),
  name: shortText,
  name_en: shortText.optional(),
  kind: z.enum(['coop', 'federation', 'subsidiary', 'other']).default('subsidiary'),
  postal_code: z.string().trim().max(16).optional(),
  address: shortText.optional(),
  representative: shortText.optional(),
  website: z.url().optional(),
});

/**
 * 本人の区分: a group of people whose data the policy covers (組合員, 役職員, 取引先, 子ども会員…). Purposes name
 * the groups they concern; the notice shows each group's purposes and items under its own heading, and the
 * access engine lets only purposes that concern a group kept in the member ledger (`ledger`) open a member.
 */
export const dataSubjectSchema = z.strictObject({
  code,
  name: shortText,
  name_en: shortText.optional(),
  /** The group's people are in mamori's member ledger (組合員, 子ども会員); staff or business partners are not. */
  ledger: z.boolean().default(false),
  description: optionalText,
});

/** 基本方針: the policy's preamble and commitments, with its dates. */
export const basicPolicySchema = z.strictObject({
  title: shortText.default('個人情報保護方針'),
  /** 基本理念: the opening statement, one entry per paragraph. */
  philosophy: paragraphs.default([]),
  /** The numbered commitments of the basic policy. */
  commitments: paragraphs.default([]),
  enacted_on: date.optional(),
  revised_on: z.array(date).default([]),
});

/** 「商品・サービス」の範囲: what the purposes' "products and services" cover. */
export const scopeEntrySchema = z.strictObject({
  code,
  name: shortText,
  name_en: shortText.optional(),
  /** A service for children (e.g. a programming club): their data needs a guardian's consent. */
  child_facing: z.boolean().default(false),
  /** The service obtains consent from a legal representative (保護者の同意) for children under the consent age. */
  guardian_consent: z.boolean().default(false),
});

/** 情報項目: a kind of personal data the organization holds. */
export const itemSchema = z.strictObject({
  /** Ledger field codes (`name`, `address`, …) map to the member ledger's columns; others are registered only. */
  code,
  name: shortText,
  name_en: shortText.optional(),
  /** 要配慮個人情報 (special care-required personal information). */
  sensitive: z.boolean().default(false),
  /**
   * Misuse may cause financial damage (財産的被害): bank accounts, card numbers. Never kept in pseudonymized data
   * (Art. 41, Rule 31 (iii)); a breach involving it is reportable even for one person (Art. 26, Rule 7 (ii)).
   */
  financial: z.boolean().default(false),
  description: optionalText,
});

/** 利用目的: numbered as published (① …). */
export const purposeSchema = z.strictObject({
  /** Stable code (`P01` …); defaults to P + the number when the file omits it. */
  code: code.optional(),
  number: z.int().min(1).max(999),
  name: text,
  name_en: shortText.optional(),
  /** The items this purpose may use (codes of `items`). */
  items: z.array(code).default([]),
  /**
   * Codes of `data_subjects` this purpose concerns; empty: every group (and, without groups, the members).
   */
  subjects: z.array(code).default([]),
  /**
   * The person's say in this purpose: `none` (a purpose of the membership itself; only a request for
   * cessation of use stops it), `opt_out` (used unless the person opts out: direct mail, profiling for
   * recommendations) or `opt_in` (used only with the person's consent: a new purpose, provision with consent).
   */
  consent: z.enum(['none', 'opt_out', 'opt_in']).optional(),
});

/** The party responsible for a joint use (責任者): Art. 27(5)(iii) requires name, address and representative. */
export const partySchema = z.strictObject({
  name: shortText,
  postal_code: z.string().trim().max(16).optional(),
  address: shortText.optional(),
  representative: shortText.optional(),
});

/** 共同利用: who else uses the data, which items, for which purposes, who is responsible, from when. */
export const jointUseSchema = z.strictObject({
  code,
  name: shortText,
  name_en: shortText.optional(),
  /** The scope of joint users (共同利用者の範囲), as published. */
  users: z
    .array(
      z.strictObject({
        name: shortText,
        /** The joint user's organization code in mamori, when it signs in to mamori: its staff get access. */
        org: code.optional(),
        note: optionalText,
      }),
    )
    .default([]),
  items: z.array(code).default([]),
  /**
   * Every item of the registers is jointly used, as a rule that follows them: an item added in a later version
   * is included without changing the joint use (`items` is then not used).
   */
  items_all: z.boolean().default(false),
  /** Purpose codes of this organization. */
  purposes: z.array(code).default([]),
  /** Every purpose of the registers, as `items_all` (`purposes` is then not used). */
  purposes_all: z.boolean().default(false),
  /**
   * Narrower item lists for some purposes: for a purpose named here the joint users may use only these items
   * (e.g. the bank account for ⑭ only); other purposes use the joint use's items.
   */
  purpose_items: z.array(z.strictObject({ purpose: code, items: z.array(code).default([]) })).default([]),
  responsible: partySchema.optional(),
  /** When the joint use began or begins; when the policy does not say, it runs from the version's effective date. */
  starts_on: date.optional(),
  ends_on: date.optional(),
  note: optionalText,
});

/** Legal bases for providing personal data to a third party (APPI Art. 27(1) and consent). */
export const legalBases = ['consent', 'law', 'life_body_property', 'public_health_children', 'public_body', 'academic_research'] as const;
export type LegalBasis = (typeof legalBases)[number];

/** 第三者提供: a recipient (or a category of recipients), the legal basis and how the data is sent. */
export const thirdPartySchema = z.strictObject({
  code,
  name: shortText,
  name_en: shortText.optional(),
  /** A named recipient, or a category such as 損害保険会社. */
  kind: z.enum(['recipient', 'category']).default('category'),
  address: shortText.optional(),
  representative: shortText.optional(),
  legal_basis: z.enum(legalBases).optional(),
  items: z.array(code).default([]),
  purpose: optionalText,
  /** 提供方法: on paper, electronically, or both. */
  transmission: z.array(z.enum(['paper', 'electronic'])).default([]),
  /** Country of the recipient when outside Japan (Art. 28: the person is told before consenting). */
  country: shortText.optional(),
  country_regime: optionalText,
  /** 提供先が講ずる個人情報の保護のための措置 (Art. 28(2)): what the foreign recipient does to protect the data. */
  recipient_measures: optionalText,
  /**
   * A contract with the recipient stands in for the provision record (the enforcement rules allow it): kept 1 year
   * after the last provision instead of 3 years (modules/provision; a run may still choose).
   */
  contract_record: z.boolean().optional(),
  note: optionalText,
});

/** 委託先: a contractor handling personal data on the organization's behalf, with its contract and inspections. */
export const contractorSchema = z.strictObject({
  code,
  name: shortText,
  /** 委託業務: what it does (e.g. 宅配の配送, 印刷・封入). */
  service: shortText,
  items: z.array(code).default([]),
  country: shortText.optional(),
  contract: z
    .strictObject({
      signed_on: date.optional(),
      expires_on: date.optional(),
      /** 秘密保持 */
      confidentiality: z.boolean().default(false),
      /** 再提供の禁止 */
      no_reprovision: z.boolean().default(false),
      /** 事故時の責任分担 */
      incident_liability: z.boolean().default(false),
      /** 再委託: prohibited, only with prior written consent, or allowed. */
      subcontracting: z.enum(['prohibited', 'with_consent', 'allowed']).optional(),
      /** 契約終了時の返却・廃棄 */
      return_or_destruction: z.boolean().default(false),
    })
    .prefault({}),
  inspection: z
    .strictObject({
      interval_months: z.int().min(1).max(60).default(12),
      last_on: date.optional(),
    })
    .prefault({}),
  note: optionalText,
});

/** お問い合わせ窓口: where members make requests and complaints. */
export const contactSchema = z.strictObject({
  department: shortText,
  phone: z.string().trim().min(1).max(40),
  /** Optional: two of the seed policies publish a window and phone without hours (the lint reports it). */
  hours: shortText.optional(),
  email: z.email().optional(),
  postal_code: z.string().trim().max(16).optional(),
  address: shortText.optional(),
  /** Where complaints go, when not the same window (苦情の申出先). */
  complaints: optionalText,
});

/** The kinds of request as the notice's request sentence and the lint name them. */
export const requestKindJa: Record<RequestKindCode, string> = {
  notification_of_purpose: '利用目的の通知',
  disclosure: '開示',
  disclosure_of_records: '第三者提供記録の開示',
  correction: '内容の訂正・追加・削除',
  cessation: '利用の停止・消去',
  cessation_of_provision: '第三者への提供の停止',
};

/** The same in English, as the console's English screen names them (the lint's English messages). */
export const requestKindEn: Record<RequestKindCode, string> = {
  notification_of_purpose: 'Notification of the purposes',
  disclosure: 'Disclosure',
  disclosure_of_records: 'Disclosure of provision records',
  correction: 'Correction, addition or deletion',
  cessation: 'Cessation of use or erasure',
  cessation_of_provision: 'Cessation of provision to third parties',
};

/** 開示等の請求の手続: how a person makes a request, the fee and the identity check (Art. 32, 37, 38). */
export const requestsSchema = z.strictObject({
  /** Ways to make a request: codes of `requestMethods` or the co-op's own wording (e.g. 店舗のサービスカウンター). */
  methods: z.array(shortText).default([]),
  /** Kinds of request accepted: codes of `requestKinds` or the co-op's own wording (e.g. 照会). */
  kinds: z.array(shortText).default([]),
  /** 開示等に応じられない場合: the co-op's grounds for refusing (Art. 33(2) and the like), one per entry. */
  refusal_grounds: paragraphs.default([]),
  fee: z
    .strictObject({
      /** Free of charge; unset when the policy does not say (the lint warns). */
      free: z.boolean().optional(),
      amount_yen: z.int().min(0).optional(),
      note: optionalText,
    })
    .prefault({}),
  identity_check: optionalText,
  agents: optionalText,
});

/**
 * 安全管理措置 (Art. 23 and Art. 32) under the headings of the PPC guideline (通則編 10): 基本方針の策定, 個人データの
 * 取扱いに係る規律の整備, 組織的, 人的, 物理的, 技術的安全管理措置, 外的環境の把握 (its text, and the countries
 * where data is stored).
 */
export const safetySchema = z.strictObject({
  basic_policy: paragraphs.default([]),
  rules: paragraphs.default([]),
  organizational: paragraphs.default([]),
  human: paragraphs.default([]),
  physical: paragraphs.default([]),
  technical: paragraphs.default([]),
  external_environment: paragraphs.default([]),
  storage: z
    .array(
      z.strictObject({
        country: shortText,
        /** Information on the country's personal-information regime (not needed for Japan). */
        regime: optionalText,
        note: optionalText,
      }),
    )
    .default([]),
});

/** 匿名加工情報: releases of anonymously processed information (Art. 43: the items are published). */
export const anonymizedSchema = z.strictObject({
  code,
  name: shortText,
  items: z.array(shortText).default([]),
  method_of_provision: optionalText,
  recipients: optionalText,
  published_on: date.optional(),
});

/** 保存期間: how long a kind of record is kept, and why. */
export const retentionSchema = z.strictObject({
  subject: shortText,
  period: shortText,
  basis: optionalText,
});

/** A table or column name of a connected system, as its database spells it (`orders`, `sales.order_lines`). */
const sqlName = z
  .string()
  .trim()
  .regex(/^[A-Za-z_][A-Za-z0-9_$]{0,62}(\.[A-Za-z_][A-Za-z0-9_$]{0,62})?$/, 'name: letters, digits, _ (schema.table allowed)');

/** One column of a mapped table: the data item it holds and what erasing and correcting the person's data do to it. */
export const systemColumnSchema = z.strictObject({
  column: sqlName,
  /** The code of the data item (`items[].code`) the column holds. */
  item: code,
  /** What erasure does to it (`delete_row` deletes the table's row and the rows reached through it). */
  erase: z.enum(eraseActions).default('set_null'),
  /** Why it is kept, when `erase` is `keep` (e.g. 法人税法により7年間保存). */
  keep_rule: shortText.optional(),
  /** A correction of the item (a ledger field: name, phone, …) is written here too. */
  correct: z.boolean().default(true),
});

/**
 * A table of a connected system holding the person's rows, found either by the person's identity in `link`, or
 * through the rows of another mapped table (`via`: order lines through orders, a household through its member).
 */
export const systemTableSchema = z.strictObject({
  table: sqlName,
  /** The column that identifies a row (its primary key): what a plan names and a verification reads back. */
  key: sqlName.default('id'),
  link: z.strictObject({ column: sqlName, identity: z.enum(identityKinds) }).optional(),
  /** Rows whose `column` equals `references` of the rows found in `table`. */
  via: z.strictObject({ table: sqlName, column: sqlName, references: sqlName }).optional(),
  columns: z.array(systemColumnSchema).max(500).default([]),
  /** Codes of the purposes that may use this table's data; empty: every purpose that uses its items. */
  purposes: z.array(code).default([]),
  description: optionalText,
});

/**
 * A connected system (ordering, 共済, welfare, contact centre) and its dataset map: which table and column holds
 * which item, how rows link to the person, and what erasure does. How mamori connects to it (address, account,
 * secret) is kept apart, encrypted, in the systems register (connectors module) under the same code.
 */
export const systemSchema = z.strictObject({
  code,
  name: shortText,
  name_en: shortText.optional(),
  kind: z.enum(systemKinds),
  /** 主管部署: the department that owns the system. */
  owner: shortText.optional(),
  /** Country where its data is stored (ISO 3166-1 alpha-2, e.g. `JP`); abroad feeds the safety-measures notice. */
  country: z
    .string()
    .trim()
    .regex(/^[A-Z]{2}$/, 'country: ISO 3166-1 alpha-2 (JP, US, …)')
    .default('JP'),
  /** Codes of the ledger assets (個人情報管理台帳) this system holds. */
  ledger_assets: z.array(code).default([]),
  tables: z.array(systemTableSchema).max(500).default([]),
  description: optionalText,
});

/** Free sections a policy publishes as they are (e.g. the website policy, cookies). */
export const sectionSchema = z.strictObject({
  title: shortText,
  body: paragraphs.default([]),
});

export const policyDocumentSchema = z.strictObject({
  format: z.literal(POLICY_FORMAT),
  organization: organizationSchema,
  /** Other organizations holding the data under this policy, named beside `organization` (共同の保有者). */
  holders: z.array(holderSchema).default([]),
  basic_policy: basicPolicySchema.prefault({}),
  /** Groups of people the policy covers, each with its purposes (`purposes[].subjects`). */
  data_subjects: z.array(dataSubjectSchema).default([]),
  scope: z.array(scopeEntrySchema).default([]),
  items: z.array(itemSchema).default([]),
  purposes: z.array(purposeSchema).default([]),
  joint_uses: z.array(jointUseSchema).default([]),
  /**
   * The co-op states that it does not use personal data jointly with others: the notice then says so. Without
   * joint uses and without this statement the policy says nothing about joint use, and the lint refuses it.
   */
  no_joint_use: z.boolean().optional(),
  third_parties: z.array(thirdPartySchema).default([]),
  /**
   * The co-op's own list of the cases in which it provides personal data to a third party without consent
   * (法令に基づく場合 …), as published; without it the notice states the rule of Art. 27(1) in general terms.
   */
  third_party_exceptions: paragraphs.default([]),
  contractors: z.array(contractorSchema).default([]),
  /** The co-op states that it entrusts no handling of personal data to others (as `no_joint_use`). */
  no_outsourcing: z.boolean().optional(),
  contact: contactSchema.optional(),
  requests: requestsSchema.optional(),
  safety_measures: safetySchema.optional(),
  anonymized: z.array(anonymizedSchema).default([]),
  retention: z.array(retentionSchema).default([]),
  sections: z.array(sectionSchema).default([]),
  /** Connected systems holding members' data, with their dataset maps (issue 13). */
  systems: z.array(systemSchema).default([]),
  /** Age under which a child's data needs a guardian's consent (PPC Q&A: about 12–15; the 2026 amendment: 16). */
  child_consent_age: z.int().min(1).max(20).optional(),
});

/** A policy as stored and exchanged (defaults filled in). */
export type PolicyDocument = z.infer<typeof policyDocumentSchema>;
/** A policy as written in a file (defaults may be omitted). */
export type PolicyDocumentInput = z.input<typeof policyDocumentSchema>;
export type PolicyPurpose = PolicyDocument['purposes'][number];
export type PolicyJointUse = PolicyDocument['joint_uses'][number];
export type PolicyItem = PolicyDocument['items'][number];
export type PolicyDataSubject = PolicyDocument['data_subjects'][number];
export type PolicySystem = PolicyDocument['systems'][number];
export type PolicySystemTable = PolicySystem['tables'][number];

/** Fills in purpose codes so every stored document names them (identity across versions rests on codes). */
export function withPurposeCodes(doc: PolicyDocument): PolicyDocument {
  return { ...doc, purposes: doc.purposes.map((p) => ({ ...p, code: purposeCodeOf(p) })) };
}
