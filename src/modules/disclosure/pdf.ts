/**
 * The disclosure package as a PDF (保有個人データ開示書): A4, Japanese first with the English beneath, in Noto
 * Sans CJK JP embedded as a subset so that the text can be searched and copied. Sections follow the package:
 * the data held, purposes, joint uses, consents, provision records, requests, the access log, safety measures
 * and the contact window; every page carries "n / N".
 */
import PDFDocument from 'pdfkit';
import { japaneseDate } from '../notices/japan-date.ts';
import { pdfFonts } from './fonts.ts';
import {
  accessActionLabels,
  consentModeLabels,
  consentSourceLabels,
  consentStateLabels,
  consentSubjectKindLabels,
  directionLabels,
  itemValueLabels,
  labelOf,
  legalBasisLabels,
  memberStatusLabels,
  outcomeLabels,
  purposeStatusLabels,
  requestKindLabels,
  requestStateLabels,
} from './labels.ts';
import { type Cell, drawTable, FONT_BODY, FONT_BOLD, INK, MUTED } from './pdf-table.ts';
import type { DisclosurePackage, Labelled } from './types.ts';

export const PDF_TITLE: Labelled = { ja: '保有個人データ開示書', en: 'Disclosure of retained personal data' };

const MARGIN = { top: 48, bottom: 52, left: 42, right: 42 };
const NONE: Labelled = { ja: '該当する記録はありません。', en: 'No records.' };
const JST_OFFSET_MS = 9 * 3600_000;

