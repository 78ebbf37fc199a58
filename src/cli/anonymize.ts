/**
 * `mamori anonymize --spec FILE`: runs a release spec from the command line — the source read, the engine run with
 * a progress bar on stderr (phases read, search, verify, write), the risk report printed as a table. With
 * `--dry-run` nothing is written; `--out FILE` writes the anonymized rows to a local CSV; `--target CODE` delivers
 * the release through the deliveries register, which requires the release to be defined in mamori (same code) with
 * its items and method of provision published — the same service, checks and audit as the console.
 *
 * Exit codes: 0 done; 1 an error (bad file, unknown organization, a delivery refused); 3 the anonymization
 * could not meet its conditions (a hierarchy that does not cover a value, k above the population, the suppression
 * limit, l) — nothing was written.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import Table from 'cli-table3';
import type { Command } from 'commander';
import { openMamori } from '../app/bootstrap.ts';
import { AppError } from '../base/errors.ts';
import { csvField } from '../base/spreadsheet.ts';
import { riskModelLabels, riskModels } from '../contract/release-vocabulary.ts';
import { japanDate } from '../db/time.ts';
import type { AnonymizeReport, Cell } from '../modules/anonymize/types.ts';
import { appendAuditAlone } from '../modules/audit/append.ts';
import { outputLabels, runEngine } from '../modules/releases/engine.ts';
import { openKey } from '../modules/releases/release-key.ts';
import { deliverRelease, previewRelease, readSource } from '../modules/releases/run-release.ts';
import { parseReleaseFile } from '../modules/releases/spec-file.ts';

const phaseLabels: Record<string, string> = {
  read: '読込 / read',
  search: '探索 / search',
  verify: '検証 / verify',
  write: '出力 / write',
};

/**
 * A bar per phase on stderr with the phase's name in front; when stderr is not a terminal (a log, a pipe), one line
 * per phase instead, so that the phases are still recorded.
 */
function progressBar() {
  const tty = Boolean(process.stderr.isTTY);
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: '{phase} |{bar}| {percentage}% | {value}/{total}', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let phase: string | undefined;
  const started = Date.now();
  return {
    update(p: { phase: string; done: number; total: number }) {
      const label = phaseLabels[p.phase] ?? p.phase;
      if (phase !== p.phase) {
        if (phase !== undefined && tty) bar.stop();
        phase = p.phase;
        if (tty) bar.start(Math.max(1, p.total), 0, { phase: label.padEnd(14) });
        else process.stderr.write(`${label} … (${Date.now() - started} ms)\n`);
      }
      if (!tty) return;
      bar.setTotal(Math.max(1, p.total));
      bar.update(p.done, { phase: label.padEnd(14) });
    },
    stop() {
      if (phase !== undefined && tty) bar.stop();
      phase = undefined;
    },
  };
}

/** No colours: the report is read in logs and files as often as on a terminal. */
const plain = { head: [] as string[], border: [] as string[] };

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

/** The report as tables: what was chosen, what it costs, what risk remains. */
export function formatReport(report: AnonymizeReport): string {
  const out: string[] = [];
  const summary = new Table({ style: plain, head: ['項目 / item', '値 / value'] });
  summary.push(
    ['損失の指標 / loss metric', `${report.metric.name}: ${report.metric.value.toFixed(4)}`],
    [
      '格子 / lattice',
      `${report.lattice.size} 節点 nodes, 評価 evaluated ${report.lattice.evaluated}, 枝刈り pruned ${report.lattice.pruned}`,
    ],
    ['入力 / input rows', String(report.rows.input)],
    ['出力 / output rows', String(report.rows.output)],
    ['削除 / suppressed', `${report.rows.suppressed} (${pct(report.rows.input ? report.rows.suppressed / report.rows.input : 0)})`],
    ['トップ・ボトムコーディング / top-bottom coded', String(report.rows.topBottomCoded)],
    [
      '同値クラス / classes',
      `${report.classSizes.classes} (最小 min ${report.classSizes.min}, 平均 avg ${report.classSizes.average.toFixed(1)}, 最大 max ${report.classSizes.max})`,
    ],
    [
      '再検証 / verified',
      `k: ${report.verified.k ? 'OK' : 'NG'}${report.verified.l === null ? '' : `, l: ${report.verified.l ? 'OK' : 'NG'}`}`,
    ],
  );
  out.push(summary.toString());
  const levels = new Table({ style: plain, head: ['列 / column', '水準 / level'] });
  for (const l of report.levels) levels.push([l.column, `${l.level} / ${l.of}`]);
  out.push(levels.toString());
  const risk = new Table({ style: plain, head: ['再識別リスク / risk', '最大 / highest', '平均 / average'] });
  for (const m of riskModels) risk.push([riskModelLabels[m].ja, pct(report.risk[m].highest), pct(report.risk[m].average)]);
  out.push(risk.toString());
  const timings = new Table({ style: plain, head: ['段階 / phase', 'ミリ秒 / ms'] });
  for (const [phase, ms] of Object.entries(report.timings)) timings.push([phaseLabels[phase] ?? phase, ms.toFixed(0)]);
  out.push(timings.toString());
  return out.join('\n');
}

