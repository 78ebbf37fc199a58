/**
 * The disclosure package as a PDF (保有個人データ開示書): A4, in the person's language only (Japanese — never
 * Japanese and English joined; labels for coded values, times in Japan), in Noto
 * Sans CJK JP embedded as a subset so that the text can be searched and copied. Sections follow the package:
 * the data held, purposes, joint uses, consents, provision records, requests, the access log, safety measures
 * and the contact window; every page carries "n / N".
 */
import PDFDocument from 'pdfkit';
import { japaneseDate } from '../../base/japan-date.ts';
import type { Labelled } from '../../contract/labels.ts';
import { circledNumber } from '../../contract/policy-vocabulary.ts';
import { requestKindLabels } from '../../contract/requests.ts';
import { pdfFonts } from './fonts.ts';
import { consentModeLabels, itemValueLabels, labelOf, memberStatusLabels, purposeStatusLabels } from './labels.ts';
import {
  emptyOr,
  fields,
  heading,
  japanDateTime,
  japanDay,
  labelCell,
  type Names,
  namesOf,
  orDash,
  paragraph,
  prose,
  subheading,
} from './pdf-blocks.ts';
import { accessesSection, consentsSection, provisionsSection, requestsSection } from './pdf-records.ts';
import { type Cell, drawTable, FONT_BODY, FONT_BOLD, INK, MUTED } from './pdf-table.ts';
import type { DisclosurePackage } from './types.ts';

export const PDF_TITLE: Labelled = { ja: '保有個人データ開示書', en: 'Disclosure of retained personal data' };

const MARGIN = { top: 48, bottom: 52, left: 42, right: 42 };

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
      Title: PDF_TITLE.ja,
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

function titleBlock(doc: PDFKit.PDFDocument, pkg: DisclosurePackage): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  doc.font(FONT_BOLD).fontSize(20).fillColor(INK).text(PDF_TITLE.ja, left, doc.y, { width, align: 'center' });
  doc.y += 14;
  const org = pkg.organization;
  const { request, person } = pkg;
  const generated = japanDateTime(pkg.generated_at).slice(0, 10);
  const status = labelOf(memberStatusLabels, person.status);
  fields(doc, [
    [{ ja: 'ご本人', en: 'Person' }, `${person.name} 様\n組合員コード：${person.member_code}`],
    [{ ja: '作成者', en: 'Organization' }, [org.name, org.address, org.representative].filter(Boolean).join('\n')],
    [
      { ja: '請求番号', en: 'Request reference' },
      request
        ? `${request.reference}（${labelOf(requestKindLabels, request.kind).ja}）\n受付日：${japanDay(request.received_at)}`
        : '—（請求によらず作成）',
    ],
    [{ ja: '作成日', en: 'Date' }, japaneseDate(generated)],
    [{ ja: '適用した方針', en: 'Policy version' }, pkg.policy_version === null ? '—' : `第${pkg.policy_version}版`],
    [
      { ja: '状態', en: 'Status' },
      `${status.ja}${person.erased_at ? `\n削除日：${japanDay(person.erased_at)}（法令により保存する項目を除く）` : ''}`,
    ],
  ]);
  doc.y += 8;
  prose(doc, {
    ja: `${org.name}が保有するご本人（${person.name} 様）の個人データと、その利用・提供・アクセスの記録を、個人情報の保護に関する法律に基づき開示します。内容に誤りがある場合は訂正・追加・削除を、利用の停止を望まれる場合は利用停止を請求できます（9 お問い合わせ窓口）。`,
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
  if (value === null || value === '') return '（なし）';
  if (typeof value === 'number') return value.toLocaleString('ja-JP');
  const choice = itemValueLabels[code]?.[value];
  return choice ? labelCell(choice) : value;
}

function itemNotes(i: DisclosurePackage['items'][number]): Cell {
  const notes: Labelled[] = [];
  if (i.sensitive) notes.push({ ja: '要配慮個人情報', en: 'Special care-required' });
  if (i.retained_by_law) notes.push({ ja: '法令により保存', en: 'Retained by law' });
  if (notes.length === 0) return '';
  return notes.map((n) => n.ja).join('\n');
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
        circledNumber(p.number),
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
      subheading(doc, { ja: ju.name });
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

function safetySection(doc: PDFKit.PDFDocument, pkg: DisclosurePackage): void {
  heading(doc, 8, { ja: '安全管理措置', en: 'Safety measures' });
  emptyOr(doc, pkg.safety_measures, () => {
    for (const m of pkg.safety_measures) {
      subheading(doc, { ja: m.title });
      paragraph(doc, m.text, { size: 8.5 });
    }
  });
}

function contactSection(doc: PDFKit.PDFDocument, pkg: DisclosurePackage): void {
  // The window's details and the sentence below them are read together: kept on one page.
  heading(doc, 9, { ja: 'お問い合わせ窓口', en: 'Contact' }, 190);
  const c = pkg.contact;
  if (!c) {
    paragraph(doc, `${pkg.organization.name}までお問い合わせください。`, { size: 8.5 });
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
  paragraph(doc, 'この開示書の内容についてのご質問、訂正・利用停止などのご請求、苦情は、上の窓口で受け付けます。', { size: 8 });
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
    doc.text(PDF_TITLE.ja, margins.left, y, { lineBreak: false });
    doc.text(number, (width - doc.widthOfString(number)) / 2, y, { lineBreak: false });
    doc.text(ref, width - margins.right - doc.widthOfString(ref), y, { lineBreak: false });
  }
}
