/**
 * The policy API's shapes as the console reads them. The document, gap, change and version types are the
 * server's own (type-only imports: nothing of the server is bundled), so the editor cannot drift from the
 * schema it edits.
 */
import type { DraftReview, DraftView, LintGap, PolicyChange, PolicyDocument, VersionSummary } from '../../../src/contract/api.ts';

export { circledNumber, purposeCodeOf } from '../../../src/contract/policy-vocabulary.ts';
export type { DraftReview, DraftView, LintGap, PolicyChange, PolicyDocument, VersionSummary };

/** GET/PUT /policy/draft and the draft replacements answer this. */
export interface DraftAnswer {
  draft: DraftView;
  review: DraftReview;
  prior_notice_days: number;
}

export interface PresetSummary {
  id: string;
  name: string;
  name_en: string;
}

export type Doc = PolicyDocument;
export type JointUse = Doc['joint_uses'][number];
export type ThirdParty = Doc['third_parties'][number];
export type Contractor = Doc['contractors'][number];

/** The legal bases of a third-party provision, in the order the select offers them. */
export const legalBases = ['consent', 'law', 'life_body_property', 'public_health_children', 'public_body', 'academic_research'] as const;

/** The editor's tabs, one per register; `contact` holds the window and the request procedures. */
export const tabIds = [
  'organization',
  'basic_policy',
  'scope',
  'items',
  'purposes',
  'joint_uses',
  'third_parties',
  'contractors',
  'contact',
  'safety_measures',
  'anonymized',
  'retention',
  'systems',
  'other',
] as const;
export type TabId = (typeof tabIds)[number];
