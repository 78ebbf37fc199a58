/**
 * Request shapes of the deliveries API (one zod schema per endpoint; the OpenAPI document uses them). The schemas
 * check shape only; what each kind of target needs is `settings.ts`'s job.
 */
import { z } from 'zod';
import { deliveryOriginKinds, deliveryTargetKinds } from '../../contract/delivery-vocabulary.ts';

export const targetCodeSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'code: letters, digits, _ and - (up to 64)')
  .describe('提供先サーバーのコード / the delivery target code');

const text = (max: number) => z.string().trim().min(1).max(max);

/** Where and how to deliver, without the secret (given apart, write-only). */
export const targetSettingsInput = z
  .strictObject({
    directory: text(1000).describe(
      'フォルダ: このサーバー上の絶対パス、SFTP: サーバー上のフォルダ / folder: absolute path here; sftp: the server folder',
    ),
    host: text(255).optional().describe('SFTP のホスト名 / SFTP host'),
    port: z.int().min(1).max(65535).optional().describe('SFTP のポート（既定 22）/ SFTP port (22)'),
    user: text(200).optional().describe('SFTP のアカウント / SFTP account'),
    host_key: text(100)
      .optional()
      .describe('サーバーのホスト鍵のフィンガープリント（SHA256:…）/ the server host key fingerprint (SHA256:…)'),
    timeout_seconds: z.int().min(1).max(600).optional().describe('1回の処理の制限時間（秒）/ seconds a step may take'),
  })
  .describe('提供先の設定（秘密情報を除く）/ target settings (without the secret)');
export type TargetSettingsInput = z.infer<typeof targetSettingsInput>;

export const registerTargetBody = z.strictObject({
  code: targetCodeSchema,
  name: text(200).describe('名称 / name'),
  kind: z.enum(deliveryTargetKinds),
  recipient: text(500).describe('提供先（受け取る事業者）/ who receives what is sent there'),
  settings: targetSettingsInput,
  secret: z
    .string()
    .min(1)
    .max(16_384)
    .optional()
    .describe('秘密鍵またはパスワード（書き込み専用・暗号化して保管）/ private key or password: write-only, stored encrypted'),
});
export type RegisterTargetInput = z.infer<typeof registerTargetBody>;

export const targetCodeParams = z.strictObject({ code: targetCodeSchema });

export const removeTargetQuery = z.strictObject({
  version: z
    .string()
    .regex(/^[1-9][0-9]{0,8}$/)
    .describe('削除前に見た版 / the version the remover saw'),
});

export const listDeliveriesQuery = z.strictObject({
  origin_kind: z.enum(deliveryOriginKinds).optional(),
  origin_id: text(100).optional().describe('提供元（匿名加工情報など）の ID / the origin id'),
  target: targetCodeSchema.optional(),
  limit: z
    .string()
    .regex(/^[1-9][0-9]{0,2}$/)
    .optional()
    .describe('件数（既定 100、最大 500）/ how many (100, at most 500)'),
});
export type ListDeliveriesQuery = z.infer<typeof listDeliveriesQuery>;
