/**
 * One connector per kind of system (connector.ts): `openConnector` is the only way the rest of mamori opens one.
 * A new kind is one file implementing `Connector` and one line here.
 */

import { AppError } from '../../base/errors.ts';
import type { SystemKind } from '../../contract/connector-vocabulary.ts';
import type { ConnectionSettings, Connector } from './connector.ts';

type Opener = (settings: ConnectionSettings, opts: { code: string }) => Promise<Connector>;

const openers: Partial<Record<SystemKind, Opener>> = {};
// Loaded when first used, so that a process that connects to none loads no driver.
openers.sqlite = async (settings, opts) => (await import('./sqlite.ts')).openSqlite(settings, opts);
openers.postgres = async (settings, opts) => (await import('./postgres.ts')).openPostgres(settings, opts);
openers.mysql = async (settings, opts) => (await import('./mysql.ts')).openMysql(settings, opts);
openers.sftp_drop = async (settings, opts) => (await import('./sftp-drop.ts')).openSftpDrop(settings, opts);

/** Opens a connection to a system; fails with a connector error code (connector.ts) when it cannot. */
export async function openConnector(kind: SystemKind, settings: ConnectionSettings, opts: { code: string }): Promise<Connector> {
  const open = openers[kind];
  if (!open) throw new AppError('system_settings_invalid', undefined, `No connector for kind ${kind} yet.`);
  return open(settings, opts);
}
