/**
 * 新旧比較: an added purpose appears as inserted, a changed joint use as deleted and inserted lines, a
 * changed word inside a line as a word-level change, and sections without changes are folded away.
 */
import { describe, expect, it } from 'vitest';
import { demoPolicy, demoPolicyV2, demoPolicyV3, demoVersions } from '../../../test/fixtures/notices/versions.ts';
import { diffDocuments, renderDiffPage, sectionLines } from './diff.ts';
import { noticeSections } from './sections.ts';
import { type PublishedVersion, timelineOn } from './timeline.ts';

const versions: PublishedVersion[] = demoVersions().map((v) => ({
  id: `v${v.number}`,
  number: v.number,
  summary: v.summary,
  changes: v.changes,
  noticeOn: v.noticeOn,
  effectiveOn: v.effectiveOn,
  publishedAt: null,
  sha256: 'x',
}));

describe('diff of two versions', () => {
  it('puts each section in plain-text lines, sub-sections under their heading', () => {
    const purposes = noticeSections(demoPolicy()).find((s) => s.key === 'purposes')!;
    const lines = sectionLines(purposes);
    expect(lines).toContain('①組合員の出資金、組合員台帳の作成・管理のため');
    expect(lines).toContain('■ 「商品・サービス」の範囲');
    expect(lines).toContain('　②共済に関する商品・サービス');
  });

  it('shows an added purpose as inserted and the changed joint-use purposes as deleted and inserted', () => {
    const diffs = diffDocuments(demoPolicy(), demoPolicyV2());
    const byKey = new Map(diffs.map((d) => [d.key, d]));
    const purposes = byKey.get('purposes')!;
    expect(purposes.status).toBe('changed');
    expect(purposes.lines).toContainEqual({
      kind: 'added',
      text: '⑨ご本人に関する行動、関心等の情報を分析し、ご本人の嗜好に沿った商品・サービスを提供するため',
    });
    const joint = byKey.get('joint-use')!;
    expect(joint.status).toBe('changed');
    expect(joint.lines).toContainEqual({ kind: 'removed', text: '　　・④商品のお届けまたはサービス提供のため' });
    expect(joint.lines).toContainEqual({ kind: 'added', text: expect.stringContaining('　　・⑨ご本人に関する行動') });
    // The heading of the joint use that changed stays visible above the change.
    expect(joint.lines).toContainEqual({ kind: 'same', text: '■ 生協グループでの共同利用' });
    expect(byKey.get('third-parties')!.status).toBe('unchanged');
    expect(byKey.get('history')!.lines).toContainEqual({ kind: 'added', text: '・2026年6月10日 改定' });
  });

  it('highlights the changed words of a line', () => {
    const joint = diffDocuments(demoPolicyV2(), demoPolicyV3()).find((d) => d.key === 'joint-use')!;
    const changed = joint.lines.find((l) => l.kind === 'changed');
    expect(changed).toBeDefined();
    if (changed?.kind !== 'changed') return;
    expect(changed.parts.filter((p) => p.removed).map((p) => p.value.trim())).toEqual(['例示 花子']);
    expect(changed.parts.filter((p) => p.added).map((p) => p.value.trim())).toEqual(['改定 一郎']);
  });

  it('reports a section only one side has as added or removed', () => {
    const older = demoPolicy();
    const newer = {
      ...demoPolicy(),
      anonymized: [],
      sections: [...older.sections, { title: 'クッキーについて', body: ['必要なクッキーのみ使います。'] }],
    };
    const diffs = diffDocuments(older, newer);
    expect(diffs.find((d) => d.key === 'anonymized')).toMatchObject({ status: 'removed' });
    expect(diffs.find((d) => d.key === 'section:クッキーについて')).toMatchObject({ status: 'added' });
    // The removed section keeps its place: after the outsourcing section, as in the older version.
    const keys = diffs.map((d) => d.key);
    expect(keys.indexOf('anonymized')).toBe(keys.indexOf('outsourcing') + 1);
  });

  it('renders ins/del, folds unchanged sections, and lists the changes of the newer version', () => {
    const timeline = timelineOn(versions, '2026-11-22');
    const html = renderDiffPage({
      orgCode: 'demo-coop',
      orgName: 'デモ生活協同組合',
      timeline,
      from: versions[0]!,
      to: versions[1]!,
      older: demoPolicy(),
      newer: demoPolicyV2(),
    });
    expect(html).toContain('<p class="added"><ins>⑨ご本人に関する行動');
    expect(html).toContain('<p class="removed">　　<del>・④商品のお届けまたはサービス提供のため</del></p>');
    expect(html).toMatch(
      /<p class="changed">　すべての保有個人データの利用目的は、「利用目的」に記載のとおりです（①〜(<del>⑧<\/del><ins>⑨<\/ins>|<ins>⑨<\/ins><del>⑧<\/del>)）。<\/p>/,
    );
    expect(html).toContain('<details class="unchanged"><summary>個人データの第三者提供（変更なし）</summary>');
    expect(html).toContain('<section class="diff"><h2>利用目的 <span class="badge after">変更あり</span></h2>');
    expect(html).toContain('<span class="badge prior">事前通知</span>利用目的⑨を追加');
    expect(html).toContain('<option value="1" selected>');
    expect(html).not.toMatch(/<script/);
  });
});
