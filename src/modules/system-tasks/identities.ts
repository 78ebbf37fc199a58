/**
 * What a request asks of the connected systems: the person as the systems may know them (member code, e-mail,
 * phone from mamori's member record), the task action of each kind of request, and which systems' tables serve
 * the purposes a cessation of use stops.
 */
import type { TaskAction } from '../../contract/connector-vocabulary.ts';
import { purposeCodeOf } from '../../contract/policy-vocabulary.ts';
import type { RequestKind } from '../../contract/requests.ts';
import type { DbOrTx } from '../../db/database.ts';
import type { PersonIdentities } from '../connectors/connector.ts';
import type { PolicyDocument, PolicySystem } from '../policy/document.ts';

/** The task each kind of request gives every mapped system; kinds without one reach no system. */
export const taskActionOfKind: Partial<Record<RequestKind, TaskAction>> = {
  disclosure: 'disclose',
  deletion: 'erase',
  correction: 'correct',
  cessation: 'stop',
};

export async function personIdentities(db: DbOrTx, memberId: string): Promise<PersonIdentities> {
  const m = await db.selectFrom('members').select(['member_code', 'email', 'phone']).where('id', '=', memberId).executeTakeFirstOrThrow();
  return {
    member_code: m.member_code,
    ...(m.email ? { email: m.email } : {}),
    ...(m.phone ? { phone: m.phone } : {}),
  };
}

/**
 * Does any mapped table of the system serve one of these purposes? A table's `purposes` name them; a table
 * without any serves every purpose that uses one of its items.
 */
export function servesPurposes(system: PolicySystem, doc: PolicyDocument, purposeCodes: readonly string[]): boolean {
  const wanted = new Set(purposeCodes);
  const itemsOf = new Map(doc.purposes.map((p) => [purposeCodeOf(p), new Set(p.items)]));
  return system.tables.some((t) => {
    if (t.purposes.length > 0) return t.purposes.some((p) => wanted.has(p));
    return [...wanted].some((p) => t.columns.some((c) => itemsOf.get(p)?.has(c.item)));
  });
}
