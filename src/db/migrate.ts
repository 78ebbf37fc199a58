import type { DatabaseIntrospector, SchemaMetadata, TableMetadata } from 'kysely';
import { sql } from 'kysely';
import { type Migration, type MigrationProvider, type MigrationResultSet, Migrator } from 'kysely/migration';
import type { Db, DialectName } from './database.ts';
import { foundation } from './migrations/0001-foundation.ts';
import { totpReplay } from './migrations/0002-totp-replay.ts';
import { policyVersions } from './migrations/0003-policy-versions.ts';
import { ledger } from './migrations/0004-ledger.ts';
import { memberRequests } from './migrations/0005-member-requests.ts';
import { portalSessions } from './migrations/0006-portal-sessions.ts';
import { auditIndexes } from './migrations/0007-audit-indexes.ts';
import { roleDuties } from './migrations/0008-role-duties.ts';
import { staffSignIn } from './migrations/0009-staff-sign-in.ts';
import { auditQueue } from './migrations/0010-audit-queue.ts';
import { instances } from './migrations/0011-instances.ts';
import { jobs } from './migrations/0012-jobs.ts';
import { auditPartitions } from './migrations/0013-audit-partitions.ts';
import { alertNotes } from './migrations/0014-alert-notes.ts';
import { policySubjects } from './migrations/0015-policy-subjects.ts';
import { requestAssignee } from './migrations/0016-request-assignee.ts';
import { memberSearchIndexes } from './migrations/0017-member-search-indexes.ts';
import { memberSearchCovering } from './migrations/0018-member-search-covering.ts';
import { connectedSystems } from './migrations/0019-connected-systems.ts';
import { systemTasks } from './migrations/0020-system-tasks.ts';
import { discovery } from './migrations/0021-discovery.ts';
import { requestSystemsPlanned } from './migrations/0022-request-systems-planned.ts';
import { provisionRuns } from './migrations/0023-provision-runs.ts';
import { handovers } from './migrations/0024-handovers.ts';
import { releases } from './migrations/0025-releases.ts';
import { deliveries } from './migrations/0026-deliveries.ts';
import { pseudonymized } from './migrations/0027-pseudonymized.ts';
import { jointUseTransfers } from './migrations/0028-joint-use-transfers.ts';

/** The one migration history, for both dialects. Append new migrations; never edit a landed one. */
function migrationsFor(dialect: DialectName): Record<string, Migration> {
  return {
    '0001-foundation': foundation(dialect),
    '0002-totp-replay': totpReplay,
    '0003-policy-versions': policyVersions,
    '0004-ledger': ledger,
    '0005-member-requests': memberRequests,
    '0006-portal-sessions': portalSessions,
    '0007-audit-indexes': auditIndexes,
    '0008-role-duties': roleDuties,
    '0009-staff-sign-in': staffSignIn,
    '0010-audit-queue': auditQueue(dialect),
    '0011-instances': instances(dialect),
    '0012-jobs': jobs,
    '0013-audit-partitions': auditPartitions(dialect),
    '0014-alert-notes': alertNotes,
    '0015-policy-subjects': policySubjects,
    '0016-request-assignee': requestAssignee,
    '0017-member-search-indexes': memberSearchIndexes(dialect),
    '0018-member-search-covering': memberSearchCovering(dialect),
    '0019-connected-systems': connectedSystems,
    '0020-system-tasks': systemTasks,
    '0021-discovery': discovery,
    '0022-request-systems-planned': requestSystemsPlanned,
    '0023-provision-runs': provisionRuns,
    '0024-handovers': handovers,
    '0025-releases': releases,
    '0026-deliveries': deliveries,
    '0027-pseudonymized': pseudonymized,
    '0028-joint-use-transfers': jointUseTransfers,
  };
}

/** The migrations' names, oldest first. */
export function migrationNames(): string[] {
  return Object.keys(migrationsFor('sqlite'));
}

/** The name of the newest migration: a database that has not applied it is not ready to serve. */
export function latestMigration(): string {
  return migrationNames().at(-1)!;
}

class InCodeProvider implements MigrationProvider {
  readonly #dialect: DialectName;
  constructor(dialect: DialectName) {
    this.#dialect = dialect;
  }
  async getMigrations() {
    return migrationsFor(this.#dialect);
  }
}

/** Brings the schema to the latest migration; throws with the failing migration's name. */
export async function migrateToLatest(
  db: Db,
  dialect: DialectName,
  opts: { schema?: string /** Stop after this migration (tests of a database left behind). */; until?: string } = {},
): Promise<MigrationResultSet> {
  // On PostgreSQL, name the schema of the migration tables: Kysely otherwise finds another schema's tables
  // (e.g. a second mamori in the same database) and then misses its own.
  let schema = opts.schema;
  if (dialect === 'postgres' && !schema) {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    schema = rows[0]?.schema;
  }
  const migrator = new Migrator({
    db: dialect === 'postgres' && schema ? lookingOnlyAt(db, schema) : db,
    provider: new InCodeProvider(dialect),
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  let result = await migrateOnce(migrator, opts.until);
  // Kysely finds its migration tables by listing every schema's tables, and PostgreSQL fails that listing when
  // another schema of the database is renamed or dropped meanwhile (a restore beside this mamori). Nothing was
  // applied then (each attempt is one transaction under the migration lock): try again.
  for (let attempt = 1; attempt < 10 && isOtherSchemaGone(result.error, schema); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    result = await migrateOnce(migrator, opts.until);
  }
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`マイグレーション ${failed} に失敗しました / Migration ${failed} failed: ${String(result.error)}`);
  }
  return result;
}

/**
 * The database as the migrator sees it: its introspection looks at one schema only. Kysely's own lists the tables
 * of every schema through catalogue functions, and PostgreSQL fails that listing when another client renames or
 * drops a schema meanwhile; a plain look at one namespace's relations never touches the others.
 */
function lookingOnlyAt(db: Db, schema: string): Db {
  const introspector: DatabaseIntrospector = {
    async getSchemas(): Promise<SchemaMetadata[]> {
      const { rows } = await sql<{ name: string }>`select nspname as name from pg_namespace where nspname = ${schema}`.execute(db);
      return rows;
    },
    async getTables(): Promise<TableMetadata[]> {
      const { rows } = await sql<{ name: string; is_view: boolean }>`
        select c.relname as name, c.relkind = 'v' as is_view
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = ${schema} and c.relkind in ('r', 'p', 'v')`.execute(db);
      return rows.map((r) => ({ name: r.name, schema, isView: r.is_view, isForeign: false, columns: [] }));
    },
  };
  return new Proxy(db, {
    get(target, property) {
      if (property === 'introspection') return introspector;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function migrateOnce(migrator: Migrator, until: string | undefined): Promise<MigrationResultSet> {
  return until ? migrator.migrateTo(until) : migrator.migrateToLatest();
}

/** PostgreSQL's "schema … does not exist" (3F000) naming a schema other than the one being migrated. */
export function isOtherSchemaGone(error: unknown, schema: string | undefined): boolean {
  if (!error || (error as { code?: string }).code !== '3F000') return false;
  const named = /schema "([^"]+)" does not exist/.exec(String((error as Error).message))?.[1];
  return named !== undefined && named !== schema;
}
