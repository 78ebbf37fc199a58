/**
 * Every kind of audit event has a Japanese (and English) label in the console, and the audit screens offer it
 * in their action filter: the trail is read by a privacy office, never as raw codes. The actions are read from
 * the typed union in src/modules/audit/events.ts, so a new kind of event without labels fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

function eventActions(): string[] {
  const source = read('src/modules/audit/events.ts');
  const actions = new Set<string>();
  for (const m of source.matchAll(/action:\s*((?:'[a-z_.]+'\s*\|?\s*)+)/g)) {
    for (const a of m[1]!.matchAll(/'([a-z_.]+)'/g)) actions.add(a[1]!);
  }
  return [...actions].sort();
}

describe('audit event labels', () => {
  const actions = eventActions();

  it('reads the kinds of event from the typed union', () => {
    expect(actions.length).toBeGreaterThan(40);
    expect(actions).toContain('member.read');
    expect(actions).toContain('access.refused');
  });

  it.each(['ja', 'en'])('every kind of event has a %s label', (lang) => {
    const messages = JSON.parse(read(`web/src/i18n/${lang}.json`)) as Record<string, string>;
    const missing = actions.filter((a) => !messages[`action.${a}`]?.trim());
    expect(missing).toEqual([]);
  });

  it('the audit screens offer every kind of event in their filter', () => {
    const list = /export const auditActions = \[([^\]]*)\]/.exec(read('web/src/audit/audit-labels.ts'))?.[1] ?? '';
    const offered = new Set([...list.matchAll(/'([a-z_.]+)'/g)].map((m) => m[1]));
    expect(actions.filter((a) => !offered.has(a))).toEqual([]);
  });
});
