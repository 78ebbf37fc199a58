/**
 * The disclosure PDF read back with poppler, the way a person's viewer reads it: the Japanese font embedded as
 * a subset, the text extracted as Japanese (glyphs map back to Unicode), page 1 rendered to pixels, metadata,
 * "n / N" footers, and a 3,000-row access log whose header row repeats on every page and loses no row.
 *
 * Without the Japanese font these tests fail with the bilingual message of fonts.ts: a PDF that cannot be made
 * is a broken installation, not a reason to skip.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticPackage } from '../../../test/fixtures/disclosure.ts';
import { locateFontFiles } from './fonts.ts';
import { renderDisclosurePdf } from './pdf.ts';

const poppler = (tool: string, ...args: string[]) => execFileSync(`/usr/bin/${tool}`, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
const pageCount = (file: string) => Number(/^Pages:\s+(\d+)/m.exec(poppler('pdfinfo', file))![1]);
const pageText = (file: string, page: number) => poppler('pdftotext', '-layout', '-f', String(page), '-l', String(page), file, '-');

/** Page 1 rendered in grey at 50 dpi (PGM: a short text header, then one byte a pixel, 0 black to 255 white). */
function renderFirstPage(file: string, dir: string): { width: number; height: number; pixels: Buffer } {
  const prefix = join(dir, 'page1');
  poppler('pdftoppm', '-r', '50', '-gray', '-f', '1', '-l', '1', '-singlefile', file, prefix);
  const pgm = readFileSync(`${prefix}.pgm`);
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 40).toString('latin1'))!;
  const [width, height] = [Number(header[1]), Number(header[2])];
  const pixels = pgm.subarray(header[0].length);
  expect(pixels.length).toBe(width * height);
  return { width, height, pixels };
}

/** The share of dark pixels between two heights of the page, given as fractions (0 top, 1 bottom). */
function darkShare(page: { width: number; height: number; pixels: Buffer }, from: number, to: number): number {
  const band = page.pixels.subarray(Math.floor(page.height * from) * page.width, Math.floor(page.height * to) * page.width);
  let dark = 0;
  for (const v of band) if (v < 128) dark++;
  return dark / band.length;
}

