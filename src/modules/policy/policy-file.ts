/**
 * Policy files: one human-readable YAML file per policy (`mamori policy export` / `import`, the console's
 * download and upload). Reading a file reports every problem with its line and field, so an officer can fix
 * a hand-edited file without guessing.
 */

import { stringify } from 'yaml';
import type { z } from 'zod';
import { AppError } from '../../base/errors.ts';
import { readYamlFile } from '../../base/yaml-file.ts';
import { describeZodIssue } from '../../base/zod-issues.ts';
import type { FieldIssue } from '../../contract/errors.ts';
import { type PolicyDocument, policyDocumentSchema, withPurposeCodes } from './document.ts';
import { fieldLabel } from './field-labels.ts';

const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** Parses and validates a policy file; throws `policy_file_invalid` with every problem located by line. */
export function parsePolicyFile(source: string): PolicyDocument {
  const file = readYamlFile(source, { maxBytes: MAX_FILE_BYTES, errorCode: 'policy_file_invalid' });
  const parsed = policyDocumentSchema.safeParse(file.value, { reportInput: true });
  if (parsed.success) return withPurposeCodes(parsed.data);
  throw new AppError(
    'policy_file_invalid',
    parsed.error.issues.map((i) => {
      // An unknown field is found at its own key, not at the object that holds it.
      const path = i.code === 'unrecognized_keys' ? [...i.path, i.keys[0]!] : i.path;
      return { ...describeIssue(i), ...file.locate(path as (string | number)[]) };
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

/** The line of the deepest node on `path` that exists in the file (a missing field points at its parent). */
