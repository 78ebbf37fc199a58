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

  const page = (from: number, to: number, older = demoPolicy(), newer = demoPolicyV2(), list = versions) =>
    renderDiffPage({
      orgCode: 'demo-coop',
      orgName: 'デモ生活協同組合',
      timeline: timelineOn(list, '2026-11-22'),
      from: list[from - 1]!,
      to: list[to - 1]!,
      older,
      newer,
    });

  it('keeps the change list and the count of changed sections in agreement: a change not in the text says so', () => {
    const older = demoPolicy();
    const newer = structuredClone(older);
    newer.purposes[0]!.items = newer.purposes[0]!.items.slice(1); // a purpose's items: the notice does not list them
    const html = page(1, 2, older, newer);
    expect(html).toContain('本文で変更のある項目：0件');
    expect(html).toContain('上の変更点のうち1件は、公表文の本文には表れない登録簿の変更です。');
    expect(html).toMatch(/利用目的①の[^<]*を変更<span class="muted">（公表文の本文には表れない変更です）<\/span>/);
    // A change in the text is counted and not marked.
    const visible = page(1, 2);
    expect(visible).not.toContain('公表文の本文には表れない');
    expect(visible).toMatch(/本文で変更のある項目：[1-9]\d*件/);
  });

  it('lists the changes between the versions compared, across versions between them', () => {
    const html = page(1, 3, demoPolicy(), demoPolicyV3());
    expect(html).toContain('<h2>第1版から第3版までの変更点</h2>');
    expect(html).toContain('利用目的⑨を追加'); // made in version 2, still a change from 1 to 3
  });

  it('has no 第1版→第1版 comparison: one version only says there is nothing to compare, and no nav entry', () => {
    const one = versions.slice(0, 1);
    const html = page(1, 1, demoPolicy(), demoPolicy(), one);
    expect(html).toContain('公表されている版は第1版だけです。比較できる前の版はありません。');
    expect(html).not.toContain('第1版→第1版');
    expect(html).not.toContain('変更点（新旧比較）</a>');
    const same = page(2, 2, demoPolicyV2(), demoPolicyV2());
    expect(same).toContain('同じ版（第2版）どうしは比較できません。');
    expect(same).toContain('変更点（新旧比較）</a>');
  });
});
