/**
 * A synthetic disclosure package for tests, the demo and the benchmark: one fictitious member of the demo co-op
 * (デモ生活協同組合) with the demo policy's items, sixteen purposes and joint uses, a consent history, provision
 * records, requests, and an access log spread over five years. Deterministic: the same options give the same
 * package. No real person's data.
 */
import { demoPolicy } from '../demo/demo-policy.ts';
import { rng } from '../demo/synthetic.ts';
import { purposeCodeOf } from '../policy/document.ts';
import type { DisclosurePackage } from './types.ts';

export interface SyntheticPackageOptions {
  /** Access-log entries (default 120), spread over the five years before `generated_at`. */
  accesses?: number;
  /** Consent events (default 6). */
  consentEvents?: number;
  /** Requests (default 3); the first is the one the package answers. */
  requests?: number;
}

const GENERATED_AT = '2026-06-15T01:00:00.000Z';
const FIVE_YEARS_MS = 5 * 365.25 * 86_400_000;
const ORG = { code: 'demo-coop', name: 'デモ生活協同組合', name_en: 'Demo Consumer Co-operative' };
const KYOSAI = 'デモ共済生活協同組合連合会';

/** The member's values by item code. The address and bank are made up (見本町, 見本銀行). */
const values: Record<string, string | number | null> = {
  member_code: '1000123',
  name: '山田 花子',
  name_kana: 'ヤマダ ハナコ',
  gender: 'female',
  birth_date: '1978-04-12',
  postal_code: '980-0811',
  address: '宮城県仙台市青葉区見本町2丁目5-8 デモハイツ203号室',
  phone: '090-1234-5678',
  email: 'hanako.yamada@example.jp',
  bank_account: '見本銀行 仙台中央支店 普通 1234567',
  delivery_type: 'individual',
  join_date: '2005-04-01',
  leave_date: null,
  share_capital: 12000,
  status: 'active',
  note: '置き配希望（玄関前の宅配ボックス）。平日の日中は不在のことが多いため、ご連絡は夕方以降にお願いします。',
  purchase_history: '2021年4月〜2026年6月：宅配 262回、店舗 48回（明細は組合員ページで確認できます）',
  inquiries: '2025年11月 お届けした商品の破損についてのお申し出（交換済み）',
  coop_code: 'demo-coop',
  last_transfer_date: '2026-05-27',
  billing_amount: 8640,
};

/** Kept after a withdrawal: the member register (組合員名簿) the co-op law requires, and the share capital. */
const retainedByLaw = new Set(['member_code', 'name', 'address', 'join_date', 'leave_date', 'share_capital']);

/** Who reads the record and for which purposes, as the demo co-op's roles are granted (demo/seed.ts). */
const readers = [
  { organization: ORG.name, department: '宅配事業部', role: '宅配担当職員', purposes: ['P03', 'P04', 'P13'], weight: 5 },
  {
    organization: ORG.name,
    department: '機関運営部',
    role: '組合員サービス担当',
    purposes: ['P01', 'P02', 'P06', 'P07', 'P10', 'P11'],
    weight: 4,
  },
  { organization: ORG.name, department: '宅配事業部', role: '部門管理者', purposes: ['P02', 'P03', 'P04', 'P06', 'P13'], weight: 1 },
  { organization: ORG.name, department: '店舗事業部', role: '商品分析担当', purposes: ['P16'], weight: 1 },
  { organization: ORG.name, department: '機関運営部', role: '個人情報保護管理責任者', purposes: ['P01', 'P11'], weight: 1 },
  { organization: KYOSAI, department: '共済事業部', role: '共済担当職員', purposes: ['P14', 'P15'], weight: 2 },
];

