import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { openMamori } from '../app/bootstrap.ts';
import { AppError } from '../base/errors.ts';
import { parseOrgSettings } from '../base/settings.ts';
import { currentTotp } from '../modules/auth/totp.ts';
import { csvColumns, csvLine, syntheticMember } from '../modules/demo/synthetic.ts';

export function demoCommands(program: Command) {
  const demo = program.command('demo').description('デモとテスト用のデータ / demo and test data');

  demo
    .command('members')
    .description('架空の組合員CSV（取込形式）を書き出す / write a synthetic member CSV in the import format')
    .requiredOption('--count <n>', '件数 / number of members')
    .requiredOption('--out <file>', '出力ファイル / output file')
    .option('--seed <n>', '乱数の種 / random seed', '2026')
    .option('--start <n>', '最初の番号 / first index', '1')
    .action(async (o: { count: string; out: string; seed: string; start: string }) => {
      const count = Number(o.count);
      if (!Number.isInteger(count) || count < 1)
        throw new AppError('validation_failed', [
          {
            field: 'count',
            code: 'invalid_number',
            message_ja: '件数は1以上の整数です。',
            message_en: 'Count must be a whole number, 1 or more.',
          },
        ]);
      const out = createWriteStream(o.out);
      out.write(`${csvColumns.join(',')}\n`);
      const start = Number(o.start);
      let chunk = '';
      for (let i = start; i < start + count; i++) {
        chunk += `${csvLine(syntheticMember(i, Number(o.seed)))}\n`;
        if (chunk.length > 1 << 20) {
          if (!out.write(chunk)) await once(out, 'drain');
          chunk = '';
        }
      }
      out.end(chunk);
      await once(out, 'finish');
      console.log(`${count.toLocaleString()} 件を書き出しました / wrote ${count.toLocaleString()} members: ${o.out}`);
    });

  demo
    .command('totp <login>')
    .description('デモ職員の現在の確認コード（デモ組織のみ）/ current TOTP code of a demo user (demo organizations only)')
    .option(
      '--ahead <steps>',
      '何ステップ先（30秒単位、-1・0・1）のコードか / the code this many 30-s steps ahead (-1, 0 or 1; the server accepts one step of drift)',
      '0',
    )
    .action(async (login: string, o: { ahead: string }) => {
      const ahead = Number(o.ahead);
      if (ahead !== -1 && ahead !== 0 && ahead !== 1) {
        throw new AppError('validation_failed', [
          { field: 'ahead', code: 'invalid', message_ja: '--ahead は -1・0・1 のいずれかです。', message_en: '--ahead is -1, 0 or 1.' },
        ]);
      }
      const m = await openMamori();
      const u = await m.ctx.db
        .selectFrom('users')
        .innerJoin('organizations', 'organizations.id', 'users.org_id')
        .select(['users.totp_secret_enc', 'organizations.settings'])
        .where('users.login', '=', login)
        .executeTakeFirst();
      await m.close();
      if (!u) throw new AppError('user_not_found');
      if (!parseOrgSettings(u.settings).demo || !u.totp_secret_enc) throw new AppError('forbidden');
      console.log(currentTotp(m.ctx.keys.decrypt(u.totp_secret_enc), new Date(Date.now() + ahead * 30_000)));
    });
}
