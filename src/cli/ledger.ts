/**
 * The ledger of personal information from the command line: the list (with overdue reviews marked) and the
 * Excel export for auditors. Both read the whole organization's ledger as the operator; the export is
 * recorded in the audit trail.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { openMamori } from '../app/bootstrap.ts';
import { AppError } from '../base/errors.ts';
import { mediumLabels, reviewStateLabels } from '../contract/ledger-vocabulary.ts';
import { prepareLedgerExport } from '../modules/ledger/export-ledger.ts';
import { writeLedgerXlsx } from '../modules/ledger/export-xlsx.ts';
import { listAssets } from '../modules/ledger/read-assets.ts';
import { japanDate } from '../modules/ledger/schedule.ts';
import { cliActor } from './audit.ts';

async function orgIdOf(m: Awaited<ReturnType<typeof openMamori>>, code: string): Promise<string> {
  const org = await m.ctx.db.selectFrom('organizations').select('id').where('code', '=', code).executeTakeFirst();
  if (!org) throw new AppError('organization_unknown');
  return org.id;
}

export function ledgerCommands(program: Command) {
  const ledger = program.command('ledger').description('個人情報管理台帳 / the ledger of personal information (JIS Q 15001)');

  ledger
    .command('list')
    .description('台帳の一覧（見直し期限切れを表示）/ list the ledger, overdue reviews marked')
    .requiredOption('--org <code>', '組織コード / organization code')
    .option('--department <code>', '部署コード / department code')
    .option('--overdue', '見直し期限切れだけ / only overdue reviews')
    .option('--json', 'JSONで出力 / print JSON')
    .action(async (o: { org: string; department?: string; overdue?: boolean; json?: boolean }) => {
      const m = await openMamori();
      try {
        const { assets, counts } = await listAssets(m.ctx.db, {
          scope: { orgId: await orgIdOf(m, o.org) },
          filters: { department: o.department, overdue: o.overdue },
          today: japanDate(m.ctx.clock()),
        });
        if (o.json) {
          console.log(JSON.stringify({ assets, counts }));
          return;
        }
        for (const a of assets) {
          const state = reviewStateLabels[a.review.state];
          const overdue = a.review.state === 'overdue' ? `（${a.review.days_overdue}日超過 / ${a.review.days_overdue} days over）` : '';
          console.log(
            [
              a.code,
              a.name,
              a.department.name,
              mediumLabels[a.medium].ja,
              `次回見直し ${a.review.next_review_on}`,
              `${state.ja} / ${state.en}${overdue}`,
              a.sensitive ? '要配慮' : '',
            ].join('\t'),
          );
        }
        console.log(
          `${assets.length} 件 / assets（利用中 ${counts.active}、見直し期限切れ ${counts.overdue}、期限間近 ${counts.due_soon} / active ${counts.active}, overdue ${counts.overdue}, due soon ${counts.due_soon}）`,
        );
      } finally {
        await m.close();
      }
    });

  ledger
    .command('export')
    .description('台帳をExcel（xlsx）で出力 / export the ledger as an Excel workbook')
    .requiredOption('--org <code>', '組織コード / organization code')
    .requiredOption('--out <file>', '出力ファイル (.xlsx) / output file')
    .option('--department <code>', '部署コード / department code')
    .option('--all', '廃止済みの資産も含める / include retired assets')
    .action(async (o: { org: string; out: string; department?: string; all?: boolean }) => {
      const m = await openMamori();
      try {
        const input = await prepareLedgerExport(m.ctx, {
          scope: { orgId: await orgIdOf(m, o.org) },
          actor: cliActor('ledger-export'),
          department: o.department,
          status: o.all ? 'all' : 'active',
          via: 'cli',
        });
        const out = createWriteStream(o.out);
        const finished = once(out, 'finish');
        await writeLedgerXlsx(input, out);
        await finished;
        console.log(`${input.assets.length} 件の情報資産を書き出しました / wrote ${input.assets.length} assets: ${o.out}`);
      } finally {
        await m.close();
      }
    });
}
