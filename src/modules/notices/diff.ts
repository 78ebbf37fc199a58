/**
 * 新旧比較: two published versions as the plain text a member reads (section headings and lines, made from
 * the same sections as the page), compared section by section. Changed lines are compared word by word
 * (Japanese words by `Intl.Segmenter`), so a changed purpose shows exactly which words went and came;
 * unchanged sections are collapsed.
 */
import { type ChangeObject, diffArrays, diffWords } from 'diff';
import { japaneseDate } from '../../base/japan-date.ts';
import { compareDocuments, type PolicyChange, publicChanges } from '../policy/changes.ts';
import type { PolicyDocument } from '../policy/document.ts';
import { esc, noticePaths, pageShell } from './html.ts';
import { renderChangeList } from './render.ts';
import { type Block, noticeSections, type Section } from './sections.ts';
import { type PublishedVersion, previousVersion, type Timeline } from './timeline.ts';

const segmenter = new Intl.Segmenter('ja', { granularity: 'word' });
/** Unchanged lines shown around a change inside a changed section; longer runs are folded. */
const CONTEXT_LINES = 2;
/** Two lines at the same place are shown as one changed line when at least this share of them is common. */
const PAIR_SIMILARITY = 0.35;
/** A sub-section's heading line in the plain-text form. */
const SUB_HEADING = /^　*■ /;

/** The plain-text lines of a section (without its heading). */
export function sectionLines(section: Section): string[] {
  const lines: string[] = [];
  const walk = (blocks: readonly Block[], depth: number) => {
    const indent = '　'.repeat(depth);
    for (const b of blocks) {
      switch (b.kind) {
        case 'p':
          lines.push(indent + b.text);
          break;
        case 'list':
          for (const item of b.items) lines.push(indent + (b.numbered ? item : `・${item}`));
          break;
        case 'fields':
          for (const r of b.rows) {
            if (r.values.length === 1) lines.push(`${indent}${r.term}：${r.values[0]}`);
            else {
              lines.push(`${indent}${r.term}：`);
              for (const v of r.values) lines.push(`${indent}　・${v}`);
            }
          }
          break;
        case 'table':
          for (const row of b.rows) lines.push(indent + row.map((cell, i) => `${b.head[i] ?? ''}：${cell || '—'}`).join('／'));
          break;
        case 'sub':
          lines.push(`${indent}■ ${b.heading}`);
          walk(b.blocks, depth + 1);
          break;
      }
    }
  };
  walk(section.blocks, 0);
  return lines;
}

export type DiffLine =
  | { kind: 'same' | 'added' | 'removed'; text: string }
  | { kind: 'changed'; parts: ChangeObject<string>[] }
  | { kind: 'folded'; lines: string[] };

export interface SectionDiff {
  key: string;
  heading: string;
  status: 'unchanged' | 'changed' | 'added' | 'removed';
  /** For unchanged sections, the lines as they are; otherwise the compared lines. */
  lines: DiffLine[];
}

/** Compares two documents section by section, in the newer version's order (removed sections where they were). */
export function diffDocuments(older: PolicyDocument, newer: PolicyDocument): SectionDiff[] {
  const before = noticeSections(older);
  const after = noticeSections(newer);
  const beforeByKey = new Map(before.map((s) => [s.key, s]));
  const afterKeys = new Set(after.map((s) => s.key));
  const order: { old?: Section; new?: Section }[] = after.map((s) => ({
    new: s,
    ...(beforeByKey.has(s.key) ? { old: beforeByKey.get(s.key)! } : {}),
  }));
  // A section only the older version has goes after the section that preceded it there.
  before.forEach((s, i) => {
    if (afterKeys.has(s.key)) return;
    const prevKey = before
      .slice(0, i)
      .reverse()
      .find((p) => order.some((o) => (o.new ?? o.old)?.key === p.key))?.key;
    const at = prevKey === undefined ? 0 : order.findIndex((o) => (o.new ?? o.old)?.key === prevKey) + 1;
    order.splice(at, 0, { old: s });
  });
  return order.map(({ old, new: cur }) => {
    const section = (cur ?? old)!;
    const oldLines = old ? sectionLines(old) : [];
    const newLines = cur ? sectionLines(cur) : [];
    if (!old)
      return { key: section.key, heading: section.heading, status: 'added', lines: newLines.map((text) => ({ kind: 'added', text })) };
    if (!cur)
      return { key: section.key, heading: section.heading, status: 'removed', lines: oldLines.map((text) => ({ kind: 'removed', text })) };
    if (oldLines.join('\n') === newLines.join('\n')) {
      return { key: section.key, heading: section.heading, status: 'unchanged', lines: newLines.map((text) => ({ kind: 'same', text })) };
    }
    return { key: section.key, heading: section.heading, status: 'changed', lines: fold(compareLines(oldLines, newLines)) };
  });
}