async function writeCsv(
  file: string,
  columns: readonly string[],
  rows: Iterable<readonly Cell[]> | AsyncIterable<readonly Cell[]>,
): Promise<number> {
  const out = createWriteStream(file);
  const line = (cells: readonly (string | number | null)[]) => `${cells.map(csvField).join(',')}\r\n`;
  let count = 0;
  const write = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write(`\uFEFF${line(columns)}`);
  for await (const row of rows) {
    await write(line(row));
    count++;
  }
  await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
  return count;
}

export function anonymizeCommands(program: Command) {
  program
    .command('anonymize')
    .description('匿名加工情報を作成（進捗・リスク報告・試行）/ anonymize a release spec (progress, risk report, dry run)')
    .requiredOption('--spec <file>', '定義ファイル（YAML）/ the release spec file')
    .option('--org <code>', '組織コード（組織が一つなら省略可）/ organization code (optional with one organization)')
    .option('--dry-run', '試行のみ（何も出力しない）/ report only, write nothing')
    .option('--out <file>', '加工結果を CSV に書き出す / write the anonymized rows to a CSV file')
    .option('--target <code>', '提供先に提供（定義済み・公表済みの匿名加工情報のみ）/ deliver to a target (a defined, published release)')
    .action(async (o: { spec: string; org?: string; dryRun?: boolean; out?: string; target?: string }) => {
      const spec = parseReleaseFile(readFileSync(o.spec, 'utf8'));
      const file = spec.source.kind === 'file' && spec.source.path ? readFileSync(resolve(dirname(o.spec), spec.source.path)) : undefined;
      const m = await openMamori();
      const bar = progressBar();
      try {
        const orgs = await m.ctx.db
          .selectFrom('organizations')
          .select(['id', 'code'])
          .$if(o.org !== undefined, (q) => q.where('code', '=', o.org!))
          .execute();
        if (orgs.length !== 1)
          throw new AppError('organization_unknown', undefined, o.org ? `No organization ${o.org}.` : 'Name the organization with --org.');
        const org = orgs[0]!;
        const actor = { type: 'system' as const, orgId: org.id, label: 'cli:anonymize' };
        const release = await m.ctx.db
          .selectFrom('releases')
          .select(['id', 'key_enc', 'spec'])
          .where('org_id', '=', org.id)
          .where('code', '=', spec.code)
          .executeTakeFirst();
        const bytes = file ? new Uint8Array(file) : undefined;
        const progress = { onProgress: (p: { phase: string; done: number; total: number }) => bar.update(p) };
        let report: AnonymizeReport;
        if (o.target) {
          if (!release)
            throw new AppError(
              'release_not_found',
              undefined,
              `Define release ${spec.code} in mamori (and publish its method) before delivering it.`,
            );
          const done = await deliverRelease(m.ctx, {
            actor,
            releaseId: release.id,
            target: o.target,
            ...(bytes ? { file: bytes } : {}),
            via: 'cli',
            ...progress,
          });
          bar.stop();
          report = done.report;
          console.log(formatReport(report));
          console.log(
            `提供しました / delivered: ${done.delivery!.fileName} (${done.delivery!.rows} 行 rows, SHA-256 ${done.delivery!.sha256})`,
          );
          return;
        }
        if (o.dryRun && release && release.spec === JSON.stringify(spec)) {
          // The defined release itself: the preview is recorded with its runs, as the console's.
          report = (
            await previewRelease(m.ctx, { actor, releaseId: release.id, ...(bytes ? { file: bytes } : {}), via: 'cli', ...progress })
          ).report;
        } else {
          bar.update({ phase: 'read', done: 0, total: 1 });
          const { table } = await readSource(m.ctx, {
            actor,
            orgId: org.id,
            spec,
            purposeCode: spec.purpose,
            on: japanDate(m.ctx.clock()),
            ...(bytes ? { file: bytes } : {}),
          });
          // A key of this run only, for a dry run of the defined release's key (nothing leaves) or else a new one:
          // a file written here never links to what the release delivers, nor to another file.
          const key = release && o.dryRun ? openKey(m.ctx.keys, release.key_enc) : crypto.getRandomValues(new Uint8Array(32));
          const result = runEngine(table, spec, key, progress);
          report = result.report;
          if (o.out && !o.dryRun) {
            bar.update({ phase: 'write', done: 0, total: 1 });
            const rows = await writeCsv(o.out, outputLabels(spec, result.columns), result.rows);
            await appendAuditAlone(
              m.ctx.db,
              { type: 'cli', id: null, orgId: org.id, label: 'anonymize' },
              {
                action: 'release.write_file',
                outcome: 'ok',
                orgId: org.id,
                detail: { code: spec.code, rows, file: basename(o.out), via: 'cli' },
              },
              m.ctx.clock,
            );
            bar.stop();
            console.log(formatReport(report));
            console.log(`書き出しました / written: ${o.out} (${rows} 行 rows)`);
            return;
          }
        }
        bar.stop();
        console.log(formatReport(report));
        console.log('試行のため何も出力していません / dry run: nothing written');
      } catch (error) {
        bar.stop();
        if (error instanceof AppError && error.code.startsWith('anonymize_')) process.exitCode = 3;
        throw error;
      } finally {
        await m.close();
      }
    });
}
