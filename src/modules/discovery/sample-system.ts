/**
 * Reads a connected system's sample for discovery through its connector (`openConnector`, connectors/kinds.ts):
 * `describe()` names each table's primary key (the map's `key`), `sample()` reads up to 200 non-null values of
 * every column, read-only. The sample stays in memory for the proposals and is dropped with them: no value
 * leaves this file but as a share in a proposal's reasons. A drop folder cannot be read (`system_not_queryable`).
 */
import type { ColumnSample } from '../connectors/detect.ts';
import { openConnector } from '../connectors/kinds.ts';
import type { SystemConnection } from '../systems/read-connection.ts';

export interface SystemSample {
  columns: ColumnSample[];
  /** Each table's primary key column, where the system declares one (of one column). */
  keys: Record<string, string>;
}

/** How discovery reads a system: replaceable in tests, the connector's way by default. */
export type SampleSystem = (connection: SystemConnection) => Promise<SystemSample>;

export const sampleSystem: SampleSystem = async (connection) => {
  const connector = await openConnector(connection.kind, connection.settings, { code: connection.code });
  try {
    const tables = await connector.describe();
    const keys: Record<string, string> = {};
    for (const t of tables) {
      const pk = t.columns.filter((c) => c.primaryKey);
      if (pk.length === 1) keys[t.table] = pk[0]!.name;
    }
    return { columns: await connector.sample(), keys };
  } finally {
    await connector.close();
  }
};