/** Renders `pkg` as a PDF. Throws the bilingual font error (fonts.ts) when no Japanese font is installed. */
export async function renderDisclosurePdf(pkg: DisclosurePackage): Promise<Buffer> {
  const fonts = await pdfFonts();
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    // No default Helvetica: every text is set in the Japanese font.
    font: '',
    lang: 'ja-JP',
    displayTitle: true,
    pdfVersion: '1.7',
    info: {
      Title: `${PDF_TITLE.ja} / ${PDF_TITLE.en}`,
      Author: pkg.organization.name,
      Subject: pkg.request ? pkg.request.reference : pkg.person.member_code,
      Creator: 'mamori',
      CreationDate: new Date(pkg.generated_at),
    },
  });
  const done = collect(doc);
  // The parsed fonts are shared by every document of the process (fonts.ts); pdfkit 0.20 takes a parsed
  // fontkit font where its published types still say file or bytes.
  doc.registerFont(FONT_BODY, fonts.regular as unknown as Uint8Array);
  doc.registerFont(FONT_BOLD, fonts.bold as unknown as Uint8Array);

  const names = namesOf(pkg);
  titleBlock(doc, pkg);
  itemsSection(doc, pkg);
  purposesSection(doc, pkg, names);
  jointUsesSection(doc, pkg, names);
  consentsSection(doc, pkg, names);
  provisionsSection(doc, pkg, names);
  requestsSection(doc, pkg);
  accessesSection(doc, pkg, names);
  safetySection(doc, pkg);
  contactSection(doc, pkg);
  pageFooters(doc, pkg);
  doc.end();
  return done;
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  doc.on('data', (c: Uint8Array) => chunks.push(c));
  return new Promise((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

/** Item labels and purpose numbers by code, for the sections that name items and purposes by code. */
interface Names {
  item(code: string): string;
  purpose(code: string | null, name?: string | null): string;
  subject(kind: string, code: string): string;
}

function namesOf(pkg: DisclosurePackage): Names {
  const items = new Map(pkg.items.map((i) => [i.code, i.label.ja]));
  const purposes = new Map(pkg.purposes.map((p) => [p.code, p]));
  const subjects = new Map(pkg.consents.map((c) => [`${c.subject_kind}:${c.subject_code}`, c.subject_name]));
  return {
    item: (code) => items.get(code) ?? code,
    purpose: (code, name) => {
      const p = code ? purposes.get(code) : undefined;
      if (p) return `${circled(p.number)} ${p.name}`;
      return name ?? code ?? '—';
    },
    subject: (kind, code) => {
      const p = kind === 'purpose' ? purposes.get(code) : undefined;
      if (p) return `${circled(p.number)} ${p.name}`;
      return subjects.get(`${kind}:${code}`) ?? code;
    },
  };
}

/** ①–⑳, ㉑–㊿ as published; beyond fifty, (51). */
export function circled(n: number): string {
  if (n >= 1 && n <= 20) return String.fromCodePoint(0x2460 + n - 1);
  if (n >= 21 && n <= 35) return String.fromCodePoint(0x3251 + n - 21);
  if (n >= 36 && n <= 50) return String.fromCodePoint(0x32b1 + n - 36);
  return `(${n})`;
}

/** `2026-06-15T01:05:00Z` → `2026-06-15 10:05` in Japan time (the log is read in the person's time). */
export function japanDateTime(at: string): string {
  return new Date(Date.parse(at) + JST_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

const japanDay = (at: string) => japaneseDate(japanDateTime(at).slice(0, 10));
const labelCell = (l: Labelled): Cell => ({ text: l.ja, sub: l.en });
const orDash = (v: string | null | undefined) => (v === null || v === undefined || v === '' ? '—' : v);

function paragraph(doc: PDFKit.PDFDocument, text: string, opts: { size?: number; color?: string; gap?: number } = {}): void {
  const left = doc.page.margins.left;
  doc
    .font(FONT_BODY)
    .fontSize(opts.size ?? 9)
    .fillColor(opts.color ?? INK)
    .text(text, left, doc.y, { width: doc.page.width - left - doc.page.margins.right, lineGap: 1.5 });
  doc.y += opts.gap ?? 4;
}

function bilingual(doc: PDFKit.PDFDocument, l: Labelled): void {
  paragraph(doc, l.ja, { gap: 0 });
  paragraph(doc, l.en, { size: 7.5, color: MUTED });
}

/**
 * A numbered heading, kept on one page with the first `keep` points of what follows it (by default the
 * heading itself, a table's header row and a few rows).
 */
function heading(doc: PDFKit.PDFDocument, n: number, l: Labelled, keep = 120): void {
  const left = doc.page.margins.left;
  const right = doc.page.width - doc.page.margins.right;
  if (doc.y + keep > doc.page.height - doc.page.margins.bottom) doc.addPage();
  else doc.y += 10;
  doc.font(FONT_BOLD).fontSize(12).fillColor(INK).text(`${n}　${l.ja}`, left, doc.y, { lineBreak: false });
  doc.y += doc.currentLineHeight(true);
  doc.font(FONT_BODY).fontSize(8).fillColor(MUTED).text(`${n}  ${l.en}`, left, doc.y, { lineBreak: false });
  doc.y += doc.currentLineHeight(true) + 2;
  doc.moveTo(left, doc.y).lineTo(right, doc.y).lineWidth(0.8).strokeColor(INK).stroke();
  doc.y += 5;
}

function subheading(doc: PDFKit.PDFDocument, l: { ja: string; en?: string | undefined }): void {
  const left = doc.page.margins.left;
  if (doc.y + 90 > doc.page.height - doc.page.margins.bottom) doc.addPage();
  else doc.y += 6;
  doc.font(FONT_BOLD).fontSize(9.5).fillColor(INK).text(l.ja, left, doc.y, { lineBreak: false });
  if (l.en) doc.font(FONT_BODY).fontSize(7.5).fillColor(MUTED).text(`  ${l.en}`, { lineBreak: false });
  doc.y += 16;
}

const fieldColumns = [
  { header: { ja: '項目', en: 'Field' }, weight: 1 },
  { header: { ja: '内容', en: 'Content' }, weight: 3 },
];

/** A list of labelled values, as a table without a header. */
function fields(doc: PDFKit.PDFDocument, rows: readonly [Labelled, string][]): void {
  drawTable(doc, { columns: fieldColumns, rows: rows.map(([l, v]) => [labelCell(l), v]), headless: true, boldFirstColumn: true });
}

function emptyOr<T>(doc: PDFKit.PDFDocument, list: readonly T[], draw: () => void): void {
  if (list.length === 0) paragraph(doc, `${NONE.ja} / ${NONE.en}`, { size: 8.5, color: MUTED });
  else draw();
}

function titleBlock(doc: PDFKit.PDFDocument, pkg: DisclosurePackage): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  doc.font(FONT_BOLD).fontSize(20).fillColor(INK).text(PDF_TITLE.ja, left, doc.y, { width, align: 'center' });
  doc.font(FONT_BODY).fontSize(10).fillColor(MUTED).text(PDF_TITLE.en, left, doc.y, { width, align: 'center' });
  doc.y += 14;
  const org = pkg.organization;
  const { request, person } = pkg;
  const generated = japanDateTime(pkg.generated_at).slice(0, 10);
  const status = labelOf(memberStatusLabels, person.status);
  fields(doc, [
    [{ ja: 'ご本人', en: 'Person' }, `${person.name} 様\n組合員コード / Member code: ${person.member_code}`],
    [{ ja: '作成者', en: 'Organization' }, [org.name, org.address, org.representative].filter(Boolean).join('\n')],
    [
      { ja: '請求番号', en: 'Request reference' },
      request
        ? `${request.reference}（${labelOf(requestKindLabels, request.kind).ja} / ${labelOf(requestKindLabels, request.kind).en}）\n受付日 / Received: ${japanDay(request.received_at)}`
        : '—（請求によらず作成 / made without a request）',
    ],
    [{ ja: '作成日', en: 'Date' }, `${japaneseDate(generated)} / ${generated}`],
    [
      { ja: '適用した方針', en: 'Policy version' },
      pkg.policy_version === null ? '—' : `第${pkg.policy_version}版 / version ${pkg.policy_version}`,
    ],
    [
      { ja: '状態', en: 'Status' },
      `${status.ja} / ${status.en}${person.erased_at ? `\n削除日 / Erased on: ${japanDay(person.erased_at)}（法令により保存する項目を除く / except items kept by law）` : ''}`,
    ],
  ]);
  doc.y += 8;
  bilingual(doc, {
    ja: `${org.name}が保有するあなたの個人データと、その利用・提供・アクセスの記録を、個人情報の保護に関する法律に基づき開示します。内容に誤りがある場合は訂正・追加・削除を、利用の停止を望まれる場合は利用停止を請求できます（9 お問い合わせ窓口）。`,
    en: `Under the Act on the Protection of Personal Information, ${org.name} discloses the personal data it holds about you and the records of its use, provision and access. If anything is wrong you may ask for it to be corrected, added to or deleted, and you may ask for its use to stop (see 9, Contact).`,
  });
}

function itemsSection(doc: PDFKit.PDFDocument, pkg: DisclosurePackage): void {
  heading(doc, 1, { ja: '保有している情報', en: 'Personal data held' });
  emptyOr(doc, pkg.items, () =>
    drawTable(doc, {
      columns: [
        { header: { ja: '項目', en: 'Item' }, weight: 1.3 },
        { header: { ja: '値', en: 'Value' }, weight: 2.8 },
        { header: { ja: '区分', en: 'Notes' }, weight: 1.1 },
      ],
      continued: { ja: '保有している情報（続き）', en: 'Personal data held (continued)' },
      rows: pkg.items.map((i) => [labelCell(i.label), itemValue(i.code, i.value), itemNotes(i)]),
    }),
  );
}

function itemValue(code: string, value: string | number | null): Cell {
  if (value === null || value === '') return { text: '（なし）', sub: 'none' };
  if (typeof value === 'number') return value.toLocaleString('ja-JP');
  const choice = itemValueLabels[code]?.[value];
  return choice ? labelCell(choice) : value;
}

function itemNotes(i: DisclosurePackage['items'][number]): Cell {
  const notes: Labelled[] = [];
  if (i.sensitive) notes.push({ ja: '要配慮個人情報', en: 'Special care-required' });
  if (i.retained_by_law) notes.push({ ja: '法令により保存', en: 'Retained by law' });
  if (notes.length === 0) return '';
  return { text: notes.map((n) => n.ja).join('\n'), sub: notes.map((n) => n.en).join(', ') };
}

function purposesSection(doc: PDFKit.PDFDocument, pkg: DisclosurePackage, names: Names): void {
  heading(doc, 2, { ja: '利用目的', en: 'Purposes of use' });
  emptyOr(doc, pkg.purposes, () =>
    drawTable(doc, {
      columns: [
        { header: { ja: '番号', en: 'No.' }, weight: 0.35 },
        { header: { ja: '利用目的', en: 'Purpose' }, weight: 2.2 },
        { header: { ja: '利用する項目', en: 'Items used' }, weight: 2.3 },
        { header: { ja: '同意', en: 'Consent' }, weight: 0.9 },
        { header: { ja: '状況', en: 'Status' }, weight: 0.9 },
      ],
      continued: { ja: '利用目的（続き）', en: 'Purposes of use (continued)' },
      rows: pkg.purposes.map((p) => [
        circled(p.number),
        p.name,
        p.items.map(names.item).join('、'),
        labelCell(labelOf(consentModeLabels, p.consent_mode)),
        labelCell(labelOf(purposeStatusLabels, p.status)),
      ]),
    }),
  );
}

function jointUsesSection(doc: PDFKit.PDFDocument, pkg: DisclosurePackage, names: Names): void {
  heading(doc, 3, { ja: '共同利用', en: 'Joint use' });
  emptyOr(doc, pkg.joint_uses, () => {
    for (const ju of pkg.joint_uses) {
      subheading(doc, { ja: ju.name, en: ju.code });
      fields(doc, [
        [{ ja: '共同して利用する者', en: 'Joint users' }, ju.users.join('\n')],
        [{ ja: '共同して利用する項目', en: 'Items' }, ju.items.map(names.item).join('、')],
        [{ ja: '利用目的', en: 'Purposes' }, ju.purposes.map((code) => names.purpose(code)).join('\n')],
        [{ ja: '管理に責任を有する者', en: 'Responsible' }, orDash(ju.responsible)],
        [{ ja: '開始日', en: 'Since' }, ju.starts_on ? japaneseDate(ju.starts_on) : '—'],
      ]);
    }
  });
}

function consentsSection(doc: PDFKit.PDFDocument, pkg: DisclosurePackage, names: Names): void {
  heading(doc, 4, { ja: '同意・選択の状況', en: 'Consents and choices' });
  emptyOr(doc, pkg.consents, () =>
    drawTable(doc, {
      columns: [
        { header: { ja: '対象', en: 'Subject' }, weight: 3 },
        { header: { ja: '現在の状態', en: 'Current state' }, weight: 1.2 },
        { header: { ja: '更新日時', en: 'Updated (JST)' }, weight: 1 },
      ],
      rows: pkg.consents.map((c) => [
        { text: names.subject(c.subject_kind, c.subject_code), sub: labelOf(consentSubjectKindLabels, c.subject_kind).en },
        labelCell(labelOf(consentStateLabels, c.state)),
        japanDateTime(c.updated_at),
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

function provisionsSection(doc: PDFKit.PDFDocument, pkg: DisclosurePackage, names: Names): void {
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
        japaneseDate(r.occurred_on),
        labelCell(labelOf(directionLabels, r.direction)),
        {
          text: r.counterparty,
          sub: [r.counterparty_address, r.counterparty_representative].filter(Boolean).join(' ') || null,
        },
        r.items.map(names.item).join('、'),
        labelCell(labelOf(legalBasisLabels, r.legal_basis)),
        orDash(r.acquisition),
      ]),
    }),
  );
}

function requestsSection(doc: PDFKit.PDFDocument, pkg: DisclosurePackage): void {
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

function accessesSection(doc: PDFKit.PDFDocument, pkg: DisclosurePackage, names: Names): void {
  heading(doc, 7, { ja: 'アクセス記録', en: 'Access log' });
  paragraph(
    doc,
    'あなたの情報を、いつ、どの組織・部署・役割の職員が、どの利用目的で扱ったかの記録です（職員の氏名は記載していません）。日時は日本時間です。\nWho handled your data, when, and for which purpose: organization, department and role (staff names are not shown). Times are Japan time.',
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

function safetySection(doc: PDFKit.PDFDocument, pkg: DisclosurePackage): void {
  heading(doc, 8, { ja: '安全管理措置', en: 'Safety measures' });
  emptyOr(doc, pkg.safety_measures, () => {
    for (const m of pkg.safety_measures) {
      subheading(doc, { ja: m.title, en: safetyTitlesEn[m.title] });
      paragraph(doc, m.text, { size: 8.5 });
    }
  });
}

/** The English of the four kinds of measure the guidelines name; a policy's own titles stay Japanese only. */
const safetyTitlesEn: Record<string, string> = {
  組織的安全管理措置: 'Organizational measures',
  人的安全管理措置: 'Human measures',
  物理的安全管理措置: 'Physical measures',
  技術的安全管理措置: 'Technical measures',
  外的環境の把握: 'Understanding the external environment',
};

function contactSection(doc: PDFKit.PDFDocument, pkg: DisclosurePackage): void {
  // The window's details and the sentence below them are read together: kept on one page.
  heading(doc, 9, { ja: 'お問い合わせ窓口', en: 'Contact' }, 190);
  const c = pkg.contact;
  if (!c) {
    paragraph(doc, `${pkg.organization.name}までお問い合わせください。 / Please contact ${pkg.organization.name}.`, { size: 8.5 });
    return;
  }
  fields(
    doc,
    (
      [
        [{ ja: '窓口', en: 'Office' }, c.name],
        [{ ja: '電話', en: 'Phone' }, c.phone],
        [{ ja: 'メール', en: 'E-mail' }, c.email],
        [{ ja: '所在地', en: 'Address' }, c.address],
        [{ ja: '受付時間', en: 'Hours' }, c.hours],
      ] as [Labelled, string | null][]
    ).filter((r): r is [Labelled, string] => Boolean(r[1])),
  );
  doc.y += 6;
  paragraph(
    doc,
    'この開示書の内容についてのご質問、訂正・利用停止などのご請求、苦情は、上の窓口で受け付けます。\nQuestions about this disclosure, requests for correction or cessation, and complaints are handled by the office above.',
    { size: 8 },
  );
}

/** "n / N" on every page, with the title and the reference, drawn once the number of pages is known. */
function pageFooters(doc: PDFKit.PDFDocument, pkg: DisclosurePackage): void {
  const range = doc.bufferedPageRange();
  const ref = pkg.request ? pkg.request.reference : pkg.person.member_code;
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    const { width, height, margins } = doc.page;
    const y = height - margins.bottom + 18;
    doc.font(FONT_BODY).fontSize(7).fillColor(MUTED);
    const number = `${i + 1} / ${range.count}`;
    // Drawn without a width: pdfkit's line wrapper would start a new page below the bottom margin.
    doc.text(`${PDF_TITLE.ja} / ${PDF_TITLE.en}`, margins.left, y, { lineBreak: false });
    doc.text(number, (width - doc.widthOfString(number)) / 2, y, { lineBreak: false });
    doc.text(ref, width - margins.right - doc.widthOfString(ref), y, { lineBreak: false });
  }
}
