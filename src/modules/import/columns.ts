/**
 * Which CSV column feeds which ledger field (列の対応). The header row may use the English field codes, the
 * Japanese labels or their aliases (members/fields.ts); a mapping file (`--mapping`, JSON) describes any
 * other layout: column → field, columns to ignore, the encoding, and constant values for every row.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { AppError } from '../../base/errors.ts';
import type { FieldIssue } from '../../contract/errors.ts';
import { type MemberField, memberFieldCodes } from '../../contract/member-fields.ts';
import { memberFieldLabels, normalizeMemberInput } from '../members/fields.ts';
import { containsMyNumber } from '../my-number/detect.ts';

export const importEncodings = ['auto', 'utf8', 'cp932'] as const;
export type ImportEncoding = (typeof importEncodings)[number];

const fieldCode = z.enum(memberFieldCodes);

/** The mapping file. Keys are snake_case like the field codes; see docs/import.md. */
export const importMappingSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  encoding: z.enum(importEncodings).optional(),
  delimiter: z.enum([',', '\t', ';']).optional(),
  /** Header text (as in the file) → field code. */
  columns: z.record(z.string().min(1), fieldCode).default({}),
  /** Header texts of columns that are read but not imported. */
  ignore: z.array(z.string().min(1)).default([]),
  /** Ignore every column that is neither mapped nor a documented name (off by default: a typo should not lose data). */
  ignore_unknown: z.boolean().default(false),
  /** Field code → the value every row gets, written as in a cell (e.g. `"delivery_type": "班"`). */
  constants: z.partialRecord(fieldCode, z.union([z.string(), z.number()])).default({}),
});
export type ImportMapping = z.infer<typeof importMappingSchema>;
export type ImportMappingInput = z.input<typeof importMappingSchema>;

const mappingIssue = (field: string, ja: string, en: string, code = 'invalid'): FieldIssue => ({
  field,
  code,
  message_ja: ja,
  message_en: en,
});

/** Validates a mapping (already parsed JSON). Throws `import_mapping_invalid` with one issue per problem. */
export function parseMapping(raw: unknown): ImportMapping {
  const parsed = importMappingSchema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError(
      'import_mapping_invalid',
      parsed.error.issues.map((i) => {
        const path = i.path.map(String).join('.') || '(mapping)';
        return mappingIssue(path, `項目対応ファイルの「${path}」が正しくありません（${i.code}）。`, `${path}: ${i.message}`, i.code);
      }),
    );
  }
  const mapping = parsed.data;
  const issues: FieldIssue[] = [];
  for (const [field, value] of Object.entries(mapping.constants) as [MemberField, string | number][]) {
    const path = `constants.${field}`;
    if (field === 'member_code') {
      issues.push(
        mappingIssue(
          path,
          '組合員コードは固定値にできません（全行が同じ組合員になります）。',
          'member_code cannot be a constant (every row would be the same member).',
        ),
      );
    } else if (containsMyNumber(String(value))) {
      issues.push(
        mappingIssue(
          path,
          '固定値に個人番号（マイナンバー）と思われる番号が含まれています。',
          'The constant contains what appears to be a My Number.',
          'my_number',
        ),
      );
    } else {
      for (const i of normalizeMemberInput({ [field]: value }, 'update').issues) issues.push({ ...i, field: path });
    }
  }
  const mapped = new Set(Object.keys(mapping.columns).map(headerKey));
  for (const h of mapping.ignore) {
    if (mapped.has(headerKey(h))) {
      issues.push(
        mappingIssue(`ignore.${h}`, `列「${h}」が columns と ignore の両方にあります。`, `Column "${h}" is both mapped and ignored.`),
      );
    }
  }
  if (issues.length) throw new AppError('import_mapping_invalid', issues);
  return mapping;
}

/** Reads and validates a mapping file (UTF-8 JSON, BOM allowed). */
export async function loadMapping(file: string): Promise<ImportMapping> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new AppError('import_mapping_invalid', [
      mappingIssue(
        'file',
        `項目対応ファイル ${file} を読み込めません。`,
        `Cannot read the mapping file ${file}: ${(error as Error).message}`,
        'unreadable',
      ),
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new AppError('import_mapping_invalid', [
      mappingIssue(
        'file',
        '項目対応ファイルがJSONとして読めません。',
        `The mapping file is not valid JSON: ${(error as Error).message}`,
        'invalid_json',
      ),
    ]);
  }
  return parseMapping(json);
}

/** Header text as compared: NFKC (half-width kana, full-width letters), single spaces, lower case. */
export function headerKey(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();
}

