/**
 * Producing a pseudonymized data set (仮名加工情報の作成): the ledger's members, each column treated as the
 * definition says, streamed as CSV (UTF-8 with BOM or Shift_JIS) to the staff member who asked, for one purpose
 * the set is declared for and the asker's role holds. The file's first line says what it is and what may not be
 * done with it; then a line naming the set, the purpose and when it was made; then the header.
 *
 * The engine, not the caller, keeps the use internal (Art. 42): the only destinations are the asker's own
 * download and, on the command line, a local file; a recipient, joint user, contractor, delivery target or a mail
 * merge to the persons is refused (`pseudonymized_provision_refused`) and the attempt audited. Every production,
 * and every refusal, is in the audit trail with its purpose.
 *
 * Members whose use for the purpose is stopped or opted out (or, for an opt-in purpose, who have not consented)
 * are left out, as the access engine leaves them out of every other use of the purpose; erased members are gone.
 */
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import type { PreparedDownload } from '../../base/downloads.ts';
import { AppError, type ErrorCode } from '../../base/errors.ts';
import { type CsvCharset, exportFileNames, exportMediaType, type TableColumn, writeTable } from '../../base/table-export.ts';
import type { MemberField } from '../../contract/member-fields.ts';
import { circledNumber } from '../../contract/policy-vocabulary.ts';
import { PSEUDONYMIZED_NOTICE, treatmentLabels } from '../../contract/pseudonymized-vocabulary.ts';
import type { DbOrTx } from '../../db/database.ts';
import { iso, japanDate, jstDateTime } from '../../db/time.ts';
import { appendAudit, appendAuditAlone } from '../audit/append.ts';
import { memberFieldLabels } from '../members/fields.ts';
import { assertMayProduce } from './permissions.ts';
import { openKey, pseudonym } from './pseudonym.ts';
import { columnsOf, findSetRow, heldPurposes, purposesOf } from './read-sets.ts';
import { checkDefinition, isWritten } from './standards.ts';
import { type Cell, treatValue } from './treat.ts';

/**
 * Where a production goes. Only the first two are internal use; the others exist so that a caller that tries to
 * hand the data to someone outside is refused by the engine, with an audit entry, rather than by its own care.
 */
export type Destination =
  | { kind: 'download' }
  | { kind: 'file'; path: string }
  | { kind: 'recipient' | 'joint_user' | 'contractor' | 'delivery_target' | 'mail_merge'; name?: string };

export const internalDestinations: ReadonlySet<Destination['kind']> = new Set(['download', 'file']);

/** Throws `pseudonymized_provision_refused` unless the destination is internal use (the asker's download, a local file). */
export function assertInternalUse(destination: Destination): void {
  if (!internalDestinations.has(destination.kind)) throw new AppError('pseudonymized_provision_refused');
}

const BATCH = 1000;

type MemberRow = { id: string } & Partial<Record<MemberField, string | number | null>>;

/** The members a production for this purpose covers, in pages by id (keyset: stable under concurrent writes). */
function memberQuery(db: DbOrTx, opts: { orgId: string; purposeId: string; optIn: boolean; fields: MemberField[] }) {
  let q = db
    .selectFrom('members')
    // Typed loosely: the written fields are member columns by construction (the financial bank account, stored
    // encrypted, is never written, so it is never selected).
    .select(['members.id', ...(opts.fields.filter((f) => f !== 'bank_account').map((f) => `members.${f}`) as 'members.name'[])])
    .where('members.org_id', '=', opts.orgId)
    .where('members.erased_at', 'is', null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('member_purpose_blocks')
            .select('member_purpose_blocks.member_id')
            .whereRef('member_purpose_blocks.member_id', '=', 'members.id')
            .where('member_purpose_blocks.purpose_id', '=', opts.purposeId)
            .where('member_purpose_blocks.kind', 'in', ['stopped', 'opt_out']),
        ),
      ),
    );
  if (opts.optIn)
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('member_purpose_blocks')
          .select('member_purpose_blocks.member_id')
          .whereRef('member_purpose_blocks.member_id', '=', 'members.id')
          .where('member_purpose_blocks.purpose_id', '=', opts.purposeId)
          .where('member_purpose_blocks.kind', '=', 'consented'),
      ),
    );
  return q;
}

export interface Production extends PreparedDownload {
  /** Members counted when the production was recorded. */
  rows: number;
}

