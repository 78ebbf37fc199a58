/**
 * The Japanese font of mamori's PDFs: Noto Sans CJK JP, as Debian's `fonts-noto-cjk` installs it (a `.ttc`
 * collection holding the JP, SC, TC, HK and KR faces). `MAMORI_PDF_FONT` (and `MAMORI_PDF_FONT_BOLD`) point to
 * another file; otherwise the usual distribution paths are tried.
 *
 * The files are read and parsed once per process: parsing the 20 MB collection for each PDF costs more than
 * laying out a thousand table rows. pdfkit still embeds a fresh subset (only the glyphs used) in each document.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { create, type Font } from 'fontkit';

export interface PdfFonts {
  regular: Font;
  /** Headings; the regular face when no bold file is found. */
  bold: Font;
}

export interface FontFiles {
  regular: string;
  bold: string | null;
}

const REGULAR_NAME = 'NotoSansCJKjp-Regular';
const BOLD_NAME = 'NotoSansCJKjp-Bold';

/** Where Debian/Ubuntu (fonts-noto-cjk), Fedora (google-noto-sans-cjk-fonts) and Arch (noto-fonts-cjk) put it. */
const knownDirectories = ['/usr/share/fonts/opentype/noto', '/usr/share/fonts/google-noto-sans-cjk-fonts', '/usr/share/fonts/noto-cjk'];

/** The error a person installing mamori sees when no Japanese font is there: it says what to install. */
export function fontMissingError(looked: readonly string[]): Error {
  return new Error(
    `日本語フォント（Noto Sans CJK JP）が見つからないため、PDFを作成できません。` +
      `「apt-get install fonts-noto-cjk」でインストールするか、環境変数 MAMORI_PDF_FONT にフォントファイルのパスを指定してください。` +
      ` / The Japanese font (Noto Sans CJK JP) was not found, so no PDF can be made.` +
      ` Install it with \`apt-get install fonts-noto-cjk\`, or set MAMORI_PDF_FONT to the path of a font file.` +
      ` (探した場所 / looked in: ${looked.join(', ')})`,
  );
}

/**
 * The font files to use: `MAMORI_PDF_FONT` when set (it must exist: a wrong path is a configuration error, not
 * a reason to fall back silently), else the first known path that exists. Throws `fontMissingError`.
 */
export function locateFontFiles(env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync): FontFiles {
  const configured = env.MAMORI_PDF_FONT;
  if (configured) {
    if (!exists(configured)) throw fontMissingError([configured]);
    const bold = env.MAMORI_PDF_FONT_BOLD;
    return { regular: configured, bold: bold && exists(bold) ? bold : null };
  }
  const regular = knownDirectories.map((d) => `${d}/NotoSansCJK-Regular.ttc`);
  const found = regular.find((p) => exists(p));
  if (!found) throw fontMissingError(regular);
  const bold = found.replace('-Regular.ttc', '-Bold.ttc');
  return { regular: found, bold: exists(bold) ? bold : null };
}

/** The Japanese face of a file: a single font as it is, from a collection the JP face (by name, else the first). */
function japaneseFace(bytes: Uint8Array, postscriptName: string, path: string): Font {
  const parsed = create(bytes);
  if (parsed && 'layout' in parsed) return parsed;
  const named = create(bytes, postscriptName);
  if (named && 'layout' in named) return named;
  const face = parsed?.fonts.find((f) => /jp/i.test(f.postscriptName)) ?? parsed?.fonts[0];
  if (!face) throw new Error(`フォントファイルを読み込めません / Cannot read the font file: ${path}`);
  return face;
}

/**
 * Noto CJK's `ccmp` and `calt` lookups make shaping about eight times slower (measured: 1.2 s against 0.15 s for
 * 2,000 lines of Japanese) and change nothing in what a disclosure prints: precomposed kana, kanji, digits and
 * Latin shape to the same glyphs without them (they compose combining sound marks and join runs of dashes). So
 * the fonts mamori parses shape without them unless a caller names its own features. The font objects are ours
 * (parsed here, used only by the PDFs), so the method is replaced on the instance.
 */
const SKIPPED_FEATURES = { ccmp: false, calt: false };

function withFastShaping(font: Font): Font {
  const layout = font.layout.bind(font);
  font.layout = (text, features) => layout(text, features ?? SKIPPED_FEATURES);
  return font;
}

async function loadFonts(files: FontFiles): Promise<PdfFonts> {
  const regular = withFastShaping(japaneseFace(await readFile(files.regular), REGULAR_NAME, files.regular));
  const bold = files.bold ? withFastShaping(japaneseFace(await readFile(files.bold), BOLD_NAME, files.bold)) : regular;
  return { regular, bold };
}

let cached: Promise<PdfFonts> | undefined;

/** The parsed fonts, loaded on first use and kept for the life of the process. */
export function pdfFonts(): Promise<PdfFonts> {
  if (!cached) {
    cached = Promise.resolve()
      .then(() => loadFonts(locateFontFiles()))
      .catch((err: unknown) => {
        // Not cached: once the font is installed, the next PDF works without a restart.
        cached = undefined;
        throw err;
      });
  }
  return cached;
}