/** Every documented header name → field: the code, the Japanese label, the English label, the aliases. */
const documentedNames: ReadonlyMap<string, MemberField> = (() => {
  const names = new Map<string, MemberField>();
  for (const field of memberFieldCodes) {
    const l = memberFieldLabels[field];
    for (const name of [field, l.ja, l.en, ...(l.aliases ?? [])]) names.set(headerKey(name), field);
  }
  return names;
})();

/** The fields a new member cannot do without (as `normalizeMemberInput` decides), so their columns must exist. */
export const requiredFields: readonly MemberField[] = normalizeMemberInput({}, 'create')
  .issues.filter((i) => i.code === 'required')
  .map((i) => i.field as MemberField);

export interface ColumnPlan {
  /** Per column of the file: the field it feeds, or null when ignored. */
  fields: (MemberField | null)[];
  /** Per column: how the column is named in reports and audit entries (field code, or the header text). */
  names: string[];
  /** Field → constant raw value from the mapping. */
  constants: Partial<Record<MemberField, string>>;
  /** Every field the file provides (a column or a constant), in ledger order. Only these are compared and updated. */
  provided: MemberField[];
}

const clip = (s: string) => (s.length > 40 ? `${s.slice(0, 40)}…` : s);

/**
 * Resolves the header row against the documented names and the mapping. Throws `import_header_invalid` with
 * one issue per problem: unknown columns, two columns for one field, a required field with no column.
 */
export function resolveColumns(header: readonly string[], mapping?: ImportMapping): ColumnPlan {
  const mappedColumns = new Map(Object.entries(mapping?.columns ?? {}).map(([h, f]) => [headerKey(h), f]));
  const ignored = new Set((mapping?.ignore ?? []).map(headerKey));
  const issues: FieldIssue[] = [];
  const fields: (MemberField | null)[] = [];
  const names: string[] = [];
  const columnOf = new Map<MemberField, number>();
  header.forEach((text, index) => {
    const key = headerKey(text);
    const position = `${index + 1}列目`;
    if (containsMyNumber(text)) {
      issues.push({
        field: `column ${index + 1}`,
        code: 'my_number',
        message_ja: `${position}の見出しに個人番号（マイナンバー）と思われる番号が含まれています。`,
        message_en: `The header of column ${index + 1} contains what appears to be a My Number.`,
      });
      fields.push(null);
      names.push(`column ${index + 1}`);
      return;
    }
    const field = mappedColumns.get(key) ?? (ignored.has(key) ? undefined : documentedNames.get(key));
    if (field) {
      const earlier = columnOf.get(field);
      if (earlier !== undefined) {
        issues.push({
          field,
          code: 'duplicate_column',
          message_ja: `列「${clip(header[earlier]!)}」と「${clip(text)}」（${position}）が同じ項目「${memberFieldLabels[field].ja}」を指しています。`,
          message_en: `Columns "${clip(header[earlier]!)}" and "${clip(text)}" (column ${index + 1}) both map to ${field}.`,
        });
      } else {
        columnOf.set(field, index);
      }
      fields.push(field);
      names.push(field);
      return;
    }
    fields.push(null);
    names.push(key ? clip(text.trim()) : `column ${index + 1}`);
    // An empty header is a spreadsheet's trailing empty column; ignored ones were asked for.
    if (!key || ignored.has(key) || mapping?.ignore_unknown) return;
    issues.push({
      field: clip(text.trim()),
      code: 'unknown_column',
      message_ja: `列「${clip(text.trim())}」（${position}）は取込項目ではありません。項目対応ファイル（--mapping）で項目に対応付けるか、ignore に入れてください。`,
      message_en: `Column "${clip(text.trim())}" (column ${index + 1}) is not an import field. Map it to a field or list it under "ignore" in a mapping file (--mapping).`,
    });
  });
  const constants: Partial<Record<MemberField, string>> = {};
  for (const [field, value] of Object.entries(mapping?.constants ?? {}) as [MemberField, string | number][]) {
    if (columnOf.has(field)) {
      issues.push({
        field,
        code: 'constant_and_column',
        message_ja: `項目「${memberFieldLabels[field].ja}」に列と固定値（constants）の両方が指定されています。`,
        message_en: `${field} is given both by a column and by a constant.`,
      });
    }
    constants[field] = String(value);
  }
  for (const field of requiredFields) {
    if (!columnOf.has(field) && !(field in constants)) {
      const l = memberFieldLabels[field];
      issues.push({
        field,
        code: 'missing_column',
        message_ja: `必須の列「${l.ja}」（${field}）がありません。`,
        message_en: `The required column ${field} (${l.en}, ${l.ja}) is missing.`,
      });
    }
  }
  if (issues.length) throw new AppError('import_header_invalid', issues);
  const provided = memberFieldCodes.filter((f) => columnOf.has(f) || f in constants);
  return { fields, names, constants, provided };
}
