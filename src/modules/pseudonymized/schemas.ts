/**
 * Request shapes of the pseudonymized data API (one zod schema per endpoint; the OpenAPI document uses them).
 * The schemas check shape only: whether a column's treatment meets the processing standards, whether the purposes
 * exist and hold the columns' items, is `standards.ts`'s job, on every path (API, CLI) alike.
 */
import { z } from 'zod';
import { csvCharsets } from '../../base/table-export.ts';
import { memberFieldCodes } from '../../contract/member-fields.ts';
import { treatments } from '../../contract/pseudonymized-vocabulary.ts';

/** The data set's code (stable; names the file and the audit entries). */
export const setCodeSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'code: letters, digits, _ and - (up to 64)')
  .describe('データセットのコード / the data set’s code');

const purposeCode = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'code')
  .describe('利用目的のコード（P16 など）/ purpose code');

/** One column of the set: a member-ledger field and what becomes of it. My Number is never a field. */
export const columnInput = z.strictObject({
  field: z.enum(memberFieldCodes).describe('組合員台帳の項目 / member-ledger field'),
  treatment: z.enum(treatments).describe('加工方法 / treatment'),
});
export type ColumnInput = z.infer<typeof columnInput>;

const definitionFields = {
  name: z.string().trim().min(1).max(200).describe('名称 / name'),
  description: z.string().trim().max(2000).describe('分析の内容 / what the analysis is'),
  purposes: z
    .array(purposeCode)
    .min(1)
    .max(20)
    .describe('利用目的（このデータセットの利用はこれらに限られます）/ the purposes its use is bound to'),
  columns: z.array(columnInput).min(1).max(memberFieldCodes.length).describe('列と加工方法（出力の順）/ columns in output order'),
};

export const createSetBody = z.strictObject({ code: setCodeSchema, ...definitionFields }).partial({ description: true });
export type CreateSetInput = z.infer<typeof createSetBody>;

export const updateSetBody = z.strictObject({
  version: z.int().min(1).describe('編集前の版 / the version the editor saw'),
  changes: z.strictObject(definitionFields).partial(),
});
export type UpdateSetInput = z.infer<typeof updateSetBody>;

export const retireSetBody = z.strictObject({ version: z.int().min(1) });

export const setCodeParams = z.strictObject({ code: setCodeSchema });

export const produceQuery = z.strictObject({
  purpose: purposeCode.describe('今回の利用目的（データセットの利用目的の一つで、役割に付与されているもの）/ the purpose of this use'),
  charset: z.enum(csvCharsets).optional().describe('既定は utf-8（BOM付き）/ default utf-8 with BOM'),
});
export type ProduceQuery = z.infer<typeof produceQuery>;
