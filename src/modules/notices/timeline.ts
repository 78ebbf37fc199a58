/**
 * Which published version is in effect on a given day. The rule is by date alone, not by the status column
 * (which a job updates and may lag): the current version is the published one with the highest number whose
 * effective date has come (Japan time); a version whose effective date is still ahead is upcoming (改定予告)
 * and is shown on the current page, because the notice is how members are told before a change applies.
 */
import type { PolicyChange } from '../policy/changes.ts';

/** A published version without its document (the document is loaded only to render it). */
export interface PublishedVersion {
  id: string;
  number: number;
  summary: string | null;
  changes: PolicyChange[];
  noticeOn: string | null;
  effectiveOn: string;
  publishedAt: string | null;
  sha256: string;
}

export type VersionState = 'current' | 'upcoming' | 'past';

export interface Timeline {
  /** Every published version, newest (highest number) first. */
  versions: PublishedVersion[];
  current: PublishedVersion | undefined;
  /** Versions that take effect after `today`, soonest first. */
  upcoming: PublishedVersion[];
  today: string;
  /**
   * Identifies what the pages show of the timeline (which version is current, and all versions): part of
   * every cache key, so a rendered page is reused exactly while the timeline it shows is unchanged.
   */
  key: string;
}

/** Sorts the versions and finds the one in effect on `today` (YYYY-MM-DD). */
export function timelineOn(versions: readonly PublishedVersion[], today: string): Timeline {
  const sorted = [...versions].sort((a, b) => b.number - a.number);
  const current = sorted.find((v) => v.effectiveOn <= today);
  const upcoming = sorted
    .filter((v) => v.effectiveOn > today && (!current || v.number > current.number))
    .sort((a, b) => (a.effectiveOn === b.effectiveOn ? a.number - b.number : a.effectiveOn < b.effectiveOn ? -1 : 1));
  const key = `${current?.id ?? '-'}/${sorted.map((v) => v.id).join(',')}`;
  return { versions: sorted, current, upcoming, today, key };
}

/** The state of one version on the timeline's day. */
export function stateOf(timeline: Timeline, version: PublishedVersion): VersionState {
  if (timeline.current?.id === version.id) return 'current';
  return timeline.upcoming.some((v) => v.id === version.id) ? 'upcoming' : 'past';
}

/** The published version just before `number` (the default left side of a comparison). */
export function previousVersion(timeline: Timeline, number: number): PublishedVersion | undefined {
  return timeline.versions.find((v) => v.number < number);
}
