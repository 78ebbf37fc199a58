/**
 * Request shapes of the systems register API (one zod schema per endpoint; the OpenAPI document uses them).
 * The schemas check shape only; what each kind of system needs is `settings.ts`'s job.
 */
import { z } from 'zod';
import { systemKinds } from '../../contract/connector-vocabulary.ts';

/** The system's code: the same as `systems[].code` of the policy's dataset map. */
export const systemCodeSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'code: letters, digits, _ and - (up to 64)')
  .describe('連携システムのコード（ポリシーのデータマップと同じ）/ the system code, as in the policy’s dataset map');

const text = (max: number) => z.string().trim().min(1).max(max);

/** How to reach the system, without the secret (given apart, write-only). */
export const settingsInput = z
  .strictObject({
    url: text(2000).optional().describe('postgres://… または mysql://…（パスワードを含めた場合は秘密情報として保管）/ database URL'),
    file: text(1000).optional().describe('SQLite ファイルの絶対パス / absolute path of a SQLite file'),
    schema: text(63).optional().describe('PostgreSQL のスキーマ、MySQL のデータベース / PostgreSQL schema or MySQL database'),
    host: text(255).optional().describe('ホスト名 / host'),
    port: z.int().min(1).max(65535).optional(),
    user: text(200).optional().describe('接続アカウント / account'),
    folder: text(1000).optional().describe('SFTP 受け渡しフォルダ / SFTP drop folder'),
    timeout_seconds: z.int().min(1).max(600).optional().describe('1回の処理の制限時間（秒）/ seconds a step may take'),
  })
  .describe('接続設定（秘密情報を除く）/ connection settings (without the secret)');
export type SettingsInput = z.infer<typeof settingsInput>;

const secret = z
  .string()
  .min(1)
  .max(16_384)
  .describe('パスワードまたは秘密鍵（書き込み専用・暗号化して保管）/ password or private key: write-only, stored encrypted');

export const registerSystemBody = z.strictObject({
  code: systemCodeSchema,
  name: text(200).describe('名称 / name'),
  kind: z.enum(systemKinds),
  settings: settingsInput,
  secret: secret.optional(),
});
export type RegisterSystemInput = z.infer<typeof registerSystemBody>;

export const updateSystemBody = z.strictObject({
  version: z.int().min(1).describe('編集前の版 / the version the editor saw'),
  name: text(200).optional(),
  kind: z.enum(systemKinds).optional(),
  settings: settingsInput.optional().describe('接続設定の全体（置き換え）/ the whole settings (replace them)'),
  secret: secret.nullable().optional().describe('省略: 保管中のものを維持、null: 消去 / omitted: keep the stored one, null: clear it'),
});
export type UpdateSystemInput = z.infer<typeof updateSystemBody>;

export const systemCodeParams = z.strictObject({ code: systemCodeSchema });

export const removeSystemQuery = z.strictObject({
  version: z
    .string()
    .regex(/^[1-9][0-9]{0,8}$/)
    .describe('削除前に見た版 / the version the remover saw'),
});
