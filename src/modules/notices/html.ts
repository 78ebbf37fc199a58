/**
 * The HTML of the public notices: escaping, the page shell (inline print-friendly CSS, no script — the
 * server's CSP allows inline styles and no inline scripts) and the rendering of section blocks. Every piece
 * of text from a document goes through `esc`; nothing else builds markup from data.
 */
import type { Block, Section } from './sections.ts';

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export function esc(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => entities[c]!);
}

/** A line that starts a bullet (・, •, -, *) or a numbered entry ((1), （1）, 1., １．, ①): a sub-list entry. */
const BULLET = /^\s*(?:[・•*]|-(?!-))\s*/;
const NUMBERED = /^\s*(?:[(（][0-9０-９]{1,3}[)）]|[0-9０-９]{1,3}[.．)）]|[①-⑳㉑-㉟㊱-㊿])/u;

type Run = { kind: 'text'; lines: string[] } | { kind: 'ul' | 'ol'; lines: string[] };

/** Splits a text into runs of plain lines and of sub-list entries. */
function runs(text: string): Run[] {
  const out: Run[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      out.push({ kind: 'text', lines: [] });
      continue;
    }
    const kind = BULLET.test(line) ? 'ul' : NUMBERED.test(line) ? 'ol' : 'text';
    const last = out.at(-1);
    if (last && last.kind === kind && (kind !== 'text' || last.lines.length > 0)) last.lines.push(line);
    else out.push({ kind, lines: [line] });
  }
  return out.filter((r) => r.lines.length > 0);
}

function renderRun(r: Run, para: boolean): string {
  if (r.kind === 'ul') return `<ul>${r.lines.map((l) => `<li>${esc(l.replace(BULLET, ''))}</li>`).join('')}</ul>`;
  // Numbered entries keep their published numbers, so the list has no bullets of its own.
  if (r.kind === 'ol') return `<ol class="numbered">${r.lines.map((l) => `<li>${esc(l.trim())}</li>`).join('')}</ol>`;
  const text = r.lines.map((l) => esc(l)).join('<br>');
  return para ? `<p>${text}</p>` : text;
}

/**
 * Text as written in a register field: line breaks kept, and lines starting with a bullet or a number made into
 * a sub-list. `block` (a paragraph) gives `<p>`s and lists; otherwise (inside li, dd, td) lines joined by `<br>`.
 */
export function richText(text: string, block = false): string {
  const parts = runs(text);
  if (!block)
    return parts
      .map((r, i) => (r.kind === 'text' && i > 0 && parts[i - 1]!.kind === 'text' ? `<br>${renderRun(r, false)}` : renderRun(r, false)))
      .join('');
  return parts.map((r) => renderRun(r, true)).join('');
}

/** Paths of the public notices of one organization (relative to the server's origin). */
export function noticePaths(orgCode: string) {
  const base = `/notices/${encodeURIComponent(orgCode)}`;
  const api = `/api/v1/public/notices/${encodeURIComponent(orgCode)}`;
  return {
    current: base,
    versions: `${base}/versions`,
    version: (n: number) => `${base}/versions/${n}`,
    diff: (from?: number, to?: number) => (from !== undefined && to !== undefined ? `${base}/diff?from=${from}&to=${to}` : `${base}/diff`),
    json: api,
    versionJson: (n: number) => `${api}/versions/${n}`,
  };
}

