/** The purposes of use and data items of an organization in effect (materialised from its policy version). */

import { circledNumber } from '../../contract/policy-vocabulary.ts';
import type { DbOrTx } from '../../db/database.ts';

/** Purposes with their items, for screens and the API. */
export async function listPurposes(db: DbOrTx, orgId: string) {
  const [purposes, links] = await Promise.all([
    db
      .selectFrom('purposes')
      .select(['id', 'code', 'number', 'name', 'name_en', 'status', 'for_members'])
      .where('org_id', '=', orgId)
      .where('status', '=', 'active')
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
    label: circledNumber(p.number),
    name: p.name,
    name_en: p.name_en,
    status: p.status,
    /** The purpose concerns people in the member ledger (false: staff or business partners only). */
    for_members: Number(p.for_members) === 1,
    items: links.filter((l) => l.purpose_id === p.id).map((l) => l.code),
  }));
}

export async function listItems(db: DbOrTx, orgId: string) {
  return db
    .selectFrom('data_items')
    .select(['code', 'name', 'name_en', 'sensitive'])
    .where('org_id', '=', orgId)
    .where('status', '=', 'active')
    .orderBy('code')
    .execute();
}
