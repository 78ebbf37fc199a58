/** The purposes of use and data items of an organization (the register issue 3 will version). */
import { randomUUID } from 'node:crypto';
import type { DbOrTx, Tx } from '../../db/database.ts';
import { type ItemDefinition, standardItems } from './items.ts';
import { circled, type PurposeDefinition, purposeCode } from './presets/miyagi.ts';

/** Registers items and purposes for an organization; returns purpose ids by code (`P01` …). */
export async function applyPurposePreset(tx: Tx, orgId: string, purposes: PurposeDefinition[], items: ItemDefinition[] = standardItems) {
  const itemIds = new Map<string, string>();
  for (const item of items) {
    const id = randomUUID();
    itemIds.set(item.code, id);
    await tx
      .insertInto('data_items')
      .values({ id, org_id: orgId, code: item.code, name: item.name, name_en: item.name_en, sensitive: item.sensitive ? 1 : 0 })
      .execute();
  }
  const purposeIds = new Map<string, string>();
  for (const p of purposes) {
    const id = randomUUID();
    purposeIds.set(purposeCode(p.number), id);
    await tx
      .insertInto('purposes')
      .values({ id, org_id: orgId, code: purposeCode(p.number), number: p.number, name: p.name, name_en: p.name_en, status: 'active' })
      .execute();
    const links = p.items.map((code) => {
      const itemId = itemIds.get(code);
      if (!itemId) throw new Error(`Purpose ${p.number} names unknown item ${code}`);
      return { purpose_id: id, item_id: itemId };
    });
    if (links.length) await tx.insertInto('purpose_items').values(links).execute();
  }
  return { purposeIds, itemIds };
}

/** Purposes with their items, for screens and the API. */
export async function listPurposes(db: DbOrTx, orgId: string) {
  const [purposes, links] = await Promise.all([
    db
      .selectFrom('purposes')
      .select(['id', 'code', 'number', 'name', 'name_en', 'status'])
      .where('org_id', '=', orgId)
      .orderBy('number')
      .execute(),
    db
      .selectFrom('purpose_items')
      .innerJoin('data_items', 'data_items.id', 'purpose_items.item_id')
      .innerJoin('purposes', 'purposes.id', 'purpose_items.purpose_id')
      .select(['purpose_items.purpose_id', 'data_items.code'])
      .where('purposes.org_id', '=', orgId)
      .execute(),
  ]);
  return purposes.map((p) => ({
    code: p.code,
    number: p.number,
    label: circled(p.number),
    name: p.name,
    name_en: p.name_en,
    status: p.status,
    items: links.filter((l) => l.purpose_id === p.id).map((l) => l.code),
  }));
}

export async function listItems(db: DbOrTx, orgId: string) {
  return db.selectFrom('data_items').select(['code', 'name', 'name_en', 'sensitive']).where('org_id', '=', orgId).orderBy('code').execute();
}
