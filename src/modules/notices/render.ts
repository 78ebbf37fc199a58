/**
 * The public pages of a policy: the notice (the version in effect, or any published version as it was
 * published), the version history, and the error page. Pure functions from data to HTML strings; the routes
 * cache what they return.
 */
import { type ErrorCode, errorCatalogue } from '../../base/errors.ts';
import { japaneseDate } from '../../base/japan-date.ts';
import type { PolicyChange } from '../policy/changes.ts';
import type { PolicyDocument } from '../policy/document.ts';
import { esc, noticePaths, pageShell, renderSections, renderToc } from './html.ts';
import { noticeBadgeJa, versionStateJa } from './labels.ts';
import { holdersName, type NoticeRelease, noticeSections } from './sections.ts';
import { type PublishedVersion, previousVersion, stateOf, type Timeline, type VersionState } from './timeline.ts';

export interface NoticePageInput {
  orgCode: string;
  timeline: Timeline;
  version: PublishedVersion;
  doc: PolicyDocument;
  /** The organization's current-notice page (`/notices/:org`): announces the upcoming versions. */
  isCurrentPage: boolean;
  /** The releases created in mamori (the current page only: a past version shows what it published). */
  releases?: readonly NoticeRelease[];
}

/** The list of changes of a version, each with its notice badge (事前通知 / 事後通知 / 同意が必要). */
export function renderChangeList(changes: readonly PolicyChange[], notInText?: (c: PolicyChange) => boolean): string {
  if (changes.length === 0) return '<p>変更点の一覧はありません。</p>';
  const items = changes.map((c) => {
    const label = noticeBadgeJa[c.notice];
    const badge = label ? `<span class="badge ${esc(c.notice)}">${label}</span>` : '';
    const hidden = notInText?.(c) ? '<span class="muted">（公表文の本文には表れない変更です）</span>' : '';
    return `<li>${badge}${esc(c.summary_ja)}${hidden}</li>`;
  });
  return `<ul class="changes">${items.join('')}</ul>`;
}

function versionLine(v: PublishedVersion): string {
  return `第${v.number}版　通知日 ${japaneseDate(v.noticeOn)}　施行日 ${japaneseDate(v.effectiveOn)}`;
}

function stateBadge(state: VersionState): string {
  return `<span class="badge ${state}">${versionStateJa[state]}</span>`;
}

/** 改定予告: each version that takes effect later, with its date, summary, changes and links. */
function upcomingBox(orgCode: string, timeline: Timeline, upcoming: readonly PublishedVersion[]): string {
  if (upcoming.length === 0) return '';
  const paths = noticePaths(orgCode);
  const items = upcoming.map((v) => {
    const from = previousVersion(timeline, v.number);
    return `<h2>${esc(japaneseDate(v.effectiveOn))}から、この方針を改定します（第${v.number}版）</h2>
<p class="meta">${esc(japaneseDate(v.noticeOn))} 通知</p>${v.summary ? `<p>${esc(v.summary)}</p>` : ''}${renderChangeList(v.changes)}
<p class="no-print"><a href="${esc(paths.version(v.number))}">改定後の全文</a>${from ? `　<a href="${esc(paths.diff(from.number, v.number))}">変更点（新旧比較）</a>` : ''}</p>`;
  });
  return `<section class="box" id="upcoming" aria-label="改定のお知らせ">${items.join('')}</section>`;
}

function stateBanner(orgCode: string, timeline: Timeline, version: PublishedVersion, state: VersionState): string {
  if (state === 'current') return '';
  const paths = noticePaths(orgCode);
  const current = timeline.current;
  const now = current
    ? `現在の方針は<a href="${esc(paths.current)}">第${current.number}版（${esc(japaneseDate(current.effectiveOn))}施行）</a>です。`
    : '現在施行されている版はありません。';
  const what =
    state === 'upcoming'
      ? `この版（第${version.number}版）は${esc(japaneseDate(version.effectiveOn))}から施行されます。`
      : `この版（第${version.number}版）は現在の方針ではありません（過去の版です）。`;
  return `<div class="banner" role="note"><strong>${what}</strong>${now}</div>`;
}

