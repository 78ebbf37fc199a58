/**
 * `mamori import members FILE --org CODE`: the bulk member import (see docs/import.md). Exit codes: 0 every
 * row imported or unchanged; 2 some rows were rejected (see the report); 1 nothing imported because of an
 * error (file, header, mapping, organization, database).
 */
import { rmSync } from 'node:fs';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { AppError } from '../base/errors.ts';
import { type ImportEncoding, importEncodings } from '../modules/import/columns.ts';
import type { ImportProgress, ImportSummary } from '../modules/import/import-members.ts';
import { defaultReportPath, temporaryReportPath } from '../modules/import/report.ts';
import { cliActor } from './audit.ts';
import { importMembersInThread } from './import-in-thread.ts';

/** Exit code when rows were rejected (the other rows are imported, unless --strict). */
export const EXIT_REJECTED = 2;

interface Options {
  org: string;
  encoding: string;
  mapping?: string;
  report: string | boolean;
  dryRun?: boolean;
  strict?: boolean;
  show: string;
  workers?: string;
  json?: boolean;
}

const n = (v: number) => v.toLocaleString('en-US');

export function importCommands(program: Command) {
  const imp = program.command('import').description('データの一括取込 / bulk imports');

  imp
    .command('members <file>')
    .description(
      '組合員CSVを取り込む（新規・更新・変更なしを組合員コードで判定）/ import a member CSV (insert, update or leave alone by member code)',
    )
    .requiredOption('--org <code>', '組織コード / organization code')
    .option('--encoding <encoding>', '文字コード auto | utf8 | cp932 / file encoding', 'auto')
    .option('--mapping <file>', '項目対応ファイル（JSON）/ column mapping file (JSON)')
    .option('--report <file>', '却下行の一覧（CSV）/ rejected-rows report (default: <file>.rejected.csv next to the input)')
    .option('--no-report', '却下行の一覧を書き出さない / write no report file')
    .option('--dry-run', '検証のみ（何も書き込まない）/ validate and report only; write nothing')
    .option('--strict', '却下行が1行でもあれば何も取り込まない / import nothing if any row is rejected')
    .option('--show <n>', '画面に表示する却下行の数 / rejected rows to print', '20')
    .option('--workers <n>', '変換スレッド数（既定: CPU数）/ transform threads (default: one per core)')
    .option('--json', '結果をJSONで出力 / print the summary as JSON')
    .action(async (file: string, o: Options) => {
      if (!(importEncodings as readonly string[]).includes(o.encoding)) {
        throw new AppError('validation_failed', [
          {
            field: 'encoding',
            code: 'invalid_choice',
            message_ja: '--encoding は auto、utf8、cp932 のいずれかです。',
            message_en: '--encoding must be auto, utf8 or cp932.',
          },
        ]);
      }
      const show = Math.max(0, Number(o.show) || 0);
      const progress = progressReporter(Boolean(o.json));
      // Ctrl-C: the transaction is never committed (nothing is imported); the half-written report goes too.
      const reportPath = typeof o.report === 'string' ? o.report : o.report === false ? null : defaultReportPath(file);
      process.once('SIGINT', () => {
        progress.stop();
        if (reportPath) rmSync(temporaryReportPath(reportPath), { force: true });
        console.error('\n中断しました。何も取り込んでいません。 / Interrupted: nothing was imported.');
        process.exit(130);
      });
      try {
        const summary = await importMembersInThread(
          {
            orgCode: o.org,
            file,
            actor: cliActor('import-members'),
            encoding: o.encoding as ImportEncoding,
            ...(o.mapping ? { mapping: o.mapping } : {}),
            ...(typeof o.report === 'string' ? { report: o.report } : o.report === false ? { report: null } : {}),
            dryRun: Boolean(o.dryRun),
            strict: Boolean(o.strict),
            keepRejections: Math.max(show, 1),
            ...(o.workers !== undefined ? { workers: Math.max(0, Number(o.workers) || 0) } : {}),
          },
          progress.update,
        );
        progress.stop();
        if (o.json) {
          const peakMb = Math.round(process.resourceUsage().maxRSS / 1024);
          console.log(JSON.stringify({ ...summary, rejections: summary.rejections.slice(0, show), peak_rss_mb: peakMb }));
        } else {
          printSummary(summary, show);
        }
        if (summary.rejected > 0) process.exitCode = EXIT_REJECTED;
      } finally {
        progress.stop();
      }
    });
}

