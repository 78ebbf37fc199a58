/**
 * `mamori pseudonymize`: produces a pseudonymized data set (仮名加工情報) into a local file, as a staff user
 * (`--as`) whose role holds the purpose named — the same service, checks and audit entry as the console's download.
 * The file is for internal analysis: the command writes only to a local path and offers no way to send it.
 */
import { once } from 'node:events';
import { createWriteStream, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { openMamori } from '../app/bootstrap.ts';
import { AppError } from '../base/errors.ts';
import { type CsvCharset, csvCharsets } from '../base/table-export.ts';
import { findStaffActor } from '../modules/members/actor.ts';
import { produceSet } from '../modules/pseudonymized/produce-set.ts';

export function pseudonymizeCommands(program: Command) {
  program
    .command('pseudonymize')
    .description('仮名加工情報の作成（社内分析専用のCSV）/ produce a pseudonymized data set (CSV for internal analysis)')
    .requiredOption('--set <code>', 'データセットのコード / the data set’s code')
    .requiredOption('--purpose <code>', '今回の利用目的（データセットの利用目的で、役割に付与されたもの）/ the purpose of this use')
    .requiredOption('--out <file>', '出力ファイル (.csv) / output file')
    .requiredOption('--as <login>', '操作する職員 / the staff user acting')
    .option('--charset <charset>', `文字コード / character set (${csvCharsets.join(', ')})`, 'utf-8')
    .action(async (o: { set: string; purpose: string; out: string; as: string; charset: string }) => {
      if (!(csvCharsets as readonly string[]).includes(o.charset))
        throw new AppError('validation_failed', undefined, `--charset: ${o.charset}`);
      const m = await openMamori();
      const path = resolve(o.out);
      try {
        const file = await produceSet(m.ctx, {
          actor: await findStaffActor(m.ctx.db, o.as),
          code: o.set,
          purpose: o.purpose,
          charset: o.charset as CsvCharset,
          destination: { kind: 'file', path },
          via: 'cli',
        });
        const out = createWriteStream(path, { mode: 0o600 });
        try {
          await Promise.all([file.write(out), once(out, 'close')]);
        } catch (error) {
          rmSync(path, { force: true });
          throw error;
        }
        console.log(
          `仮名加工情報 ${o.set} を ${path} に作成しました（${file.rows.toLocaleString()} 件、利用目的 ${o.purpose}、社内分析専用）/ wrote pseudonymized data set ${o.set} to ${path} (${file.rows.toLocaleString()} rows, purpose ${o.purpose}, internal analysis only)`,
        );
      } finally {
        await m.close();
      }
    });
}
