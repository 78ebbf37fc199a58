/**
 * Audited member reads on PostgreSQL, recorded in groups. Reads that arrive while earlier groups are running
 * wait and go together (`Batcher`): one statement loads every member of the group with its opt-outs, stops and
 * consents; the access engine decides each read; one more statement — a transaction of its own — queues every
 * read's audit entry, counts the reads and raises the alerts they trigger (audit/alerts.ts `recordReadGroup`).
 * No read answers before that statement has committed. Each read keeps its own decision, entry and answer; a
 * failed statement fails every read of the group (none answered, none recorded).
 *
 * Under load this replaces five round trips and a commit per read (begin, member, blocks, entry, count, commit)
 * with two round trips and one commit per group. The member is read before the transaction, as it would be at
 * READ COMMITTED within one: a change committed between the two is no more visible to either.
 * SQLite has its own group commit (`sqliteGroupTransaction`).
 */

import { sql } from 'kysely';
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import type { OrgSettings } from '../../base/settings.ts';
import { Batcher } from '../../db/batcher.ts';
import { type Db, executePrepared } from '../../db/database.ts';
import type { BlockKind, MemberTable } from '../../db/schema.ts';
import { japanDate } from '../../db/time.ts';
import type { AccessEngine } from '../access/decide.ts';
import { type ReadContext, recordReadGroup } from '../audit/alerts.ts';
import { queueInsertFor } from '../audit/append.ts';
import type { Actor, AuditEvent } from '../audit/events.ts';
import { getOrgSettings } from '../organizations/settings-cache.ts';
import { type PresentedMember, presentMember } from './presenter.ts';
import { allowedReadEvent, refusalError, refusedReadEvent } from './read-events.ts';

export interface GroupedRead {
  actor: StaffActor;
  memberId: string;
  purpose: string;
  items?: readonly string[];
  via?: string;
  engine: AccessEngine;
  now: Date;
  actorSettings: OrgSettings;
}

/** A read's answer: the member as allowed, a refusal (recorded in the trail), or a failure (nothing recorded). */
export type GroupedOutcome = { member: PresentedMember } | { refused: AppError } | { failed: unknown };

/** Most reads in one group, and groups running at once (each holds one pooled connection while it runs). */
const MAX_GROUP = 256;
const MAX_IN_FLIGHT = 2;

const batchers = new WeakMap<AppContext, Batcher<GroupedRead, GroupedOutcome>>();

/** Reads one member within the next group of this context's reads. */
export function readMemberGrouped(ctx: AppContext, read: GroupedRead): Promise<GroupedOutcome> {
  let batcher = batchers.get(ctx);
  if (!batcher) {
    batcher = new Batcher((reads) => readGroup(ctx, reads), { maxBatch: MAX_GROUP, maxInFlight: MAX_IN_FLIGHT });
    batchers.set(ctx, batcher);
  }
  return batcher.add(read);
}

type LoadedMember = MemberTable & { mamori_blocks: { purposeId: string; kind: BlockKind }[] };

/** The group's members and their opt-outs, stops and consents, in one statement. */
async function loadMembers(db: Db, ids: readonly string[]): Promise<Map<string, LoadedMember>> {
  const { rows } = await executePrepared(
    db,
    sql<LoadedMember>`select m.*, coalesce((select json_agg(json_build_object('purposeId', b.purpose_id, 'kind', b.kind))
      from member_purpose_blocks b where b.member_id = m.id), '[]'::json) as mamori_blocks
    from members m where m.id = any(${[...new Set(ids)]}::text[])`,
  );
  return new Map(rows.map((r) => [r.id, r]));
}

/** What one read of the group came to before anything is written. */
type Planned =
  | { kind: 'refused'; event: AuditEvent; error: AppError; row?: undefined }
  | { kind: 'allowed'; event: AuditEvent; row: LoadedMember; member: PresentedMember; settings: OrgSettings }
  | { kind: 'failed'; error: unknown };

async function readGroup(ctx: AppContext, reads: readonly GroupedRead[]): Promise<GroupedOutcome[]> {
  const members = await loadMembers(
    ctx.db,
    reads.map((r) => r.memberId),
  );
  const plans: Planned[] = [];
  for (const read of reads) {
    try {
      plans.push(await plan(ctx, read, members.get(read.memberId)));
    } catch (error) {
      // A read that cannot be answered (a record that does not decrypt) fails alone and is not recorded, as a
      // read on its own would roll back.
      plans.push({ kind: 'failed', error });
    }
  }
  const recorded = plans.flatMap((p, i) => (p.kind === 'failed' ? [] : [{ plan: p, read: reads[i]! }]));
  const queued = queueInsertFor(
    ctx.db,
    recorded.map((r) => ({ actor: r.read.actor as Actor, event: r.plan.event })),
    ctx.clock,
  );
  if (!queued) throw new Error('readMemberGrouped needs PostgreSQL and the audit key ring');
  const counted = recorded.flatMap(({ plan: p, read }, i): ReadContext[] =>
    p.kind === 'allowed'
      ? [
          {
            orgId: p.row.org_id,
            actorId: read.actor.id,
            memberId: p.row.id,
            memberStatus: p.row.status,
            audit: queued.entries[i]!,
            at: read.now,
            settings: p.settings,
          },
        ]
      : [],
  );
  try {
    await recordReadGroup(ctx.db, queued.insert, counted);
  } catch (error) {
    // Concurrent groups insert alert markers; a deadlock between two of them rolls one back whole: run it again.
    if ((error as { code?: string }).code !== '40P01') throw error;
    await recordReadGroup(ctx.db, queued.insert, counted);
  }
  return plans.map((p): GroupedOutcome => {
    if (p.kind === 'allowed') return { member: p.member };
    if (p.kind === 'refused') return { refused: p.error };
    return { failed: p.error };
  });
}

async function plan(ctx: AppContext, read: GroupedRead, row: LoadedMember | undefined): Promise<Planned> {
  if (!row) return { kind: 'refused', event: refusedReadEvent(read, 'member_not_found'), error: new AppError('member_not_found') };
  const decision = read.engine.decide({
    actor: read.actor,
    purpose: read.purpose,
    action: 'read',
    ...(read.items ? { items: read.items } : {}),
    member: { orgId: row.org_id, blocks: row.mamori_blocks, status: row.status },
    today: japanDate(read.now),
  });
  if (!decision.allowed) {
    return { kind: 'refused', event: refusedReadEvent(read, decision.code, row.id), error: refusalError(decision.code) };
  }
  const { mamori_blocks: _blocks, ...member } = row;
  return {
    kind: 'allowed',
    event: allowedReadEvent(read, row, decision),
    row,
    member: presentMember(member, decision.items, ctx.keys),
    settings: row.org_id === read.actor.orgId ? read.actorSettings : await getOrgSettings(ctx, row.org_id),
  };
}
