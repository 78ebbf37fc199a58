/**
 * A system's connection settings between the API and the register: checked for the kind (a PostgreSQL URL for
 * `postgres`, an absolute file for `sqlite`, a host and folder for `sftp_drop`), the password taken out of a
 * URL into the secret, and the part that may be shown (`settings_public`: never the secret, never a password).
 */
import { isAbsolute } from 'node:path';
import { AppError } from '../../base/errors.ts';
import type { SystemKind } from '../../contract/connector-vocabulary.ts';
import type { FieldIssue } from '../../contract/errors.ts';
import type { ConnectionSettings } from '../connectors/connector.ts';
import { allowedSqliteFile, sqliteSystemRoots } from '../connectors/sqlite.ts';
import type { KeyRing } from '../crypto/data-keys.ts';
import type { SettingsInput } from './schemas.ts';

/** What the register shows of a system's settings: everything but the secret (a URL without its password). */
export interface PublicSettings {
  url?: string;
  file?: string;
  schema?: string;
  host?: string;
  port?: number;
  user?: string;
  folder?: string;
  timeout_seconds?: number;
}

const schemes: Partial<Record<SystemKind, readonly string[]>> = {
  postgres: ['postgres:', 'postgresql:'],
  mysql: ['mysql:', 'mariadb:'],
};

/** URL parameters that carry a password (`password`, `sslpassword`, `passwd`, …). */
const PASSWORD_PARAM = /pass(word|wd)?$/i;

const issue = (field: string, code: string, ja: string, en: string): FieldIssue => ({ field, code, message_ja: ja, message_en: en });

/**
 * The settings as stored (encrypted) and the secret taken from them: a password written inside a URL
 * (`postgres://app:pw@db/sales`) becomes the secret and the URL is kept without it, so that the password is
 * handled — kept, replaced, cleared, never shown — like any other secret. Connectors use `secret` as the
 * password of the URL's account.
 */
const isAllowedSqliteFile = (file: string) => {
  try {
    allowedSqliteFile(file);
    return true;
  } catch {
    return false;
  }
};

