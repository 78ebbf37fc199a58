/**
 * Places in a policy document, as the server names them (`joint_uses[1].responsible.address` in a lint gap,
 * `joint_uses.1.responsible.address` in a validation issue): which tab shows them, and how to bring the
 * nearest input or row into view. Inputs and rows carry their place as `data-path`.
 */
import { type TabId, tabIds } from './types.ts';

/** `items.0.name` → `items[0].name`: one spelling for validation issues and lint gaps. */
export function normalisePath(field: string): string {
  return field
    .split('.')
    .filter(Boolean)
    .reduce((out, seg) => (/^\d+$/.test(seg) ? `${out}[${seg}]` : out ? `${out}.${seg}` : seg), '');
}

const sectionTab: Record<string, TabId> = {
  format: 'organization',
  requests: 'contact',
  sections: 'other',
  child_consent_age: 'other',
  no_joint_use: 'joint_uses',
  no_outsourcing: 'contractors',
};

/** The tab that shows a place in the document. */
export function tabOf(path: string): TabId {
  const section = /^[a-z_]+/.exec(normalisePath(path))?.[0] ?? '';
  if (section in sectionTab) return sectionTab[section]!;
  return (tabIds as readonly string[]).includes(section) ? (section as TabId) : 'organization';
}

/** The path and each shorter one: `a[1].b` → `a[1].b`, `a[1]`, `a`. */
export function pathPrefixes(path: string): string[] {
  const out: string[] = [];
  let p = normalisePath(path);
  while (p) {
    out.push(p);
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    p = cut > 0 ? p.slice(0, cut) : '';
  }
  return out;
}

/** The row index of a path inside a list section: `joint_uses[2].items[0]` → 2. */
export function rowOf(path: string): number | undefined {
  const m = /^[a-z_]+\[(\d+)\]/.exec(normalisePath(path));
  return m ? Number(m[1]) : undefined;
}

/**
 * Focuses the input (or, failing that, the row or section) for `path` inside `root` and scrolls it into
 * view; returns whether anything was found.
 */
export function focusPath(root: ParentNode, path: string): boolean {
  for (const p of pathPrefixes(path)) {
    const el = root.querySelector<HTMLElement>(`[data-path="${CSS.escape(p)}"]`);
    if (!el) continue;
    el.scrollIntoView({ block: 'center' });
    // A list of tick boxes (`requests.kinds`): its first box takes the focus, so the keyboard can tick at once.
    const target = el.matches('fieldset.check-list') ? (el.querySelector<HTMLElement>('input:not([disabled])') ?? el) : el;
    target.focus({ preventScroll: true });
    el.classList.remove('path-flash');
    // Restart the highlight so a second click on the same gap shows it again.
    void el.offsetWidth;
    el.classList.add('path-flash');
    return true;
  }
  return false;
}
