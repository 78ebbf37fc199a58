/**
 * A person's records of provision and receipt, as the member screen, the member page and the disclosure package
 * list them (Art. 33(5)); an entry in a continuous-provision record carries the record's span.
 */
import type { DbOrTx } from '../../db/database.ts';

export interface ProvisionView {
  id: string;
  direction: 'provided' | 'received';
  third_party_code: string | null;
  counterparty_name: string;
  counterparty_address: string | null;
  counterparty_representative: string | null;
  items: string[];
  legal_basis: string;
  acquisition: string | null;
  occurred_on: string;
  keep_until: string;
  /** `contract`: a contract stands in for the record (kept 1 year after the last provision). */
  retention: 'record' | 'contract';
  /** Set for an entry in a continuous-provision record (継続的提供の記録): the record's span of provisions. */
  continuous: { id: string; first_on: string; last_on: string } | null;
}

export async function listProvisionRecords(db: DbOrTx, memberId: string): Promise<ProvisionView[]> {
  const rows = await db
    .selectFrom('provision_records')
    .leftJoin('provision_continuous_records as c', 'c.id', 'provision_records.continuous_id')
    .selectAll('provision_records')
    .select(['c.first_on', 'c.last_on'])
    .where('provision_records.member_id', '=', memberId)
    .orderBy('provision_records.occurred_on', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    direction: r.direction,
    third_party_code: r.third_party_code,
    counterparty_name: r.counterparty_name,
    counterparty_address: r.counterparty_address,
    counterparty_representative: r.counterparty_representative,
    items: JSON.parse(r.items) as string[],
    legal_basis: r.legal_basis,
    acquisition: r.acquisition,
    occurred_on: r.occurred_on,
    keep_until: r.keep_until,
    retention: r.retention,
    continuous: r.continuous_id && r.first_on && r.last_on ? { id: r.continuous_id, first_on: r.first_on, last_on: r.last_on } : null,
  }));
}
