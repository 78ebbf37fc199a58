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

describe('disclosure CSV in the person’s language', () => {
  const pkg = syntheticPackage({ accesses: 5 });
  const rows = () => parse(packageToCsv(pkg).replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][];

  it('is Japanese only: Japanese headers and sections, no "ja / en" pairs, no English words of mamori', () => {
    const all = rows();
    expect(all[0]).toEqual(['区分', '項目', '値', '日時', '詳細']);
    const sections = new Set(all.slice(1).map((r) => r[0]));
    expect([...sections]).toEqual(expect.arrayContaining(['開示', '保有情報', '利用目的', '同意', 'アクセス記録', '請求']));
    // Values and names the person typed may contain anything; mamori's own words never pair two languages.
    expect(all.flat().filter((c) => / \/ [A-Za-z]/.test(c))).toEqual([]);
    for (const english of [
      'disclosure',
      'items',
      'Viewed',
      'allowed',
      'granted',
      'opted_out',
      'in_use',
      'female',
      'individual',
      'member.read',
    ]) {
      expect(all.flat(), english).not.toContain(english);
    }
  });

  it('writes coded values as words and times in Japan (JST), not ISO UTC', () => {
    const all = rows();
    const gender = all.find((r) => r[0] === '保有情報' && r[1] === '性別');
    expect(gender?.[2]).toBe('女性');
    const access = all.find((r) => r[0] === 'アクセス記録')!;
    expect(['閲覧', '検索', '変更']).toContain(access[1]);
    expect(['許可', '完了', '拒否']).toContain(access[2]);
    const first = [...pkg.accesses].find(
      (a) => access[3] === new Date(Date.parse(a.at) + 9 * 3600_000).toISOString().slice(0, 16).replace('T', ' '),
    );
    expect(first, access[3]).toBeDefined();
    expect(all.flat().filter((c) => /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(c))).toEqual([]);
    const request = all.find((r) => r[0] === '請求')!;
    expect(request[2]).toMatch(/^(開示|訂正・追加|利用停止|第三者提供記録の開示|削除|第三者提供の停止|安全管理措置の開示) /);
  });

  it('in English when the person chose English, and then in English only', () => {
    const en = parse(packageToCsv(pkg, 'en').replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][];
    expect(en[0]).toEqual(['Section', 'Item', 'Value', 'At', 'Detail']);
    expect(en.find((r) => r[0] === 'Items held' && r[1] === 'Gender')?.[2]).toBe('Female');
  });
});
