import type { AppContext } from '../../base/context.ts';
import type { PreparedDownload } from '../../base/downloads.ts';
import { AppError, errorCatalogue, isErrorCode } from '../../base/errors.ts';
import {
  type CsvCharset,
  type ExportFormat,
  exportFileNames,
  exportMediaType,
  type TableColumn,
  writeTable,
} from '../../base/table-export.ts';
import {
  type AuditLang,
  type AuditNames,
  auditActionLabel,
  auditActorTypeLabel,
  auditDetailList,
  auditOutcomeLabel,
  describeAuditEntry,
} from '../../contract/audit-vocabulary.ts';
import { circledNumber } from '../../contract/policy-vocabulary.ts';
import type { DbOrTx } from '../../db/database.ts';
import { japanDate, jstDateTime } from '../../db/time.ts';
import { appendAuditAlone } from './append.ts';
import type { Actor } from './events.ts';
import { type AuditFilters, type AuditQuery, auditSearchQuery, resolveAuditFilters } from './search.ts';
import { drainAuditQueue } from './sequencer.ts';

export const AUDIT_EXPORT_LIMIT = 100_000;
const PAGE = 1000;

/** The organization's purposes and items by name, and JST times: what the sentences need. */
export async function auditNames(db: DbOrTx, orgId: string, lang: AuditLang): Promise<AuditNames> {
  const [purposes, items] = await Promise.all([
    db.selectFrom('purposes').select(['code', 'number', 'name', 'name_en']).where('org_id', '=', orgId).execute(),
    db.selectFrom('data_items').select(['code', 'name', 'name_en']).where('org_id', '=', orgId).execute(),
  ]);
  const p = new Map(purposes.map((r) => [r.code, `${circledNumber(r.number)} ${lang === 'en' && r.name_en ? r.name_en : r.name}`]));
  const i = new Map(items.map((r) => [r.code, lang === 'en' && r.name_en ? r.name_en : r.name]));
  return { purpose: (c) => p.get(c) ?? c, item: (c) => i.get(c) ?? c, dateTime: (t) => `${jstDateTime(t)}${lang === 'en' ? ' JST' : ''}` };
}

type Row = {
  seq: number | string;
  ts: string;
  actor_type: string;
  actor_login: string | null;
  actor_name: string | null;
  action: string;
  outcome: string;
  purpose_code: string | null;
  member_id: string | null;
  member_code: string | null;
  error_code: string | null;
  detail: string;
};

/** The export's columns in the reader's language. */
export function auditColumns(lang: AuditLang, names: AuditNames, staffNames: boolean): TableColumn<Row>[] {
  const h = (ja: string, en: string) => (lang === 'en' ? en : ja);
  const detail = (r: Row): unknown => JSON.parse(r.detail);
  return [
    { header: h('記録番号', 'Entry'), width: 9, value: (r) => Number(r.seq) },
    { header: h('日時（日本時間）', 'Time (JST)'), width: 20, value: (r) => jstDateTime(r.ts) },
    {
      header: h('操作者', 'Actor'),
      width: 20,
      value: (r) => (staffNames && r.actor_name ? `${r.actor_name}（${r.actor_login ?? ''}）` : auditActorTypeLabel(lang, r.actor_type)),
    },
    { header: h('操作', 'Action'), width: 20, value: (r) => auditActionLabel(lang, r.action) },
    { header: h('結果', 'Outcome'), width: 8, value: (r) => auditOutcomeLabel(lang, r.outcome) },
    { header: h('利用目的', 'Purpose'), width: 30, value: (r) => (r.purpose_code ? names.purpose(r.purpose_code) : '') },
    { header: h('組合員', 'Member'), width: 12, value: (r) => r.member_code ?? '' },
    { header: h('内容', 'Content'), width: 60, value: (r) => describeAuditEntry(lang, { ...r, detail: detail(r) }, names) },
    {
      header: h('拒否・失敗の理由', 'Reason for refusal or failure'),
      width: 30,
      value: (r) => (r.error_code ? (isErrorCode(r.error_code) ? errorCatalogue[r.error_code][lang === 'en' ? 2 : 1] : r.error_code) : ''),
    },
    {
      header: h('詳細', 'Details'),
      width: 40,
      value: (r) =>
        auditDetailList(lang, detail(r), names)
          .map((f) => `${f.label}: ${f.value}`)
          .join('\n'),
    },
  ];
}

/** The prepared file and how many rows it holds. */
export interface AuditExport extends PreparedDownload {
  rows: number;
}

export async function prepareAuditExport(
  ctx: AppContext,
  opts: {
    /** Who is recorded as exporting (a staff user, or the CLI operator). */
    actor: Actor;
    orgId: string;
    filters: AuditFilters;
    format: ExportFormat;
    charset?: CsvCharset | undefined;
    lang: AuditLang;
    /** May the reader see who the staff are (names and logins), or only the kind of actor? */
    staffNames: boolean;
    via: string;
    /** The most entries one export may hold (tests lower it). */
    limit?: number;
  },
): Promise<AuditExport> {
  const limit = opts.limit ?? AUDIT_EXPORT_LIMIT;
  await drainAuditQueue(ctx.db);
  const counted = await ctx.replica.read(async (db) => {
    const query = await resolveAuditFilters(db, opts.orgId, opts.filters);
    const top = await auditSearchQuery(db, query, 0).executeTakeFirst();
    if (!top) return { query, rows: 0, before: undefined };
    const before = Number(top.seq) + 1;
    const bounded = { ...query, before };
    const n = await db
      .selectFrom(auditSearchQuery(db, bounded, limit).as('x'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return { query, rows: Number(n.n), before };
  });
  if (counted.rows > limit) throw new AppError('export_too_large');
  const f = opts.filters;
  await appendAuditAlone(
    ctx.db,
    opts.actor,
    {
      action: 'audit.export',
      outcome: 'ok',
      orgId: opts.orgId,
      detail: {
        format: opts.format,
        charset: opts.format === 'csv' ? (opts.charset ?? 'utf-8') : null,
        rows: counted.rows,
        member: f.member ?? null,
        actor: f.actor ?? null,
        purpose: f.purpose ?? null,
        action: f.action ?? null,
        outcome: f.outcome ?? null,
        from: f.from ?? null,
        to: f.to ?? null,
        via: opts.via,
      },
    },
    ctx.clock,
  );
  const names = await ctx.replica.read((db) => auditNames(db, opts.orgId, opts.lang));
  const lang = opts.lang;
  async function* pages(): AsyncGenerator<Row[]> {
    let before = counted.before;
    let left = counted.rows;
    while (before !== undefined && left > 0) {
      const q: AuditQuery = { ...counted.query, before };
      const rows = await ctx.replica.read((db) => auditSearchQuery(db, q, Math.min(PAGE, left)).execute());
      const page = rows.slice(0, Math.min(PAGE, left)) as Row[];
      if (!page.length) return;
      yield page;
      left -= page.length;
      before = Number(page[page.length - 1]!.seq);
    }
  }
  const day = japanDate(ctx.clock());
  return {
    rows: counted.rows,
    mediaType: exportMediaType(opts.format, opts.charset),
    fileNames: exportFileNames(lang === 'en' ? 'audit-trail' : '監査記録', 'audit-trail', day, opts.format),
    write: (out) =>
      writeTable(out, {
        format: opts.format,
        charset: opts.charset,
        sheetName: lang === 'en' ? 'Audit trail' : '監査記録',
        columns: auditColumns(lang, names, opts.staffNames),
        rows: pages(),
      }),
  };
}
