/**
 * What leaves the server of a release, by the reader's reach (permissions.ts): the privacy office sees the
 * processing method (the spec and its YAML); the auditor sees the name, the items, the published duties, the
 * reports and the deliveries. The pseudonym key is never presented to anyone.
 */
import type { ReleaseReport, ReleaseRunView, ReleaseSummaryView } from '../../contract/releases-api.ts';
import type { ReleaseRunTable, ReleaseTable } from '../../db/schema.ts';
import type { ReleasesRead } from './permissions.ts';
import type { ReleaseSpec } from './schemas.ts';
import { formatReleaseFile } from './spec-file.ts';

type ReleaseRow = Omit<ReleaseTable, 'key_enc'>;

export function presentRelease(row: ReleaseRow, reach: Exclude<ReleasesRead, 'none'>): ReleaseSummaryView {
  const spec = JSON.parse(row.spec) as ReleaseSpec;
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    recipients: row.recipients,
    purpose: row.purpose_code,
    items: JSON.parse(row.items) as string[],
    items_published_at: row.items_published_at,
    method_of_provision: row.method_of_provision,
    method_published_at: row.method_published_at,
    schedule: spec.schedule,
    output: spec.output,
    target: spec.target ?? null,
    status: row.status,
    version: row.version,
    created_at: row.created_at,
    updated_at: row.updated_at,
    ...(reach === 'method' ? { spec, yaml: formatReleaseFile(spec) } : {}),
  };
}

export function presentRun(row: ReleaseRunTable): ReleaseRunView {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    release_version: row.release_version,
    report: row.report ? (JSON.parse(row.report) as ReleaseReport) : null,
    excluded: row.excluded ? (JSON.parse(row.excluded) as Record<string, number>) : null,
    error_code: row.error_code,
    error_detail: row.error_detail,
    target: row.target_code,
    delivery_id: row.delivery_id,
    file_name: row.file_name,
    sha256: row.sha256,
    rows: row.rows,
    period: row.period,
    started_at: row.started_at,
    finished_at: row.finished_at,
  };
}
