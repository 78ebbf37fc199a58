/**
 * What leaves the server of a register row, by what the reader may see (permissions.ts): never the secret nor
 * the encrypted settings; the shown settings (no password) only for those who manage systems. Beside it, what
 * the policy's dataset map says of the same code (owner department, country), when the system is mapped.
 */
import { type ErrorCode, errorCatalogue } from '../../base/errors.ts';
import type { SystemKind } from '../../contract/connector-vocabulary.ts';
import type { ConnectedSystemTable } from '../../db/schema.ts';
import type { PolicySystem } from '../policy/document.ts';
import type { SystemsRead } from './permissions.ts';
import type { PublicSettings } from './settings.ts';

/** What the policy's dataset map says of a system. */
export interface SystemMapView {
  name: string;
  name_en: string | null;
  kind: SystemKind;
  /** 主管部署 (as written in the map). */
  owner: string | null;
  country: string;
  tables: number;
}

export interface SystemView {
  id: string;
  code: string;
  name: string;
  kind: SystemKind;
  /** Only for roles that manage systems; never a secret or a password. */
  settings?: PublicSettings;
  has_secret: boolean;
  status: ConnectedSystemTable['status'];
  last_checked_at: string | null;
  /** The last failed check's error, with the catalogue's messages. */
  last_error: { code: string; message_ja: string; message_en: string } | null;
  version: number;
  created_at: string;
  updated_at: string;
  /** The dataset map's entry of the same code in the policy in effect; null when the system is not mapped. */
  map: SystemMapView | null;
}

export function errorView(code: string | null): SystemView['last_error'] {
  if (!code) return null;
  const entry = errorCatalogue[code as ErrorCode];
  return entry ? { code, message_ja: entry[1], message_en: entry[2] } : { code, message_ja: code, message_en: code };
}

export function mapView(system: PolicySystem | undefined): SystemMapView | null {
  if (!system) return null;
  return {
    name: system.name,
    name_en: system.name_en ?? null,
    kind: system.kind,
    owner: system.owner ?? null,
    country: system.country,
    tables: system.tables.length,
  };
}

type Row = Omit<ConnectedSystemTable, 'org_id' | 'settings_enc'>;

export function presentSystem(row: Row, reach: Exclude<SystemsRead, 'none'>, mapped: PolicySystem | undefined): SystemView {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    kind: row.kind,
    ...(reach === 'settings' ? { settings: JSON.parse(row.settings_public) as PublicSettings } : {}),
    has_secret: Number(row.has_secret) === 1,
    status: row.status,
    last_checked_at: row.last_checked_at,
    last_error: errorView(row.last_error),
    version: Number(row.version),
    created_at: row.created_at,
    updated_at: row.updated_at,
    map: mapView(mapped),
  };
}
