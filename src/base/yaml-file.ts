/**
 * Human-edited YAML files (the policy file, release spec files): read with every problem located by line, so that
 * an officer fixes a hand-edited file without guessing. The file's own checks (its zod schema, its rules) are the
 * caller's; this reads the text into a value and finds where a path of that value is written.
 */
import { type Document, isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import type { FieldIssue } from '../contract/errors.ts';
import { AppError, type ErrorCode } from './errors.ts';

export interface YamlFile {
  value: unknown;
  /** Where a path of the value (`['columns', 2, 'role']`) is written: its line and column, or nothing when not found. */
  locate(path: readonly (string | number)[]): { line?: number; column?: number };
}

const fileIssue = (code: string, ja: string, en: string): FieldIssue => ({ field: '', code, message_ja: ja, message_en: en });

/**
 * Reads a YAML file of at most `maxBytes`: a byte-order mark is ignored, keys must be unique, and a syntax error, an
 * alias without its anchor or too many aliases (a "billion laughs" file) are the file's problems, thrown as
 * `errorCode` with their lines.
 */
export function readYamlFile(source: string, opts: { maxBytes: number; errorCode: ErrorCode }): YamlFile {
  if (Buffer.byteLength(source, 'utf8') > opts.maxBytes) {
    const kb = Math.round(opts.maxBytes / 1024);
    const size = kb >= 1024 ? `${kb / 1024}MB` : `${kb}KB`;
    const sizeEn = kb >= 1024 ? `${kb / 1024} MB` : `${kb} KB`;
    throw new AppError(opts.errorCode, [
      fileIssue('too_large', `ファイルが大きすぎます（${size}まで）。`, `The file is too large (${sizeEn} at most).`),
    ]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(source.replace(/^\uFEFF/, ''), { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    throw new AppError(
      opts.errorCode,
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return {
          ...fileIssue('yaml_syntax', `YAMLの書式に誤りがあります: ${e.message}`, `YAML syntax error: ${e.message}`),
          line: pos.line,
          column: pos.col,
        };
      }),
    );
  }
  // Building the value can still fail: an alias without its anchor (`*a`), or too many aliases. The yaml library
  // throws a ReferenceError for both.
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new AppError(opts.errorCode, [
      fileIssue('yaml_alias', `YAMLの参照（エイリアス）に誤りがあります: ${message}`, `YAML alias error: ${message}`),
    ]);
  }
  return { value, locate: (path) => locate(doc, path, lineCounter) };
}

function locate(doc: Document.Parsed, path: readonly (string | number)[], lineCounter: LineCounter) {
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
