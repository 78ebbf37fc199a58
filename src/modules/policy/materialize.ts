/**
 * Makes the registers the access engine enforces match the policy version in effect: data items, purposes
 * with their items, and joint uses with their users, purposes and items. Rows are matched by code, so ids
 * (which role grants, opt-outs and stops point at) survive from version to version; what a version no longer
 * names is retired (items, purposes) or ended (joint uses), never deleted.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../../base/errors.ts';
import { addDays } from '../../base/rules.ts';
import { purposeCodeOf } from '../../contract/policy-vocabulary.ts';
import type { Tx } from '../../db/database.ts';
import type { PolicyDocument } from './document.ts';

/** Writes `doc` into the registers of `orgId`; `effectiveOn` ends the joint uses the version drops. */
export async function materializePolicy(tx: Tx, orgId: string, doc: PolicyDocument, effectiveOn: string): Promise<void> {
  const itemIds = await syncItems(tx, orgId, doc);
  const purposeIds = await syncPurposes(tx, orgId, doc, itemIds);
  await syncJointUses(tx, orgId, doc, itemIds, purposeIds, effectiveOn);
}

async function syncItems(tx: Tx, orgId: string, doc: PolicyDocument): Promise<Map<string, string>> {
  const existing = await tx.selectFrom('data_items').select(['id', 'code']).where('org_id', '=', orgId).execute();
  const ids = new Map(existing.map((r) => [r.code, r.id]));
  const named = new Set<string>();
  for (const item of doc.items) {
    named.add(item.code);
    const values = { name: item.name, name_en: item.name_en ?? item.name, sensitive: item.sensitive ? 1 : 0, status: 'active' as const };
    const id = ids.get(item.code);
    if (id) await tx.updateTable('data_items').set(values).where('id', '=', id).execute();
    else {
      const newId = randomUUID();
      ids.set(item.code, newId);
      await tx
        .insertInto('data_items')
        .values({ id: newId, org_id: orgId, code: item.code, ...values })
        .execute();
    }
  }
  const retired = existing.filter((r) => !named.has(r.code)).map((r) => r.id);
  if (retired.length) await tx.updateTable('data_items').set({ status: 'retired' }).where('id', 'in', retired).execute();
  return ids;
}

async function syncPurposes(tx: Tx, orgId: string, doc: PolicyDocument, itemIds: Map<string, string>): Promise<Map<string, string>> {
  const existing = await tx.selectFrom('purposes').select(['id', 'code']).where('org_id', '=', orgId).execute();
  const ids = new Map(existing.map((r) => [r.code, r.id]));
  const named = new Set<string>();
  for (const p of doc.purposes) {
    const code = purposeCodeOf(p);
    named.add(code);
    const values = {
      number: p.number,
      name: p.name,
      name_en: p.name_en ?? p.name,
      status: 'active' as const,
      consent_mode: p.consent ?? 'none',
      for_members: forMembers(doc, p) ? 1 : 0,
    };
    const id = ids.get(code);
    if (id) await tx.updateTable('purposes').set(values).where('id', '=', id).execute();
    else {
      const newId = randomUUID();
      ids.set(code, newId);
      await tx
        .insertInto('purposes')
        .values({ id: newId, org_id: orgId, code, ...values })
        .execute();
    }
  }
  const retired = existing.filter((r) => !named.has(r.code)).map((r) => r.id);
  if (retired.length) await tx.updateTable('purposes').set({ status: 'retired' }).where('id', 'in', retired).execute();

  const all = [...ids.values()];
  if (all.length) await tx.deleteFrom('purpose_items').where('purpose_id', 'in', all).execute();
  const links = doc.purposes.flatMap((p) =>
    p.items.flatMap((code) => {
      const itemId = itemIds.get(code);
      return itemId ? [{ purpose_id: ids.get(purposeCodeOf(p))!, item_id: itemId }] : [];
    }),
  );
  for (let i = 0; i < links.length; i += 200)
    await tx
      .insertInto('purpose_items')
      .values(links.slice(i, i + 200))
      .execute();
  return ids;
}

/**
 * Whether a purpose concerns people in the member ledger: it names no group of data subjects (every group, or
 * the members when the policy has no groups), or one of its groups is kept in the ledger.
 */
