/** The OWASP rule for spreadsheet cells: text starting with = + - @ tab or CR is prefixed; numbers stay numbers. */
import { describe, expect, it } from 'vitest';
import { csvField, neutralizeText, safeCell } from './spreadsheet.ts';

describe('spreadsheet cells', () => {
  it('prefixes text a spreadsheet would evaluate', () => {
    for (const text of ["=cmd|' /C calc'!A0", '+1+2', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) {
      expect(neutralizeText(text)).toBe(`'${text}`);
    }
  });

  it('leaves other text, numbers and empty cells as they are', () => {
    expect(neutralizeText('山田 花子')).toBe('山田 花子');
    expect(neutralizeText('a=b')).toBe('a=b');
    expect(neutralizeText('')).toBe('');
    expect(safeCell(-1200)).toBe(-1200);
    expect(safeCell(null)).toBeNull();
    const d = new Date('2026-01-01T00:00:00Z');
    expect(safeCell(d)).toBe(d);
    expect(safeCell('-1200')).toBe("'-1200");
  });

  it('CSV fields: neutralised, then quoted; negative numbers stay numeric', () => {
    expect(csvField('=1+2')).toBe("'=1+2");
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvField(-5)).toBe('-5');
    expect(csvField(null)).toBe('');
    expect(csvField('a,b')).toBe('"a,b"');
  });
});
