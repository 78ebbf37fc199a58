/**
 * The disclosure package as rows a person reads, in one language (Japanese unless the person chose English):
 * one row per fact, with its section, the item's name, the value in words (coded values through labels.ts),
 * the time in Japan and the details. The CSV writes exactly these rows, and the office's preview before
 * approval shows them, so the preview is the package the person receives.
 */
import type { Labelled } from '../../contract/labels.ts';
import { requestKindLabels } from '../../contract/requests.ts';
import {
  accessActionLabels,
  consentSourceLabels,
  consentStateLabels,
  directionLabels,
  itemValueLabels,
  labelOf,
  legalBasisLabels,
  memberStatusLabels,
  outcomeLabels,
  purposeStatusLabels,
  requestStateLabels,
} from './labels.ts';
import { japanDateTime, namesOf } from './pdf-blocks.ts';
import type { DisclosurePackage } from './types.ts';

export type PackageLanguage = 'ja' | 'en';

export type PackageSection =
  | 'disclosure'
  | 'items'
  | 'systems'
  | 'purposes'
  | 'joint_uses'
  | 'consents'
  | 'consent_history'
  | 'provision_records'
  | 'requests'
  | 'accesses'
  | 'safety_measures'
  | 'contact';

export const sectionLabels: Record<PackageSection, Labelled> = {
  disclosure: { ja: '開示', en: 'Disclosure' },
  items: { ja: '保有情報', en: 'Items held' },
  systems: { ja: '他のシステムで保有する情報', en: 'Held in other systems' },
  purposes: { ja: '利用目的', en: 'Purposes of use' },
  joint_uses: { ja: '共同利用', en: 'Joint use' },
  consents: { ja: '同意', en: 'Consents' },
  consent_history: { ja: '同意の履歴', en: 'Consent history' },
  provision_records: { ja: '第三者提供記録', en: 'Provision records' },
  requests: { ja: '請求', en: 'Requests' },
  accesses: { ja: 'アクセス記録', en: 'Access log' },
  safety_measures: { ja: '安全管理措置', en: 'Safety measures' },
  contact: { ja: 'お問い合わせ', en: 'Contact' },
};

export const columnLabels: Labelled[] = [
  { ja: '区分', en: 'Section' },
  { ja: '項目', en: 'Item' },
  { ja: '値', en: 'Value' },
  { ja: '日時', en: 'At' },
  { ja: '詳細', en: 'Detail' },
];

export interface PackageRow {
  section: PackageSection;
  /** The section's name in the package's language. */
  sectionLabel: string;
  item: string;
  /** Text, or a number kept numeric (share capital, amounts). */
  value: string | number;
  /** A time in Japan (`2026-06-15 10:05`) or a calendar date (`2026-06-15`); empty when none. */
  at: string;
  detail: string;
}

const consentActorLabels: Record<string, Labelled> = {
  本人: { ja: '本人', en: 'The person' },
  保護者: { ja: '保護者', en: 'Guardian' },
  職員: { ja: '職員', en: 'Staff' },
  ご請求による: { ja: 'ご請求による', en: 'By request' },
};

