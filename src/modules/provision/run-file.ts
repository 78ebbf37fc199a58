/**
 * The file of a confirmed provision run, for the recipient: one row per person included, the member code and
 * the recipient's register items the member ledger holds, with Japanese headers and Japanese words for coded
 * values (CSV, UTF-8 with BOM or Shift_JIS, via base/table-export.ts). Each download is audited.
 */
import type { Writable } from 'node:stream';
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { type CsvCharset, exportFileNames, type TableColumn, writeTable } from '../../base/table-export.ts';
import { type MemberField, memberFieldCodes } from '../../contract/member-fields.ts';
import type { MemberTable } from '../../db/schema.ts';
import { japanDate } from '../../db/time.ts';
import { appendAuditAlone } from '../audit/append.ts';
import { memberFieldLabels } from '../members/fields.ts';
import { presentMember } from '../members/presenter.ts';

/** Japanese words for the ledger's coded values, as the recipient reads them (one language: Japanese). */
const valueWords: Partial<Record<MemberField, Record<string, string>>> = {
  gender: { female: '女性', male: '男性', other: 'その他', unknown: '未回答' },
  delivery_type: { group: '班（グループ配達）', individual: '個配（個人宅配）', store_only: '店舗のみ' },
  status: { active: '加入中', suspended: '休止', withdrawn: '脱退' },
};

/** The items a file can carry: the member ledger's fields. */
export const fileFields: ReadonlySet<string> = new Set<string>(memberFieldCodes);

type Row = Record<string, string | number | null>;

export interface RunFile {
  names: { ja: string; ascii: string };
  write: (out: Writable) => Promise<void>;
}

/** Prepares the file of a confirmed run (refuses a run still in preview); audits the download. */
export async function prepareRunFile(
  ctx: AppContext,
  opts: { actor: StaffActor; runId: string; charset: CsvCharset; via: 'api' | 'cli' },
): Promise<RunFile> {
  const run = await ctx.db
    .selectFrom('provision_runs')
    .selectAll()
    .where('id', '=', opts.runId)
    .where('org_id', '=', opts.actor.orgId)
    .executeTakeFirst();
  if (!run) throw new AppError('provision_run_not_found');
  if (run.status !== 'confirmed') throw new AppError('provision_run_not_confirmed');
  const items = (JSON.parse(run.items) as string[]).filter((i) => fileFields.has(i) && i !== 'member_code') as MemberField[];
  const fields: MemberField[] = ['member_code', ...items];
  const columns: TableColumn<Row>[] = fields.map((f) => ({
    header: memberFieldLabels[f].ja,
    width: 16,
    value: (r) => {
      const v = r[f] ?? null;
      return typeof v === 'string' ? (valueWords[f]?.[v] ?? v) : v;
    },
  }));
  await appendAuditAlone(
    ctx.db,
    opts.actor,
    {
      action: 'provision.download',
      outcome: 'ok',
      orgId: opts.actor.orgId,
      detail: { run: run.id, third_party: run.third_party_code, rows: run.included, charset: opts.charset, via: opts.via },
    },
    ctx.clock,
  );
  async function* rows(): AsyncIterable<Row[]> {
    let after = '';
    for (;;) {
      const batch = await ctx.db
        .selectFrom('provision_run_members')
        .innerJoin('members', 'members.id', 'provision_run_members.member_id')
        .selectAll('members')
        .where('provision_run_members.run_id', '=', run!.id)
        .where('members.member_code', '>', after)
        .orderBy('members.member_code')
        .limit(1000)
        .execute();
      if (!batch.length) return;
      after = batch.at(-1)!.member_code;
      yield batch.map((m: MemberTable) => presentMember(m, fields, ctx.keys) as Row);
    }
  }
  const day = japanDate(ctx.clock()).replaceAll('-', '');
  return {
    names: exportFileNames(`第三者提供_${run.recipient_name}`, `provision_${run.third_party_code}`, day, 'csv'),
    write: (out) => writeTable(out, { format: 'csv', charset: opts.charset, sheetName: '第三者提供', columns, rows: rows() }),
  };
}
