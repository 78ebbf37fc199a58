/**
 * Splitting a chunk's text into CSV records, as csv-parse reads them with `csvParseOptions` (a record ends
 * with LF or CRLF outside quotes; a quote opens a quoted field only at the field's start, elsewhere it is an
 * ordinary character; `""` inside quotes is one quote), about six times faster: most lines of a member file
 * have no quote at all and are cut with `split`. Anything this reader does not cover — a quote left open, or
 * text after a closing quote — returns null, and the caller lets csv-parse read the chunk (and report it).
 */

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

export interface CsvRecords {
  records: string[][];
  /** Per record, the number of line feeds before it in the text (its line, counted from 0). */
  lines: number[];
}

/** The records of `text` (whole records, as a chunk holds them), or null when csv-parse must decide. */
export function readCsvRecords(text: string, delimiter: string): CsvRecords | null {
  const records: string[][] = [];
  const lines: number[] = [];
  const end = text.length;
  const delim = delimiter.charCodeAt(0);
  let pos = 0;
  let line = 0;
  let nextQuote = text.indexOf('"');
  while (pos < end) {
    let lf = text.indexOf('\n', pos);
    if (lf === -1) lf = end;
    if (nextQuote !== -1 && nextQuote < pos) nextQuote = text.indexOf('"', pos);
    lines.push(line);
    if (nextQuote === -1 || nextQuote > lf) {
      // No quote on this line: its fields are the text between delimiters.
      const stop = lf < end && lf > pos && text.charCodeAt(lf - 1) === CR ? lf - 1 : lf;
      records.push(text.slice(pos, stop).split(delimiter));
      pos = lf + 1;
      line++;
      continue;
    }
    const record: string[] = [];
    for (;;) {
      if (text.charCodeAt(pos) === QUOTE) {
        const field = readQuoted(text, pos);
        if (!field) return null;
        record.push(field.value);
        line += field.lineFeeds;
        pos = field.next;
        const c = pos < end ? text.charCodeAt(pos) : LF;
        if (c === delim) {
          pos++;
          continue;
        }
        if (c === CR && text.charCodeAt(pos + 1) === LF) pos++;
        else if (c !== LF) return null; // text after the closing quote: csv-parse's rules (relax_quotes) decide
        pos++;
        line++;
        break;
      }
      if (lf < pos) {
        lf = text.indexOf('\n', pos);
        if (lf === -1) lf = end;
      }
      const stop = text.indexOf(delimiter, pos);
      if (stop === -1 || stop > lf) {
        const last = lf < end && lf > pos && text.charCodeAt(lf - 1) === CR ? lf - 1 : lf;
        record.push(text.slice(pos, last));
        pos = lf + 1;
        line++;
        break;
      }
      record.push(text.slice(pos, stop));
      pos = stop + 1;
    }
    records.push(record);
  }
  return { records, lines };
}

/** The quoted field starting at `start` (a quote): its value, the line feeds inside, and the index after it. */
function readQuoted(text: string, start: number): { value: string; lineFeeds: number; next: number } | null {
  let value = '';
  let from = start + 1;
  for (;;) {
    const q = text.indexOf('"', from);
    if (q === -1) return null; // not closed in this chunk
    if (text.charCodeAt(q + 1) === QUOTE) {
      value += text.slice(from, q + 1);
      from = q + 2;
      continue;
    }
    value += text.slice(from, q);
    let lineFeeds = 0;
    for (let i = text.indexOf('\n', start); i !== -1 && i < q; i = text.indexOf('\n', i + 1)) lineFeeds++;
    return { value, lineFeeds, next: q + 1 };
  }
}
