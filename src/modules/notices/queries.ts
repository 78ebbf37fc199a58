/**
 * The notices' reads from the database. Only published versions are ever selected: a number is set and the
 * status is one a published version has; the draft (number null, status `draft`) never leaves here.
 */
import type { DbOrTx } from '../../db/database.ts';
import { type PolicyChange, publicChanges } from '../policy/changes.ts';
import type { PublishedVersion } from './timeline.ts';

const PUBLISHED_STATUSES = ['scheduled', 'active', 'superseded'] as const;

export interface NoticeOrganization {
  id: string;
  code: string;
  name: string;
  name_en: string;
}

/** The organization with this code, or undefined. */
export async function findNoticeOrganization(db: DbOrTx, code: string): Promise<NoticeOrganization | undefined> {
  return db.selectFrom('organizations').select(['id', 'code', 'name', 'name_en']).where('code', '=', code).executeTakeFirst();
}

/** Every published version of the organization (metadata and change list, no document), in number order. */
export async function listPublishedVersions(db: DbOrTx, orgId: string): Promise<PublishedVersion[]> {
  const rows = await db
    .selectFrom('policy_versions')
    .select(['id', 'number', 'summary', 'changes', 'notice_on', 'effective_on', 'published_at', 'sha256'])
    .where('org_id', '=', orgId)
    .where('number', 'is not', null)
    .where('status', 'in', PUBLISHED_STATUSES)
    // A published version always has an effective date; a row without one cannot be placed on the timeline.
    .where('effective_on', 'is not', null)
    .orderBy('number')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    number: Number(r.number),
    summary: r.summary,
    changes: publicChanges(parseChanges(r.changes)),
    noticeOn: r.notice_on,
    effectiveOn: r.effective_on!,
    publishedAt: r.published_at,
    sha256: r.sha256,
  }));
}

/** The stored document JSON of one published version. */
export async function readPublishedDocument(db: DbOrTx, versionId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('policy_versions')
    .select('document')
    .where('id', '=', versionId)
    .where('number', 'is not', null)
    .where('status', 'in', PUBLISHED_STATUSES)
    .executeTakeFirst();
  return row?.document;
}

function parseChanges(json: string): PolicyChange[] {
  try {
    const value = JSON.parse(json) as unknown;
    return Array.isArray(value) ? (value as PolicyChange[]) : [];
  } catch {
    return [];
  }
}
