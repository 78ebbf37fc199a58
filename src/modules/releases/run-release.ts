/**
 * Running a release: the source read (members × purchases, or the uploaded file), the engine run with the
 * release's sealed key, and then either
 * - a preview (試行): the engine's report stored with the run, nothing delivered; or
 * - a delivery (提供): refused unless the method of provision was published (Art. 43(4)); the rows handed to
 *   `deliverTable` with the recipient's notice (匿名加工情報であること, re-identification forbidden), the delivery
 *   recorded with its checksum.
 * The engine checks k (and l) again on its own output before anything is returned: a failed check is a refusal,
 * so nothing is delivered unless every check passed. Every run is recorded and audited, failures included.
 */
import { randomUUID } from 'node:crypto';
import type { StaffActor, SystemActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { japaneseDate } from '../../base/japan-date.ts';
import { iso, japanDate } from '../../db/time.ts';
import type { AnonymizeOptions, AnonymizeReport, SourceTable } from '../anonymize/types.ts';
import { appendAuditAlone } from '../audit/append.ts';
import type { Actor } from '../audit/events.ts';
import { deliverTable } from '../deliveries/deliver-table.ts';
import { outputLabels, runEngine, sourceColumns } from './engine.ts';
import { assertMayManage } from './permissions.ts';
import { openKey } from './release-key.ts';
import type { ReleaseSpec } from './schemas.ts';
import { readFileSource } from './source-file.ts';
import { type ExclusionReason, readMembersSource } from './source-members.ts';

export type RunActor = StaffActor | SystemActor;

export interface RunInput {
  actor: RunActor;
  releaseId: string;
  /** The source file's bytes, when the release's source is a file. */
  file?: Uint8Array;
  via?: string;
  onProgress?: AnonymizeOptions['onProgress'];
}

export interface RunOutcome {
  run: string;
  report: AnonymizeReport;
  excluded: Record<ExclusionReason, number> | null;
  delivery?: { id: string; fileName: string; bytes: number; sha256: string; rows: number; deliveredAt: string; target: string };
}

const auditActorOf = (actor: RunActor): Actor =>
  actor.type === 'system' ? { type: 'system', id: null, orgId: actor.orgId, label: actor.label } : actor;

function assertMayRun(actor: RunActor): string {
  if (actor.type === 'user') assertMayManage(actor);
  if (!actor.orgId) throw new AppError('forbidden');
  return actor.orgId;
}

async function loadRelease(ctx: AppContext, orgId: string, id: string) {
  const row = await ctx.db.selectFrom('releases').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('release_not_found');
  return row;
}

/** The source of a release as the engine's table (and who was left out, for a members source). */
export async function readSource(
  ctx: AppContext,
  opts: { actor: RunActor; orgId: string; spec: ReleaseSpec; purposeCode: string; on: string; file?: Uint8Array },
): Promise<{ table: SourceTable; excluded: Record<ExclusionReason, number> | null }> {
  const { spec } = opts;
  if (spec.source.kind === 'members') {
    return readMembersSource(ctx, {
      orgId: opts.orgId,
      source: spec.source,
      purposeCode: opts.purposeCode,
      on: opts.on,
      columns: sourceColumns(spec),
    });
  }
  if (!opts.file)
    throw new AppError('release_source_invalid', [
      {
        field: 'file',
        code: 'required',
        message_ja: 'この匿名加工情報の元データはファイルです。CSV ファイルを添えてください。',
        message_en: 'This release reads a file: attach the CSV file.',
      },
    ]);
  const table = await readFileSource(ctx, auditActorOf(opts.actor), {
    bytes: opts.file,
    charset: spec.source.charset,
    columns: sourceColumns(spec),
  });
  return { table, excluded: null };
}

/** The recipient's notice (提供先への明示), in Japanese: what the file is and what the recipient may not do. */
export function recipientNotice(opts: { orgName: string; releaseName: string; items: string[]; on: string; rows?: number }): string[] {
  return [
    'このファイルは、個人情報の保護に関する法律に基づく「匿名加工情報」です。',
    `作成者: ${opts.orgName}`,
    `名称: ${opts.releaseName}`,
    `含まれる個人に関する情報の項目: ${opts.items.join('、')}`,
    `作成日: ${japaneseDate(opts.on)}（日本時間）`,
    '受領者は、本人を識別するために、この匿名加工情報を他の情報と照合してはならず、削除された記述等や加工の方法に関する情報を取得してはなりません（同法第45条）。本人の再識別は禁止されています。',
    '安全管理のための措置を講じ、苦情の処理その他の適正な取扱いを確保してください（同法第46条）。',
  ];
}

async function recordRun(
  ctx: AppContext,
  values: {
    id: string;
    orgId: string;
    releaseId: string;
    kind: 'preview' | 'delivery';
    status: 'succeeded' | 'failed';
    version: number;
    report?: AnonymizeReport;
    excluded?: Record<string, number> | null;
    error?: AppError;
    target?: string;
    delivery?: { id: string; fileName: string; sha256: string; rows: number };
    period?: string;
    actor: RunActor;
    startedAt: Date;
  },
) {
  await ctx.db
    .insertInto('release_runs')
    .values({
      id: values.id,
      org_id: values.orgId,
      release_id: values.releaseId,
      kind: values.kind,
      status: values.status,
      release_version: values.version,
      report: values.report ? JSON.stringify(values.report) : null,
      excluded: values.excluded ? JSON.stringify(values.excluded) : null,
      error_code: values.error?.code ?? null,
      error_detail: values.error ? storedDetail(values.error) : null,
      target_code: values.target ?? null,
      delivery_id: values.delivery?.id ?? null,
      file_name: values.delivery?.fileName ?? null,
      sha256: values.delivery?.sha256 ?? null,
      rows: values.delivery?.rows ?? values.report?.rows.output ?? null,
      period: values.period ?? null,
      started_by: values.actor.type === 'user' ? values.actor.id : values.actor.label,
      started_at: iso(values.startedAt),
      finished_at: iso(ctx.clock()),
    })
    .execute();
}

/**
 * What a kept failed run says of its cause: the message naming the column, with any value of the source masked —
 * the answer to the person who ran it named the value; the register keeps no value of a person.
 */
function storedDetail(error: AppError): string | null {
  const message = error.issues?.[0]?.message_ja ?? null;
  return message ? message.replace(/value ("(?:[^"\\]|\\.)*"|\S+)/g, 'value …') : null;
}

/**
 * Whether a failed run is kept with the release's runs: always for the scheduled job (nobody saw it fail), and
 * for a failure of the systems reached (5xx: a target or a connected system). A refusal of the input (4xx) is
 * answered to the person who asked and audited as refused; it changes nothing else.
 */
const keepsRun = (actor: RunActor, error: AppError) => actor.type === 'system' || error.status >= 500;

const excludedTotal = (e: Record<string, number> | null) => (e ? Object.values(e).reduce((a, b) => a + b, 0) : undefined);

/**
 * What a preview and a delivery share: the release loaded, the run's id and its row's fields, and how it is
 * audited (`action`, with the run's own fields in every entry's detail).
 */
async function startRun(
  ctx: AppContext,
  input: RunInput,
  opts: { kind: 'preview' | 'delivery'; action: 'release.preview' | 'release.deliver'; extra: Record<string, string> },
) {
  const orgId = assertMayRun(input.actor);
  const row = await loadRelease(ctx, orgId, input.releaseId);
  const spec = JSON.parse(row.spec) as ReleaseSpec;
  const startedAt = ctx.clock();
  const run = randomUUID();
  const base = { id: run, orgId, releaseId: row.id, kind: opts.kind, version: row.version, actor: input.actor, startedAt, ...opts.extra };
  const audit = (outcome: 'ok' | 'failed' | 'refused', detail: Record<string, string | number | undefined>) =>
    appendAuditAlone(
      ctx.db,
      auditActorOf(input.actor),
      {
        action: opts.action,
        outcome,
        orgId,
        ...(outcome !== 'ok' ? { errorCode: String(detail.error_code) } : {}),
        detail: {
          release_id: row.id,
          code: row.code,
          run,
          ...opts.extra,
          ...Object.fromEntries(Object.entries(detail).filter(([, v]) => v !== undefined)),
          ...(input.via ? { via: input.via } : {}),
        },
      },
      ctx.clock,
    );
  /** A failure of the run: kept with the release's runs where `keepsRun` says so, and audited. */
  const fail = async (error: unknown) => {
    if (error instanceof AppError && error.code !== 'my_number_rejected') {
      if (keepsRun(input.actor, error)) await recordRun(ctx, { ...base, status: 'failed', error });
      await audit(error.status < 500 ? 'refused' : 'failed', { error_code: error.code });
    }
  };
  /** The source read (as of the run's day) and anonymized by the engine. */
  const anonymizeSource = async () => {
    const on = japanDate(startedAt);
    input.onProgress?.({ phase: 'read', done: 0, total: 1 });
    const { table, excluded } = await readSource(ctx, {
      actor: input.actor,
      orgId,
      spec,
      purposeCode: row.purpose_code,
      on,
      ...(input.file ? { file: input.file } : {}),
    });
    const result = runEngine(table, spec, openKey(ctx.keys, row.key_enc), input.onProgress ? { onProgress: input.onProgress } : {});
    return { on, excluded, result };
  };
  return { orgId, row, spec, run, base, audit, fail, anonymizeSource };
}

/** A dry run: the engine's report, stored with the run; nothing is delivered. */
export async function previewRelease(ctx: AppContext, input: RunInput): Promise<RunOutcome> {
  const { run, base, audit, fail, anonymizeSource } = await startRun(ctx, input, { kind: 'preview', action: 'release.preview', extra: {} });
  try {
    const { result, excluded } = await anonymizeSource();
    await recordRun(ctx, { ...base, status: 'succeeded', report: result.report, excluded });
    await audit('ok', { rows: result.report.rows.output, suppressed: result.report.rows.suppressed, excluded: excludedTotal(excluded) });
    return { run, report: result.report, excluded };
  } catch (error) {
    await fail(error);
    throw error;
  }
}

/**
 * A delivery: the method of provision must have been published; the engine's output, checked by the engine
 * itself, goes through `deliverTable` to the target with the recipient's notice. `period` is the scheduled month
 * a job delivers for.
 */
export async function deliverRelease(ctx: AppContext, input: RunInput & { target: string; period?: string }): Promise<RunOutcome> {
  const { orgId, row, spec, run, base, audit, fail, anonymizeSource } = await startRun(ctx, input, {
    kind: 'delivery',
    action: 'release.deliver',
    extra: { target: input.target, ...(input.period ? { period: input.period } : {}) },
  });
  if (!row.method_published_at || !row.items_published_at) {
    const error = new AppError('release_method_unpublished');
    await fail(error);
    throw error;
  }
  try {
    const { on, excluded, result } = await anonymizeSource();
    const org = await ctx.db.selectFrom('organizations').select('name').where('id', '=', orgId).executeTakeFirstOrThrow();
    const stamp = input.period ?? on;
    const fileName = `${row.code}_${stamp.replaceAll('-', '')}_${run.slice(0, 8)}.${spec.output.format}`;
    input.onProgress?.({ phase: 'write', done: 0, total: 1 });
    const delivered = await deliverTable(ctx, input.actor, {
      targetCode: input.target,
      origin: { kind: 'anonymized_release', id: row.id, name: row.name },
      fileName,
      format: spec.output.format,
      ...(spec.output.format === 'csv' ? { charset: spec.output.charset } : {}),
      columns: outputLabels(spec, result.columns),
      rows: result.rows,
      notice: recipientNotice({ orgName: org.name, releaseName: row.name, items: JSON.parse(row.items) as string[], on }),
      ...(input.via ? { via: input.via } : {}),
    });
    await recordRun(ctx, { ...base, status: 'succeeded', report: result.report, excluded, delivery: delivered });
    // The notice says 提供しています once a release was delivered: its caches read again.
    await ctx.events.publish(ctx.db, 'policy.published', { orgId });
    await audit('ok', {
      rows: delivered.rows,
      suppressed: result.report.rows.suppressed,
      excluded: excludedTotal(excluded),
      sha256: delivered.sha256,
    });
    return { run, report: result.report, excluded, delivery: { ...delivered, target: input.target } };
  } catch (error) {
    await fail(error);
    throw error;
  }
}
