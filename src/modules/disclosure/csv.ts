/**
 * The disclosure package as one CSV for spreadsheet users: one row per fact, with its section, so every
 * part of the package is in one file. UTF-8 with a BOM (Excel in Japan opens it correctly), CRLF lines; no
 * cell is ever evaluated as a formula (base/spreadsheet.ts).
 */
import { stringify } from 'csv-stringify/sync';
import { safeCell } from '../../base/spreadsheet.ts';
import type { DisclosurePackage } from './types.ts';

const header = ['区分 / section', '項目 / item', '値 / value', '日時 / at', '詳細 / detail'];

export function packageToCsv(pkg: DisclosurePackage): string {
  const rows: (string | number | null)[][] = [header];
  // Every text cell is neutralised (a member named `=cmd|…` stays text in Excel); numbers stay numbers.
  const add = (section: string, item: string, value: unknown, at: string | null = null, detail = '') =>
    rows.push(
      [section, item, value === null || value === undefined ? '' : typeof value === 'number' ? value : String(value), at ?? '', detail].map(
        safeCell,
      ),
    );
  add('開示 / disclosure', '組織 / organization', pkg.organization.name, pkg.generated_at, pkg.request?.reference ?? '');
  add('開示 / disclosure', '対象者 / person', `${pkg.person.member_code} ${pkg.person.name}`, null, pkg.person.status);
  for (const i of pkg.items) {
    add(
      '保有情報 / items',
      `${i.label.ja} / ${i.label.en}`,
      i.value,
      null,
      [i.sensitive ? '要配慮' : '', i.retained_by_law ? '法令により保存' : ''].filter(Boolean).join(' '),
    );
  }
  for (const p of pkg.purposes) add('利用目的 / purposes', `${p.number}. ${p.name}`, p.status, null, p.items.join(' '));
  for (const j of pkg.joint_uses)
    add(
      '共同利用 / joint use',
      j.name,
      j.users.join('、'),
      j.starts_on,
      `${j.items.join(' ')} | ${j.purposes.join(' ')} | ${j.responsible ?? ''}`,
    );
  for (const c of pkg.consents) add('同意 / consents', c.subject_name, c.state, c.updated_at || null, c.subject_code);
  for (const h of pkg.consent_history)
    add('同意の履歴 / consent history', h.subject_code, h.state, h.at, `${h.source} ${h.actor} v${h.policy_version ?? ''}`);
  for (const p of pkg.provision_records) {
    add(
      '第三者提供記録 / provision records',
      p.direction === 'provided' ? '提供 / provided' : '受領 / received',
      p.counterparty,
      p.occurred_on,
      `${p.items.join(' ')} | ${p.legal_basis}`,
    );
  }
  for (const r of pkg.requests) add('請求 / requests', r.reference, `${r.kind} ${r.state}`, r.received_at, r.reason ?? '');
  for (const a of pkg.accesses) {
    add(
      'アクセス記録 / accesses',
      a.action,
      a.outcome,
      a.at,
      [a.organization, a.department, a.role, a.purpose_code, a.purpose_name].filter(Boolean).join(' | '),
    );
  }
  for (const s of pkg.safety_measures) add('安全管理措置 / safety measures', s.title, s.text);
  if (pkg.contact) add('お問い合わせ / contact', pkg.contact.name, pkg.contact.phone, null, pkg.contact.email ?? '');
  return `\uFEFF${stringify(rows, { record_delimiter: '\r\n' })}`;
}
