/**
 * The notices as JSON for other sites to embed (`/api/v1/public/notices/…`). The shape is stable
 * (`format: mamori-notice/1`, documented in docs/notices.md) and these zod schemas feed the OpenAPI document.
 *
 * The document is the published policy minus what the HTML page does not publish either: contractors appear
 * by the work outsourced and the contract terms only (no name, code, contract dates, inspections or internal
 * notes), and joint users and holders without their internal mamori organization code.
 */
import { z } from 'zod';
import { holderSchema, jointUseSchema, type PolicyDocument, policyDocumentSchema } from '../policy/document.ts';
import { noticePaths } from './html.ts';
import type { NoticeOrganization } from './queries.ts';
import type { NoticeRelease } from './sections.ts';
import { type PublishedVersion, previousVersion, stateOf, type Timeline } from './timeline.ts';

export const NOTICE_FORMAT = 'mamori-notice/1';

export const publicChangeSchema = z.object({
  section: z.string(),
  key: z.string().optional(),
  kind: z.enum(['added', 'removed', 'changed']),
  fields: z.array(z.string()).optional(),
  notice: z.enum(['prior', 'after', 'consent', 'none']).describe('prior: 事前通知, after: 事後通知, consent: 同意が必要'),
  summary_ja: z.string(),
  summary_en: z.string(),
});

const publicContractorSchema = z.object({
  /** 委託する業務 */
  service: z.string(),
  items: z.array(z.string()),
  country: z.string().optional(),
  contract: z.object({
    confidentiality: z.boolean(),
    no_reprovision: z.boolean(),
    incident_liability: z.boolean(),
    subcontracting: z.enum(['prohibited', 'with_consent', 'allowed']).nullable(),
    return_or_destruction: z.boolean(),
  }),
});

export const publicDocumentSchema = policyDocumentSchema.omit({ systems: true }).extend({
  holders: z.array(holderSchema.omit({ org: true })),
  joint_uses: z.array(jointUseSchema.extend({ users: z.array(z.object({ name: z.string(), note: z.string().optional() })) })),
  contractors: z.array(publicContractorSchema),
});

export const noticeVersionSchema = z.object({
  number: z.int().min(1),
  state: z.enum(['current', 'upcoming', 'past']).describe('current: 施行中, upcoming: 施行予定（改定予告）, past: 過去の版'),
  notice_on: z.iso.date().nullable().describe('通知日（Japan time）'),
  effective_on: z.iso.date().describe('施行日（Japan time）'),
  published_at: z.string().nullable(),
  summary: z.string().nullable(),
  changes: z.array(publicChangeSchema),
  links: z.object({ html: z.string(), json: z.string(), diff: z.string().nullable() }),
});

export const noticeVersionWithDocumentSchema = noticeVersionSchema.extend({ document: publicDocumentSchema });

const organizationSchema = z.object({ code: z.string(), name: z.string(), name_en: z.string() });

/** `GET /api/v1/public/notices/:org` */
export const publicNoticeSchema = z.object({
  format: z.literal(NOTICE_FORMAT),
  organization: organizationSchema,
  as_of: z.iso.date().describe('the date in Japan for which current and upcoming were decided'),
  current: noticeVersionWithDocumentSchema.nullable(),
  upcoming: z.array(noticeVersionSchema),
  versions: z.array(noticeVersionSchema).describe('every published version, newest first'),
  /**
   * The anonymized releases the co-op created (匿名加工情報, Art. 43): items and the date they were published; the
   * method of provision and the recipients only once the method was published.
   */
  anonymized_releases: z
    .array(
      z.object({
        code: z.string(),
        name: z.string(),
        items: z.array(z.string()),
        items_published_on: z.iso.date(),
        method_of_provision: z.string().nullable(),
        method_published_on: z.iso.date().nullable(),
        recipients: z.string().nullable(),
      }),
    )
    .optional(),
  links: z.object({ html: z.string(), versions: z.string() }),
});

