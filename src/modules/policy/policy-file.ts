/**
 * Policy files: one human-readable YAML file per policy (`mamori policy export` / `import`, the console's
 * download and upload). Reading a file reports every problem with its line and field, so an officer can fix
 * a hand-edited file without guessing.
 */

import { isMap, isSeq, LineCounter, parseDocument, stringify } from 'yaml';
import type { z } from 'zod';
import { AppError } from '../../base/errors.ts';
import { describeZodIssue } from '../../base/zod-issues.ts';
import type { FieldIssue } from '../../contract/errors.ts';
import { type PolicyDocument, policyDocumentSchema, withPurposeCodes } from './document.ts';
import { fieldLabel } from './field-labels.ts';

const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** Parses and validates a policy file; throws `policy_file_invalid` with every problem located by line. */
export function parsePolicyFile(source: string): PolicyDocument {
  if (Buffer.byteLength(source, 'utf8') > MAX_FILE_BYTES) {
    throw new AppError('policy_file_invalid', [
      issue('', 'too_large', 'ファイルが大きすぎます（2MBまで）。', 'The file is too large (2 MB at most).'),
    ]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(source.replace(/^\uFEFF/, ''), { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    throw new AppError(
      'policy_file_invalid',
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return {
          ...issue('', 'yaml_syntax', `YAMLの書式に誤りがあります: ${e.message}`, `YAML syntax error: ${e.message}`),
          line: pos.line,
          column: pos.col,
        };
      }),
    );
  }
  // Building the value can still fail: an alias without its anchor (`*a`), or too many aliases (a "billion
  // laughs" file). The yaml library throws a ReferenceError for both; the officer gets it as a file problem.
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new AppError('policy_file_invalid', [
      issue('', 'yaml_alias', `YAMLの参照（エイリアス）に誤りがあります: ${message}`, `YAML alias error: ${message}`),
    ]);
  }
  const parsed = policyDocumentSchema.safeParse(value, { reportInput: true });
  if (parsed.success) return withPurposeCodes(parsed.data);
  throw new AppError(
    'policy_file_invalid',
    parsed.error.issues.map((i) => {
      // An unknown field is found at its own key, not at the object that holds it.
      const path = i.code === 'unrecognized_keys' ? [...i.path, i.keys[0]!] : i.path;
      const located = locate(doc, path as (string | number)[], lineCounter);
      return { ...describeIssue(i), ...located };
    }),
  );
}

/** Writes a policy as YAML, with a header saying what it is. */
export function formatPolicyFile(doc: PolicyDocument, header?: string): string {
  const body = stringify(doc, { lineWidth: 0, indent: 2, defaultStringType: 'PLAIN', aliasDuplicateObjects: false });
  const lines = [
    '# mamori policy file (個人情報保護方針の登録簿). Import with: mamori policy import <file>',
    ...(header ? header.split('\n').map((l) => `# ${l}`) : []),
  ];
  return `${lines.join('\n')}\n${body}`;
}

/** Validation issues of a document that did not come from a file (the console's editor, the API). */
export function documentIssues(error: z.ZodError, input?: unknown): FieldIssue[] {
  return error.issues.map((i) => describeIssue(i, input));
}

/**
 * One validation issue, named by the field's Japanese and English label (field-labels.ts), not its path; with the
 * document, an entry in the co-op's own words by the name of its input in the console.
 */
function describeIssue(i: z.core.$ZodIssue, input?: unknown): FieldIssue {
  const field = i.path.join('.');
  return describeZodIssue(i, field, fieldLabel(field, input));
}

function issue(field: string, code: string, ja: string, en: string): FieldIssue {
  return { field, code, message_ja: ja, message_en: en };
}

/** The line of the deepest node on `path` that exists in the file (a missing field points at its parent). */
function locate(doc: ReturnType<typeof parseDocument>, path: (string | number)[], lineCounter: LineCounter) {
  let node: unknown = doc.contents;
  let offset: number | undefined = (doc.contents as { range?: number[] } | null)?.range?.[0];
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      if (!pair) break;
      offset = (pair.key as { range?: number[] }).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as { range?: number[] } | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  if (offset === undefined) return {};
  const pos = lineCounter.linePos(offset);
  return { line: pos.line, column: pos.col };
}
