/**
 * The policy API's shapes as the console reads them. The document, gap, change and version types are the
 * server's own (type-only imports: nothing of the server is bundled), so the editor cannot drift from the
 * schema it edits.
 */
import type { DraftReview, DraftView, LintGap, PolicyChange, PolicyDocument, VersionSummary } from '../../../src/contract/api.ts';

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

/** Circled numbers as published (①–㊿), as the server writes them; plain numbers beyond. */
export function circledNumber(n: number): string {
  if (n >= 1 && n <= 20) return String.fromCodePoint(0x2460 + n - 1);
  if (n >= 21 && n <= 35) return String.fromCodePoint(0x3251 + n - 21);
  if (n >= 36 && n <= 50) return String.fromCodePoint(0x32b1 + n - 36);
  return `(${n})`;
}

/** `P01` for purpose number 1: the code the server gives a purpose that names none. */
export const purposeCodeOf = (p: { code?: string | undefined; number: number }): string =>
  p.code ?? `P${String(p.number).padStart(2, '0')}`;