/** A realistic package for 山田 花子 (synthetic) of デモ生活協同組合. */
export function syntheticPackage(opts: SyntheticPackageOptions = {}): DisclosurePackage {
  const policy = demoPolicy(ORG, 'demo-kyosai');
  const org = policy.organization;
  const purposeName = new Map(policy.purposes.map((p) => [purposeCodeOf(p), p.name]));
  const history = consentHistory(opts.consentEvents ?? 6);
  const consents = currentConsents(history, purposeName);
  const optedOut = new Set(consents.filter((c) => c.subject_kind === 'purpose' && c.state === 'opted_out').map((c) => c.subject_code));
  const purposes = policy.purposes.map((p) => {
    const code = purposeCodeOf(p);
    const mode = p.consent ?? 'none';
    return {
      code,
      number: p.number,
      name: p.name,
      items: p.items,
      consent_mode: mode,
      status: optedOut.has(code) ? 'opted_out' : 'in_use',
    };
  });
  // Reads for an opted-out purpose after the opt-out are refused by the access engine, and logged as such.
  const refusedSince = new Map(
    history
      .filter((e) => e.subject_kind === 'purpose' && optedOut.has(e.subject_code) && e.state === 'opted_out')
      .map((e) => [e.subject_code, e.at]),
  );
  return {
    format: 'mamori.disclosure/1',
    generated_at: GENERATED_AT,
    request: { reference: 'R2026-00012', kind: 'disclosure', received_at: '2026-06-01T00:30:00.000Z' },
    organization: { code: ORG.code, name: org.name, address: org.address ?? null, representative: org.representative ?? null },
    policy_version: 1,
    person: { member_code: String(values.member_code), name: String(values.name), status: 'active', erased_at: null },
    items: [
      ...policy.items.map((i) => ({
        code: i.code,
        label: { ja: i.name, en: i.name_en ?? i.name },
        value: values[i.code] ?? null,
        sensitive: i.sensitive,
        retained_by_law: retainedByLaw.has(i.code),
      })),
      // A care-required item (要配慮個人情報), as a welfare service holds one: the PDF marks it.
      {
        code: 'care_level',
        label: { ja: '要介護度（福祉サービスのお申し込み時）', en: 'Care level (given for welfare services)' },
        value: '要介護2',
        sensitive: true,
        retained_by_law: false,
      },
    ],
    purposes,
    joint_uses: policy.joint_uses.map((ju) => ({
      code: ju.code,
      name: ju.name,
      users: ju.users.map((u) => u.name),
      items: ju.items,
      purposes: ju.purposes,
      responsible: ju.responsible
        ? [ju.responsible.name, ju.responsible.address, ju.responsible.representative].filter(Boolean).join(' ')
        : null,
      starts_on: ju.starts_on ?? null,
    })),
    consents,
    consent_history: history,
    provision_records: [
      {
        direction: 'provided',
        occurred_on: '2024-10-08',
        counterparty: '見本市 地域包括支援センター',
        counterparty_address: '宮城県見本市中央1丁目1-1',
        counterparty_representative: 'センター長 見本 一郎（架空）',
        items: ['name', 'address', 'phone', 'care_level'],
        legal_basis: 'consent',
        acquisition: null,
      },
      {
        direction: 'provided',
        occurred_on: '2025-03-20',
        counterparty: '見本警察署',
        counterparty_address: '宮城県見本市北町3-2',
        counterparty_representative: null,
        items: ['name', 'purchase_history'],
        legal_basis: 'law',
        acquisition: null,
      },
      {
        direction: 'received',
        occurred_on: '2023-05-11',
        counterparty: '見本保険サービス株式会社',
        counterparty_address: '東京都見本区見本1-2-3',
        counterparty_representative: '代表取締役 見本 次郎（架空）',
        items: ['name', 'phone', 'birth_date'],
        legal_basis: 'consent',
        acquisition: '保険契約の申込時にご本人の同意を得て取得したもの',
      },
    ],
    requests: requests(opts.requests ?? 3),
    accesses: accesses(opts.accesses ?? 120, purposeName, refusedSince),
    safety_measures: safetyMeasures(policy.safety_measures),
    contact: policy.contact
      ? {
          name: policy.contact.department,
          phone: policy.contact.phone,
          email: policy.contact.email ?? 'privacy@demo-coop.example.jp',
          address: policy.contact.address ?? org.address ?? null,
          hours: policy.contact.hours ?? null,
        }
      : null,
  };
}

/** The subjects the member chose on, each with its states in turn; the last state of each is the current one. */
const consentSubjects = [
  { kind: 'purpose', code: 'P02', states: ['opted_out', 'granted'] },
  { kind: 'purpose', code: 'P16', states: ['granted', 'opted_out'] },
  { kind: 'third_party', code: 'with-consent', states: ['granted', 'withdrawn'] },
] as const;
const THIRD_PARTY_NAME = 'メンバー（組合員）及び役職員などが事前に同意・承諾した提供先';

function consentHistory(n: number): DisclosurePackage['consent_history'] {
  const r = rng(7);
  const sources = ['page', 'paper', 'phone', 'counter'];
  const start = Date.parse(GENERATED_AT) - FIVE_YEARS_MS;
  return Array.from({ length: n }, (_, i) => {
    const s = consentSubjects[i % consentSubjects.length]!;
    const source = sources[Math.floor(r() * sources.length)]!;
    return {
      at: new Date(start + ((i + r()) / n) * FIVE_YEARS_MS).toISOString(),
      subject_kind: s.kind,
      subject_code: s.code,
      state: s.states[Math.floor(i / consentSubjects.length) % 2]!,
      source,
      actor: source === 'page' ? '本人' : '職員',
      policy_version: 1,
    };
  });
}

