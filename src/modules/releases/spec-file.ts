/**
 * Release spec files (匿名加工情報の定義ファイル): YAML, as the policy file. Reading one reports every problem with
 * its line and field (`release_spec_invalid`), so that a hand-edited file is fixed without guessing; the same
 * checks run on a spec from the console's form. Checks beyond shape that need no database are here too: one
 * pseudonym column at most, hierarchies only on quasi-identifiers, an l column that is a sensitive column.
 */
import { stringify } from 'yaml';
import type { z } from 'zod';
import { AppError } from '../../base/errors.ts';
import { readYamlFile } from '../../base/yaml-file.ts';
import { describeZodIssue } from '../../base/zod-issues.ts';
import type { FieldIssue } from '../../contract/errors.ts';
import { type ReleaseSpec, releaseSpecSchema } from './schemas.ts';

const MAX_FILE_BYTES = 512 * 1024;

const issue = (field: string, code: string, ja: string, en: string): FieldIssue => ({ field, code, message_ja: ja, message_en: en });

/** Parses and checks a spec file; throws `release_spec_invalid` with every problem located by line. */
export function parseReleaseFile(source: string): ReleaseSpec {
  const file = readYamlFile(source, { maxBytes: MAX_FILE_BYTES, errorCode: 'release_spec_invalid' });
  const parsed = releaseSpecSchema.safeParse(file.value);
  if (!parsed.success) {
    throw new AppError(
      'release_spec_invalid',
      parsed.error.issues.map((i) => {
        const path = i.code === 'unrecognized_keys' ? [...i.path, i.keys[0]!] : i.path;
        return { ...describeZodIssue(i, i.path.join('.')), ...file.locate(path as (string | number)[]) };
      }),
    );
  }
  const problems = specProblems(parsed.data);
  if (problems.length) {
    throw new AppError(
      'release_spec_invalid',
      problems.map((p) => ({ ...p, ...file.locate(p.field.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k))) })),
    );
  }
  return parsed.data;
}

/** Checks a spec that did not come from a file (the console's form, the API's JSON). */
export function checkReleaseSpec(input: unknown): ReleaseSpec {
  const parsed = releaseSpecSchema.safeParse(input);
  if (!parsed.success) throw new AppError('release_spec_invalid', zodIssues(parsed.error));
  const problems = specProblems(parsed.data);
  if (problems.length) throw new AppError('release_spec_invalid', problems);
  return parsed.data;
}

function zodIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => describeZodIssue(i, i.path.join('.')));
}

/** What the shape cannot say: the roles' rules and names that must agree. */
export function specProblems(spec: ReleaseSpec): FieldIssue[] {
  const out: FieldIssue[] = [];
  const names = new Set<string>();
  spec.columns.forEach((c, i) => {
    const at = `columns.${i}`;
    if (names.has(c.name))
      out.push(issue(`${at}.name`, 'duplicate', `列「${c.name}」が二度指定されています。`, `Column "${c.name}" is listed twice.`));
    names.add(c.name);
    if (c.role !== 'quasi_identifier' && (c.hierarchy || c.preset))
      out.push(
        issue(
          `${at}.hierarchy`,
          'not_quasi_identifier',
          `列「${c.name}」は準識別子ではないため、一般化の階層を指定できません。`,
          `Column "${c.name}" is not a quasi-identifier: it takes no hierarchy.`,
        ),
      );
    if (c.role !== 'quasi_identifier' && (c.coding || c.max_level !== undefined))
      out.push(
        issue(
          `${at}.${c.coding ? 'coding' : 'max_level'}`,
          'not_quasi_identifier',
          `列「${c.name}」は準識別子ではないため、トップ・ボトムコーディングや一般化の上限を指定できません。`,
          `Column "${c.name}" is not a quasi-identifier: it takes no top/bottom coding or level limit.`,
        ),
      );
    if (c.role === 'quasi_identifier' && !c.hierarchy && !c.preset)
      out.push(
        issue(
          `${at}.hierarchy`,
          'hierarchy_required',
          `準識別子「${c.name}」に一般化の階層（hierarchy または preset）を指定してください。`,
          `Give quasi-identifier "${c.name}" a hierarchy (hierarchy or preset).`,
        ),
      );
    if (c.hierarchy && c.preset)
      out.push(
        issue(
          `${at}.preset`,
          'both',
          `列「${c.name}」には hierarchy と preset のどちらか一方を指定してください。`,
          `Give column "${c.name}" either hierarchy or preset, not both.`,
        ),
      );
    if (c.pseudonym && c.role !== 'identifier')
      out.push(
        issue(
          `${at}.pseudonym`,
          'not_identifier',
          `仮IDに置き換えられるのは識別子の列だけです（列「${c.name}」）。`,
          `Only an identifier can be replaced by the keyed hash (column "${c.name}").`,
        ),
      );
  });
  if (spec.columns.filter((c) => c.pseudonym).length > 1)
    out.push(issue('columns', 'two_pseudonyms', '仮IDに置き換える列は一つだけです。', 'At most one column is replaced by the keyed hash.'));
  if (!spec.columns.some((c) => c.role === 'quasi_identifier'))
    out.push(issue('columns', 'no_quasi_identifier', '準識別子の列を一つ以上指定してください。', 'Name at least one quasi-identifier.'));
  if (spec.l) {
    const col = spec.columns.find((c) => c.name === spec.l!.column);
    if (col?.role !== 'sensitive')
      out.push(
        issue(
          'l.column',
          'not_sensitive',
          `l-多様性の列「${spec.l.column}」は、役割が「機微な値」の列にしてください。`,
          `The l-diversity column "${spec.l.column}" must be a sensitive column.`,
        ),
      );
  }
  if (spec.schedule.kind === 'monthly' && spec.source.kind === 'file')
    out.push(
      issue(
        'schedule',
        'file_source',
        '元データがファイルの匿名加工情報は、毎月の提供にできません。',
        'A release read from a file cannot be delivered monthly.',
      ),
    );
  if (spec.schedule.kind === 'monthly' && !spec.target)
    out.push(
      issue('target', 'required', '毎月の提供には配信先（target）を指定してください。', 'A monthly release needs a delivery target.'),
    );
  return out;
}

/** Writes a spec as YAML, with a header saying what it is. */
export function formatReleaseFile(spec: ReleaseSpec): string {
  const body = stringify(spec, { lineWidth: 0, indent: 2, defaultStringType: 'PLAIN', aliasDuplicateObjects: false });
  return `# mamori release spec (匿名加工情報の定義). Run with: mamori anonymize --spec <file>\n${body}`;
}

/** The line of the deepest node on `path` that exists in the file (a missing field points at its parent). */
