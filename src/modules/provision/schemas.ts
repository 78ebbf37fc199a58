/** Request shapes of the provision API (one zod schema per endpoint; the OpenAPI document uses them). */
import { z } from 'zod';
import { csvCharsets } from '../../base/table-export.ts';
import { legalBases } from '../policy/document.ts';

const date = z.iso.date();
const code = z.string().trim().min(1).max(64);

export const runIdParams = z.strictObject({ id: z.uuid() });

const memberCode = z.string().trim().min(1).max(64);

/** Who the run is about: member codes (typed, or an uploaded CSV), or a filter over the member ledger. */
export const populationSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('codes'),
      member_codes: z.array(memberCode).max(100_000).optional().describe('組合員コードの一覧 / member codes'),
      member_codes_csv_base64: z
        .string()
        .max(8_000_000)
        .optional()
        .describe('組合員コードのCSV（UTF-8またはShift_JIS、Base64）/ a CSV of member codes, base64'),
    }),
    z.strictObject({
      kind: z.literal('filter'),
      status: z
        .array(z.enum(['active', 'suspended', 'withdrawn']))
        .max(3)
        .optional()
        .describe('状態 / status'),
      delivery_type: z
        .array(z.enum(['group', 'individual', 'store_only']))
        .max(3)
        .optional()
        .describe('利用形態 / delivery type'),
      joined_from: date.optional().describe('加入日（から）/ joined on or after'),
      joined_to: date.optional().describe('加入日（まで）/ joined on or before'),
    }),
    z.strictObject({
      kind: z.literal('system'),
      system: code.describe('連携システムのコード / the connected system'),
      table: z.string().trim().min(1).max(128).optional().describe('会員コードで結び付くテーブル（省略時はすべて）/ one mapped table'),
    }),
  ])
  .describe('対象者 / the population');

export const previewRunBody = z.strictObject({
  third_party_code: code.describe('第三者提供の登録簿の提供先コード / the recipient’s code in the register'),
  population: populationSchema,
  legal_basis: z
    .enum(legalBases)
    .optional()
    .describe('提供の根拠（省略時は登録簿の根拠、なければ同意）/ legal basis (default: the register’s, else consent)'),
  exception_reason: z
    .string()
    .trim()
    .max(2000)
    .optional()
    .describe('法第27条第1項の例外の理由（例外では必須）/ written reason for an exception'),
  record_mode: z
    .enum(['per_person', 'continuous'])
    .default('per_person')
    .describe('記録の作成方法 / one record per person or a continuous record'),
  retention: z
    .enum(['record', 'contract'])
    .optional()
    .describe(
      '保存期間の根拠: 記録（3年）または契約書で代替（最後の提供から1年）。省略時は登録簿の提供先の設定 / retention basis (default: the register entry’s)',
    ),
});
export type PreviewRunBody = z.infer<typeof previewRunBody>;

export const fileQuery = z.strictObject({ charset: z.enum(csvCharsets).default('utf-8') });

export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/** Receipts from a provider for a list of people (member codes typed or a CSV). */
export const recordReceiptsBody = z.strictObject({
  population: z.strictObject({
    kind: z.literal('codes'),
    member_codes: z.array(memberCode).max(100_000).optional(),
    member_codes_csv_base64: z.string().max(8_000_000).optional(),
  }),
  provider: z.strictObject({
    name: z.string().trim().min(1).max(200).describe('提供元の名称 / the provider'),
    address: z.string().trim().max(300).optional(),
    representative: z.string().trim().max(200).optional(),
  }),
  acquisition: z.string().trim().min(1).max(1000).describe('提供元の取得の経緯 / how the provider obtained the data'),
  items: z.array(code).min(1).max(100),
  occurred_on: date.optional(),
  retention: z.enum(['record', 'contract']).optional(),
  note: z.string().trim().max(1000).optional(),
});

/** A single record entered by staff: a provision to, or a receipt from, a third party. */
export const recordProvisionBody = z.strictObject({
  direction: z.enum(['provided', 'received']),
  third_party_code: code.optional(),
  counterparty: z
    .strictObject({
      name: z.string().trim().min(1).max(200),
      address: z.string().trim().max(300).optional(),
      representative: z.string().trim().max(200).optional(),
    })
    .optional(),
  items: z.array(code).min(1).max(100),
  legal_basis: z.enum(legalBases).optional(),
  acquisition: z.string().trim().max(1000).optional(),
  occurred_on: date.optional(),
  note: z.string().trim().max(1000).optional(),
  retention: z.enum(['record', 'contract']).optional(),
});
