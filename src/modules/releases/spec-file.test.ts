/**
 * The release spec file: every problem located by line and named (YAML syntax, an unknown field, the roles'
 * rules), a file written back reads the same, and the presets expand to hierarchies that nest (the postal code
 * ending at the prefecture).
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../base/errors.ts';
import { type NoticeRelease, noticeSections } from '../notices/sections.ts';
import { loadPreset } from '../policy/presets.ts';
import { presetHierarchy } from './presets.ts';
import { formatReleaseFile, parseReleaseFile } from './spec-file.ts';
import { releaseTemplate } from './template.ts';

const issuesOf = (text: string) => {
  try {
    parseReleaseFile(text);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('release_spec_invalid');
    return (e as AppError).issues ?? [];
  }
  throw new Error('expected release_spec_invalid');
};

describe('release spec file', () => {
  const template = releaseTemplate({ code: 'usage', purchases: true });

  it('reads the template and writes it back to the same spec', () => {
    const spec = parseReleaseFile(template);
    expect(spec.k).toBe(3);
    expect(spec.columns.map((c) => c.role)).toEqual([
      'identifier',
      'quasi_identifier',
      'quasi_identifier',
      'quasi_identifier',
      'insensitive',
    ]);
    expect(parseReleaseFile(formatReleaseFile(spec))).toEqual(spec);
  });

  it('locates a YAML syntax error and an unknown field by line', () => {
    const syntax = issuesOf(`${template}columns: [\n`);
    expect(syntax[0]?.code).toBe('yaml_syntax');
    expect(syntax[0]?.line).toBeGreaterThan(1);
    const unknown = issuesOf(template.replace('    role: identifier\n', '    role: identifier\n    hidden: true\n'));
    const hidden = unknown.find((i) => i.field.startsWith('columns.0'));
    expect(hidden?.line).toBe(template.split('\n').findIndex((l) => l.includes('role: identifier')) + 2);
  });

  it('names what the roles forbid: a hierarchy off a quasi-identifier, two pseudonyms, l on a kept column, a monthly file', () => {
    const onSensitive = issuesOf(
      template.replace(
        '    label: 月間利用額\n    role: insensitive',
        '    label: 月間利用額\n    role: insensitive\n    preset: amount_ranges',
      ),
    );
    expect(onSensitive.map((i) => i.code)).toContain('not_quasi_identifier');
    expect(onSensitive[0]?.message_ja).toContain('monthly_spend');
    const twice = issuesOf(template.replace('    role: quasi_identifier\n    preset: none', '    role: identifier\n    pseudonym: true'));
    expect(twice.map((i) => i.code)).toContain('two_pseudonyms');
    const l = issuesOf(`${template}l:\n  column: monthly_spend\n  l: 2\n`);
    expect(l.map((i) => i.code)).toEqual(['not_sensitive']);
    const noQi = issuesOf(
      template
        .replaceAll('role: quasi_identifier', 'role: insensitive')
        .replace(/ {4}preset: \w+\n/g, '')
        .replace(/ {4}coding:\n {6}top: 90\n/, ''),
    );
    expect(noQi.map((i) => i.code)).toContain('no_quasi_identifier');
    const coded = issuesOf(
      template.replace(
        '    label: 月間利用額\n    role: insensitive',
        '    label: 月間利用額\n    role: insensitive\n    coding:\n      top: 100000',
      ),
    );
    expect(coded.map((i) => i.field)).toEqual(['columns.4.coding']);
    const monthly = issuesOf(`${template}schedule:\n  kind: monthly\n  day: 5\n`);
    expect(monthly.map((i) => i.field)).toEqual(['target']);
  });

  it('expands the presets into nesting hierarchies; the postal code ends at the prefecture', () => {
    expect(presetHierarchy('age_bands').map((s) => (s.kind === 'interval' ? s.width : 0))).toEqual([5, 10, 20]);
    const postal = presetHierarchy('postal_code');
    expect(postal.slice(0, 2)).toEqual([
      { kind: 'mask', keep: 6 },
      { kind: 'mask', keep: 4 },
    ]);
    const last = postal.at(-1)!;
    expect(last.kind === 'prefix_map' && last.map['980']).toBe('宮城県');
    expect(presetHierarchy('none')).toEqual([]);
  });
});

describe('releases on the public notice', () => {
  const doc = { ...loadPreset('miyagi'), anonymized: [] };
  const release: NoticeRelease = {
    code: 'usage',
    name: '組合員の利用状況',
    items: ['年代', '性別'],
    itemsPublishedOn: '2026-12-01',
    methodOfProvision: null,
    methodPublishedOn: null,
    recipients: '一部の取引先',
    delivered: false,
  };
  const text = (releases: NoticeRelease[]) => JSON.stringify(noticeSections(doc, { releases }).find((s) => s.key === 'anonymized'));

  it('says only what the co-op did: created (items and date), then the method once published, 提供 once delivered', () => {
    const created = text([release]);
    expect(created).toContain('年代、性別');
    expect(created).toContain('2026年12月1日');
    expect(created).toContain('作成しています');
    expect(created).not.toContain('提供の方法');
    expect(created).not.toContain('提供しています');
    const published = text([{ ...release, methodOfProvision: 'サーバーにアップロード', methodPublishedOn: '2026-12-02' }]);
    expect(published).toContain('サーバーにアップロード');
    expect(published).not.toContain('提供しています');
    expect(text([{ ...release, methodOfProvision: 'サーバーにアップロード', methodPublishedOn: '2026-12-02', delivered: true }])).toContain(
      '提供しています',
    );
  });
});
