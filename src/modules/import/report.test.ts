/** The report of rejected rows is a CSV people open in Excel: no cell of it is ever a formula. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { RejectionReport } from './report.ts';

describe('rejected-rows report', () => {
  it('neutralises member codes and messages that start with = + - @ tab or CR; line numbers stay numbers', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'mamori-report-')), 'members.rejected.csv');
    const report = new RejectionReport(path);
    await report.add([
      { line: 2, memberCode: "=cmd|' /C calc'!A0", field: 'name', code: 'too_long', message_ja: '@SUM(1)', message_en: '+1' },
      { line: 3, memberCode: '-2+3', field: 'note', code: 'x', message_ja: '\t=1', message_en: 'plain, with "quotes"' },
    ]);
    await report.commit();
    const rows = parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, '')) as string[][];
    expect(rows[1]).toEqual(['2', "'=cmd|' /C calc'!A0", 'name', '氏名', 'too_long', "'@SUM(1)", "'+1"]);
    expect(rows[2]).toEqual(['3', "'-2+3", 'note', '備考', 'x', "'\t=1", 'plain, with "quotes"']);
  });
});
