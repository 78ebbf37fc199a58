/** Request and response shapes of the members API (one zod schema per endpoint; the OpenAPI document uses them). */
import { z } from 'zod';
import { memberFieldCodes } from '../../contract/member-fields.ts';
import { SEARCH_COUNT_CAP } from './search-filters.ts';

const fieldValue = z.union([z.string().max(2000), z.number(), z.null()]).optional();
export const memberFieldsInput = z.strictObject(
  Object.fromEntries(memberFieldCodes.map((f) => [f, fieldValue])) as Record<(typeof memberFieldCodes)[number], typeof fieldValue>,
);

export const purposeCodeSchema = z.string().min(1).max(20).describe('利用目的コード (例 P04) / purpose code, e.g. P04');

export const memberIdParams = z.strictObject({ id: z.string().min(1).max(64) });

export const readMemberQuery = z.strictObject({
  purpose: purposeCodeSchema,
  items: z.string().max(1000).optional().describe('カンマ区切りの項目コード / comma-separated item codes'),
});

export const searchMembersQuery = z.strictObject({
  purpose: purposeCodeSchema,
  org: z
    .string()
    .max(60)
    .optional()
    .describe('組織コード（共同利用先の組合員を検索するとき）/ organization code, to search a jointly used organization'),
  code: z.string().max(40).optional(),
  kana: z.string().max(100).optional(),
  name: z.string().max(100).optional(),
  phone: z.string().max(40).optional(),
  address: z
    .string()
    .max(100)
    .optional()
    .describe('住所の前方一致（都道府県から。例 宮城県仙台市）/ address prefix from the prefecture, e.g. 宮城県仙台市'),
  birth_year: z
    .string()
    .max(20)
    .optional()
    .describe('生年（西暦4桁、または範囲。例 1980、1970-1979）/ birth year, or a range: 1980, 1970-1979'),
  limit: z.coerce.number().int().min(1).max(100).optional().describe('1ページの件数（既定 20）/ page size (default 20)'),
  offset: z.coerce
    .number()
    .int()
    .min(0)
    .max(SEARCH_COUNT_CAP)
    .optional()
    .describe(`読み飛ばす件数（0–${SEARCH_COUNT_CAP}）/ hits to skip (0–${SEARCH_COUNT_CAP})`),
});

export const createMemberBody = z.strictObject({ purpose: purposeCodeSchema, member: memberFieldsInput });

export const updateMemberBody = z.strictObject({
  purpose: purposeCodeSchema,
  version: z.number().int().min(1).optional().describe('編集前の版 / the version the editor saw'),
  changes: memberFieldsInput,
});

export const presentedMember = z.looseObject({ id: z.string(), version: z.number() });
export type CreateMemberBody = z.infer<typeof createMemberBody>;
export type UpdateMemberBody = z.infer<typeof updateMemberBody>;
