/**
 * Requests from the person from the command line: the list of open or overdue requests (for a daily check
 * or a monitoring job) and the reminder run (what the server does hourly; cron can run it where no server
 * runs all the time).
 */
import type { Command } from 'commander';
import { openMamori } from '../app/bootstrap.ts';
import { AppError } from '../base/errors.ts';
import { requestKindLabels } from '../contract/requests.ts';
import { japanDate } from '../db/time.ts';
import { sendReminders } from '../modules/requests/notify.ts';
import { listRequests } from '../modules/requests/requests.ts';

export function requestCommands(program: Command) {
  const requests = program.command('requests').description('本人からの請求 / requests from the person');

  requests
    .command('list')
    .description('対応中・期限超過の請求 / open or overdue requests, by due date')
    .requiredOption('--org <code>', '組織コード / organization code')
    .option('--overdue', '期限超過だけ / overdue only')
    .option('--json', 'JSONで出力 / print JSON')
    .action(async (o: { org: string; overdue?: boolean; json?: boolean }) => {
      const m = await openMamori();
      try {
        const org = await m.ctx.db.selectFrom('organizations').select('id').where('code', '=', o.org).executeTakeFirst();
        if (!org) throw new AppError('organization_unknown');
        const rows = await listRequests(m.ctx.db, org.id, { state: o.overdue ? 'overdue' : 'open' }, japanDate(m.ctx.clock()));
        if (o.json) {
          console.log(JSON.stringify({ requests: rows }));
          return;
        }
        for (const r of rows) {
          console.log(
            `${r.reference}  ${requestKindLabels[r.kind].ja}/${requestKindLabels[r.kind].en}  ${r.state}  期限 due ${r.due_on}${r.overdue ? '  期限超過 OVERDUE' : ''}`,
          );
        }
        console.log(`${rows.length} 件 / requests`);
        if (o.overdue && rows.length > 0) process.exitCode = 2;
      } finally {
        await m.close();
      }
    });

  requests
    .command('remind')
    .description('期限の近い・過ぎた請求を個人情報保護窓口へ通知 / remind the privacy office of requests due soon or overdue')
    .action(async () => {
      const m = await openMamori();
      try {
        const sent = await sendReminders(m.ctx);
        console.log(`通知 / reminded: ${sent.requests} 件の請求、${sent.organizations} 組織 / requests in organizations`);
      } finally {
        await m.close();
      }
    });
}
