/** The disclosure CSV never hands a spreadsheet a formula, and keeps numbers numeric. */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { syntheticPackage } from '../../../test/fixtures/disclosure.ts';
import { packageToCsv } from './csv.ts';

describe('disclosure CSV', () => {
  it('neutralises cells that start with = + - @ tab or CR; numbers stay as they are', () => {
    const pkg = syntheticPackage({ accesses: 2 });
    const payload = "=cmd|' /C calc'!A0";
    pkg.items = pkg.items.map((i) =>
      i.code === 'name' ? { ...i, value: payload } : i.code === 'share_capital' ? { ...i, value: -1200 } : i,
    );
    pkg.items.push({ ...pkg.items[0]!, code: 'note', value: '@SUM(1+1)\t' });
    pkg.requests = pkg.requests.map((r, n) => (n === 0 ? { ...r, reason: '+1+1' } : r));
    pkg.contact = { name: '-2+3', phone: '\r=1', email: null, address: null, hours: null };
    const rows = parse(packageToCsv(pkg).replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][];
    const cells = rows.flat();
    expect(cells).toContain(`'${payload}`);
    expect(cells).toContain("'@SUM(1+1)\t");
    expect(cells).toContain("'+1+1");
    expect(cells).toContain("'-2+3");
    expect(cells).toContain("'\r=1");
    expect(cells).toContain('-1200');
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c) && c !== '-1200')).toEqual([]);
  });
});