/** Line diff; a removed run next to an added run is paired line by line when the lines are alike. */
function compareLines(oldLines: string[], newLines: string[]): DiffLine[] {
  const out: DiffLine[] = [];
  const chunks = diffArrays(oldLines, newLines);
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i]!;
    const next = chunks[i + 1];
    if (c.removed && next?.added) {
      pairRuns(c.value, next.value, out);
      i++;
    } else if (c.added && next?.removed) {
      pairRuns(next.value, c.value, out);
      i++;
    } else {
      const kind = c.added ? 'added' : c.removed ? 'removed' : 'same';
      for (const text of c.value) out.push({ kind, text });
    }
  }
  return out;
}

function pairRuns(removed: string[], added: string[], out: DiffLine[]): void {
  const n = Math.max(removed.length, added.length);
  const pending: DiffLine[] = [];
  for (let j = 0; j < n; j++) {
    const a = removed[j];
    const b = added[j];
    if (a !== undefined && b !== undefined) {
      const parts = diffWords(a, b, { intlSegmenter: segmenter });
      const common = parts.filter((p) => !p.added && !p.removed).reduce((sum, p) => sum + p.value.length, 0);
      if (common / Math.max(a.length, b.length) >= PAIR_SIMILARITY) {
        out.push(...pending.splice(0), { kind: 'changed', parts });
        continue;
      }
    }
    if (a !== undefined) out.push({ kind: 'removed', text: a });
    if (b !== undefined) pending.push({ kind: 'added', text: b });
  }
  out.push(...pending);
}

/** Folds runs of unchanged lines longer than the context around the changes. */
function fold(lines: DiffLine[]): DiffLine[] {
  const out: DiffLine[] = [];
  let run: string[] = [];
  // Folding fewer than three lines saves nothing.
  const hide = (lines: string[]) => {
    if (lines.length >= 3) out.push({ kind: 'folded', lines });
    else for (const text of lines) out.push({ kind: 'same', text });
  };
  const flush = (atStart: boolean, atEnd: boolean) => {
    const keepBefore = atStart ? 0 : CONTEXT_LINES;
    const keepAfter = atEnd ? 0 : CONTEXT_LINES;
    if (run.length > keepBefore + keepAfter + 1) {
      for (const text of run.slice(0, keepBefore)) out.push({ kind: 'same', text });
      const hidden = run.slice(keepBefore, run.length - keepAfter);
      // The heading of the part the next change is in stays visible, so that change reads in its place.
      const heading = atEnd ? -1 : hidden.findLastIndex((t) => SUB_HEADING.test(t));
      if (heading >= 0) {
        hide(hidden.slice(0, heading));
        out.push({ kind: 'same', text: hidden[heading]! });
        hide(hidden.slice(heading + 1));
      } else hide(hidden);
      for (const text of run.slice(run.length - keepAfter)) out.push({ kind: 'same', text });
    } else for (const text of run) out.push({ kind: 'same', text });
    run = [];
  };
  for (const l of lines) {
    if (l.kind === 'same') run.push(l.text);
    else {
      flush(out.length === 0, false);
      out.push(l);
    }
  }
  flush(out.length === 0, true);
  return out;
}

function renderLine(l: DiffLine): string {
  switch (l.kind) {
    case 'same':
      return `<p>${esc(l.text)}</p>`;
    case 'added':
    case 'removed': {
      // The indent is layout, not text: it stays outside the mark.
      const [indent = ''] = /^　*/.exec(l.text) ?? [];
      const tag = l.kind === 'added' ? 'ins' : 'del';
      return `<p class="${l.kind}">${indent}<${tag}>${esc(l.text.slice(indent.length))}</${tag}></p>`;
    }
    case 'changed':
      return `<p class="changed">${l.parts.map((p) => (p.added ? `<ins>${esc(p.value)}</ins>` : p.removed ? `<del>${esc(p.value)}</del>` : esc(p.value))).join('')}</p>`;
    case 'folded':
      return `<details><summary>変更のない${l.lines.length}行</summary>${l.lines.map((t) => `<p>${esc(t)}</p>`).join('')}</details>`;
  }
}

const statusBadge = {
  changed: '<span class="badge after">変更あり</span>',
  added: '<span class="badge current">追加</span>',
  removed: '<span class="badge prior">削除</span>',
} as const;

export interface DiffPageInput {
  orgCode: string;
  orgName: string;
  timeline: Timeline;
  from: PublishedVersion;
  to: PublishedVersion;
  older: PolicyDocument;
  newer: PolicyDocument;
}

/**
 * Where each register's changes show in the published text (notice section keys, sections.ts). A change whose
 * sections all read the same in both versions (a purpose's items, which the notice does not list) is marked
 * as not in the text, so that the change list and the count of changed sections never disagree.
 */