/** The rows of `pkg`, in order of the sections, in `lang`. */
export function packageRows(pkg: DisclosurePackage, lang: PackageLanguage = 'ja'): PackageRow[] {
  const w = (l: Labelled) => l[lang];
  const names = namesOf(pkg);
  const item = (code: string) => (lang === 'ja' ? names.item(code) : (pkg.items.find((i) => i.code === code)?.label.en ?? code));
  const sep = lang === 'ja' ? '、' : ', ';
  const at = (iso: string | null | undefined) => (iso ? japanDateTime(iso) : '');
  const rows: PackageRow[] = [];
  const add = (section: PackageSection, name: string, value: unknown, when = '', detail = '') =>
    rows.push({
      section,
      sectionLabel: w(sectionLabels[section]),
      item: name,
      value: value === null || value === undefined ? '' : typeof value === 'number' ? value : String(value),
      at: when,
      detail,
    });

  const yes = (l: Labelled) => w(l);
  add(
    'disclosure',
    w({ ja: '組織', en: 'Organization' }),
    pkg.organization.name,
    at(pkg.generated_at),
    pkg.request ? `${pkg.request.reference}（${w(labelOf(requestKindLabels, pkg.request.kind))}）` : '',
  );
  add(
    'disclosure',
    w({ ja: 'ご本人', en: 'Person' }),
    `${pkg.person.member_code} ${pkg.person.name}`,
    '',
    w(labelOf(memberStatusLabels, pkg.person.status)),
  );
  for (const i of pkg.items) {
    const coded = itemValueLabels[i.code];
    const value = typeof i.value === 'string' && coded?.[i.value] ? w(coded[i.value]!) : i.value;
    const notes = [
      i.sensitive ? yes({ ja: '要配慮個人情報', en: 'Special care-required' }) : '',
      i.retained_by_law ? yes({ ja: '法令により保存', en: 'Kept by law' }) : '',
    ].filter(Boolean);
    add('items', w(i.label), value, '', notes.join(sep));
  }
  // The connected systems' rows, under each system's name: one row per row found, its columns as `name: value`.
  for (const sys of pkg.systems ?? []) {
    for (const t of sys.tables) {
      for (const r of t.rows) {
        const cells = Object.entries(r)
          .filter(([, v]) => v !== null && v !== '')
          .map(([k, v]) => `${k}: ${v}`);
        add('systems', `${sys.name}（${t.table}）`, cells.join(sep), '', `${t.key}: ${r[t.key] ?? ''}`);
      }
    }
  }
  for (const p of pkg.purposes) {
    add('purposes', `${p.number}. ${p.name}`, w(labelOf(purposeStatusLabels, p.status)), '', p.items.map(item).join(sep));
  }
  for (const j of pkg.joint_uses) {
    add(
      'joint_uses',
      j.name,
      j.users.join(sep),
      j.starts_on ?? '',
      [j.items.map(item).join(sep), j.purposes.map((c) => names.purpose(c)).join(sep), j.responsible ?? ''].filter(Boolean).join(' | '),
    );
  }
  for (const c of pkg.consents) {
    add('consents', names.subject(c.subject_kind, c.subject_code), w(labelOf(consentStateLabels, c.state)), at(c.updated_at));
  }
  for (const h of pkg.consent_history) {
    const version = h.policy_version === null ? '' : lang === 'ja' ? `第${h.policy_version}版` : `version ${h.policy_version}`;
    add(
      'consent_history',
      names.subject(h.subject_kind, h.subject_code),
      w(labelOf(consentStateLabels, h.state)),
      at(h.at),
      [w(labelOf(consentSourceLabels, h.source)), w(labelOf(consentActorLabels, h.actor)), version].filter(Boolean).join(' '),
    );
  }
  for (const p of pkg.provision_records) {
    add(
      'provision_records',
      w(labelOf(directionLabels, p.direction)),
      p.counterparty,
      p.occurred_on,
      // A receipt (Art. 30) has no basis of provision of the co-op's own: its items alone.
      [p.items.map(item).join(sep), ...(p.direction === 'received' ? [] : [w(labelOf(legalBasisLabels, p.legal_basis))])].join(' | '),
    );
  }
  for (const r of pkg.requests) {
    add(
      'requests',
      r.reference,
      `${w(labelOf(requestKindLabels, r.kind))} ${w(labelOf(requestStateLabels, r.state))}`,
      at(r.received_at),
      r.reason ?? '',
    );
  }
  for (const a of pkg.accesses) {
    add(
      'accesses',
      w(labelOf(accessActionLabels, a.action)),
      w(labelOf(outcomeLabels, a.outcome)),
      at(a.at),
      [a.organization, a.department, a.role, a.purpose_code ? names.purpose(a.purpose_code, a.purpose_name) : null]
        .filter(Boolean)
        .join(' | '),
    );
  }
  for (const s of pkg.safety_measures) add('safety_measures', s.title, s.text);
  if (pkg.contact) add('contact', pkg.contact.name, pkg.contact.phone, '', pkg.contact.email ?? '');
  return rows;
}
