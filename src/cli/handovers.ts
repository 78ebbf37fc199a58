/**
 * Joint use and contractors from the command line, as a staff user (`--as`): the contractors with their contract
 * and inspection state, recording an inspection, and a transfer to joint users (a preview with `--dry-run`, or the
 * CSV written to `--out`, e.g. from a monthly scheduled task). The same services as the API, the same duty and audit.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { openMamori } from '../app/bootstrap.ts';
import { contractStateLabels, inspectionStateLabels, leftOutReasonLabels, leftOutReasons } from '../contract/handover-vocabulary.ts';
import { makeTransferFile, previewTransfer } from '../modules/handovers/joint-use-transfer.ts';
import { listContractors } from '../modules/handovers/read-contractors.ts';
import { recordInspection } from '../modules/handovers/record-inspection.ts';
import { recordInspectionBody, transferFileBody } from '../modules/handovers/schemas.ts';
import { findStaffActor } from '../modules/members/actor.ts';

function invalid(issues: { path: PropertyKey[]; message: string }[]): void {
  console.error(issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
  process.exitCode = 2;
}

export function handoverCommands(program: Command) {
  const handovers = program.command('handovers').description('委託先・共同利用 / contractors and joint use');

  handovers
    .command('contractors')
    .description('委託先の一覧（契約・点検・受け渡しを止めている理由）/ contractors with their contract and inspection state')
    .requiredOption('--as <login>', '操作する職員 / the staff user acting')
    .option('--json', 'JSONで出力 / print JSON')
    .action(async (o: { as: string; json?: boolean }) => {
      const m = await openMamori();
      try {
        const list = await listContractors(m.ctx, { actor: await findStaffActor(m.ctx.db, o.as) });
        if (o.json) {
          console.log(JSON.stringify(list));
          return;
        }
        for (const c of list.contractors) {
          console.log(
            [
              c.code,
              c.name,
              `契約 ${contractStateLabels[c.contract.state].ja}${c.contract.expires_on ? `（${c.contract.expires_on} まで）` : ''}`,
              `点検 ${inspectionStateLabels[c.inspection.state].ja}${c.inspection.next_due_on ? `（次回 ${c.inspection.next_due_on}）` : ''}`,
              c.blocks.map((b) => b.code).join(',') || '受け渡し可 / may hand over',
            ].join('\t'),
          );
        }
      } finally {
        await m.close();
      }
    });

  handovers
    .command('inspect <contractor>')
    .description('委託先の点検を記録 / record an inspection of a contractor')
    .requiredOption('--as <login>', '操作する職員 / the staff user acting')
    .requiredOption('--inspector <name>', '点検した人 / who inspected')
    .requiredOption('--result <result>', 'satisfactory | improvement_needed | unsatisfactory')
    .option('--on <date>', '点検日（既定は今日）/ inspection date (default today)')
    .option('--findings <text>', '指摘事項 / findings')
    .action(async (code: string, o: { as: string; inspector: string; result: string; on?: string; findings?: string }) => {
      const parsed = recordInspectionBody.safeParse({
        inspector: o.inspector,
        result: o.result,
        ...(o.on ? { inspected_on: o.on } : {}),
        ...(o.findings ? { findings: o.findings } : {}),
      });
      if (!parsed.success) return invalid(parsed.error.issues);
      const m = await openMamori();
      try {
        const r = await recordInspection(m.ctx, { actor: await findStaffActor(m.ctx.db, o.as), code, input: parsed.data, via: 'cli' });
        console.log(`点検を記録しました / inspection recorded: 次回 / next due ${r.contractor.inspection.next_due_on}`);
      } finally {
        await m.close();
      }
    });

  handovers
    .command('transfer <joint-use>')
    .description('共同利用先への受け渡しファイル（CSV）/ the transfer file for joint users (CSV)')
    .requiredOption('--as <login>', '操作する職員 / the staff user acting')
    .requiredOption('--purpose <code>', '利用目的コード / purpose code (P04 …)')
    .option('--items <codes>', '項目コード（カンマ区切り、既定は定められた項目すべて）/ item codes, comma-separated')
    .option('--charset <charset>', 'utf-8（既定）または shift_jis', 'utf-8')
    .option('--out <file>', '書き出すファイル / the file to write')
    .option('--dry-run', '件数と対象外の理由だけを表示 / print the counts only')
    .action(async (code: string, o: { as: string; purpose: string; items?: string; charset: string; out?: string; dryRun?: boolean }) => {
      const parsed = transferFileBody.safeParse({
        purpose: o.purpose,
        charset: o.charset,
        ...(o.items ? { items: o.items.split(',').map((s) => s.trim()) } : {}),
      });
      if (!parsed.success) return invalid(parsed.error.issues);
      if (!o.dryRun && !o.out) {
        console.error('--out <file> または --dry-run を指定してください / give --out <file> or --dry-run');
        process.exitCode = 2;
        return;
      }
      const m = await openMamori();
      try {
        const actor = await findStaffActor(m.ctx.db, o.as);
        const preview = await previewTransfer(m.ctx, { actor, jointUse: code, purpose: parsed.data.purpose, items: parsed.data.items });
        console.log(
          `対象 / covered: ${preview.covered}（うち保存期間内の脱退者 / withdrawn within retention: ${preview.withdrawn_covered}）`,
        );
        for (const r of leftOutReasons)
          if (preview.left_out[r]) console.log(`対象外 / left out — ${leftOutReasonLabels[r].ja}: ${preview.left_out[r]}`);
        console.log(
          `項目 / items: ${preview.items
            .filter((i) => i.in_file)
            .map((i) => i.name)
            .join('、')}`,
        );
        if (o.dryRun) return;
        const file = await makeTransferFile(m.ctx, {
          actor,
          jointUse: code,
          purpose: parsed.data.purpose,
          items: parsed.data.items,
          charset: parsed.data.charset ?? 'utf-8',
          via: 'cli',
        });
        writeFileSync(o.out!, file.body, { mode: 0o600 });
        console.log(`${o.out}: ${file.rows} 件 / rows, SHA-256 ${file.sha256}`);
      } finally {
        await m.close();
      }
    });
}
