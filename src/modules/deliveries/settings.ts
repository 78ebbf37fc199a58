/**
 * A delivery target's settings between the API and the register: checked for the kind (an allowed folder on this
 * machine for `folder`; host, account, remote directory and host-key fingerprint for `sftp`), sealed with the key
 * ring as the systems register seals its own (systems/settings.ts), and the part that may be shown beside them
 * (`settings_public`: never the secret).
 */
import { existsSync, realpathSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve, sep } from 'node:path';
import { AppError } from '../../base/errors.ts';
import type { DeliveryTargetKind } from '../../contract/delivery-vocabulary.ts';
import type { FieldIssue } from '../../contract/errors.ts';
import type { KeyRing } from '../crypto/data-keys.ts';
import type { TargetSettingsInput } from './schemas.ts';

/** What is stored (encrypted) of a target: the shown part and, for SFTP, the secret. */
export interface DeliverySettings {
  /** folder: the absolute folder on this machine; sftp: the directory on the server. */
  directory: string;
  host?: string;
  port?: number;
  user?: string;
  /** The server's host key as OpenSSH prints it (`SHA256:…`); a server presenting another key is refused. */
  hostKey?: string;
  timeoutSeconds?: number;
  /** A private key (OpenSSH or PEM) or a password: write-only. */
  secret?: string;
}

/** What the register shows of a target's settings: everything but the secret. */
export interface PublicDeliverySettings {
  directory: string;
  host?: string;
  port?: number;
  user?: string;
  host_key?: string;
  timeout_seconds?: number;
}

/** The folders a `folder` target may write into: `MAMORI_DELIVERY_DIRS` (path list), else `<data dir>/deliveries`. */
export function deliveryRoots(env: NodeJS.ProcessEnv = process.env): string[] {
  const listed = env.MAMORI_DELIVERY_DIRS?.split(delimiter).filter((d) => d.trim() !== '');
  return (listed?.length ? listed : [join(env.MAMORI_DATA_DIR ?? './data', 'deliveries')]).map((d) => resolve(d));
}

/**
 * The folder's real path when it is one of the roots or lies inside one (symbolic links followed);
 * `delivery_dir_not_allowed` otherwise. Checked when the target is registered and again before each delivery.
 */
export function allowedDeliveryDir(dir: string, roots: readonly string[] = deliveryRoots()): string {
  const real = (path: string) => (existsSync(path) ? realpathSync(path) : resolve(path));
  const target = real(resolve(dir));
  const inside = roots.some((root) => {
    const r = real(root);
    return target === r || target.startsWith(r.endsWith(sep) ? r : r + sep);
  });
  if (!inside) throw new AppError('delivery_dir_not_allowed', undefined, `The folder is outside ${roots.join(', ')}.`);
  return target;
}

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

const issue = (field: string, code: string, ja: string, en: string): FieldIssue => ({ field, code, message_ja: ja, message_en: en });

/** The settings as stored, checked for the kind; `delivery_settings_invalid` with the fields at fault otherwise. */
export function normaliseDeliverySettings(kind: DeliveryTargetKind, input: TargetSettingsInput): DeliverySettings {
  const issues: FieldIssue[] = [];
  const out: DeliverySettings = { directory: input.directory };
  if (kind === 'folder') {
    for (const key of ['host', 'port', 'user', 'host_key'] as const)
      if (input[key] !== undefined)
        issues.push(
          issue(`settings.${key}`, 'not_for_kind', 'フォルダの提供先には指定しません。', 'A folder target does not take this setting.'),
        );
    if (!isAbsolute(input.directory))
      issues.push(
        issue(
          'settings.directory',
          'not_absolute',
          'フォルダは絶対パス（/ から始まる）で指定してください。',
          'Give the folder as an absolute path.',
        ),
      );
    else {
      try {
        out.directory = allowedDeliveryDir(input.directory);
      } catch {
        issues.push(
          issue(
            'settings.directory',
            'not_allowed',
            `フォルダは許可されたフォルダ（${deliveryRoots().join('、')}）の中に指定してください。`,
            `Put the folder inside an allowed folder (${deliveryRoots().join(', ')}).`,
          ),
        );
      }
    }
  } else {
    if (!input.directory.startsWith('/'))
      issues.push(
        issue(
          'settings.directory',
          'not_absolute',
          'サーバー上のフォルダを / から始まるパスで指定してください。',
          'Give the server folder as a path starting with /.',
        ),
      );
    if (input.host === undefined) issues.push(issue('settings.host', 'required', 'ホスト名を入力してください。', 'Enter the host.'));
    if (input.user === undefined) issues.push(issue('settings.user', 'required', 'アカウントを入力してください。', 'Enter the account.'));
    if (input.host_key === undefined)
      issues.push(
        issue(
          'settings.host_key',
          'required',
          'サーバーのホスト鍵のフィンガープリント（SHA256:…）を入力してください。',
          "Enter the server's host key fingerprint (SHA256:…).",
        ),
      );
    else if (!FINGERPRINT.test(input.host_key))
      issues.push(
        issue(
          'settings.host_key',
          'invalid',
          'フィンガープリントは ssh-keygen -l が表示する SHA256:… の形で入力してください。',
          'Give the fingerprint as ssh-keygen -l prints it (SHA256:…).',
        ),
      );
    if (input.host !== undefined) out.host = input.host;
    out.port = input.port ?? 22;
    if (input.user !== undefined) out.user = input.user;
    if (input.host_key !== undefined) out.hostKey = input.host_key;
  }
  if (input.timeout_seconds !== undefined) out.timeoutSeconds = input.timeout_seconds;
  if (issues.length) throw new AppError('delivery_settings_invalid', issues);
  return out;
}

/** What may be shown of stored settings (the secret left out). */
export function publicDeliverySettings(s: DeliverySettings): PublicDeliverySettings {
  return {
    directory: s.directory,
    ...(s.host !== undefined ? { host: s.host } : {}),
    ...(s.port !== undefined ? { port: s.port } : {}),
    ...(s.user !== undefined ? { user: s.user } : {}),
    ...(s.hostKey !== undefined ? { host_key: s.hostKey } : {}),
    ...(s.timeoutSeconds !== undefined ? { timeout_seconds: s.timeoutSeconds } : {}),
  };
}

/** The register's columns for settings and a secret: the whole encrypted, the shown part beside it. */
export function sealDeliverySettings(
  keys: KeyRing,
  settings: DeliverySettings,
  secret: string | undefined,
): { settings_enc: string; settings_public: string; has_secret: number } {
  const { secret: _ignored, ...shown } = settings;
  const stored: DeliverySettings = secret === undefined ? shown : { ...shown, secret };
  return {
    settings_enc: keys.encrypt(JSON.stringify(stored)),
    settings_public: JSON.stringify(publicDeliverySettings(shown)),
    has_secret: secret === undefined ? 0 : 1,
  };
}

/** The stored settings of a row, the secret among them. */
export function openDeliverySettings(keys: KeyRing, settingsEnc: string): DeliverySettings {
  return JSON.parse(keys.decrypt(settingsEnc)) as DeliverySettings;
}
