import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects, chained } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { verifyAuditChain } from '../audit/verify.ts';
import { readMember } from './read-member.ts';
import { searchMembers } from './search-members.ts';
import { createMember, updateMember } from './write-member.ts';

describe.each(availableDialects())('member ledger on %s', (dialect) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await demoFixture(dialect);
  });
  afterAll(async () => {
    await f?.dispose();
  });

  const lastAudit = async () =>
    (await chained(f.ctx.db)).selectFrom('audit_log').selectAll().orderBy('seq', 'desc').executeTakeFirstOrThrow();

  it('returns only the items of the purpose, and records the read', async () => {
    const staff = await f.actor('staff');
    const id = await f.memberId('1000001');
    const m = await readMember(f.ctx, { actor: staff, memberId: id, purpose: 'P04' });
    expect(Object.keys(m).sort()).toEqual([
      'address',
      'delivery_type',
      'id',
      'member_code',
      'name',
      'name_kana',
      'phone',
      'postal_code',
      'version',
    ]);
    expect(m).not.toHaveProperty('bank_account');
    const entry = await lastAudit();
    expect(entry).toMatchObject({ action: 'member.read', outcome: 'allowed', member_id: id, purpose_code: 'P04', actor_id: staff.id });
    expect(JSON.parse(entry.detail).items).toContain('address');
  });

  it('decrypts the bank account only for a purpose that may use it', async () => {
    const officer = await f.actor('officer');
    const id = await f.memberId('1000002');
    const raw = await f.ctx.db.selectFrom('members').select('bank_account_enc').where('id', '=', id).executeTakeFirstOrThrow();
    const m = await readMember(f.ctx, { actor: officer, memberId: id, purpose: 'P01' });
    if (raw.bank_account_enc) {
      expect(raw.bank_account_enc.startsWith('v1.')).toBe(true);
      expect(raw.bank_account_enc).not.toContain(String(m.bank_account));
      expect(m.bank_account).toMatch(/普通 \d{7}$/);
    } else {
      expect(m.bank_account).toBeNull();
    }
  });

  it('refuses a purpose the role may not use, and records the refusal', async () => {
    const staff = await f.actor('staff');
    const id = await f.memberId('1000003');
    await expect(readMember(f.ctx, { actor: staff, memberId: id, purpose: 'P01' })).rejects.toMatchObject({
      code: 'purpose_not_permitted',
    });
    expect(await lastAudit()).toMatchObject({
      action: 'member.read',
      outcome: 'refused',
      error_code: 'purpose_not_permitted',
      member_id: id,
    });
  });

  it('refuses items outside the purpose and unknown purposes', async () => {
    const staff = await f.actor('staff');
    const id = await f.memberId('1000003');
    await expect(readMember(f.ctx, { actor: staff, memberId: id, purpose: 'P04', items: ['bank_account'] })).rejects.toMatchObject({
      code: 'item_not_in_purpose',
    });
    await expect(readMember(f.ctx, { actor: staff, memberId: id, purpose: 'P99' })).rejects.toMatchObject({ code: 'purpose_unknown' });
  });

  it('hides another co-op’s member as not found, but records why', async () => {
    const staff = await f.actor('staff');
    const id = await f.memberId('6000001');
    await expect(readMember(f.ctx, { actor: staff, memberId: id, purpose: 'P04' })).rejects.toMatchObject({ code: 'member_not_found' });
    expect(await lastAudit()).toMatchObject({ outcome: 'refused', error_code: 'member_out_of_scope' });
  });

  it('lets a joint user read exactly the declared items for the declared purposes', async () => {
    const kyosai = await f.actor('kyosai');
    const id = await f.memberId('1000004');
    const m = await readMember(f.ctx, { actor: kyosai, memberId: id, purpose: 'P14' });
    // ⑭'s items that the demo co-op's two joint uses covering ⑭ declare (the Miyagi seed's lists): kana and postal
    // code belong to ⑭ but to neither joint use.
    expect(Object.keys(m).sort()).toEqual([
      'address',
      'bank_account',
      'birth_date',
      'email',
      'gender',
      'id',
      'join_date',
      'leave_date',
      'member_code',
      'name',
      'phone',
      'version',
    ]);
    expect(JSON.parse((await lastAudit()).detail).joint_use).toBeTruthy();
    await expect(readMember(f.ctx, { actor: kyosai, memberId: id, purpose: 'P14', items: ['name_kana'] })).rejects.toMatchObject({
      code: 'item_not_in_purpose',
    });
    await expect(readMember(f.ctx, { actor: kyosai, memberId: id, purpose: 'P04' })).rejects.toMatchObject({
      code: 'purpose_not_permitted',
    });
  });

  it('blocks a purpose the member opted out of or had stopped', async () => {
    const analyst = await f.actor('analyst');
    const id = await f.memberId('1000005');
    await readMember(f.ctx, { actor: analyst, memberId: id, purpose: 'P16' });
    const purpose = await f.ctx.db
      .selectFrom('purposes')
      .innerJoin('organizations', 'organizations.id', 'purposes.org_id')
      .select('purposes.id')
      .where('organizations.code', '=', 'demo-coop')
      .where('purposes.code', '=', 'P16')
      .executeTakeFirstOrThrow();
    await f.ctx.db
      .insertInto('member_purpose_blocks')
      .values({
        member_id: id,
        purpose_id: purpose.id,
        kind: 'opt_out',
        reason: null,
        created_at: new Date().toISOString(),
        created_by: null,
      })
      .execute();
    await expect(readMember(f.ctx, { actor: analyst, memberId: id, purpose: 'P16' })).rejects.toMatchObject({ code: 'member_opted_out' });
  });

  it('searches by kana prefix in any width, and by phone', async () => {
    const staff = await f.actor('staff');
    const target = await readMember(f.ctx, { actor: staff, memberId: await f.memberId('1000006'), purpose: 'P04' });
    const family = String(target.name_kana).split(' ')[0]!;
    const halfWidth = family.normalize('NFKC').replace(/[\u30A1-\u30F6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60)); // to hiragana
    const byKana = await searchMembers(f.ctx, { actor: staff, purpose: 'P04', kana: halfWidth });
    expect(byKana.members.map((m) => m.member_code)).toContain('1000006');
    for (const m of byKana.members) expect(String(m.name_kana).startsWith(family)).toBe(true);
    const byPhone = await searchMembers(f.ctx, { actor: staff, purpose: 'P04', phone: String(target.phone).replace(/-/g, '') });
    expect(byPhone.members.map((m) => m.member_code)).toContain('1000006');
    expect(await lastAudit()).toMatchObject({ action: 'member.search', outcome: 'allowed' });
    await expect(searchMembers(f.ctx, { actor: await f.actor('analyst'), purpose: 'P16', phone: '090' })).rejects.toMatchObject({
      code: 'item_not_in_purpose',
    });
  });

  it('creates and updates with purpose, normalising Japanese input', async () => {
    const service = await f.actor('service');
    const created = await createMember(f.ctx, {
      actor: service,
      purpose: 'P01',
      input: {
        member_code: 'ｔ-０００１',
        name: '試験　花子',
        name_kana: 'しけん　はなこ',
        phone: '０２２−７７１−００００',
        join_date: '令和6年4月1日',
        delivery_type: '班',
      },
    });
    expect(created).toMatchObject({
      member_code: 'T-0001',
      name: '試験 花子',
      name_kana: 'シケン ハナコ',
      phone: '022-771-0000',
      join_date: '2024-04-01',
      delivery_type: 'group',
      version: 1,
    });
    const updated = await updateMember(f.ctx, {
      actor: service,
      memberId: created.id,
      purpose: 'P01',
      changes: { address: '宮城県仙台市青葉区一番町1-1' },
      expectedVersion: 1,
    });
    expect(updated).toMatchObject({ address: '宮城県仙台市青葉区一番町1-1', version: 2 });
    await expect(
      updateMember(f.ctx, { actor: service, memberId: created.id, purpose: 'P01', changes: { address: 'x' }, expectedVersion: 1 }),
    ).rejects.toMatchObject({ code: 'version_conflict' });
    await expect(
      createMember(f.ctx, {
        actor: service,
        purpose: 'P01',
        input: { member_code: 'T-0001', name: 'a', name_kana: 'ア', join_date: '2024-01-01' },
      }),
    ).rejects.toMatchObject({ code: 'member_code_taken' });
    const staff = await f.actor('staff');
    await expect(
      updateMember(f.ctx, { actor: staff, memberId: created.id, purpose: 'P04', changes: { bank_account: 'x' } }),
    ).rejects.toMatchObject({ code: 'item_not_in_purpose' });
    await expect(
      createMember(f.ctx, {
        actor: service,
        purpose: 'P01',
        input: { member_code: 'T-0002', name: 'a', name_kana: 'abc', join_date: '2024-02-30' },
      }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      issues: [expect.objectContaining({ field: 'name_kana' }), expect.objectContaining({ field: 'join_date', code: 'invalid_date' })],
    });
  });

  it('raises alerts for withdrawn members, off-hours access and bulk reads', async () => {
    const officer = await f.actor('officer');
    const withdrawn = await f.ctx.db
      .selectFrom('members')
      .select('id')
      .where('status', '=', 'withdrawn')
      .where('org_id', '=', officer.orgId)
      .executeTakeFirst();
    const target = withdrawn?.id ?? (await f.memberId('1000007'));
    if (!withdrawn)
      await f.ctx.db.updateTable('members').set({ status: 'withdrawn', leave_date: '2026-01-01' }).where('id', '=', target).execute();
    await readMember(f.ctx, { actor: officer, memberId: target, purpose: 'P01' });
    const alerts = await f.ctx.db.selectFrom('alerts').selectAll().where('member_id', '=', target).execute();
    expect(alerts.map((a) => a.kind)).toContain('withdrawn_member');

    await f.ctx.db
      .updateTable('organizations')
      .set({ settings: JSON.stringify({ alerts: { readsPerHour: 3 } }) })
      .where('id', '=', officer.orgId)
      .execute();
    f.ctx.events.emit('settings.changed', { orgId: officer.orgId });
    const manager = await f.actor('manager');
    for (const code of ['1000008', '1000009', '1000010', '1000011', '1000012']) {
      await readMember(f.ctx, { actor: manager, memberId: await f.memberId(code), purpose: 'P04' });
    }
    const bulk = await f.ctx.db
      .selectFrom('alerts')
      .selectAll()
      .where('actor_id', '=', manager.id)
      .where('kind', '=', 'bulk_reads')
      .execute();
    expect(bulk).toHaveLength(1);
  });

  it('keeps the audit chain verifiable and finds tampering', async () => {
    const ok = await verifyAuditChain(f.ctx.db);
    expect(ok.ok).toBe(true);
    expect(ok.entries).toBeGreaterThan(30);
    const target = Math.floor(ok.lastSeq / 2);
    const row = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select('detail')
      .where('seq', '=', target)
      .executeTakeFirstOrThrow();
    await f.ctx.db
      .updateTable('audit_log')
      .set({ detail: row.detail.replace('}', ',"x":1}') })
      .where('seq', '=', target)
      .execute();
    expect((await verifyAuditChain(f.ctx.db, { batchSize: 7 })).firstBad).toMatchObject({ seq: target, problem: 'hash_mismatch' });
    await f.ctx.db.updateTable('audit_log').set({ detail: row.detail }).where('seq', '=', target).execute();
    expect((await verifyAuditChain(f.ctx.db)).ok).toBe(true);
  });
});