const css = `
:root{--fg:#1b1b1b;--muted:#555;--line:#cfcfcf;--accent:#0a58a8;--notice:#fff6dc;--notice-line:#c98a00;--ins:#d9f2de;--del:#fbe1e1}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;color:var(--fg);background:#fff;font:16px/1.85 "Hiragino Kaku Gothic ProN","Hiragino Sans","Noto Sans JP","Yu Gothic",Meiryo,sans-serif;overflow-wrap:anywhere}
.wrap{max-width:50rem;margin:0 auto;padding:0 1rem}
header.site{border-bottom:1px solid var(--line);padding:.6rem 0 .4rem}
header.site .org{font-weight:700;margin:0}
nav.site ul{list-style:none;margin:.2rem 0 0;padding:0;display:flex;flex-wrap:wrap;gap:.1rem 1.2rem;font-size:.95rem}
nav.site a[aria-current]{font-weight:700;color:var(--fg);text-decoration:none}
a{color:var(--accent)}
h1{font-size:1.6rem;line-height:1.4;margin:1.4rem 0 .4rem}
h1 .org-name{display:block;font-size:1rem;font-weight:400;color:var(--muted)}
.muted{color:var(--muted);font-size:.9em}
h2{font-size:1.25rem;line-height:1.45;margin:2.2rem 0 .7rem;padding-left:.55rem;border-left:4px solid var(--accent)}
h3{font-size:1.08rem;margin:1.4rem 0 .4rem}
h4{font-size:1rem;margin:1.1rem 0 .3rem}
p{margin:.5rem 0}
.meta{color:var(--muted);font-size:.95rem;margin:.2rem 0 1rem}
.box{border:2px solid var(--notice-line);background:var(--notice);border-radius:6px;padding:.4rem 1rem .8rem;margin:1.2rem 0}
.box h2{border:0;padding:0;margin:.6rem 0 .3rem;font-size:1.15rem}
.banner{border:2px solid #888;background:#f3f3f3;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}
ul,ol{padding-left:1.4rem;margin:.4rem 0}
ul.numbered,ol.numbered{list-style:none;padding-left:0}
ol.numbered li{padding-left:1.3em;text-indent:-1.3em}
dl.fields{display:grid;grid-template-columns:minmax(9rem,15rem) 1fr;gap:.35rem 1rem;margin:.6rem 0;padding:.6rem 0;border-top:1px solid var(--line);border-bottom:1px solid var(--line)}
dl.fields dt{font-weight:700}
dl.fields dd{margin:0}
dl.fields ul{padding-left:1.1rem;margin:0}
.table-wrap{overflow-x:auto;margin:.6rem 0}
table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{border:1px solid var(--line);padding:.35rem .55rem;text-align:left;vertical-align:top}
th{background:#f4f6f8}
.toc{font-size:.95rem;border:1px solid var(--line);border-radius:6px;padding:.3rem 1rem .5rem;margin:1rem 0}
.toc h2{border:0;padding:0;margin:.4rem 0;font-size:1rem}
.toc ol{columns:2 16rem;margin:0}
.badge{display:inline-block;font-size:.78rem;line-height:1.5;padding:0 .45rem;margin-right:.4rem;border:1px solid;border-radius:3px;white-space:nowrap;vertical-align:.08em}
.badge.prior{background:#fde4e1;border-color:#b3261e;color:#8c1d18}
.badge.after{background:#e6effa;border-color:#0a58a8;color:#0a3f78}
.badge.consent{background:#f2e7fb;border-color:#7b3fb0;color:#5a2c83}
.badge.current{background:#e3f4e6;border-color:#2d7a3e;color:#1f5a2c}
.badge.upcoming{background:var(--notice);border-color:var(--notice-line);color:#6b4a00}
.badge.past{background:#f1f1f1;border-color:#888;color:#444}
.version{border-top:1px solid var(--line);padding:.4rem 0 .8rem}
.version h2{margin-top:1rem}
ins{background:var(--ins);text-decoration:underline;text-decoration-color:#2d7a3e}
del{background:var(--del);text-decoration:line-through}
.lines{font-size:.95rem;border:1px solid var(--line);border-radius:4px;padding:.3rem .7rem;margin:.5rem 0}
.lines p{margin:.15rem 0;white-space:pre-wrap}
.lines p.added{background:var(--ins)}
.lines p.removed{background:var(--del)}
details{margin:.4rem 0}
details>summary{cursor:pointer;color:var(--muted)}
form.compare{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;margin:.8rem 0}
form.compare select,form.compare button{font:inherit;padding:.15rem .4rem}
footer.site{border-top:1px solid var(--line);margin-top:3rem;padding:.8rem 0 2rem;font-size:.9rem;color:var(--muted)}
@media (max-width:40rem){body{font-size:15px}dl.fields{grid-template-columns:1fr;gap:0}dl.fields dd{margin-bottom:.5rem}h1{font-size:1.35rem}}
@media print{body{font-size:10.5pt;line-height:1.7}nav.site,.toc,.no-print,form.compare{display:none}a{color:inherit;text-decoration:none}
h2,h3,h4{break-after:avoid}dl.fields,tr,li{break-inside:avoid}.box,.banner{background:none;border:1px solid #000}
.badge{background:none!important;color:#000!important;border-color:#000!important}ins{background:none}del{background:none}
details>summary{display:none}details>*{display:block}}
`
  .replace(/\n/g, '')
  .trim();

