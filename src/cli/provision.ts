/**
 * Third-party provision from the command line: the disposal of records past their keeping date (what the server's
 * daily job does; cron can run it where no server runs all the time) and the list of an organization's runs.
 */
import type { Command } from 'commander';
import { openMamori } from '../app/bootstrap.ts';
import { AppError } from '../base/errors.ts';
import { disposeExpiredRecords } from '../modules/provision/dispose-records.ts';
import { listRuns } from '../modules/provision/read-runs.ts';

export function provisionCommands(program: Command) {
  const provision = program.command('provision').description('第三者提供 / third-party provision');

  provision
    .command('dispose')
    .description('保存期間を過ぎた提供・受領の記録を廃棄（廃棄の記録を残す）/ dispose of provision records past their keeping date')
    .action(async () => {
      const m = await openMamori();
      try {
        const r = await disposeExpiredRecords(m.ctx);
        console.log(`廃棄 / disposed: 本人ごとの記録 ${r.records} 件 / records, 継続的提供の記録 ${r.continuous} 件 / continuous records`);
      } finally {
        await m.close();
      }
    });

  provision
    .command('runs')
    .description('提供の実行記録 / provision runs, newest first')
    .requiredOption('--org <code>', '組織コード / organization code')
    .option('--json', 'JSONで出力 / print JSON')
    .action(async (o: { org: string; json?: boolean }) => {
      const m = await openMamori();
      try {
        const org = await m.ctx.db.selectFrom('organizations').select('id').where('code', '=', o.org).executeTakeFirst();
        if (!org) throw new AppError('organization_unknown');
        const { runs } = await listRuns(m.ctx.db, org.id, { limit: 500, offset: 0 });
        if (o.json) {
          console.log(JSON.stringify({ runs }));
          return;
        }
        for (const r of runs) {
          console.log(
            [
              r.occurred_on ?? r.created_at.slice(0, 10),
              r.third_party_code,
              r.legal_basis,
              r.status,
              `提供 ${r.included}`,
              `除外 ${r.excluded_total}`,
            ].join('\t'),
          );
        }
        console.log(`${runs.length} 件 / runs`);
      } finally {
        await m.close();
      }
    });
}
