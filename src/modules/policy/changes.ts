/**
 * What changed between two versions of a policy, and what each change requires before it may take effect.
 * Filled in by `compareDocuments`; stored with each published version and shown in the console and on the
 * public version history.
 */

/**
 * - `prior`: members must be notified (or it made easily available) before the change takes effect
 *   (a new purpose, a joint use's purposes, items, users or responsible party, a new joint use);
 * - `after`: notify without delay after the change (the responsible party's address or representative);
 * - `consent`: the change needs each person's consent before data is used this way (a new third-party
 *   recipient);
 * - `none`: wording or internal registers only.
 */
export type NoticeRequirement = 'prior' | 'after' | 'consent' | 'none';

export interface PolicyChange {
  /** The section of the document (`purposes`, `joint_uses`, `contact`, …). */
  section: string;
  /** The register entry's code, when the change is to one entry. */
  key?: string;
  kind: 'added' | 'removed' | 'changed';
  /** The fields that changed, for `changed`. */
  fields?: string[];
  notice: NoticeRequirement;
  summary_ja: string;
  summary_en: string;
}