describe('disclosure PDF', () => {
  let dir: string;
  let small: string;
  let big: string;
  const pkg = syntheticPackage();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mamori-pdf-'));
    small = join(dir, 'small.pdf');
    big = join(dir, 'big.pdf');
    writeFileSync(small, await renderDisclosurePdf(pkg));
    writeFileSync(big, await renderDisclosurePdf(syntheticPackage({ accesses: 3000 })));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('embeds Noto Sans CJK JP, regular and bold, as subsets with a Unicode map, and no other font', () => {
    const fonts = poppler('pdffonts', small)
      .split('\n')
      .slice(2)
      .filter((l) => l.trim() !== '');
    expect(fonts).toHaveLength(2);
    expect(fonts.join('\n')).toMatch(/\+NotoSansCJKjp-Regular\s+CID Type 0C\s+Identity-H\s+yes\s+yes\s+yes/);
    expect(fonts.join('\n')).toMatch(/\+NotoSansCJKjp-Bold\s+CID Type 0C\s+Identity-H\s+yes\s+yes\s+yes/);
  });

  it('extracts as Japanese text: title, person, organization, purposes, markers', () => {
    const text = poppler('pdftotext', small, '-');
    for (const expected of [
      '保有個人データ開示書',
      '山田 花子',
      'デモ生活協同組合',
      'R2026-00012',
      '商品のお届けまたはサービス提供のため',
      '⑯',
      '法令により保存',
      '要配慮個人情報',
      '共同利用',
      '第三者提供・受領の記録',
      '請求の履歴',
      'アクセス記録',
      '安全管理措置',
      'お問い合わせ窓口',
      '個人情報相談窓口：機関運営部',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('is in one language: Japanese only, never a "ja / en" pair, no English of mamori’s own', () => {
    const text = poppler('pdftotext', small, '-');
    for (const english of [
      'Disclosure of retained personal data',
      'Personal data held',
      'Access log',
      'Member code',
      '(continued)',
      'At (JST)',
    ]) {
      expect(text).not.toContain(english);
    }
    // Addressed to no one in particular: a guardian may have filed it for a child; it names whose data it is.
    expect(text).not.toContain('あなた');
    expect(text.replaceAll(/\s/g, '')).toMatch(/保有するご本人（.+様）の個人データ/);
    // Page numbers are "n / N"; no other slash joins two languages.
    expect(text.match(/[\u3040-\u30ff\u4e00-\u9fff）] \/ [A-Za-z]/g) ?? []).toEqual([]);
  });

  it('renders page 1 to dark text on white: the large title, text throughout, nothing in the top margin', () => {
    const page = renderFirstPage(small, dir);
    expect(darkShare(page, 0.05, 0.11)).toBeGreaterThan(0.02);
    expect(darkShare(page, 0, 1)).toBeGreaterThan(0.004);
    expect(darkShare(page, 0, 1)).toBeLessThan(0.3);
    expect(darkShare(page, 0, 0.04)).toBe(0);
  });

  it('carries the title, author and creation date as metadata', () => {
    const info = poppler('pdfinfo', '-isodates', small);
    expect(info).toMatch(/^Title:\s+保有個人データ開示書$/m);
    expect(info).toMatch(/^Author:\s+デモ生活協同組合$/m);
    expect(info).toMatch(/^CreationDate:\s+2026-06-15T01:00:00/m);
    expect(info).toMatch(/^Page size:\s+595\.28 x 841\.89 pts \(A4\)$/m);
  });

  it('numbers every page "n / N" in the footer', () => {
    const n = pageCount(small);
    expect(n).toBeGreaterThan(1);
    for (const page of [1, n]) {
      // -raw: in its layout modes pdftotext drops the narrow spaces around the slash.
      expect(poppler('pdftotext', '-raw', '-f', String(page), '-l', String(page), small, '-')).toContain(`${page} / ${n}`);
    }
  });

  it('keeps Japanese punctuation off the start of wrapped lines', () => {
    const lines = poppler('pdftotext', '-layout', big, '-').split('\n');
    // Each column of a layout line starts after two or more spaces.
    const starts = lines.flatMap((l) => l.split(/\s{2,}/)).map((cell) => cell.trim()[0]);
    expect(starts.filter((c) => c !== undefined && '、。）」'.includes(c))).toEqual([]);
    // The long name of ⑯ is wrapped in the access log's purpose column, not cut.
    expect(poppler('pdftotext', big, '-').replaceAll(/\s/g, '')).toContain(
      '⑯本人に関する行動、関心等の情報を分析し、本人の嗜好に沿った商品・サービスの提供のため',
    );
  });

  it('lays 3,000 access rows over many pages, repeating the header row, losing none', () => {
    const smallPages = pageCount(small);
    const bigPages = pageCount(big);
    expect(bigPages).toBeGreaterThan(smallPages + 50);
    // A page continues the consent history: its header row is repeated there.
    const continued = [2, 3, 4, 5, 6].map((n) => pageText(big, n)).find((t) => t.includes('同意・選択の履歴（続き）'));
    expect(continued).toBeDefined();
    expect(continued).toMatch(/日時\s+対象\s+状態\s+方法\s+操作した人\s+方針/);
    // Every page of the access log starts with its header row.
    const access = Array.from({ length: bigPages - 10 }, (_, i) => pageText(big, i + 8));
    for (const text of access) {
      expect(text).toContain('アクセス記録（続き）');
      expect(text).toMatch(/日時\s+組織\s+部署\s+役割\s+利用目的\s+操作\s+結果/);
      expect(text).not.toContain('Access log');
    }
    // Date-times (JST) appear once per access row, consent and consent event: none lost at a page break.
    const all = poppler('pdftotext', big, '-');
    const stamps = all.match(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/g) ?? [];
    expect(stamps).toHaveLength(3000 + pkg.consents.length + pkg.consent_history.length);
  });

  it('splits a cell taller than a page over the following pages, losing no line', async () => {
    const markers = Array.from({ length: 300 }, (_, i) => `【${String(i + 1).padStart(3, '0')}】`);
    const long = syntheticPackage();
    long.items.find((i) => i.code === 'inquiries')!.value = markers
      .map((m) => `${m}お届けした商品についてのお申し出を記録しました。`)
      .join('');
    const file = join(dir, 'long.pdf');
    writeFileSync(file, await renderDisclosurePdf(long));
    expect(pageCount(file)).toBeGreaterThanOrEqual(pageCount(small) + 3);
    expect(poppler('pdftotext', file, '-').match(/【\d{3}】/g)).toEqual(markers);
    expect([2, 3].map((n) => pageText(file, n)).join('\n')).toContain('保有している情報（続き）');
  });

  it('shows access times in Japan time', () => {
    const first = pkg.accesses[0]!;
    const jst = new Date(Date.parse(first.at) + 9 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
    expect(poppler('pdftotext', small, '-')).toContain(jst);
  });

  it('renders a choice nobody has made yet (an opt-out purpose in use by default, no time) with a dash', async () => {
    const untouched = { ...pkg, consents: pkg.consents.map((c) => ({ ...c, updated_at: '' })) };
    const file = join(dir, 'untouched.pdf');
    writeFileSync(file, await renderDisclosurePdf(untouched));
    expect(poppler('pdftotext', '-layout', file, '-')).toMatch(/同意・選択の状況[\s\S]*—/);
  });
});

describe('the Japanese font', () => {
  it('is found where Debian installs fonts-noto-cjk', () => {
    expect(locateFontFiles({})).toEqual({
      regular: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
      bold: '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc',
    });
  });

  it('comes from MAMORI_PDF_FONT when set', () => {
    const path = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
    expect(locateFontFiles({ MAMORI_PDF_FONT: path })).toEqual({ regular: path, bold: null });
  });

  it('when missing, says in Japanese and English what to install', () => {
    expect(() => locateFontFiles({}, () => false)).toThrow(
      /日本語フォント.*apt-get install fonts-noto-cjk.*Japanese font.*apt-get install fonts-noto-cjk/s,
    );
    expect(() => locateFontFiles({ MAMORI_PDF_FONT: '/nowhere/font.ttc' })).toThrow(/\/nowhere\/font\.ttc/);
  });
});