const shownIn: Record<string, readonly string[]> = {
  organization: ['retained-data', 'contact', 'joint-use'],
  holders: ['retained-data'],
  data_subjects: ['purposes'],
  third_party_exceptions: ['third-parties'],
  basic_policy: ['philosophy', 'basic-policy', 'history'],
  scope: ['purposes'],
  items: ['items', 'joint-use', 'third-parties', 'outsourcing'],
  purposes: ['purposes', 'joint-use', 'retained-data'],
  joint_uses: ['joint-use'],
  no_joint_use: ['joint-use'],
  third_parties: ['third-parties'],
  contractors: ['outsourcing'],
  no_outsourcing: ['outsourcing'],
  contact: ['contact', 'retained-data'],
  requests: ['retained-data'],
  safety_measures: ['retained-data'],
  anonymized: ['anonymized'],
  retention: ['retention'],
  child_consent_age: ['purposes'],
};

/** The comparison page: the versions compared, the changes between them, then every section. */
export function renderDiffPage(input: DiffPageInput): string {
  const { orgCode, orgName, timeline, from, to } = input;
  const paths = noticePaths(orgCode);
  if (from.id === to.id) return renderNothingToCompare(input);
  const diffs = diffDocuments(input.older, input.newer);
  const changed = diffs.filter((d) => d.status !== 'unchanged');
  const changedKeys = new Set(changed.map((d) => d.key));
  // The changes between the two versions compared (not only the newer one's own, when versions lie between).
  const [older, newer] = from.number < to.number ? [input.older, input.newer] : [input.newer, input.older];
  const changes = publicChanges(compareDocuments(older, newer));
  const notInText = (c: PolicyChange) => {
    const keys = shownIn[c.section];
    return keys !== undefined && !keys.some((k) => changedKeys.has(k));
  };
  const hidden = changes.filter(notInText).length;
  const adjacent = previousVersion(timeline, Math.max(from.number, to.number))?.number === Math.min(from.number, to.number);
  const changesHeading = adjacent
    ? `第${Math.max(from.number, to.number)}版の変更点`
    : `第${Math.min(from.number, to.number)}版から第${Math.max(from.number, to.number)}版までの変更点`;
  const newest = from.number < to.number ? to : from;
  const options = (selected: number) =>
    timeline.versions
      .map(
        (v) =>
          `<option value="${v.number}"${v.number === selected ? ' selected' : ''}>第${v.number}版（${esc(japaneseDate(v.effectiveOn))}施行）</option>`,
      )
      .join('');
  const sections = diffs.map((d) => {
    if (d.status === 'unchanged') {
      return `<details class="unchanged"><summary>${esc(d.heading)}（変更なし）</summary><div class="lines">${d.lines.map(renderLine).join('')}</div></details>`;
    }
    return `<section class="diff"><h2>${esc(d.heading)} ${statusBadge[d.status]}</h2><div class="lines">${d.lines.map(renderLine).join('')}</div></section>`;
  });
  const body = `<h1><span class="org-name">${esc(orgName)}</span>個人情報保護方針の変更点（新旧比較）</h1>
<p class="meta">第${from.number}版（${esc(japaneseDate(from.effectiveOn))}施行）→ 第${to.number}版（${esc(japaneseDate(to.effectiveOn))}施行、${esc(japaneseDate(to.noticeOn))}通知）</p>
<form class="compare" method="get" action="${esc(paths.diff())}"><label>比較元 <select name="from">${options(from.number)}</select></label><label>比較先 <select name="to">${options(to.number)}</select></label><button type="submit">比較する</button></form>
<h2>${changesHeading}</h2>${adjacent && newest.summary ? `<p>${esc(newest.summary)}</p>` : ''}${renderChangeList(changes, notInText)}
<p>本文で変更のある項目：${changed.length}件（<ins>追加された語句</ins>、<del>削除された語句</del>）。変更のない項目は折りたたんでいます。${hidden ? `上の変更点のうち${hidden}件は、公表文の本文には表れない登録簿の変更です。` : ''}</p>
${sections.join('\n')}
<p><a href="${esc(paths.version(from.number))}">第${from.number}版の全文</a>　<a href="${esc(paths.version(to.number))}">第${to.number}版の全文</a></p>`;
  return pageShell({
    comparable: true,
    title: `変更点 第${from.number}版→第${to.number}版（${orgName}）`,
    orgCode,
    orgName,
    active: 'diff',
    body,
  });
}

/** Only one version, or the same version chosen twice: nothing to compare, said so (no 第1版→第1版 page). */
function renderNothingToCompare(input: DiffPageInput): string {
  const { orgCode, orgName, timeline, to } = input;
  const paths = noticePaths(orgCode);
  const only = timeline.versions.length < 2;
  const body = `<h1><span class="org-name">${esc(orgName)}</span>個人情報保護方針の変更点（新旧比較）</h1>
<p>${only ? `公表されている版は第${to.number}版だけです。比較できる前の版はありません。` : `同じ版（第${to.number}版）どうしは比較できません。比較元と比較先に別の版を選んでください。`}</p>
<p><a href="${esc(paths.version(to.number))}">第${to.number}版の全文</a>　<a href="${esc(paths.versions)}">改定履歴</a></p>`;
  return pageShell({ comparable: !only, title: `変更点（${orgName}）`, orgCode, orgName, active: 'diff', body });
}
