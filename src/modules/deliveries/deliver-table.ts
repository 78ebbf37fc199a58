/**
 * Delivering a table (提供): the rows are written as CSV or Parquet straight to the target — a folder or the
 * partners' SFTP server — under a temporary name, with the SHA-256 computed while writing; the recipient notice
 * is written beside it; both sizes are checked as the destination sees them, and only then are both renamed into
 * place. The delivery is recorded (`deliveries`) and audited (`delivery.send`) in one transaction: `ok` only when
 * the whole file and its notice arrived, `failed` with the error code otherwise (and the AppError is thrown).
 * Nothing is left under a temporary name when a step fails, as far as the destination still answers.
 *
 * Called by the release register (an anonymized release's delivery, by staff or by its scheduled job).
 */
import { randomUUID } from 'node:crypto';
import type { StaffActor, SystemActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import type { DeliveryCharset, DeliveryFormat, DeliveryOriginKind } from '../../contract/delivery-vocabulary.ts';
import { iso } from '../../db/time.ts';
import type { Cell } from '../anonymize/types.ts';
import { appendAudit } from '../audit/append.ts';
import type { Actor } from '../audit/events.ts';
import { type Destination, tempName } from './destination.ts';
import { fsError } from './folder-destination.ts';
import { checkColumns, checkFileName, DeliveryInputError, noticeFileName } from './input.ts';
import { noticeText } from './notice-file.ts';
import { openDestination } from './open-destination.ts';
import { assertMayDeliver } from './permissions.ts';
import { readTarget } from './read-target.ts';
import { sftpError } from './sftp-destination.ts';
import { HashingSink, type ParquetColumnType, writeCsv, writeParquet } from './table-file.ts';

export interface DeliverTableInput {
  targetCode: string;
  origin: { kind: DeliveryOriginKind; id: string; name: string };
  /** One plain file name (no folder), e.g. `release-2026-12.csv`. */
  fileName: string;
  format: DeliveryFormat;
  /** CSV only; UTF-8 (with BOM) unless given. */
  charset?: DeliveryCharset;
  columns: string[];
  rows: Iterable<readonly Cell[]> | AsyncIterable<readonly Cell[]>;
  /** The recipient notice's lines (Japanese), written in the notice file and in the Parquet metadata. */
  notice: string[];
  /** Parquet only: each column's type; inferred from the first row group when omitted. */
  columnTypes?: ParquetColumnType[];
  /** How the delivery was started, for the audit trail (`api`, `cli`, `job`…). */
  via?: string;
}

export interface DeliveryResult {
  id: string;
  fileName: string;
  bytes: number;
  sha256: string;
  rows: number;
  deliveredAt: string;
}

const auditActorOf = (actor: StaffActor | SystemActor): Actor =>
  actor.type === 'system' ? { type: 'system', id: null, orgId: actor.orgId, label: actor.label } : actor;

/** Writes one file and reports its bytes and hash as sent and as the destination sees them. */
async function sendFile(
  dest: Destination,
  name: string,
  produce: (sink: HashingSink) => Promise<number>,
  temps: string[],
): Promise<{ temp: string; bytes: number; sha256: string; rows: number }> {
  const temp = tempName(name);
  const file = await dest.create(temp);
  temps.push(temp);
  const sink = new HashingSink(file.stream, file.stepMs);
  let rows: number;
  try {
    rows = await produce(sink);
    sink.end();
    await file.closed();
  } catch (e) {
    file.stream.destroy();
    throw e;
  }
  const arrived = await dest.size(temp);
  if (arrived !== sink.bytes)
    throw new AppError('delivery_incomplete', undefined, `${name}: ${arrived} bytes arrived of ${sink.bytes} sent.`);
  return { temp, bytes: sink.bytes, sha256: sink.sha256, rows };
}

export async function deliverTable(ctx: AppContext, actor: StaffActor | SystemActor, input: DeliverTableInput): Promise<DeliveryResult> {
  assertMayDeliver(actor);
  const orgId = actor.orgId!;
  checkFileName(input.fileName);
  checkColumns(input.columns);
  if (input.format === 'parquet' && input.charset === 'shift_jis')
    throw new AppError('delivery_input_invalid', undefined, 'Parquet text is always UTF-8.');
  if (input.columnTypes && input.columnTypes.length !== input.columns.length)
    throw new AppError('delivery_input_invalid', undefined, 'columnTypes must name a type for each column.');
  const charset: DeliveryCharset | null = input.format === 'csv' ? (input.charset ?? 'utf-8') : null;
  const { row: target, settings } = await readTarget(ctx.db, ctx.keys, orgId, input.targetCode);
  const startedAt = ctx.clock();
  const id = randomUUID();
  const notice = noticeFileName(input.fileName);
  let sent: { bytes: number; sha256: string; rows: number } = { bytes: 0, sha256: '', rows: 0 };
  let dest: Destination | undefined;
  const temps: string[] = [];
  const published: string[] = [];
  let failure: AppError | undefined;
  try {
    dest = await openDestination(target.kind, settings);
    if ((await dest.exists(input.fileName)) || (await dest.exists(notice)))
      throw new AppError('delivery_file_exists', undefined, `${input.fileName} is already there.`);
    const data = await sendFile(
      dest,
      input.fileName,
      (sink) =>
        input.format === 'csv'
          ? writeCsv(sink, input.columns, input.rows, charset ?? 'utf-8')
          : writeParquet(sink, input.columns, input.rows, {
              ...(input.columnTypes ? { types: input.columnTypes } : {}),
              metadata: [
                { key: 'mamori.notice', value: input.notice.join('\n') },
                { key: 'mamori.origin', value: `${input.origin.kind}:${input.origin.id}` },
              ],
            }),
      temps,
    );
    sent = data;
    const text = noticeText({
      fileName: input.fileName,
      origin: input.origin,
      recipient: target.recipient,
      format: input.format,
      charset,
      rows: data.rows,
      bytes: data.bytes,
      sha256: data.sha256,
      at: startedAt,
      lines: input.notice,
    });
    const readme = await sendFile(
      dest,
      notice,
      async (sink) => {
        await sink.write(Buffer.from(text, 'utf8'));
        return 0;
      },
      temps,
    );
    await dest.publish(data.temp, input.fileName);
    published.push(input.fileName);
    await dest.publish(readme.temp, notice);
    published.push(notice);
    temps.length = 0;
  } catch (e) {
    // What a stream raised while writing is read as the destination's error (ENOSPC, permission denied, …).
    failure =
      e instanceof AppError
        ? e
        : e instanceof DeliveryInputError
          ? new AppError('delivery_input_invalid', undefined, e.message)
          : target.kind === 'folder'
            ? fsError(e, 'write')
            : sftpError(e, 'write');
    // A data file published without its notice is taken back: a delivery is both or neither.
    if (dest) for (const name of [...temps, ...published]) await dest.remove(name).catch(() => {});
  } finally {
    await dest?.close();
  }
  const finishedAt = ctx.clock();
  await ctx.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('deliveries')
      .values({
        id,
        org_id: orgId,
        origin_kind: input.origin.kind,
        origin_id: input.origin.id,
        origin_name: input.origin.name,
        target_id: target.id,
        target_code: target.code,
        target_kind: target.kind,
        file_name: input.fileName,
        format: input.format,
        charset,
        rows: failure ? 0 : sent.rows,
        bytes: failure ? 0 : sent.bytes,
        sha256: failure ? null : sent.sha256,
        status: failure ? 'failed' : 'ok',
        error_code: failure?.code ?? null,
        actor_user_id: actor.type === 'user' ? actor.id : null,
        actor_label: actor.type === 'system' ? actor.label : null,
        started_at: iso(startedAt),
        finished_at: iso(finishedAt),
      })
      .execute();
    await appendAudit(
      tx,
      auditActorOf(actor),
      {
        action: 'delivery.send',
        outcome: failure ? 'failed' : 'ok',
        orgId,
        ...(failure ? { errorCode: failure.code } : {}),
        detail: {
          delivery_id: id,
          origin_kind: input.origin.kind,
          origin_id: input.origin.id,
          target: target.code,
          file: input.fileName,
          format: input.format,
          ...(charset ? { encoding: charset } : {}),
          ...(failure ? { error_code: failure.code } : { rows: sent.rows, bytes: sent.bytes, sha256: sent.sha256 }),
          ...(input.via ? { via: input.via } : {}),
        },
      },
      ctx.clock,
    );
  });
  if (failure) throw failure;
  return { id, fileName: input.fileName, bytes: sent.bytes, sha256: sent.sha256, rows: sent.rows, deliveredAt: iso(finishedAt) };
}
