/**
 * Request shapes of the ledger API (one zod schema per endpoint; the OpenAPI document uses them). The
 * schemas check shape only; whether the codes exist in the registers, and what the JIS ledger still lacks,
 * is the services' job.
 */
import { z } from 'zod';
import {
  acquisitionMethods,
  lifecycleStages,
  MAX_REVIEW_INTERVAL_MONTHS,
  media,
  residualLevels,
  reviewResults,
} from '../../contract/ledger-vocabulary.ts';

const text = (max: number) => z.string().trim().max(max);
const registerCode = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'code');
const date = z.iso.date();

export const ledgerCodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/)
  .describe('台帳番号（省略時は L-0001 形式で採番）/ ledger number (assigned as L-0001 … when omitted)');

export const riskInput = z.strictObject({
  stage: z
    .enum(lifecycleStages)
    .describe('取得・入力 acquire, 移送・送信 transfer, 利用・加工 use, 保管 store, 消去・廃棄 dispose, 委託 outsource, 提供 provide'),
  applicable: z.boolean().optional().describe('この段階がない資産は false（例: 委託なし）/ false when the stage does not occur'),
  threats: text(2000).optional().describe('脅威・リスク / threats and risks'),
  countermeasures: text(2000).optional().describe('対策 / countermeasures'),
  residual_risk: z.enum(residualLevels).nullable().optional().describe('残存リスク 低/中/高 / residual risk'),
});
export type RiskInput = z.infer<typeof riskInput>;

/**
 * The fields of an asset a person edits. None has a default here (zod applies defaults even to optional
 * fields): a change names only what it changes, and the service fills in a new asset's defaults.
 */
const assetFields = {
  code: ledgerCodeSchema,
  name: z.string().trim().min(1).max(200).describe('情報資産の名称 / name of the information asset'),
  department: z.string().trim().min(1).max(60).describe('管理部門の部署コード / owning department code'),
  medium: z.enum(media).describe('媒体: paper 紙, electronic 電子, both'),
  description: text(2000),
  data_subjects: text(400).describe('本人の区分（組合員、職員など）/ whose data'),
  record_count: z.int().min(0).max(1_000_000_000).nullable(),
  items: z.array(registerCode).max(200).describe('情報項目コード（登録簿）/ data item codes of the register'),
  other_items: text(2000).describe('登録簿にない項目（自由記述）/ items not in the register'),
  purposes: z.array(registerCode).max(100).describe('利用目的コード（登録簿）/ purpose codes of the register'),
  storage_location: text(400),
  storage_method: text(1000),
  access_scope: text(1000).describe('アクセス権者 / who may access'),
  period_of_use: text(400),
  retention: text(400),
  disposal_method: text(1000),
  sensitive: z.boolean().describe('要配慮個人情報を含む / holds special care-required data'),
  sensitive_note: text(1000),
  acquisition_method: z.enum(acquisitionMethods).nullable(),
  acquisition_note: text(1000),
  notice_method: text(1000).describe('利用目的の通知・公表の方法 / how the purpose is notified or published'),
  consent: text(1000).describe('同意の取得状況 / consent'),
  provision: text(1000).describe('第三者提供（なし、または提供先と根拠）/ third-party provision'),
  joint_use: text(1000).describe('共同利用 / joint use'),
  contractors: z.array(text(200).min(1)).max(50).describe('委託先（名称または委託先コード）/ contractors, by name or code'),
  review_interval_months: z.int().min(1).max(MAX_REVIEW_INTERVAL_MONTHS).describe('見直し間隔（月、最長12）/ review interval in months'),
};

export const createAssetBody = z
  .strictObject(assetFields)
  .partial()
  .required({ name: true, department: true, medium: true })
  .extend({
    /** When the asset moves in from an existing ledger: the date of its last review there. */
    last_reviewed_on: date.nullable().optional().describe('既存の台帳での前回見直し日 / last review date in the previous ledger'),
    risks: z.array(riskInput).max(lifecycleStages.length).optional(),
  });
export type CreateAssetInput = z.infer<typeof createAssetBody>;

export const assetChanges = z
  .strictObject(assetFields)
  .partial()
  .extend({
    risks: z
      .array(riskInput)
      .max(lifecycleStages.length)
      .optional()
      .describe('リスク評価の全段階（置き換え）/ the whole risk table (replaces it)'),
  });
export type AssetChanges = z.infer<typeof assetChanges>;

export const updateAssetBody = z.strictObject({
  version: z.int().min(1).describe('編集前の版 / the version the editor saw'),
  changes: assetChanges,
});

export const assetIdParams = z.strictObject({ id: z.string().min(1).max(64) });

const flag = z.enum(['true', 'false']).optional();

export const listAssetsQuery = z.strictObject({
  department: z.string().max(60).optional().describe('部署コード / department code'),
  overdue: flag.describe('見直し期限切れだけ / only overdue reviews'),
  sensitive: flag.describe('要配慮個人情報を含む資産だけ / only assets with special care-required data'),
  q: z.string().trim().max(100).optional().describe('名称・台帳番号で検索 / search by name or ledger number'),
  status: z.enum(['active', 'retired', 'all']).optional().describe('既定は active / default active'),
});
export type ListAssetsQuery = z.infer<typeof listAssetsQuery>;

export const recordReviewBody = z.strictObject({
  reviewed_on: date.optional().describe('見直し日（省略時は今日）/ review date (default today)'),
  result: z.enum(reviewResults),
  notes: text(4000).optional(),
  version: z.int().min(1).optional().describe('見直し前に見た版 / the version the reviewer saw'),
});
export type RecordReviewInput = z.infer<typeof recordReviewBody>;

export const retireAssetBody = z.strictObject({
  version: z.int().min(1),
  reason: z.string().trim().min(1).max(1000).describe('廃止の理由（例: システム廃止、保存期間満了で廃棄）/ why'),
});

export const exportQuery = z.strictObject({
  department: z.string().max(60).optional(),
  status: z.enum(['active', 'all']).optional().describe('既定は active / default active'),
});
