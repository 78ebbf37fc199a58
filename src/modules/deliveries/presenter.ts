/**
 * What leaves the server of a target or a delivery, by what the reader may see (permissions.ts): never the secret
 * nor the encrypted settings; the shown settings only for the privacy office; errors with the catalogue's words.
 */
import { type ErrorCode, errorCatalogue } from '../../base/errors.ts';
import type { DeliveryTable, DeliveryTargetTable } from '../../db/schema.ts';
import type { TargetsRead } from './permissions.ts';
import type { PublicDeliverySettings } from './settings.ts';

export interface ErrorView {
  code: string;
  message_ja: string;
  message_en: string;
}

export function errorView(code: string | null): ErrorView | null {
  if (!code) return null;
  const entry = errorCatalogue[code as ErrorCode];
  return entry ? { code, message_ja: entry[1], message_en: entry[2] } : { code, message_ja: code, message_en: code };
}

export interface TargetView {
  id: string;
  code: string;
  name: string;
  kind: DeliveryTargetTable['kind'];
  recipient: string;
  /** Only for the privacy office; never the secret. */
  settings?: PublicDeliverySettings;
  /** Whether a key or password is stored (the screen shows 設定済み); the secret itself is never returned. */
  has_secret: boolean;
  status: DeliveryTargetTable['status'];
  last_checked_at: string | null;
  last_error: ErrorView | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export type TargetRow = Omit<DeliveryTargetTable, 'org_id' | 'settings_enc'>;

export function presentTarget(row: TargetRow, reach: Exclude<TargetsRead, 'none'>): TargetView {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    kind: row.kind,
    recipient: row.recipient,
    ...(reach === 'settings' ? { settings: JSON.parse(row.settings_public) as PublicDeliverySettings } : {}),
    has_secret: Number(row.has_secret) === 1,
    status: row.status,
    last_checked_at: row.last_checked_at,
    last_error: errorView(row.last_error),
    version: Number(row.version),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export interface DeliveryView {
  id: string;
  origin: { kind: string; id: string; name: string };
  target: { code: string; kind: string };
  file_name: string;
  format: DeliveryTable['format'];
  charset: string | null;
  rows: number;
  bytes: number;
  sha256: string | null;
  status: DeliveryTable['status'];
  error: ErrorView | null;
  /** The staff member's login, or the job's label. */
  by: string | null;
  started_at: string;
  finished_at: string;
}

export function presentDelivery(row: Omit<DeliveryTable, 'org_id'> & { login: string | null }): DeliveryView {
  return {
    id: row.id,
    origin: { kind: row.origin_kind, id: row.origin_id, name: row.origin_name },
    target: { code: row.target_code, kind: row.target_kind },
    file_name: row.file_name,
    format: row.format,
    charset: row.charset,
    rows: Number(row.rows),
    bytes: Number(row.bytes),
    sha256: row.sha256,
    status: row.status,
    error: errorView(row.error_code),
    by: row.login ?? row.actor_label,
    started_at: row.started_at,
    finished_at: row.finished_at,
  };
}
