/**
 * The notices' reads from the database. Only published versions are ever selected: a number is set and the
 * status is one a published version has; the draft (number null, status `draft`) never leaves here.
 */
import type { DbOrTx } from '../../db/database.ts';
import { type PolicyChange, publicChanges } from '../policy/changes.ts';
import type { NoticeRelease } from './sections.ts';
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

const jstDay = (isoTime: string) => new Date(new Date(isoTime).getTime() + 9 * 3600_000).toISOString().slice(0, 10);

/**
 * The anonymized releases whose items were published (modules/releases), in code order: what the notice
 * publishes of each, and whether one was delivered (the notice says 提供 only then). Never the spec or the key.
 */
export async function listNoticeReleases(db: DbOrTx, orgId: string): Promise<NoticeRelease[]> {
  const rows = await db
    .selectFrom('releases')
    .select(['id', 'code', 'name', 'items', 'recipients', 'items_published_at', 'method_of_provision', 'method_published_at'])
    .where('org_id', '=', orgId)
    .where('status', '=', 'active')
    .where('items_published_at', 'is not', null)
    .orderBy('code')
    .execute();
  if (rows.length === 0) return [];
  const delivered = new Set(
    (
      await db
        .selectFrom('release_runs')
        .select('release_id')
        .distinct()
        .where('org_id', '=', orgId)
        .where('kind', '=', 'delivery')
        .where('status', '=', 'succeeded')
        .execute()
    ).map((r) => r.release_id),
  );
  return rows.map((r) => ({
    code: r.code,
    name: r.name,
    items: parseItems(r.items),
    itemsPublishedOn: jstDay(r.items_published_at!),
    methodOfProvision: r.method_of_provision,
    methodPublishedOn: r.method_published_at ? jstDay(r.method_published_at) : null,
    recipients: r.recipients,
    delivered: delivered.has(r.id),
  }));
}

function parseItems(json: string): string[] {
  try {
    const value = JSON.parse(json) as unknown;
    return Array.isArray(value) ? value.map(String) : [];
  } catch {
    return [];
  }
}
