/**
 * The one way the rest of mamori gets at a system's connection: decrypts the register's settings (never logged,
 * never returned by the API) and, with `openSystem`, opens its connector. Tasks, discovery and the register's own
 * connection check all come through here.
 */
import { AppError } from '../../base/errors.ts';
import type { SystemKind } from '../../contract/connector-vocabulary.ts';
import type { DbOrTx } from '../../db/database.ts';
import type { ConnectionSettings, Connector } from '../connectors/connector.ts';
import { openConnector } from '../connectors/kinds.ts';
import type { KeyRing } from '../crypto/data-keys.ts';

export interface SystemConnection {
  id: string;
  code: string;
  name: string;
  kind: SystemKind;
  settings: ConnectionSettings;
}

export async function readConnection(db: DbOrTx, keys: KeyRing, orgId: string, code: string): Promise<SystemConnection> {
  const row = await db
    .selectFrom('connected_systems')
    .select(['id', 'code', 'name', 'kind', 'settings_enc'])
    .where('org_id', '=', orgId)
    .where('code', '=', code)
    .executeTakeFirst();
  if (!row) throw new AppError('system_unknown');
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    kind: row.kind,
    settings: JSON.parse(keys.decrypt(row.settings_enc)) as ConnectionSettings,
  };
}

/** Opens the system's connector; the caller closes it. */
export async function openSystem(db: DbOrTx, keys: KeyRing, orgId: string, code: string): Promise<Connector> {
  const connection = await readConnection(db, keys, orgId, code);
  return openConnector(connection.kind, connection.settings, { code: connection.code });
}
