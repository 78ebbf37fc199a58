import { describe, expect, it } from 'vitest';
import { anonymize, exhaustiveOptimum } from './anonymize.ts';
import { AnonymizeError } from './errors.ts';
import { compileQuasiIdentifier } from './hierarchy.ts';
import { jpPrefecturePrefixMap, jpPrefectures } from './jp-prefectures.ts';
import { PSEUDONYM_HEX_LENGTH, pseudonymizer } from './pseudonym.ts';
import type { AnonymizeSpec, Cell, ColumnSpec, SourceTable } from './types.ts';
import { verifyOutput } from './verify.ts';

/** The labels of each value at each level, as the engine compiled them. */
function levels(column: ColumnSpec, values: Cell[]): Cell[][] {
  const c = compileQuasiIdentifier(column, values);
  return c.levels.map((level) => values.map((_, r) => level.labels[level.map[c.codes[r]!]!]!));
}

function thrown(fn: () => unknown): AnonymizeError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AnonymizeError) return e;
    throw e;
  }
  throw new Error('expected an AnonymizeError');
}

const qi = (name: string, hierarchy: ColumnSpec['hierarchy'], extra: Partial<ColumnSpec> = {}): ColumnSpec => ({
  name,
  role: 'quasi_identifier',
  hierarchy,
  ...extra,
});

describe('hierarchy steps', () => {
  it('mask keeps the first characters and the hyphen, and adds the final * level', () => {
    expect(
      levels(
        qi('zip', [
          { kind: 'mask', keep: 6 },
          { kind: 'mask', keep: 2 },
        ]),
        ['123-4567', '123-4599'],
      ),
    ).toEqual([
      ['123-4567', '123-4599'],
      ['123-45**', '123-45**'],
      ['12*-****', '12*-****'],
      ['*', '*'],
    ]);
  });

  it('prefix_map takes the longest prefix; the preset maps postal codes to prefectures', () => {
    const map = { '98': '東北', '981': '仙台北' };
    expect(levels(qi('zip', [{ kind: 'prefix_map', map }]), ['9811234', '9820001'])[1]).toEqual(['仙台北', '東北']);
    const pref = levels(qi('zip', [{ kind: 'prefix_map', map: jpPrefecturePrefixMap }]), ['980-0811', '1000001', '900-0001', '0600001'])[1];
    expect(pref).toEqual(['宮城県', '東京都', '沖縄県', '北海道']);
    expect(new Set(Object.values(jpPrefecturePrefixMap))).toEqual(new Set(jpPrefectures));
    expect(jpPrefectures).toHaveLength(47);
  });

  it('interval bands from an origin; breaks between bounds, the last open', () => {
    expect(
      levels(
        qi('age', [
          { kind: 'interval', width: 5 },
          { kind: 'interval', width: 10 },
        ]),
        [37, '42', 40],
      ),
    ).toEqual([
      [37, '42', 40],
      ['35-39', '40-44', '40-44'],
      ['30-39', '40-49', '40-49'],
      ['*', '*', '*'],
    ]);
    expect(levels(qi('spend', [{ kind: 'breaks', bounds: [0, 1000, 5000] }]), [0, 999, 1000, 70000])[1]).toEqual([
      '0-999',
      '0-999',
      '1000-4999',
      '5000以上',
    ]);
  });

  it('date to month and year; groups of categories', () => {
    expect(
      levels(
        qi('d', [
          { kind: 'date', unit: 'month' },
          { kind: 'date', unit: 'year' },
        ]),
        ['2026-12-04'],
      ),
    ).toEqual([['2026-12-04'], ['2026-12'], ['2026'], ['*']]);
    const groups = { 宅配: ['個配', '班配'], 店舗: ['店舗受取'] };
    expect(levels(qi('t', [{ kind: 'groups', groups }]), ['個配', '班配', '店舗受取'])[1]).toEqual(['宅配', '宅配', '店舗']);
  });

  it('missing values stay missing below *', () => {
    expect(levels(qi('age', [{ kind: 'interval', width: 10 }]), [null, 12])).toEqual([
      [null, 12],
      [null, '10-19'],
      ['*', '*'],
    ]);
  });

  it('top and bottom coding label outliers before generalization, and the bands that hold them', () => {
    const column = qi('age', [{ kind: 'interval', width: 10 }], { coding: { top: 90, bottom: 18 } });
    const values = [15, 18, 19, 25, 89, 90, 104];
    expect(levels(column, values).slice(0, 2)).toEqual([
      ['18未満', 18, 19, 25, 89, '90以上', '90以上'],
      ['20未満', '20未満', '20未満', '20-29', '80-89', '90以上', '90以上'],
    ]);
    expect(compileQuasiIdentifier(column, values).coded).toBe(3);
  });

  it('a value no step covers is an error naming the column and the value', () => {
    const cases: [ColumnSpec, Cell[]][] = [
      [qi('zip', [{ kind: 'prefix_map', map: { '98': '宮城' } }]), ['9811234', '0601234']],
      [qi('t', [{ kind: 'groups', groups: { 宅配: ['個配'] } }]), ['個配', '移動店舗']],
      [qi('spend', [{ kind: 'breaks', bounds: [0, 1000] }]), [5, -3]],
      [qi('age', [{ kind: 'interval', width: 5 }]), [5, 'unknown']],
      [qi('d', [{ kind: 'date', unit: 'year' }]), ['2026-01-01', '12/04/2026']],
    ];
    for (const [column, values] of cases) {
      const e = thrown(() => compileQuasiIdentifier(column, values));
      expect(e.code).toBe('hierarchy_uncovered');
      expect(e.detail).toContain(`"${column.name}"`);
      expect(e.detail).toContain(JSON.stringify(values[1]));
    }
  });

  it('a level that is not a coarsening of the one below is refused (the search relies on it)', () => {
    const e = thrown(() =>
      compileQuasiIdentifier(
        qi('age', [
          { kind: 'interval', width: 10 },
          { kind: 'interval', width: 5 },
        ]),
        [1, 6],
      ),
    );
    expect(e.code).toBe('spec_invalid');
    expect(e.detail).toContain('"age"');
  });
});