/** The current state per subject: its last event, or (no history asked for) the first state on the join date. */
function currentConsents(history: DisclosurePackage['consent_history'], purposeName: Map<string, string>): DisclosurePackage['consents'] {
  return consentSubjects.map((s) => {
    const last = history.findLast((e) => e.subject_kind === s.kind && e.subject_code === s.code);
    return {
      subject_kind: s.kind,
      subject_code: s.code,
      subject_name: s.kind === 'purpose' ? purposeName.get(s.code)! : THIRD_PARTY_NAME,
      state: last?.state ?? s.states[0],
      updated_at: last?.at ?? '2005-04-01T00:00:00.000Z',
    };
  });
}

function accesses(n: number, names: Map<string, string>, refusedSince: Map<string, string>): DisclosurePackage['accesses'] {
  const r = rng(2026);
  const weighted = readers.flatMap((reader) => Array.from({ length: reader.weight }, () => reader));
  const start = Date.parse(GENERATED_AT) - FIVE_YEARS_MS;
  const entries = Array.from({ length: n }, () => {
    // Up to the day before the package is made, so that no access is later than the package.
    const t = start + r() * (FIVE_YEARS_MS - 86_400_000);
    const reader = weighted[Math.floor(r() * weighted.length)]!;
    const code = reader.purposes[Math.floor(r() * reader.purposes.length)]!;
    const roll = r();
    // Now and then a search (no purpose) or a change.
    const action = roll < 0.06 ? 'member.search' : roll < 0.1 ? 'member.update' : 'member.read';
    const since = refusedSince.get(code);
    const refused = action !== 'member.search' && since !== undefined && t > Date.parse(since);
    return {
      // Office hours in Japan (08:30–18:00 JST): the minute of the day is what varies.
      at: new Date(Math.floor(t / 86_400_000) * 86_400_000 + (-30 + Math.floor(r() * 570)) * 60_000).toISOString(),
      organization: reader.organization,
      department: reader.department,
      role: reader.role,
      action,
      purpose_code: action === 'member.search' ? null : code,
      purpose_name: action === 'member.search' ? null : (names.get(code) ?? null),
      outcome: refused ? 'refused' : action === 'member.update' ? 'ok' : 'allowed',
    };
  });
  return entries.sort((a, b) => a.at.localeCompare(b.at));
}

function requests(n: number): DisclosurePackage['requests'] {
  const kinds = ['disclosure', 'correction', 'cessation', 'provision_records', 'deletion', 'provision_cessation', 'safety_measures'];
  return Array.from({ length: n }, (_, i) => {
    const year = 2026 - i;
    const open = i === 0;
    // The first is the request this package answers (received on 1 June 2026); the others, one a year before.
    const received = open ? '2026-06-01T00:30:00.000Z' : `${year}-${String(1 + ((i * 5) % 12)).padStart(2, '0')}-10T01:15:00.000Z`;
    return {
      reference: `R${year}-${String(12 + i * 7).padStart(5, '0')}`,
      kind: kinds[i % kinds.length]!,
      state: open ? 'in_progress' : i % 4 === 3 ? 'refused' : 'answered',
      received_at: received,
      due_on: addDays(received, 14),
      answered_at: open ? null : new Date(Date.parse(received) + 9 * 86_400_000).toISOString(),
      reason: i % 4 === 3 ? '法令により保存が義務付けられている情報のため、削除には応じられません。' : null,
    };
  });
}

function addDays(at: string, days: number): string {
  return new Date(Date.parse(at) + days * 86_400_000).toISOString().slice(0, 10);
}

type PolicySafety = ReturnType<typeof demoPolicy>['safety_measures'];

/** The published measures, with physical and technical ones the demo co-op adds (the preset states none). */
function safetyMeasures(published: PolicySafety): DisclosurePackage['safety_measures'] {
  const joined = (paras: readonly string[] | undefined) => (paras ?? []).join('\n');
  return [
    { title: '組織的安全管理措置', text: joined(published?.organizational) },
    { title: '人的安全管理措置', text: joined(published?.human) },
    {
      title: '物理的安全管理措置',
      text: '個人データを取り扱う区域を限定し、入退室を管理しています。書類と記録媒体は施錠できる場所に保管し、廃棄するときは復元できない方法で行います。',
    },
    {
      title: '技術的安全管理措置',
      text: '個人データにアクセスできる職員を役割と利用目的ごとに限定し、すべてのアクセスを改ざんできない形で記録しています。通信と保存データは暗号化しています。',
    },
  ].filter((m) => m.text !== '');
}