/**
 * Checks the request (destination, set, purpose, role, standards), records the production in the audit trail and
 * returns the file to stream. Refusals after the role check are audited (`pseudonymized.produce`, refused).
 */
export async function produceSet(
  ctx: AppContext,
  opts: { actor: StaffActor; code: string; purpose: string; charset?: CsvCharset; destination: Destination; via?: string },
): Promise<Production> {
  const { actor, purpose, destination } = opts;
  assertMayProduce(actor);
  const row = await findSetRow(ctx.db, actor.orgId, opts.code);
  const refuse = async (code: ErrorCode): Promise<never> => {
    await appendAuditAlone(
      ctx.db,
      actor,
      {
        action: 'pseudonymized.produce',
        outcome: 'refused',
        orgId: actor.orgId,
        purpose,
        errorCode: code,
        detail: { dataset: row.code, destination: destination.kind, ...(opts.via ? { via: opts.via } : {}) },
      },
      ctx.clock,
    );
    const error = new AppError(code);
    error.audited = true;
    throw error;
  };
  if (!internalDestinations.has(destination.kind)) await refuse('pseudonymized_provision_refused');
  if (row.status === 'retired') throw new AppError('pseudonymized_set_retired');
  const purposes = purposesOf(row);
  if (!purposes.includes(purpose)) await refuse('pseudonymized_purpose_not_declared');
  if (!(await heldPurposes(ctx.db, actor)).has(purpose)) await refuse('purpose_not_permitted');
  const columns = columnsOf(row);
  // The registers may have changed since the set was defined (an item newly marked financial, a purpose's items).
  await checkDefinition(ctx.db, { orgId: actor.orgId, purposes, columns });

  const p = await ctx.db
    .selectFrom('purposes')
    .select(['id', 'number', 'name', 'consent_mode'])
    .where('org_id', '=', actor.orgId)
    .where('code', '=', purpose)
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();
  const written = columns.filter(isWritten);
  const fields = written.map((c) => c.field);
  const scope = { orgId: actor.orgId, purposeId: p.id, optIn: p.consent_mode === 'opt_in', fields };
  const now = ctx.clock();
  const charset = opts.charset ?? 'utf-8';

  const rows = await ctx.db.transaction().execute(async (tx) => {
    const counted = await memberQuery(tx, scope)
      .clearSelect()
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    const n = Number(counted.n);
    await appendAudit(
      tx,
      actor,
      {
        action: 'pseudonymized.produce',
        outcome: 'ok',
        orgId: actor.orgId,
        purpose,
        detail: { dataset: row.code, rows: n, charset, destination: destination.kind, ...(opts.via ? { via: opts.via } : {}) },
      },
      ctx.clock,
    );
    return n;
  });

  const key = openKey(ctx.keys, row.key_enc);
  const tableColumns: TableColumn<MemberRow>[] = [
    { header: '仮名ID', width: 34, value: (m) => pseudonym(key, 'member', m.id) },
    ...written.map(
      (c): TableColumn<MemberRow> => ({
        header:
          c.treatment === 'keep' ? memberFieldLabels[c.field].ja : `${memberFieldLabels[c.field].ja}（${treatmentLabels[c.treatment].ja}）`,
        width: 16,
        value: (m): Cell => treatValue(c.field, c.treatment, m[c.field] ?? null, key),
      }),
    ),
  ];
  async function* pages(): AsyncIterable<MemberRow[]> {
    let after = '';
    for (;;) {
      const batch = (await memberQuery(ctx.db, scope)
        .where('members.id', '>', after)
        .orderBy('members.id')
        .limit(BATCH)
        .execute()) as MemberRow[];
      if (!batch.length) return;
      yield batch;
      if (batch.length < BATCH) return;
      after = batch.at(-1)!.id;
    }
  }
  const day = japanDate(now).replaceAll('-', '');
  return {
    rows,
    mediaType: exportMediaType('csv', charset),
    fileNames: exportFileNames(`仮名加工情報_${row.code}`, `pseudonymized_${row.code}`, day, 'csv'),
    write: (out) =>
      writeTable(out, {
        format: 'csv',
        charset,
        sheetName: '仮名加工情報',
        columns: tableColumns,
        rows: pages(),
        preamble: [
          PSEUDONYMIZED_NOTICE,
          `データセット: ${row.code}（${row.name}）／利用目的: ${circledNumber(Number(p.number))} ${p.name}／作成: ${jstDateTime(iso(now))}（日本時間）／作成者: ${actor.login}／件数: ${rows}`,
        ],
      }),
  };
}