function people(n: number): SourceTable {
  const columns = ['member', 'age', 'sex', 'zip', 'item', 'note'];
  const values: Cell[][] = columns.map(() => []);
  let s = 7;
  const rnd = (m: number) => {
    s = (s * 48271) % 2147483647;
    return s % m;
  };
  for (let r = 0; r < n; r++) {
    values[0]!.push(`M${String(r).padStart(6, '0')}`);
    values[1]!.push(18 + rnd(80));
    values[2]!.push(rnd(2) ? '女' : '男');
    values[3]!.push(`98${rnd(4)}-${String(rnd(10000)).padStart(4, '0')}`);
    values[4]!.push(['米', '野菜', '牛乳', '肉'][rnd(4)]!);
    values[5]!.push('x');
  }
  return { columns, values };
}

const spec = (extra: Partial<AnonymizeSpec> = {}): AnonymizeSpec => ({
  columns: [
    { name: 'member', role: 'identifier', pseudonym: true },
    qi(
      'age',
      [
        { kind: 'interval', width: 5 },
        { kind: 'interval', width: 10 },
        { kind: 'interval', width: 20 },
      ],
      { coding: { top: 90 } },
    ),
    qi('sex', []),
    qi('zip', [
      { kind: 'mask', keep: 5 },
      { kind: 'mask', keep: 3 },
    ]),
    { name: 'item', role: 'sensitive' },
  ],
  k: 5,
  suppressionLimit: 0.05,
  pseudonymKey: new Uint8Array(32).fill(1),
  ...extra,
});

