/**
 * Consent and preferences (同意・オプトアウト), per person and subject: a purpose whose policy entry takes the
 * person's say (`opt_out` or `opt_in`), or a third-party recipient the policy provides to with consent.
 *
 * Every change is an event (source, actor, guardian, the policy version shown) kept forever; the current state
 * is one row per person and subject; and in the same transaction the access engine's flags on the member
 * (`member_purpose_blocks`) follow, so an opt-out takes effect on the very next read.
 *
 * A child under the policy's consent age cannot decide alone: on the member page only a guardian acting for
 * the child may change a choice, and staff entering a paper or phone consent must name the guardian.
 */
import { randomUUID } from 'node:crypto';
import type { MemberActor, StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import type { DbOrTx, Tx } from '../../db/database.ts';
import type { ConsentMode, ConsentSource, ConsentState, ConsentSubjectKind } from '../../db/schema.ts';
import { iso, japanDate } from '../../db/time.ts';
import { appendAudit } from '../audit/append.ts';
import type { Actor } from '../audit/events.ts';
import { ageOn, childConsentAge, type PolicyInEffect, policyInEffect } from '../policy/in-effect.ts';

/** Who changes a consent: the person (or guardian) on the page, staff for paper/phone, or a request's effect. */
export type ConsentActor = StaffActor | MemberActor | { type: 'system'; orgId: string; label: string; requestId: string };

export interface ConsentSubject {
  kind: ConsentSubjectKind;
  code: string;
}

export interface ConsentChange {
  memberId: string;
  subject: ConsentSubject;
  state: ConsentState;
  source: ConsentSource;
  /** For a child: the guardian's name as written on paper or given by phone (staff entry). */
  guardianName?: string;
  note?: string;
}

/** A subject the person has a say in, with what the current policy says about it. */
export interface ConsentTopic {
  kind: ConsentSubjectKind;
  code: string;
  name: string;
  name_en: string;
  /** `opt_out`: in use unless refused; `opt_in`: used only with consent. Third parties are always opt-in. */
  mode: Exclude<ConsentMode, 'none'>;
  /** A purpose's number as published (①…), for display. */
  number?: number;
}

export interface ConsentView extends ConsentTopic {
  /** The current state; without any event, the default of the mode (opt-out: granted, opt-in: not given). */
  state: ConsentState | 'not_given';
  updated_at: string | null;
  source: ConsentSource | null;
}

const statesFor: Record<ConsentTopic['mode'], readonly ConsentState[]> = {
  opt_out: ['granted', 'opted_out'],
  opt_in: ['granted', 'withdrawn'],
};

/** The subjects of an organization's policy that take the person's say. */
export async function consentTopics(db: DbOrTx, orgId: string, policy?: PolicyInEffect | null): Promise<ConsentTopic[]> {
  const purposes = await db
    .selectFrom('purposes')
    .select(['code', 'number', 'name', 'name_en', 'consent_mode'])
    .where('org_id', '=', orgId)
    .where('status', '=', 'active')
    .where('consent_mode', '!=', 'none')
    .where('for_members', '=', 1)
    .orderBy('number')
    .execute();
  const doc = (policy === undefined ? await policyInEffect(db, orgId) : policy)?.document;
  const thirdParties = (doc?.third_parties ?? []).filter((t) => t.legal_basis === 'consent');
  return [
    ...purposes.map((p) => ({
      kind: 'purpose' as const,
      code: p.code,
      number: p.number,
      name: p.name,
      name_en: p.name_en,
      mode: p.consent_mode as ConsentTopic['mode'],
    })),
    ...thirdParties.map((t) => ({
      kind: 'third_party' as const,
      code: t.code,
      name: t.name,
      name_en: t.name_en ?? t.name,
      mode: 'opt_in' as const,
    })),
  ];
}

/** The person's current choices on every subject of the policy in effect. */
export async function listConsents(db: DbOrTx, orgId: string, memberId: string): Promise<ConsentView[]> {
  const [topics, current, events] = await Promise.all([
    consentTopics(db, orgId),
    db.selectFrom('member_consents').selectAll().where('member_id', '=', memberId).execute(),
    db.selectFrom('consent_events').select(['id', 'source']).where('member_id', '=', memberId).execute(),
  ]);
  const sourceOf = new Map(events.map((e) => [e.id, e.source]));
  return topics.map((t) => {
    const row = current.find((c) => c.subject_kind === t.kind && c.subject_code === t.code);
    const state = row?.state ?? (t.mode === 'opt_out' ? 'granted' : 'not_given');
    return { ...t, state, updated_at: row?.updated_at ?? null, source: row ? (sourceOf.get(row.event_id) ?? null) : null };
  });
}

export interface ConsentEventView {
  id: string;
  at: string;
  subject_kind: ConsentSubjectKind;
  subject_code: string;
  state: ConsentState;
  source: ConsentSource;
  actor_type: 'member' | 'guardian' | 'user' | 'system';
  guardian_name: string | null;
  policy_version: number | null;
  request_id: string | null;
  note: string | null;
}

/** The full history of a person's choices, newest first. */
export async function consentHistory(db: DbOrTx, memberId: string): Promise<ConsentEventView[]> {
  return db
    .selectFrom('consent_events')
    .select([
      'id',
      'created_at as at',
      'subject_kind',
      'subject_code',
      'state',
      'source',
      'actor_type',
      'guardian_name',
      'policy_version',
      'request_id',
      'note',
    ])
    .where('member_id', '=', memberId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
}

/** Records a change of consent and applies it to the access engine's flags, in one transaction. */
export async function changeConsent(ctx: AppContext, actor: ConsentActor, change: ConsentChange): Promise<ConsentView> {
  const now = ctx.clock();
  const view = await ctx.db.transaction().execute((tx) => changeConsentInTx(ctx, tx, actor, change, now));
  await ctx.events.publish(ctx.db, 'policy.changed', {});
  return view;
}

/** The same, inside the caller's transaction (a request's effect carries it out with the answer). */
export async function changeConsentInTx(
  ctx: AppContext,
  tx: Tx,
  actor: ConsentActor,
  change: ConsentChange,
  now: Date,
): Promise<ConsentView> {
  const member = await tx
    .selectFrom('members')
    .select(['id', 'org_id', 'birth_date', 'erased_at'])
    .where('id', '=', change.memberId)
    .executeTakeFirst();
  // Another organization's member is answered like a missing one: nothing tells that the id exists.
  if (!member || member.org_id !== actor.orgId) throw new AppError('member_not_found');
  if (actor.type === 'member' && actor.subjectId !== member.id) throw new AppError('member_not_found');

  const policy = await policyInEffect(tx, member.org_id);
  const topic = (await consentTopics(tx, member.org_id, policy)).find(
    (t) => t.kind === change.subject.kind && t.code === change.subject.code,
  );
  if (!topic) {
    const known =
      change.subject.kind === 'purpose'
        ? await tx
            .selectFrom('purposes')
            .select('id')
            .where('org_id', '=', member.org_id)
            .where('code', '=', change.subject.code)
            .executeTakeFirst()
        : policy?.document.third_parties.find((t) => t.code === change.subject.code);
    throw new AppError(known ? 'consent_not_applicable' : 'consent_subject_unknown');
  }
  if (!statesFor[topic.mode].includes(change.state)) {
    throw new AppError('validation_failed', [
      {
        field: 'state',
        code: 'state_not_allowed',
        message_ja: `この項目で選べるのは ${statesFor[topic.mode].join(' / ')} です。`,
        message_en: `This subject takes ${statesFor[topic.mode].join(' / ')}.`,
      },
    ]);
  }

  const guardian = guardianOf(actor, member, change, policy, now);
  const eventId = randomUUID();
  const at = iso(now);
  await tx
    .insertInto('consent_events')
    .values({
      id: eventId,
      org_id: member.org_id,
      member_id: member.id,
      subject_kind: topic.kind,
      subject_code: topic.code,
      state: change.state,
      source: change.source,
      actor_type: actor.type === 'member' ? (actor.asGuardian ? 'guardian' : 'member') : actor.type,
      actor_id: actor.type === 'member' ? actor.memberId : actor.type === 'user' ? actor.id : null,
      guardian_member_id: guardian.memberId,
      guardian_name: guardian.name,
      policy_version: policy?.number ?? null,
      request_id: actor.type === 'system' ? actor.requestId : null,
      note: change.note ?? null,
      created_at: at,
    })
    .execute();
  await tx
    .deleteFrom('member_consents')
    .where('member_id', '=', member.id)
    .where('subject_kind', '=', topic.kind)
    .where('subject_code', '=', topic.code)
    .execute();
  await tx
    .insertInto('member_consents')
    .values({
      member_id: member.id,
      subject_kind: topic.kind,
      subject_code: topic.code,
      state: change.state,
      event_id: eventId,
      updated_at: at,
    })
    .execute();
  if (topic.kind === 'purpose') await applyPurposeFlags(tx, member.id, member.org_id, topic, change.state, at, actor);

  await appendAudit(
    tx,
    auditActor(actor),
    {
      action: 'consent.change',
      outcome: 'ok',
      orgId: member.org_id,
      memberId: member.id,
      purpose: topic.kind === 'purpose' ? topic.code : null,
      detail: {
        subject_kind: topic.kind,
        subject_code: topic.code,
        state: change.state,
        source: change.source,
        event: eventId,
        policy_version: policy?.number ?? null,
        ...(guardian.memberId || guardian.name ? { by_guardian: true } : {}),
      },
    },
    ctx.clock,
  );
  return { ...topic, state: change.state, updated_at: at, source: change.source };
}

/** The engine's flags for a purpose: an opt-out blocks it; an opt-in purpose is usable only when consented. */
async function applyPurposeFlags(
  tx: Tx,
  memberId: string,
  orgId: string,
  topic: ConsentTopic,
  state: ConsentState,
  at: string,
  actor: ConsentActor,
): Promise<void> {
  const purpose = await tx
    .selectFrom('purposes')
    .select('id')
    .where('org_id', '=', orgId)
    .where('code', '=', topic.code)
    .executeTakeFirstOrThrow();
  await tx
    .deleteFrom('member_purpose_blocks')
    .where('member_id', '=', memberId)
    .where('purpose_id', '=', purpose.id)
    .where('kind', 'in', ['opt_out', 'consented'])
    .execute();
  const kind = topic.mode === 'opt_out' ? (state === 'granted' ? null : 'opt_out') : state === 'granted' ? 'consented' : null;
  if (!kind) return;
  await tx
    .insertInto('member_purpose_blocks')
    .values({
      member_id: memberId,
      purpose_id: purpose.id,
      kind,
      reason: 'consent',
      created_at: at,
      created_by: actor.type === 'user' ? actor.id : null,
    })
    .execute();
}

/**
 * For a child under the consent age: who the guardian is. On the page the guardian must be the one acting;
 * staff must write down the guardian's name (paper, phone). Adults need nobody.
 */
function guardianOf(
  actor: ConsentActor,
  member: { id: string; birth_date: string | null },
  change: ConsentChange,
  policy: PolicyInEffect | null,
  now: Date,
): { memberId: string | null; name: string | null } {
  const age = ageOn(member.birth_date, japanDate(now));
  const isChild = age !== null && age < childConsentAge(policy);
  if (actor.type === 'member' && actor.asGuardian) return { memberId: actor.memberId, name: null };
  if (!isChild || actor.type === 'system') return { memberId: null, name: change.guardianName?.trim() || null };
  if (actor.type === 'member') throw new AppError('guardian_consent_required');
  const name = change.guardianName?.trim();
  if (!name) throw new AppError('guardian_consent_required');
  return { memberId: null, name };
}

/** The audit trail's actor for a consent actor. */
export function auditActor(actor: ConsentActor): Actor {
  if (actor.type === 'member') return { type: 'member', id: actor.accountId, orgId: actor.orgId };
  if (actor.type === 'system') return { type: 'system', id: null, orgId: actor.orgId, label: actor.label };
  return actor;
}
