/**
 * The release spec (匿名加工情報の定義) and the request shapes of the releases API. The same zod schema reads the
 * spec file (YAML, spec-file.ts), the console's form and the API, and feeds the OpenAPI document. The schemas
 * check shape only; whether the columns exist in the source, the purpose in the registers, the system in the
 * dataset map, is the services' job.
 */
import { z } from 'zod';
import { columnRoles } from '../../contract/release-vocabulary.ts';
import { hierarchyPresetNames } from './presets.ts';

export const RELEASE_FORMAT = 'mamori-release/1';

const code = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'code');
const shortText = z.string().trim().min(1).max(400);
/** A column of the source (a member field, a purchase figure, a CSV header). */
const columnName = z.string().trim().min(1).max(100);

/** One generalization step (contract/release-vocabulary.ts `HierarchyStep`). */
export const hierarchyStepSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('mask'), keep: z.int().min(0).max(100) }),
  z.strictObject({
    kind: z.literal('prefix_map'),
    map: z.record(z.string().min(1).max(20), shortText).refine((m) => Object.keys(m).length > 0 && Object.keys(m).length <= 5000, {
      message: 'map: 1–5000 prefixes',
    }),
  }),
  z.strictObject({
    kind: z.literal('interval'),
    width: z.number().positive().max(1e12),
    origin: z.number().min(-1e12).max(1e12).optional(),
  }),
  z.strictObject({ kind: z.literal('breaks'), bounds: z.array(z.number().min(-1e15).max(1e15)).min(1).max(100) }),
  z.strictObject({ kind: z.literal('date'), unit: z.enum(['month', 'year']) }),
  z.strictObject({
    kind: z.literal('groups'),
    groups: z.record(shortText, z.array(shortText).max(1000)).refine((g) => Object.keys(g).length > 0 && Object.keys(g).length <= 500, {
      message: 'groups: 1–500 groups',
    }),
  }),
]);
export type HierarchyStepInput = z.infer<typeof hierarchyStepSchema>;

export const releaseColumnSchema = z.strictObject({
  /** The source's column (a member field such as `age`, a purchase figure, or a CSV header). */
  name: columnName,
  /** The header in the recipient's file (Japanese); the name when omitted. */
  label: shortText.optional(),
  role: z.enum(columnRoles),
  /** Generalization steps above the value itself (quasi-identifiers); the engine adds the final `*`. */
  hierarchy: z.array(hierarchyStepSchema).max(10).optional(),
  /** A ready-made hierarchy (presets.ts) instead of `hierarchy`. */
  preset: z.enum(hierarchyPresetNames).optional(),
  /** Top and bottom coding of outliers (特異な記述): numbers above/below become the bound. */
  coding: z
    .strictObject({ top: z.number().min(-1e15).max(1e15).optional(), bottom: z.number().min(-1e15).max(1e15).optional() })
    .optional(),
  /** The member id replaced by the release's keyed hash instead of removed (identifiers, at most one). */
  pseudonym: z.boolean().optional(),
  /**
   * Quasi-identifiers: the coarsest level the search may choose (0 = the value itself; default: `*`). A recipient
   * who needs at least, say, the prefecture sets it; then a suppression limit no transformation meets is possible.
   */
  max_level: z.int().min(0).max(20).optional(),
});
export type ReleaseColumn = z.infer<typeof releaseColumnSchema>;

/** Purchases from a connected system of the dataset map, aggregated per member over the months before the release. */
export const purchasesSchema = z.strictObject({
  system: code,
  /** A mapped table of the system holding one row per purchase (reached from the member by `link` or `via`). */
  table: z
    .string()
    .trim()
    .regex(/^[A-Za-z_][A-Za-z0-9_$]{0,62}(\.[A-Za-z_][A-Za-z0-9_$]{0,62})?$/),
  amount: z
    .string()
    .trim()
    .regex(/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/),
  date: z
    .string()
    .trim()
    .regex(/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/),
  /** How many whole months before the release date's month are counted (1–36). */
  months: z.int().min(1).max(36).default(12),
});

export const releaseSourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('members'), purchases: purchasesSchema.optional() }),
  z.strictObject({
    kind: z.literal('file'),
    charset: z.enum(['utf-8', 'shift_jis']).default('utf-8'),
    /** The CLI reads the file from here (relative to the spec file); the API and console upload it with each run. */
    path: z.string().trim().min(1).max(1000).optional(),
  }),
]);
export type ReleaseSource = z.infer<typeof releaseSourceSchema>;

export const releaseSpecSchema = z.strictObject({
  format: z.literal(RELEASE_FORMAT).default(RELEASE_FORMAT),
  code,
  name: shortText,
  /** Who receives it, as published (一部の取引先). */
  recipients: shortText,
  /** Codes of recipients in the third-party register, when they are there. */
  third_parties: z.array(code).max(100).default([]),
  /** The purpose whose opted-out and stopped members are left out of the source. */
  purpose: code,
  /** The items published on the notice; the labels of the kept columns when omitted. */
  items: z.array(shortText).max(100).optional(),
  source: releaseSourceSchema,
  columns: z.array(releaseColumnSchema).min(1).max(100),
  k: z.int().min(2).max(10_000),
  l: z.strictObject({ column: columnName, l: z.int().min(2).max(1000) }).optional(),
  /** The share of records that may be suppressed (0.04 for 4 %). */
  suppression_limit: z.number().min(0).max(0.5).default(0.04),
  output: z
    .strictObject({
      format: z.enum(['csv', 'parquet']).default('csv'),
      charset: z.enum(['utf-8', 'shift_jis']).default('utf-8'),
    })
    .prefault({}),
  schedule: z
    .discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('once') }),
      /** Delivered every month on `day` (Japan time) by the `deliver_releases` job. */
      z.strictObject({ kind: z.literal('monthly'), day: z.int().min(1).max(28) }),
    ])
    .default({ kind: 'once' }),
  /** The delivery target (deliveries register) the schedule delivers to. */
  target: code.optional(),
});
export type ReleaseSpec = z.infer<typeof releaseSpecSchema>;
export type ReleaseSpecInput = z.input<typeof releaseSpecSchema>;

export const releaseIdParams = z.object({ id: z.uuid() });

export const createReleaseBody = z
  .strictObject({
    spec: releaseSpecSchema.optional().describe('定義（JSON）/ the spec as JSON'),
    yaml: z
      .string()
      .max(512 * 1024)
      .optional()
      .describe('定義ファイル（YAML）/ the spec file as YAML'),
  })
  .describe('spec か yaml のどちらか一方 / either spec or yaml');
export type CreateReleaseBody = z.infer<typeof createReleaseBody>;

export const updateReleaseBody = z.strictObject({
  version: z.int().min(1).max(1_000_000_000),
  spec: releaseSpecSchema.optional(),
  yaml: z
    .string()
    .max(512 * 1024)
    .optional(),
});

/** A run's source file, when the source is a file (CSV with a header row, base64). */
const runFile = z.strictObject({
  name: z.string().trim().min(1).max(200),
  content_base64: z
    .string()
    .max(20 * 1024 * 1024)
    .regex(/^[A-Za-z0-9+/=\s]*$/),
});

export const previewBody = z.strictObject({ file: runFile.optional() });

export const deliverBody = z.strictObject({
  target: code.describe('配信先コード / delivery target code'),
  file: runFile.optional(),
});

export const publishMethodBody = z.strictObject({
  version: z.int().min(1).max(1_000_000_000),
  method_of_provision: z.string().trim().min(1).max(2000).describe('提供の方法（公表）/ the method of provision, as published'),
});