describe('anonymize', () => {
  it('removes identifiers, keys the pseudonym, labels quasi-identifiers and reports consistent counts', () => {
    const table = people(3000);
    const result = anonymize(table, spec({ l: { column: 'item', l: 2 } }));
    const { report } = result;
    expect(result.columns).toEqual(['member', 'age', 'sex', 'zip', 'item']);
    expect(report.droppedColumns).toEqual(['note']);
    const rows = [...result.rows];
    expect(rows).toHaveLength(report.rows.output);
    expect([...result.rows]).toEqual(rows); // a second pass (preview, then file) gives the same rows
    expect(report.rows.input).toBe(3000);
    expect(report.rows.output + report.rows.suppressed).toBe(3000);
    expect(report.rows.suppressed).toBeLessThanOrEqual(0.05 * 3000);
    expect(report.rows.topBottomCoded).toBe(table.values[1]!.filter((v) => (v as number) >= 90).length);
    const sizes = report.classSizes;
    expect(sizes.histogram.reduce((a, h) => a + h.classes, 0)).toBe(sizes.classes);
    expect(sizes.average * sizes.classes).toBeCloseTo(report.rows.output, 6);
    expect(sizes.min).toBeGreaterThanOrEqual(5);
    expect(report.risk.prosecutor.highest).toBeCloseTo(1 / sizes.min, 12);
    expect(report.risk.prosecutor.average).toBeCloseTo(sizes.classes / report.rows.output, 12);
    expect(report.risk.journalist).toEqual(report.risk.prosecutor);
    expect(report.risk.marketer.average).toBeCloseTo(sizes.classes / report.rows.output, 12);
    expect(report.verified).toEqual({ k: true, l: true });
    expect(report.lattice.size).toBe(5 * 2 * 4);
    expect(report.lattice.evaluated + report.lattice.pruned).toBe(report.lattice.size);
    expect(report.metric.value).toBeGreaterThan(0);
    expect(report.metric.value).toBeLessThan(1);
    expect(report.pseudonymHexLength).toBe(PSEUDONYM_HEX_LENGTH);
    const ids = new Set(table.values[0]);
    for (const row of rows) {
      expect(ids.has(row[0]!)).toBe(false);
      expect(String(row[0])).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  it('with a population the journalist and marketer risks fall below the prosecutor risk', () => {
    const { report } = anonymize(people(1000), spec(), { populationSize: 10_000 });
    expect(report.risk.journalist.highest).toBeCloseTo(report.risk.prosecutor.highest / 10, 12);
    expect(report.risk.marketer.average).toBeCloseTo(report.risk.prosecutor.average / 10, 12);
  });

  it('keyed hash: stable for one key, different across keys, never the value itself', () => {
    const a = pseudonymizer(new Uint8Array(32).fill(1), 'member');
    const b = pseudonymizer(new Uint8Array(32).fill(2), 'member');
    expect(a('M000001')).toBe(a('M000001'));
    expect(a('M000001')).not.toBe(b('M000001'));
    expect(a('M000001')).not.toBe(a('M000002'));
    expect(a('M000001')).not.toContain('000001');
    expect(a('M000001')).toHaveLength(32);
    expect(a(null)).toBeNull();
    expect(thrown(() => pseudonymizer(new Uint8Array(8), 'member')).code).toBe('spec_invalid');
  });

  it('one release key gives one pseudonym per member; another release key gives unrelated ones', () => {
    const table = people(200);
    const first = [...anonymize(table, spec({ suppressionLimit: 0.5 })).rows].map((r) => r[0]);
    const again = [...anonymize(table, spec({ suppressionLimit: 0.5 })).rows].map((r) => r[0]);
    const other = [...anonymize(table, spec({ suppressionLimit: 0.5, pseudonymKey: new Uint8Array(32).fill(9) })).rows].map((r) => r[0]);
    expect(again).toEqual(first);
    expect(other.filter((p) => first.includes(p))).toEqual([]);
  });
});

describe('refusals', () => {
  const table = people(50);
  it.each<[string, Partial<AnonymizeSpec>, string]>([
    ['k_exceeds_population', { k: 51 }, 'k = 51'],
    ['l_unreachable', { l: { column: 'item', l: 5 } }, '"item"'],
    ['spec_invalid', { k: 1 }, 'k must be'],
    ['spec_invalid', { suppressionLimit: 1 }, 'suppression limit'],
    ['spec_invalid', { l: { column: 'age', l: 2 } }, '"age"'],
    ['spec_invalid', { pseudonymKey: undefined }, '"member"'],
  ])('%s (%j)', (code, extra, detail) => {
    const e = thrown(() => anonymize(table, spec(extra)));
    expect(e.code).toBe(code);
    expect(e.detail).toContain(detail);
    expect(e.messageJa.length).toBeGreaterThan(0);
  });

  it('spec_invalid: unknown column, a quasi-identifier without hierarchy, two pseudonyms, a pseudonym that is no identifier', () => {
    const bad: ColumnSpec[][] = [
      [{ name: 'nope', role: 'insensitive' }],
      [{ name: 'age', role: 'quasi_identifier' }],
      [
        { name: 'member', role: 'identifier', pseudonym: true },
        { name: 'note', role: 'identifier', pseudonym: true },
      ],
      [{ name: 'item', role: 'sensitive', pseudonym: true }],
      [
        { name: 'age', role: 'insensitive' },
        { name: 'age', role: 'insensitive' },
      ],
    ];
    for (const columns of bad) expect(thrown(() => anonymize(table, { ...spec(), columns })).code).toBe('spec_invalid');
  });

  it('suppression_unmet when no level allowed meets k within the limit', () => {
    const capped = spec({ suppressionLimit: 0 }).columns.map((c) => (c.role === 'quasi_identifier' ? { ...c, maxLevel: 0 } : c));
    const e = thrown(() => anonymize(table, spec({ suppressionLimit: 0, columns: capped })));
    expect(e.code).toBe('suppression_unmet');
    expect(e.detail).toContain('k = 5');
  });
});

describe('the output check and the exhaustive reference', () => {
  it('verifyOutput counts classes from the cells: a class below k or below l is caught', () => {
    const col = (cells: Cell[]) => (r: number) => cells[r]!;
    const qiA = col(['30-39', '30-39', '30-39', '40-49', '40-49']);
    const qiB = col(['女', '女', '女', '男', '男']);
    const sens = col(['米', '肉', '米', '米', '米']);
    const roles = ['qi', 'qi', 'sensitive'] as const;
    expect(verifyOutput([qiA, qiB, sens], roles, 5, 2, 2)).toEqual({ k: true, l: false, smallest: 2, fewestDistinct: 1 });
    expect(verifyOutput([qiA, qiB, sens], roles, 5, 3, null)).toEqual({ k: false, l: null, smallest: 2, fewestDistinct: null });
    expect(verifyOutput([qiA, qiB, sens], roles, 5, 2, null).k).toBe(true);
  });

  it('the pruned search and the exhaustive one agree on a few thousand records, with and without l', () => {
    const table = people(3000);
    for (const extra of [{}, { l: { column: 'item', l: 3 } }, { k: 10, suppressionLimit: 0.01 }]) {
      const result = anonymize(table, spec(extra));
      const reference = exhaustiveOptimum(table, spec(extra));
      expect(result.report.metric.value).toBeCloseTo(reference!.loss, 12);
      expect(result.report.levels.map((l) => l.level)).toEqual(reference!.node);
      expect(result.report.lattice.evaluated).toBeLessThan(result.report.lattice.size);
    }
  });

  it('reports progress through its phases', () => {
    const phases = new Set<string>();
    anonymize(people(500), spec(), { onProgress: (p) => phases.add(p.phase) });
    expect([...phases]).toEqual(['compile', 'search', 'classes', 'output', 'verify', 'report']);
  });
});

describe('edges', () => {
  it('no quasi-identifier: one class of everyone, nothing suppressed', () => {
    const { report, columns } = anonymize(people(20), {
      columns: [
        { name: 'member', role: 'identifier' },
        { name: 'item', role: 'sensitive' },
      ],
      k: 5,
      suppressionLimit: 0,
    });
    expect(columns).toEqual(['item']);
    expect(report.lattice.size).toBe(1);
    expect(report.classSizes).toMatchObject({ classes: 1, min: 20 });
    expect(report.metric.value).toBe(0);
  });

  it('numbers read from a CSV file as text are banded and coded like numbers', () => {
    const ages = ['17', '25', '25', '31', '33', '95', '97', '38', '22', '26'];
    const table: SourceTable = { columns: ['age'], values: [ages] };
    const result = anonymize(table, {
      columns: [qi('age', [{ kind: 'interval', width: 10 }], { coding: { top: 90, bottom: 20 } })],
      k: 2,
      suppressionLimit: 0.5,
    });
    const out = [...result.rows].map((r) => r[0]);
    expect(out.every((v) => typeof v === 'string')).toBe(true);
    expect(result.report.rows.topBottomCoded).toBe(3);
    // The band 20-29 holds the bottom code (17 → 20未満), so it reads 30未満; 90以上 holds 95 and 97.
    expect(result.report.levels[0]!.level).toBe(1);
    expect(out).toEqual(['30未満', '30未満', '30未満', '30-39', '30-39', '90以上', '90以上', '30-39', '30未満', '30未満']);
  });
});
