/**
 * The fast CSV reader against csv-parse, which it stands in for: on every text it reads, the same records as
 * csv-parse with the import's options, and each record's line (line feeds before it); on what it leaves to
 * csv-parse (a quote left open, text after a closing quote), null.
 */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { rng } from '../demo/synthetic.ts';
import { readCsvRecords } from './csv-records.ts';
import { csvParseOptions } from './source.ts';

/** csv-parse's records, and each record's line as the line feeds before it (null: csv-parse refuses). */
function reference(text: string, delimiter: string): { records: string[][]; lines: number[] } | null {
  let parsed: { record: string[]; info: { bytes: number } }[];
  try {
    parsed = parse(text, csvParseOptions(delimiter)) as unknown as typeof parsed;
  } catch {
    return null;
  }
  const records = parsed.map((p) => p.record);
  // A record starts where the one before it ended (`info.bytes`, UTF-8 bytes read so far): its line is the
  // number of line feeds before that point.
  const bytes = Buffer.from(text);
  const lines = parsed.map((_, i) =>
    i === 0
      ? 0
      : bytes
          .subarray(0, parsed[i - 1]!.info.bytes)
          .toString()
          .split('\n').length - 1,
  );
  return { records, lines };
}

describe('readCsvRecords', () => {
  it('reads what csv-parse reads', () => {
    const cases = [
      'a,b\nc,d\n',
      'a,b\r\nc,d',
      'a,b\n\nc,d\n',
      '\n\n',
      'a\rb,c\n',
      '"a\nb",c\nd,e\n',
      '"a\r\nb",c\r\nd,e\r\n',
      '"a""b",c\n',
      'a"b,c\n',
      'x""y,z\n',
      'a,""\n',
      'a,\n',
      ',\n',
      ' "a",b\n',
      '"a""",b\n',
      '2000001,山田　花子,"置き配, 玄関前",\r\n2000002,佐藤 一郎,,\r\n',
      '',
      'a',
    ];
    for (const text of cases) {
      expect(readCsvRecords(text, ','), JSON.stringify(text)).toEqual(reference(text, ','));
    }
  });

  it('leaves an open quote and text after a closing quote to csv-parse', () => {
    for (const text of ['"abc', 'a,"b\nc', '"a"b,c\n', '"a" ,c\n', 'a,"b"x\n']) {
      expect(readCsvRecords(text, ','), JSON.stringify(text)).toBeNull();
    }
  });

  it('agrees with csv-parse on 20,000 random texts of quotes, delimiters and line breaks', () => {
    const random = rng(20261122);
    const alphabet = ['a', 'b', ',', ';', '\t', '"', '""', '\n', '\r\n', '\r', ' ', 'あ', '髙'];
    let read = 0;
    for (let i = 0; i < 20_000; i++) {
      let text = '';
      const length = Math.floor(random() * 30);
      for (let j = 0; j < length; j++) text += alphabet[Math.floor(random() * alphabet.length)];
      const delimiter = [',', ';', '\t'][i % 3]!;
      const mine = readCsvRecords(text, delimiter);
      if (!mine) continue;
      read++;
      expect(mine, JSON.stringify([text, delimiter])).toEqual(reference(text, delimiter));
    }
    expect(read).toBeGreaterThan(10_000);
  });
});