/** A progress bar on a terminal; otherwise a line now and then (logs of scheduled jobs). */
function progressReporter(quiet: boolean): { update: (p: ImportProgress) => void; stop: () => void } {
  const started = Date.now();
  const rate = (rows: number) => Math.round(rows / Math.max(0.001, (Date.now() - started) / 1000));
  if (process.stderr.isTTY && !quiet) {
    const bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: '取込中 / importing |{bar}| {percentage}% | {rows} 行 rows | {rate} 行/秒 rows/s | 残り ETA {eta_formatted}',
        hideCursor: true,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    let started_ = false;
    return {
      update(p) {
        if (!started_) {
          bar.start(p.bytesTotal, 0, { rows: '0', rate: '0' });
          started_ = true;
        }
        bar.update(p.bytesDone, { rows: n(p.rows), rate: n(rate(p.rows)) });
      },
      stop() {
        if (started_) bar.stop();
        started_ = false;
      },
    };
  }
  let last = 0;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 5000 && p.bytesDone < p.bytesTotal) return;
      last = now;
      const pct = p.bytesTotal ? Math.floor((100 * p.bytesDone) / p.bytesTotal) : 100;
      process.stderr.write(`取込中 / importing: ${n(p.rows)} 行 rows (${pct}%)\n`);
    },
    stop() {},
  };
}

function printSummary(s: ImportSummary, show: number) {
  const encoding = s.encoding === 'utf8' ? 'UTF-8' : 'Shift_JIS (cp932)';
  const lines = [
    `取込結果 / import summary (run ${s.runId})`,
    `  ファイル / file       ${s.file} (${encoding}, sha256 ${s.sha256.slice(0, 12)}…)`,
    `  読込行 / rows read    ${n(s.rows)}`,
    `  新規 / created        ${n(s.created)}`,
    `  更新 / updated        ${n(s.updated)}`,
    `  変更なし / unchanged  ${n(s.unchanged)}`,
    `  却下 / rejected       ${n(s.rejected)}`,
    `  時間 / seconds        ${s.seconds.toFixed(1)}`,
  ];
  if (s.status === 'dry_run') lines.push('検証のみのため、何も書き込んでいません。 / Dry run: nothing was written.');
  if (s.status === 'failed') {
    lines.push(
      '厳格モード（--strict）: 却下行があるため、何も取り込んでいません。 / Strict mode: rows were rejected, so nothing was imported.',
    );
  }
  if (s.interruptedRuns > 0) {
    lines.push(
      `中断されていた以前の取込 ${s.interruptedRuns} 件を「失敗」として記録しました（データは取り込まれていません）。 / Marked ${s.interruptedRuns} interrupted earlier run(s) as failed (their data was rolled back).`,
    );
  }
  console.log(lines.join('\n'));
  if (s.rejected === 0) return;
  const shown = s.rejections.slice(0, show);
  console.log(
    `\n却下した行 / rejected rows (${n(shown.length)} / ${n(s.rejected)} 行 rows${s.reportFile ? `; 全件 all: ${s.reportFile}` : ''})`,
  );
  for (const r of shown) {
    const code = r.memberCode ? ` [${r.memberCode}]` : '';
    console.log(`  ${r.line}行目 / line ${r.line}${code} ${r.field}: ${r.message_ja} / ${r.message_en}`);
  }
}
