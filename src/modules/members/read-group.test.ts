/**
 * Reads on PostgreSQL recorded in groups (read-group.ts): many reads at once, by several users, allowed and
 * refused, each answered as a read on its own would be, each in the chain once, alerts raised as for reads one by
 * one (SQLite reads go one transaction each through its own group commit, tested in members.test.ts).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects, chained } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { verifyAuditChain } from '../audit/verify.ts';
import { readMember } from './read-member.ts';

describe.each(availableDialects().filter((d) => d === 'postgres'))('reads recorded in groups on %s', (dialect) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 60 });
  });
  afterAll(async () => {
    await f?.dispose();
  });

  it('answers 300 reads at once each as alone: items, refusals, one entry each, alerts once, the crossing read named', async () => {
    const staff = await f.actor('staff');
    const manager = await f.actor('manager');
    const orgId = staff.orgId;
    // Every hour is off hours; a bulk-read limit of 40 per hour.
    await f.ctx.db
      .updateTable('organizations')
      .set({ settings: JSON.stringify({ alerts: { readsPerHour: 40, workDays: [], workStart: '09:00', workEnd: '18:00' } }) })
      .where('id', '=', orgId)
      .execute();
    f.ctx.events.emit('settings.changed', { orgId });
    const members = await f.ctx.db
      .selectFrom('members')
      .select(['id', 'status'])
      .where('org_id', '=', orgId)
      .orderBy('member_code')
      .execute();
    const withdrawn = members[5]!.id;
    await f.ctx.db.updateTable('members').set({ status: 'withdrawn', leave_date: '2026-01-01' }).where('id', '=', withdrawn).execute();
    const before = (await (await chained(f.ctx.db)).selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq;

    type Kind = 'staff' | 'manager' | 'refused' | 'unknown' | 'withdrawn';
    const kinds: Kind[] = Array.from({ length: 300 }, (_, i) =>
      i % 10 === 3 ? 'refused' : i % 10 === 7 ? 'unknown' : i % 25 === 11 ? 'withdrawn' : i % 2 === 0 ? 'staff' : 'manager',
    );
    const results = await Promise.allSettled(
      kinds.map((kind, i) => {
        const memberId = kind === 'unknown' ? `no-such-member-${i}` : kind === 'withdrawn' ? withdrawn : members[(i % 50) + 6]!.id;
        const actor = kind === 'manager' || kind === 'withdrawn' ? manager : staff;
        return readMember(f.ctx, { actor, memberId, purpose: kind === 'refused' ? 'P01' : 'P04', via: 'test' });
      }),
    );
    results.forEach((r, i) => {
      const kind = kinds[i]!;
      if (kind === 'refused') expect(r).toMatchObject({ status: 'rejected', reason: { code: 'purpose_not_permitted', audited: true } });
      else if (kind === 'unknown') expect(r).toMatchObject({ status: 'rejected', reason: { code: 'member_not_found', audited: true } });
      else {
        expect(r.status).toBe('fulfilled');
        const m = (r as PromiseFulfilledResult<Record<string, unknown>>).value;
        expect(m).toHaveProperty('address');
        expect(m).not.toHaveProperty('bank_account');
      }
    });

    const db = await chained(f.ctx.db);
    const entries = await db
      .selectFrom('audit_log')
      .select(['seq', 'entry_id', 'actor_id', 'member_id', 'outcome', 'error_code', 'action'])
      .where('seq', '>', before)
      .where('action', '=', 'member.read')
      .orderBy('seq')
      .execute();
    expect(entries).toHaveLength(300);
    expect(new Set(entries.map((e) => e.entry_id)).size).toBe(300);
    const count = (pred: (e: (typeof entries)[number]) => boolean) => entries.filter(pred).length;
    expect(count((e) => e.outcome === 'refused' && e.error_code === 'purpose_not_permitted')).toBe(
      kinds.filter((k) => k === 'refused').length,
    );
    expect(count((e) => e.outcome === 'refused' && e.error_code === 'member_not_found')).toBe(kinds.filter((k) => k === 'unknown').length);
    const managerReads = count((e) => e.outcome === 'allowed' && e.actor_id === manager.id);
    expect(managerReads).toBe(kinds.filter((k) => k === 'manager' || k === 'withdrawn').length);

    const alerts = await db.selectFrom('alerts').selectAll().where('org_id', '=', orgId).where('created_at', '>=', '2000').execute();
    const of = (kind: string, actorId: string) => alerts.filter((a) => a.kind === kind && a.actor_id === actorId);
    // Withdrawn: every read of the withdrawn member, each naming its own entry.
    const withdrawnAlerts = alerts.filter((a) => a.kind === 'withdrawn_member');
    expect(withdrawnAlerts).toHaveLength(kinds.filter((k) => k === 'withdrawn').length);
    const bySeq = new Map(entries.map((e) => [e.seq, e]));
    for (const a of withdrawnAlerts) expect(bySeq.get(a.audit_seq!)).toMatchObject({ member_id: withdrawn, outcome: 'allowed' });
    // Off hours and bulk reads: once per user and hour; the bulk alert names the read that passed the limit as its
    // group counted (two groups run at once, and neither sees the other's count before it commits).
    expect(of('off_hours', staff.id)).toHaveLength(1);
    expect(of('off_hours', manager.id)).toHaveLength(1);
    for (const actor of [staff, manager]) {
      const [bulk, ...more] = of('bulk_reads', actor.id);
      expect(more).toHaveLength(0);
      const own = entries.filter((e) => e.outcome === 'allowed' && e.actor_id === actor.id);
      const detail = JSON.parse(bulk!.detail) as { limit: number; reads: number };
      expect(detail.limit).toBe(40);
      expect(detail.reads).toBeGreaterThan(40);
      expect(detail.reads).toBeLessThanOrEqual(own.length);
      expect(own.map((e) => e.seq)).toContain(bulk!.audit_seq);
    }
    expect(await verifyAuditChain(f.ctx.db)).toMatchObject({ ok: true });
  });

  it('records a group whole or not at all: when its statement fails, no read of it answers or is recorded', async () => {
    const staff = await f.actor('staff');
    const members = await f.ctx.db.selectFrom('members').select('id').where('org_id', '=', staff.orgId).orderBy('member_code').execute();
    await f.ctx.db.updateTable('members').set({ status: 'withdrawn', leave_date: '2026-01-01' }).where('id', '=', members[1]!.id).execute();
    const before = (await (await chained(f.ctx.db)).selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq;
    // The alert of the withdrawn member's read cannot be written: the group's one statement fails.
    await sql`alter table alerts add constraint test_refuse_withdrawn check (kind <> 'withdrawn_member') not valid`.execute(f.ctx.db);
    try {
      const results = await Promise.allSettled(
        members.slice(1, 21).map((m) => readMember(f.ctx, { actor: staff, memberId: m.id, purpose: 'P04', via: 'test' })),
      );
      expect(results.map((r) => r.status)).toEqual(Array(20).fill('rejected'));
      expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ code: '23514' });
    } finally {
      await sql`alter table alerts drop constraint test_refuse_withdrawn`.execute(f.ctx.db);
    }
    const after = await (await chained(f.ctx.db)).selectFrom('audit_head').select('seq').executeTakeFirstOrThrow();
    expect(after.seq).toBe(before);
    // Afterwards the same reads go through.
    const again = await Promise.all(members.slice(2, 6).map((m) => readMember(f.ctx, { actor: staff, memberId: m.id, purpose: 'P04' })));
    expect(again).toHaveLength(4);
  });
});