/** A published version as a page: the whole policy, its dates, and (on the current page) the upcoming changes. */
export function renderNoticePage(input: NoticePageInput): string {
  const { orgCode, timeline, version, doc } = input;
  const paths = noticePaths(orgCode);
  const state = stateOf(timeline, version);
  const sections = noticeSections(doc, { effectiveOn: version.effectiveOn, ...(input.releases ? { releases: input.releases } : {}) });
  const upcoming = input.isCurrentPage ? timeline.upcoming.filter((v) => v.id !== version.id) : [];
  const previous = previousVersion(timeline, version.number);
  const title = doc.basic_policy.title;
  const body = `${stateBanner(orgCode, timeline, version, state)}
<h1><span class="org-name">${esc(holdersName(doc))}</span>${esc(title)}</h1>
<p class="meta">${stateBadge(state)}${esc(versionLine(version))}</p>
${upcomingBox(orgCode, timeline, upcoming)}
${renderToc(sections)}
${renderSections(sections)}
<section id="version" aria-labelledby="h-version"><h2 id="h-version">この方針の版</h2><dl class="fields">
<dt>版</dt><dd>第${version.number}版（${versionStateJa[state]}）</dd>
<dt>通知日</dt><dd>${esc(japaneseDate(version.noticeOn))}</dd>
<dt>施行日</dt><dd>${esc(japaneseDate(version.effectiveOn))}</dd>
${version.summary ? `<dt>改定の概要</dt><dd>${esc(version.summary)}</dd>` : ''}
</dl>
<p><a href="${esc(paths.versions)}">改定履歴（すべての版）</a>${previous ? `　<a href="${esc(paths.diff(previous.number, version.number))}">前の版からの変更点</a>` : ''}　<a href="${esc(paths.versionJson(version.number))}" type="application/json">この版のJSON</a></p>
</section>`;
  return pageShell({
    title: `${title}（${state === 'current' ? '' : `第${version.number}版・`}${holdersName(doc)}）`,
    orgCode,
    orgName: holdersName(doc),
    ...(input.isCurrentPage ? { active: 'current' as const } : {}),
    comparable: timeline.versions.length > 1,
    jsonHref: input.isCurrentPage ? paths.json : paths.versionJson(version.number),
    body,
  });
}

/** The version history: every published version with its dates, summary and changes. */
export function renderVersionsPage(input: { orgCode: string; orgName: string; timeline: Timeline }): string {
  const { orgCode, orgName, timeline } = input;
  const paths = noticePaths(orgCode);
  const articles = timeline.versions.map((v) => {
    const state = stateOf(timeline, v);
    const previous = previousVersion(timeline, v.number);
    return `<article class="version" id="v${v.number}"><h2>第${v.number}版 ${stateBadge(state)}</h2>
<dl class="fields"><dt>通知日</dt><dd>${esc(japaneseDate(v.noticeOn))}</dd><dt>施行日</dt><dd>${esc(japaneseDate(v.effectiveOn))}</dd>${v.summary ? `<dt>改定の概要</dt><dd>${esc(v.summary)}</dd>` : ''}</dl>
<h3>変更点</h3>${renderChangeList(v.changes)}
<p><a href="${esc(paths.version(v.number))}">この版の全文</a>${previous ? `　<a href="${esc(paths.diff(previous.number, v.number))}">第${previous.number}版との比較</a>` : ''}　<a href="${esc(paths.versionJson(v.number))}" type="application/json">JSON</a></p></article>`;
  });
  const body = `<h1><span class="org-name">${esc(orgName)}</span>個人情報保護方針の改定履歴</h1>
<p>公表したすべての版を、通知日と施行日とともに掲載しています。「事前通知」の変更は、施行日より前にお知らせしたものです。</p>
${articles.join('\n')}`;
  return pageShell({
    title: `改定履歴（${orgName}）`,
    orgCode,
    orgName,
    active: 'versions',
    comparable: timeline.versions.length > 1,
    jsonHref: paths.json,
    body,
  });
}

/** The Japanese error page (404 for an unpublished policy or version, 400, 429, 500). */
export function renderErrorPage(code: ErrorCode): string {
  const [, ja, en] = errorCatalogue[code];
  const body = `<h1>${esc(ja)}</h1><p lang="en">${esc(en)}</p><p>アドレスをご確認ください。組織の個人情報保護方針は <code>/notices/組織コード</code> で公表されています。</p>`;
  return pageShell({ title: ja, body });
}