export function normaliseSettings(kind: SystemKind, input: SettingsInput): { settings: ConnectionSettings; urlPassword?: string } {
  const issues: FieldIssue[] = [];
  const settings: ConnectionSettings = {};
  let urlPassword: string | undefined;
  if (input.url !== undefined) {
    const allowed = schemes[kind];
    let parsed: URL | undefined;
    try {
      parsed = new URL(input.url);
    } catch {
      parsed = undefined;
    }
    if (!allowed) {
      issues.push(
        issue('settings.url', 'not_for_kind', 'この種類の連携システムには URL を使いません。', 'This kind of system takes no URL.'),
      );
    } else if (!parsed || !allowed.includes(parsed.protocol) || !parsed.hostname) {
      issues.push(
        issue(
          'settings.url',
          'invalid_url',
          `URL は ${allowed.map((s) => `${s}//`).join(' または ')} で始まり、ホスト名を含めてください。`,
          `The URL must start with ${allowed.map((s) => `${s}//`).join(' or ')} and name a host.`,
        ),
      );
    } else {
      if (parsed.password) {
        urlPassword = decodeURIComponent(parsed.password);
        parsed.password = '';
      }
      // Drivers also take the password as a parameter (`?password=…`): it is a secret all the same.
      for (const key of [...parsed.searchParams.keys()].filter((k) => PASSWORD_PARAM.test(k))) {
        urlPassword ??= parsed.searchParams.get(key) ?? undefined;
        parsed.searchParams.delete(key);
      }
      settings.url = parsed.toString();
    }
  }
  if (input.file !== undefined) {
    if (kind !== 'sqlite')
      issues.push(
        issue('settings.file', 'not_for_kind', 'ファイルは SQLite の場合だけ指定します。', 'A file is only for a SQLite system.'),
      );
    else if (!isAbsolute(input.file))
      issues.push(
        issue(
          'settings.file',
          'not_absolute',
          'SQLite ファイルは絶対パス（/ から始まる）で指定してください。',
          'Give the SQLite file as an absolute path.',
        ),
      );
    else if (!isAllowedSqliteFile(input.file))
      issues.push(
        issue(
          'settings.file',
          'not_allowed',
          `SQLite ファイルは許可されたフォルダ（${sqliteSystemRoots().join('、')}）の中に置いてください。`,
          `Put the SQLite file inside an allowed folder (${sqliteSystemRoots().join(', ')}).`,
        ),
      );
    else settings.file = input.file;
  }
  for (const key of ['schema', 'host', 'user', 'folder'] as const) if (input[key] !== undefined) settings[key] = input[key];
  if (input.port !== undefined) settings.port = input.port;
  if (input.timeout_seconds !== undefined) settings.timeoutSeconds = input.timeout_seconds;

  const need = (field: keyof SettingsInput, ja: string, en: string) => {
    if (
      settings[field === 'timeout_seconds' ? 'timeoutSeconds' : field] === undefined &&
      !issues.some((i) => i.field === `settings.${field}`)
    )
      issues.push(issue(`settings.${field}`, 'required', `${ja}を入力してください。`, `Enter ${en}.`));
  };
  if (kind === 'sqlite') need('file', 'SQLite ファイルの場所', 'the SQLite file');
  if ((kind === 'postgres' || kind === 'mysql') && settings.url === undefined && settings.host === undefined) {
    if (!issues.some((i) => i.field === 'settings.url'))
      issues.push(issue('settings.url', 'required', '接続先の URL またはホスト名を入力してください。', 'Enter the URL or the host.'));
  }
  if (kind === 'sftp_drop') {
    need('host', 'SFTP サーバーのホスト名', 'the SFTP host');
    need('user', 'SFTP のアカウント', 'the SFTP account');
    need('folder', '受け渡しフォルダ', 'the drop folder');
  }
  if (issues.length) throw new AppError('system_settings_invalid', issues);
  return urlPassword === undefined ? { settings } : { settings, urlPassword };
}

/** What may be shown of stored settings (the secret left out; a URL never holds a password once normalised). */
export function publicSettings(settings: ConnectionSettings): PublicSettings {
  const out: PublicSettings = {};
  if (settings.url !== undefined) {
    try {
      const u = new URL(settings.url);
      u.password = '';
      for (const key of [...u.searchParams.keys()].filter((k) => PASSWORD_PARAM.test(k))) u.searchParams.delete(key);
      out.url = u.toString();
    } catch {
      out.url = '';
    }
  }
  for (const key of ['file', 'schema', 'host', 'user', 'folder'] as const) if (settings[key] !== undefined) out[key] = settings[key];
  if (settings.port !== undefined) out.port = settings.port;
  if (settings.timeoutSeconds !== undefined) out.timeout_seconds = settings.timeoutSeconds;
  return out;
}

/** The register's columns for settings and a secret: the whole encrypted, the shown part beside it. */
export function sealSettings(
  keys: KeyRing,
  settings: ConnectionSettings,
  secret: string | undefined,
): { settings_enc: string; settings_public: string; has_secret: number } {
  const stored: ConnectionSettings = secret === undefined ? { ...settings } : { ...settings, secret };
  return {
    settings_enc: keys.encrypt(JSON.stringify(stored)),
    settings_public: JSON.stringify(publicSettings(settings)),
    has_secret: secret === undefined ? 0 : 1,
  };
}

/** The stored settings and secret of a row. */
export function openSettings(keys: KeyRing, settingsEnc: string): { settings: ConnectionSettings; secret: string | undefined } {
  const { secret, ...settings } = JSON.parse(keys.decrypt(settingsEnc)) as ConnectionSettings;
  return { settings, secret };
}
