/**
 * The record sections of the disclosure PDF: consents and their history, provision records, requests and the
 * access log — the parts that grow with the years, as tables that run over as many pages as they need.
 */
import { japaneseDate } from '../../base/japan-date.ts';
import { requestKindLabels } from '../../contract/requests.ts';
import {
  accessActionLabels,
  consentSourceLabels,
  consentStateLabels,
  consentSubjectKindLabels,
  directionLabels,
  labelOf,
  legalBasisLabels,
  outcomeLabels,
  requestStateLabels,
} from './labels.ts';
import { emptyOr, heading, japanDateTime, japanDay, labelCell, type Names, orDash, paragraph, subheading } from './pdf-blocks.ts';
import { type Cell, drawTable } from './pdf-table.ts';
import type { DisclosurePackage } from './types.ts';

/** 4: the current consents and choices, then every change of them. */
export function consentsSection(doc: PDFKit.PDFDocument, pkg: DisclosurePackage, names: Names): void {
  heading(doc, 4, { ja: '同意・選択の状況', en: 'Consents and choices' });
  emptyOr(doc, pkg.consents, () =>
    drawTable(doc, {
      columns: [
        { header: { ja: '対象', en: 'Subject' }, weight: 3 },
        { header: { ja: '現在の状態', en: 'Current state' }, weight: 1.2 },
        { header: { ja: '更新日時', en: 'Updated (JST)' }, weight: 1 },
      ],
      rows: pkg.consents.map((c) => [
        { text: names.subject(c.subject_kind, c.subject_code), sub: labelOf(consentSubjectKindLabels, c.subject_kind).ja },
        labelCell(labelOf(consentStateLabels, c.state)),
        // A choice nobody has made yet (an opt-out purpose in use by default) has no time.
        c.updated_at ? japanDateTime(c.updated_at) : '—',
      ]),
    }),
  );
  subheading(doc, { ja: '同意・選択の履歴', en: 'History of consents and choices' });
  emptyOr(doc, pkg.consent_history, () =>
    drawTable(doc, {
      columns: [
        { header: { ja: '日時', en: 'At (JST)' }, weight: 1 },
        { header: { ja: '対象', en: 'Subject' }, weight: 2.2 },
        { header: { ja: '状態', en: 'State' }, weight: 1.2 },
        { header: { ja: '方法', en: 'How' }, weight: 0.8 },
        { header: { ja: '操作した人', en: 'By' }, weight: 0.7 },
        { header: { ja: '方針', en: 'Policy' }, weight: 0.5 },
      ],
      continued: { ja: '同意・選択の履歴（続き）', en: 'History of consents and choices (continued)' },
      rows: pkg.consent_history.map((e) => [
        japanDateTime(e.at),
        names.subject(e.subject_kind, e.subject_code),
        labelCell(labelOf(consentStateLabels, e.state)),
        labelCell(labelOf(consentSourceLabels, e.source)),
        e.actor,
        e.policy_version === null ? '—' : `第${e.policy_version}版`,
      ]),
    }),
  );
}

/** 5: the records of provision to third parties and of receipt from them (APPI Arts. 29, 30). */
export function provisionsSection(doc: PDFKit.PDFDocument, pkg: DisclosurePackage, names: Names): void {
  heading(doc, 5, { ja: '第三者提供・受領の記録', en: 'Records of provision to and receipt from third parties' });
  emptyOr(doc, pkg.provision_records, () =>
    drawTable(doc, {
      columns: [
        { header: { ja: '年月日', en: 'Date' }, weight: 1 },
        { header: { ja: '区分', en: 'Direction' }, weight: 0.6 },
        { header: { ja: '相手方', en: 'Counterparty' }, weight: 2.1 },
        { header: { ja: '項目', en: 'Items' }, weight: 1.6 },
        { header: { ja: '根拠', en: 'Basis' }, weight: 1.2 },
        { header: { ja: '取得の経緯', en: 'How obtained' }, weight: 1.2 },
      ],
      continued: { ja: '第三者提供・受領の記録（続き）', en: 'Provision records (continued)' },
      rows: pkg.provision_records.map((r) => [
        r.continuous
          ? { text: japaneseDate(r.continuous.first_on), sub: `継続的提供 〜${japaneseDate(r.continuous.last_on)}` }
          : japaneseDate(r.occurred_on),
        labelCell(labelOf(directionLabels, r.direction)),
        {
          text: r.counterparty,
          sub: [r.counterparty_address, r.counterparty_representative].filter(Boolean).join(' ') || null,
        },
        r.items.map(names.item).join('、'),
        r.direction === 'received' ? '—' : labelCell(labelOf(legalBasisLabels, r.legal_basis)),
        orDash(r.acquisition),
      ]),
    }),
  );
}

