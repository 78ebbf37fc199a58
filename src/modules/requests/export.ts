import type { AppContext } from '../../base/context.ts';
import type { PreparedDownload } from '../../base/downloads.ts';
import { AppError } from '../../base/errors.ts';
import {
  type CsvCharset,
  type ExportFormat,
  exportFileNames,
  exportMediaType,
  type TableColumn,
  writeTable,
} from '../../base/table-export.ts';
import type { Labelled } from '../../contract/labels.ts';
import { type RequestChannel, type Requester, type RequestKind, type RequestState, requestKindLabels } from '../../contract/requests.ts';
import { japanDate, jstDateTime } from '../../db/time.ts';
import { appendAuditAlone } from '../audit/append.ts';
import type { Actor } from '../audit/events.ts';
import { type ListRequestsQuery, listRequests, type RequestView } from './requests.ts';

export const REQUEST_EXPORT_LIMIT = 10_000;

type Lang = 'ja' | 'en';

const stateLabels: Record<RequestState, Labelled> = {
  received: { ja: '受付', en: 'Received' },
  verified: { ja: '本人確認済み', en: 'Identity verified' },
  in_progress: { ja: '対応中', en: 'In progress' },
  approved: { ja: '承認済み', en: 'Approved' },
  answered: { ja: '回答済み', en: 'Answered' },
  refused: { ja: '不応諾', en: 'Refused' },
  withdrawn: { ja: '取下げ', en: 'Withdrawn' },
  closed: { ja: '完了', en: 'Closed' },
};
const channelLabels: Record<RequestChannel, Labelled> = {
  page: { ja: '組合員ページ', en: 'Member page' },
  phone: { ja: '電話', en: 'Phone' },
  paper: { ja: '書面', en: 'Paper' },
  counter: { ja: '窓口', en: 'Counter' },
  mail: { ja: '郵送', en: 'Mail' },
};
const requesterLabels: Record<Requester, Labelled> = {
  self: { ja: '本人', en: 'The person' },
  legal_representative: { ja: '法定代理人', en: 'Legal representative' },
  mandated_agent: { ja: '任意代理人', en: 'Mandated agent' },
};

export function requestColumns(lang: Lang): TableColumn<RequestView>[] {
  const w = (l: Labelled) => (lang === 'en' ? l.en : l.ja);
  const h = (ja: string, en: string) => (lang === 'en' ? en : ja);
  const time = (t: string | null) => (t ? jstDateTime(t) : '');
  return [
    { header: h('受付番号', 'Reference'), width: 16, value: (r) => r.reference },
    { header: h('種類', 'Kind'), width: 20, value: (r) => w(requestKindLabels[r.kind]) },
    { header: h('組合員コード', 'Member code'), width: 12, value: (r) => r.member_code },
    { header: h('氏名', 'Name'), width: 16, value: (r) => r.member_name },
    { header: h('状態', 'State'), width: 12, value: (r) => w(stateLabels[r.state]) },
    { header: h('経路', 'Channel'), width: 12, value: (r) => w(channelLabels[r.channel]) },
    { header: h('請求者', 'Requester'), width: 12, value: (r) => w(requesterLabels[r.requester]) },
    { header: h('受付日時（日本時間）', 'Received (JST)'), width: 20, value: (r) => time(r.received_at) },
    { header: h('期限', 'Due'), width: 12, value: (r) => r.due_on },
    { header: h('担当者', 'Assignee'), width: 16, value: (r) => r.assignee_name ?? h('未設定', 'Not assigned') },
    { header: h('期限超過', 'Overdue'), width: 9, value: (r) => (r.overdue ? h('超過', 'Overdue') : '') },
    { header: h('回答日時（日本時間）', 'Answered (JST)'), width: 20, value: (r) => time(r.answered_at) },
    { header: h('完了日時（日本時間）', 'Closed (JST)'), width: 20, value: (r) => time(r.closed_at) },
  ];
}

/** The prepared file and how many rows it holds. */
export interface RequestExport extends PreparedDownload {
  rows: number;
}

export async function prepareRequestExport(
  ctx: AppContext,
  opts: {
    actor: Actor;
    orgId: string;
    filters: Pick<ListRequestsQuery, 'state' | 'kind' | 'memberId' | 'assigneeId'>;
    format: ExportFormat;
    charset?: CsvCharset | undefined;
    lang: Lang;
    via: string;
    /** The most requests one export may hold (tests lower it). */
    limit?: number;
  },
): Promise<RequestExport> {
  const limit = opts.limit ?? REQUEST_EXPORT_LIMIT;
  const now = ctx.clock();
  const requests = await listRequests(
    ctx.db,
    opts.orgId,
    { ...opts.filters, staff: true, limit: limit + 1, max: limit + 1 },
    japanDate(now),
  );
  if (requests.length > limit) throw new AppError('export_too_large');
  const f = opts.filters;
  await appendAuditAlone(
    ctx.db,
    opts.actor,
    {
      action: 'request.export',
      outcome: 'ok',
      orgId: opts.orgId,
      memberId: f.memberId ?? null,
      detail: {
        format: opts.format,
        charset: opts.format === 'csv' ? (opts.charset ?? 'utf-8') : null,
        rows: requests.length,
        state: f.state ?? null,
        kind: (f.kind as RequestKind | undefined) ?? null,
        member: f.memberId ?? null,
        assignee: f.assigneeId ?? null,
        via: opts.via,
      },
    },
    ctx.clock,
  );
  const lang = opts.lang;
  async function* rows(): AsyncGenerator<RequestView[]> {
    yield requests;
  }
  return {
    rows: requests.length,
    mediaType: exportMediaType(opts.format, opts.charset),
    fileNames: exportFileNames(lang === 'en' ? 'requests' : '請求一覧', 'requests', japanDate(now), opts.format),
    write: (out) =>
      writeTable(out, {
        format: opts.format,
        charset: opts.charset,
        sheetName: lang === 'en' ? 'Requests' : '請求一覧',
        columns: requestColumns(lang),
        rows: rows(),
      }),
  };
}