/** `GET /api/v1/public/notices/:org/versions/:number` */
export const publicNoticeVersionSchema = z.object({
  format: z.literal(NOTICE_FORMAT),
  organization: organizationSchema,
  as_of: z.iso.date(),
  version: noticeVersionWithDocumentSchema,
});

export type PublicNotice = z.infer<typeof publicNoticeSchema>;
export type PublicNoticeVersion = z.infer<typeof publicNoticeVersionSchema>;
export type PublicDocument = z.infer<typeof publicDocumentSchema>;

/**
 * The document as published: without contractor identities and inspections, internal organization codes, nor the
 * connected systems' dataset map (the co-op's own tables and columns).
 */
export function publicDocument({ systems: _systems, ...doc }: PolicyDocument): PublicDocument {
  return {
    ...doc,
    holders: doc.holders.map(({ org: _org, ...h }) => h),
    joint_uses: doc.joint_uses.map((j) => ({ ...j, users: j.users.map((u) => ({ name: u.name, ...(u.note ? { note: u.note } : {}) })) })),
    contractors: doc.contractors.map((c) => ({
      service: c.service,
      items: c.items,
      ...(c.country ? { country: c.country } : {}),
      contract: {
        confidentiality: c.contract.confidentiality,
        no_reprovision: c.contract.no_reprovision,
        incident_liability: c.contract.incident_liability,
        subcontracting: c.contract.subcontracting ?? null,
        return_or_destruction: c.contract.return_or_destruction,
      },
    })),
  };
}

function versionJson(orgCode: string, timeline: Timeline, v: PublishedVersion): z.infer<typeof noticeVersionSchema> {
  const paths = noticePaths(orgCode);
  const previous = previousVersion(timeline, v.number);
  return {
    number: v.number,
    state: stateOf(timeline, v),
    notice_on: v.noticeOn,
    effective_on: v.effectiveOn,
    published_at: v.publishedAt,
    summary: v.summary,
    changes: v.changes,
    links: {
      html: paths.version(v.number),
      json: paths.versionJson(v.number),
      diff: previous ? paths.diff(previous.number, v.number) : null,
    },
  };
}

function organizationJson(org: NoticeOrganization) {
  return { code: org.code, name: org.name, name_en: org.name_en };
}

/** The organization's notices: the version in effect with its document, the upcoming ones, every version. */
export function buildPublicNotice(
  org: NoticeOrganization,
  timeline: Timeline,
  currentDoc: PolicyDocument | undefined,
  releases: readonly NoticeRelease[] = [],
): PublicNotice {
  const paths = noticePaths(org.code);
  return {
    format: NOTICE_FORMAT,
    organization: organizationJson(org),
    as_of: timeline.today,
    current:
      timeline.current && currentDoc
        ? { ...versionJson(org.code, timeline, timeline.current), document: publicDocument(currentDoc) }
        : null,
    upcoming: timeline.upcoming.map((v) => versionJson(org.code, timeline, v)),
    versions: timeline.versions.map((v) => versionJson(org.code, timeline, v)),
    ...(releases.length
      ? {
          anonymized_releases: releases.map((r) => {
            const method = r.methodOfProvision !== null && r.methodPublishedOn !== null;
            return {
              code: r.code,
              name: r.name,
              items: r.items,
              items_published_on: r.itemsPublishedOn,
              method_of_provision: method ? r.methodOfProvision : null,
              method_published_on: method ? r.methodPublishedOn : null,
              recipients: method ? r.recipients : null,
            };
          }),
        }
      : {}),
    links: { html: paths.current, versions: paths.versions },
  };
}

/** One published version with its document. */
export function buildPublicNoticeVersion(
  org: NoticeOrganization,
  timeline: Timeline,
  version: PublishedVersion,
  doc: PolicyDocument,
): PublicNoticeVersion {
  return {
    format: NOTICE_FORMAT,
    organization: organizationJson(org),
    as_of: timeline.today,
    version: { ...versionJson(org.code, timeline, version), document: publicDocument(doc) },
  };
}