export interface ShellOptions {
  title: string;
  orgCode?: string;
  orgName?: string;
  /** The nav entry to mark as the current page. */
  active?: 'current' | 'versions' | 'diff';
  /** Whether there are two versions to compare: without them the nav has no 変更点 entry. */
  comparable?: boolean;
  /** A JSON alternate of the page, for machines. */
  jsonHref?: string;
  body: string;
}

/** The whole page: head with inline CSS, the site header and nav, the body, the footer. */
export function pageShell(o: ShellOptions): string {
  const paths = o.orgCode ? noticePaths(o.orgCode) : undefined;
  const navItem = (key: ShellOptions['active'], href: string, label: string) =>
    `<li><a href="${esc(href)}"${o.active === key ? ' aria-current="page"' : ''}>${label}</a></li>`;
  const header = paths
    ? `<header class="site"><div class="wrap"><p class="org">${esc(o.orgName ?? '')}</p><nav class="site" aria-label="個人情報保護方針"><ul>${navItem('current', paths.current, '現在の方針')}${navItem('versions', paths.versions, '改定履歴')}${o.comparable ? navItem('diff', paths.diff(), '変更点（新旧比較）') : ''}<li><a href="${esc(paths.json)}" type="application/json">JSON</a></li></ul></nav></div></header>`
    : '';
  return `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(o.title)}</title>${o.jsonHref ? `<link rel="alternate" type="application/json" href="${esc(o.jsonHref)}">` : ''}<style>${css}</style></head>
<body>${header}<main class="wrap">${o.body}</main><footer class="site"><div class="wrap">${o.orgName ? `${esc(o.orgName)}　` : ''}この文書は mamori により公表されています。</div></footer></body></html>
`;
}

/** The sections as HTML (h2 per section, h3/h4 for nested parts). */
export function renderSections(sections: readonly Section[]): string {
  return sections
    .map(
      (s) =>
        `<section id="${esc(s.id)}" aria-labelledby="h-${esc(s.id)}"><h2 id="h-${esc(s.id)}">${esc(s.heading)}</h2>${renderBlocks(s.blocks, 3)}</section>`,
    )
    .join('\n');
}

/** A table of contents for the sections. */
export function renderToc(sections: readonly Section[]): string {
  const items = sections.map((s) => `<li><a href="#${esc(s.id)}">${esc(s.heading)}</a></li>`).join('');
  return `<nav class="toc" aria-labelledby="toc-h"><h2 id="toc-h">目次</h2><ol>${items}</ol></nav>`;
}

export function renderBlocks(blocks: readonly Block[], depth: number): string {
  return blocks.map((b) => renderBlock(b, depth)).join('');
}

function renderBlock(b: Block, depth: number): string {
  switch (b.kind) {
    case 'p': {
      const link = b.link ? ` <a href="${esc(b.link.href)}">${esc(b.link.label)}</a>` : '';
      if (!/\n/.test(b.text)) return `<p>${esc(b.text)}${link}</p>`;
      return `${richText(b.text, true)}${link ? `<p>${link.trim()}</p>` : ''}`;
    }
    case 'list': {
      const tag = b.numbered ? 'ol' : 'ul';
      return `<${tag}${b.numbered ? ' class="numbered"' : ''}>${b.items.map((i) => `<li>${richText(i)}</li>`).join('')}</${tag}>`;
    }
    case 'fields':
      return `<dl class="fields">${b.rows
        .map(
          (r) =>
            `<dt>${esc(r.term)}</dt><dd>${r.values.length === 1 ? richText(r.values[0]!) : `<ul>${r.values.map((v) => `<li>${richText(v)}</li>`).join('')}</ul>`}</dd>`,
        )
        .join('')}</dl>`;
    case 'table':
      return `<div class="table-wrap"><table><thead><tr>${b.head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${b.rows
        .map((r) => `<tr>${r.map((c) => `<td>${richText(c || '—')}</td>`).join('')}</tr>`)
        .join('')}</tbody></table></div>`;
    case 'sub': {
      const h = `h${Math.min(depth, 6)}`;
      return `<section id="${esc(b.id)}"><${h}>${esc(b.heading)}</${h}>${renderBlocks(b.blocks, depth + 1)}</section>`;
    }
  }
}
