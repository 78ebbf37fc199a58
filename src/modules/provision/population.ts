/**
 * The people a provision run is about: member codes typed or uploaded as CSV, a filter over the member ledger
 * (status, delivery type, joined between dates), or the members who have rows in a connected system's mapped
 * table (read through its connector when the run is previewed and again when it is confirmed). Codes that name
 * nobody in the organization are counted (`not_in_organization`), never echoed back; a code given twice counts
 * once (`duplicate`).
 */
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import type { DbOrTx } from '../../db/database.ts';
import type { DeliveryType, MemberStatus, MemberTable } from '../../db/schema.ts';
import { detectEncoding } from '../import/source.ts';
import { containsMyNumber } from '../my-number/detect.ts';
import { policyInEffect } from '../policy/in-effect.ts';
import { openSystem } from '../systems/read-connection.ts';
import type { ExclusionReason } from './legal-basis.ts';

export type Population =
  | { kind: 'codes'; member_codes: string[] }
  /** The members with rows in the system's tables linked by member code (or in `table` only). */
  | { kind: 'system'; system: string; table?: string | undefined }
  | {
      kind: 'filter';
      status?: MemberStatus[] | undefined;
      delivery_type?: DeliveryType[] | undefined;
      joined_from?: string | undefined;
      joined_to?: string | undefined;
    };

/** A run reaches at most this many people (a larger population is several runs). */
export const MAX_POPULATION = 100_000;

export type PopulationMember = Pick<MemberTable, 'id' | 'member_code' | 'status' | 'erased_at'>;

export interface ResolvedPopulation {
  members: PopulationMember[];
  /** Counts of entries that are no person of the organization (`not_in_organization`, `duplicate`). */
  unmatched: Partial<Record<ExclusionReason, number>>;
}

const columns = ['id', 'member_code', 'status', 'erased_at'] as const;

/** The codes a connected system holds, through its connector (the dataset map of the policy in effect). */
export async function expandPopulation(
  ctx: AppContext,
  orgId: string,
  population: Population,
): Promise<Exclude<Population, { kind: 'system' }>> {
  if (population.kind !== 'system') return population;
  const policy = await policyInEffect(ctx.db, orgId);
  const map = policy?.document.systems.find((s) => s.code === population.system);
  if (!map) throw new AppError('system_unknown');
  const connector = await openSystem(ctx.db, ctx.keys, orgId, population.system);
  try {
    if (!connector.memberCodes) throw new AppError('system_not_queryable');
    const codes = await connector.memberCodes(map, population.table ? { table: population.table } : {});
    if (codes.length > MAX_POPULATION) throw new AppError('provision_population_too_large');
    return { kind: 'codes', member_codes: codes };
  } finally {
    await connector.close();
  }
}

export async function resolvePopulation(
  db: DbOrTx,
  orgId: string,
  population: Exclude<Population, { kind: 'system' }>,
): Promise<ResolvedPopulation> {
  if (population.kind === 'codes') {
    const unique = [...new Set(population.member_codes.map((c) => c.trim()).filter(Boolean))];
    const duplicate = population.member_codes.filter((c) => c.trim()).length - unique.length;
    const members: PopulationMember[] = [];
    for (let i = 0; i < unique.length; i += 500) {
      members.push(
        ...(await db
          .selectFrom('members')
          .select(columns)
          .where('org_id', '=', orgId)
          .where('member_code', 'in', unique.slice(i, i + 500))
          .execute()),
      );
    }
    const unmatched: ResolvedPopulation['unmatched'] = {};
    if (unique.length > members.length) unmatched.not_in_organization = unique.length - members.length;
    if (duplicate > 0) unmatched.duplicate = duplicate;
    members.sort((a, b) => a.member_code.localeCompare(b.member_code));
    return { members, unmatched };
  }
  let q = db.selectFrom('members').select(columns).where('org_id', '=', orgId);
  if (population.status?.length) q = q.where('status', 'in', population.status);
  if (population.delivery_type?.length) q = q.where('delivery_type', 'in', population.delivery_type);
  if (population.joined_from) q = q.where('join_date', '>=', population.joined_from);
  if (population.joined_to) q = q.where('join_date', '<=', population.joined_to);
  const members = await q
    .orderBy('member_code')
    .limit(MAX_POPULATION + 1)
    .execute();
  if (members.length > MAX_POPULATION) throw new AppError('provision_population_too_large');
  return { members, unmatched: {} };
}

const codeHeaders = new Set(['組合員コード', '組合員番号', 'メンバーコード', 'member_code', 'member code']);

/**
 * The member codes of an uploaded CSV (UTF-8 with or without BOM, or Shift_JIS): the column headed 組合員コード
 * (or member_code), else the first column. Blank lines are skipped.
 */
export function memberCodesFromCsv(bytes: Buffer): string[] {
  const { encoding, bom } = detectEncoding(bytes, 'auto');
  const text = encoding === 'utf8' ? bytes.subarray(bom).toString('utf8') : iconv.decode(bytes, 'cp932');
  let rows: string[][];
  try {
    rows = parse(text, { relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch {
    throw new AppError('validation_failed', [
      {
        field: 'member_codes_csv',
        code: 'unreadable',
        message_ja: 'CSVファイルを読めませんでした。',
        message_en: 'The CSV file could not be read.',
      },
    ]);
  }
  if (!rows.length) return [];
  const header = rows[0]!.map((h) => h.trim().toLowerCase());
  const at = header.findIndex((h) => codeHeaders.has(h));
  const body = at >= 0 ? rows.slice(1) : rows;
  return body.map((r) => (r[Math.max(at, 0)] ?? '').trim()).filter(Boolean);
}

/** The uploaded CSV's bytes from its base64 text (strict: a file, not text that happens to decode). */
export function decodeCsvBase64(data: string): Buffer {
  const clean = data.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) {
    throw new AppError('validation_failed', [
      {
        field: 'population.member_codes_csv_base64',
        code: 'invalid_base64',
        message_ja: 'ファイルの形式が正しくありません。',
        message_en: 'The file is not valid base64.',
      },
    ]);
  }
  return Buffer.from(clean, 'base64');
}

/** The population as given to the API: typed codes and the uploaded CSV's codes together; a My Number refused. */
export function populationFromInput(
  input:
    | { kind: 'codes'; member_codes?: string[] | undefined; member_codes_csv_base64?: string | undefined }
    | Exclude<Population, { kind: 'codes' }>,
): Population {
  if (input.kind !== 'codes') return input;
  const codes = [...(input.member_codes ?? [])];
  if (input.member_codes_csv_base64) codes.push(...memberCodesFromCsv(decodeCsvBase64(input.member_codes_csv_base64)));
  if (codes.some((c) => containsMyNumber(c))) throw new AppError('my_number_rejected');
  if (codes.length === 0) {
    throw new AppError('validation_failed', [
      {
        field: 'population.member_codes',
        code: 'required',
        message_ja: '組合員コードを入力するか、CSVファイルを選んでください。',
        message_en: 'Type member codes or choose a CSV file.',
      },
    ]);
  }
  if (codes.length > MAX_POPULATION) throw new AppError('provision_population_too_large');
  return { kind: 'codes', member_codes: codes };
}
