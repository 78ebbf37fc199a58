/**
 * The part of fontkit (pdfkit's own font engine, no published types) that mamori uses: parsing a font file once
 * so that every PDF of the process shares the parsed font. pdfkit accepts such a font object in `registerFont`.
 */
declare module 'fontkit' {
  export interface Font {
    readonly postscriptName: string;
    readonly familyName: string;
    /** Shapes `text`; `features` turns OpenType features on (`true`) or off (`false`). Absent on a collection. */
    layout(text: string, features?: Record<string, boolean> | string[]): unknown;
  }
  export interface FontCollection {
    readonly fonts: Font[];
  }
  /** Parses a font file; for a collection (`.ttc`) with `postscriptName`, the face of that name or null. */
  export function create(buffer: Uint8Array, postscriptName?: string): Font | FontCollection | null;
}