/** 6: the person's requests, this one included. */
export function requestsSection(doc: PDFKit.PDFDocument, pkg: DisclosurePackage): void {
  heading(doc, 6, { ja: '請求の履歴', en: 'Requests' });
  emptyOr(doc, pkg.requests, () =>
    drawTable(doc, {
      columns: [
        { header: { ja: '受付番号', en: 'Reference' }, weight: 0.9 },
        { header: { ja: '種類', en: 'Kind' }, weight: 1.3 },
        { header: { ja: '状態', en: 'State' }, weight: 0.9 },
        { header: { ja: '受付日', en: 'Received' }, weight: 1 },
        { header: { ja: '期限', en: 'Due' }, weight: 1 },
        { header: { ja: '回答日', en: 'Answered' }, weight: 1 },
        { header: { ja: '理由など', en: 'Reason' }, weight: 1.5 },
      ],
      continued: { ja: '請求の履歴（続き）', en: 'Requests (continued)' },
      rows: pkg.requests.map((r) => [
        r.reference,
        labelCell(labelOf(requestKindLabels, r.kind)),
        labelCell(labelOf(requestStateLabels, r.state)),
        japanDay(r.received_at),
        japaneseDate(r.due_on),
        r.answered_at ? japanDay(r.answered_at) : '—',
        orDash(r.reason),
      ]),
    }),
  );
}

/** 7: who handled the record, when and for which purpose; thousands of rows over as many pages. */
export function accessesSection(doc: PDFKit.PDFDocument, pkg: DisclosurePackage, names: Names): void {
  heading(doc, 7, { ja: 'アクセス記録', en: 'Access log' });
  paragraph(
    doc,
    'ご本人の情報を、いつ、どの組織・部署・役割の職員が、どの利用目的で扱ったかの記録です（職員の氏名は記載していません）。日時は日本時間です。',
    { size: 8 },
  );
  emptyOr(doc, pkg.accesses, () =>
    drawTable(doc, {
      columns: [
        { header: { ja: '日時', en: 'At (JST)' }, weight: 1.05 },
        { header: { ja: '組織', en: 'Organization' }, weight: 1.35 },
        { header: { ja: '部署', en: 'Department' }, weight: 0.9 },
        { header: { ja: '役割', en: 'Role' }, weight: 1.25 },
        { header: { ja: '利用目的', en: 'Purpose' }, weight: 2.45 },
        { header: { ja: '操作', en: 'Action' }, weight: 0.5 },
        { header: { ja: '結果', en: 'Result' }, weight: 0.5 },
      ],
      continued: { ja: 'アクセス記録（続き）', en: 'Access log (continued)' },
      rows: accessRows(pkg, names),
    }),
  );
}

function* accessRows(pkg: DisclosurePackage, names: Names): Generator<Cell[]> {
  for (const a of pkg.accesses) {
    yield [
      japanDateTime(a.at),
      a.organization,
      orDash(a.department),
      orDash(a.role),
      names.purpose(a.purpose_code, a.purpose_name),
      labelOf(accessActionLabels, a.action).ja,
      labelOf(outcomeLabels, a.outcome).ja,
    ];
  }
}