export function forMembers(doc: PolicyDocument, p: PolicyDocument['purposes'][number]): boolean {
  if (p.subjects.length === 0) return true;
  const ledger = new Set(doc.data_subjects.filter((g) => g.ledger).map((g) => g.code));
  return p.subjects.some((code) => ledger.has(code));
}

async function syncJointUses(
  tx: Tx,
  orgId: string,
  doc: PolicyDocument,
  itemIds: Map<string, string>,
  purposeIds: Map<string, string>,
  effectiveOn: string,
): Promise<void> {
  const existing = await tx
    .selectFrom('joint_use_groups')
    .select(['id', 'code', 'name', 'ends_on'])
    .where('owner_org_id', '=', orgId)
    .execute();
  const userCodes = [...new Set(doc.joint_uses.flatMap((j) => j.users.flatMap((u) => (u.org ? [u.org] : []))))];
  const orgs = userCodes.length ? await tx.selectFrom('organizations').select(['id', 'code']).where('code', 'in', userCodes).execute() : [];
  const orgIdByCode = new Map(orgs.map((o) => [o.code, o.id]));
  const kept = new Set<string>();
  for (const ju of doc.joint_uses) {
    // Groups made before policies were versioned have no code: they are matched by name once.
    const match =
      existing.find((g) => g.code === ju.code) ?? existing.find((g) => g.code === null && g.name === ju.name && !kept.has(g.id));
    const values = { code: ju.code, name: ju.name, starts_on: ju.starts_on ?? effectiveOn, ends_on: ju.ends_on ?? null };
    let id: string;
    if (match) {
      id = match.id;
      await tx.updateTable('joint_use_groups').set(values).where('id', '=', id).execute();
      for (const table of ['joint_use_members', 'joint_use_purposes', 'joint_use_items', 'joint_use_purpose_items'] as const) {
        await tx.deleteFrom(table).where('group_id', '=', id).execute();
      }
    } else {
      id = randomUUID();
      await tx
        .insertInto('joint_use_groups')
        .values({ id, owner_org_id: orgId, ...values })
        .execute();
    }
    kept.add(id);
    const members = [orgId];
    for (const u of ju.users) {
      if (!u.org) continue;
      const userOrg = orgIdByCode.get(u.org);
      if (!userOrg) {
        throw new AppError('policy_invalid', [
          {
            field: `joint_uses.${ju.code}.users`,
            code: 'joint_use_org_unknown',
            message_ja: `組織コード「${u.org}」はmamoriに登録されていません。`,
            message_en: `Organization code “${u.org}” is not known to mamori.`,
          },
        ]);
      }
      if (!members.includes(userOrg)) members.push(userOrg);
    }
    await tx
      .insertInto('joint_use_members')
      .values(members.map((org_id) => ({ group_id: id, org_id })))
      .execute();
    // "All items" and "all purposes" follow the registers: expanded from the version being materialised, so an
    // item or purpose a later version adds is included when that version takes effect.
    const purposeCodes = ju.purposes_all ? doc.purposes.map(purposeCodeOf) : ju.purposes;
    const itemCodes = ju.items_all ? doc.items.map((i) => i.code) : ju.items;
    const purposes = purposeCodes.flatMap((c) => (purposeIds.has(c) ? [{ group_id: id, purpose_id: purposeIds.get(c)! }] : []));
    if (purposes.length) await tx.insertInto('joint_use_purposes').values(purposes).execute();
    const items = itemCodes.flatMap((c) => (itemIds.has(c) ? [{ group_id: id, item_id: itemIds.get(c)! }] : []));
    if (items.length) await tx.insertInto('joint_use_items').values(items).execute();
    const narrower = ju.purpose_items.flatMap((pi) =>
      purposeIds.has(pi.purpose)
        ? pi.items.flatMap((c) =>
            itemIds.has(c) ? [{ group_id: id, purpose_id: purposeIds.get(pi.purpose)!, item_id: itemIds.get(c)! }] : [],
          )
        : [],
    );
    if (narrower.length) await tx.insertInto('joint_use_purpose_items').values(narrower).execute();
  }
  // A joint use the version no longer names ends the day before the version takes effect.
  const lastDay = addDays(effectiveOn, -1);
  for (const g of existing) {
    if (kept.has(g.id) || (g.ends_on !== null && g.ends_on <= lastDay)) continue;
    await tx.updateTable('joint_use_groups').set({ ends_on: lastDay }).where('id', '=', g.id).execute();
  }
}
