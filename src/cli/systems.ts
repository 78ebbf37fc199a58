/**
 * The systems register from the command line, as a staff user (`--as`): list, add, check the connection. The
 * same services as the API, the same permissions and audit. A secret is read from standard input
 * (`--secret-stdin`) or MAMORI_SYSTEM_SECRET, never from an argument (arguments show in the process list).
 */
import type { Command } from 'commander';
import { openMamori } from '../app/bootstrap.ts';
import { type SystemKind, systemKindLabels, systemKinds } from '../contract/connector-vocabulary.ts';
import { findStaffActor } from '../modules/members/actor.ts';
import { checkSystem } from '../modules/systems/check-system.ts';
import { listSystems } from '../modules/systems/list-systems.ts';
import { registerSystem } from '../modules/systems/register-system.ts';
import { registerSystemBody } from '../modules/systems/schemas.ts';
import { readSecret } from './read-secret.ts';

const statusLabels = {
  unchecked: '未確認 / unchecked',
  ok: '接続できます / ok',
  failing: '接続できません / failing',
} as const;

export function systemsCommands(program: Command) {
  const systems = program.command('systems').description('連携システムの登録簿 / the register of connected systems');

  systems
    .command('list')
    .description('連携システムの一覧（状態・最終確認）/ list the connected systems with their status')
    .requiredOption('--as <login>', '操作する職員 / the staff user acting')
    .option('--json', 'JSONで出力 / print JSON')
    .action(async (o: { as: string; json?: boolean }) => {
      const m = await openMamori();
      try {
        const list = await listSystems(m.ctx.db, { actor: await findStaffActor(m.ctx.db, o.as) });
        if (o.json) {
          console.log(JSON.stringify(list));
          return;
        }
        for (const s of list.systems) {
          console.log(
            [
              s.code,
              s.name,
              systemKindLabels[s.kind].ja,
              s.map?.owner ?? '',
              statusLabels[s.status],
              s.last_error ? `${s.last_error.code}: ${s.last_error.message_ja}` : '',
              s.last_checked_at ?? '',
            ].join('\t'),
          );
        }
        for (const s of list.unregistered)
          console.log([s.code, s.name, systemKindLabels[s.kind].ja, s.owner ?? '', '未登録 / not registered'].join('\t'));
        console.log(`${list.systems.length} 件 / systems`);
      } finally {
        await m.close();
      }
    });

  systems
    .command('add')
    .description('連携システムを登録 / register a connected system')
    .requiredOption('--as <login>', '操作する職員 / the staff user acting')
    .requiredOption('--code <code>', 'データマップと同じコード / the code of the dataset map')
    .requiredOption('--name <name>', '名称 / name')
    .requiredOption('--kind <kind>', `種類 / kind: ${systemKinds.join(', ')}`)
    .option('--url <url>', 'postgres://… または mysql://…')
    .option('--file <path>', 'SQLite ファイル / SQLite file')
    .option('--schema <name>', 'スキーマ・データベース / schema or database')
    .option('--host <host>')
    .option('--port <port>')
    .option('--user <account>')
    .option('--folder <path>', 'SFTP 受け渡しフォルダ / SFTP drop folder')
    .option('--secret-stdin', 'パスワード・秘密鍵を標準入力から読む / read the password or key from stdin')
    .action(async (o: Record<string, string | boolean | undefined> & { as: string }) => {
      const settings: Record<string, unknown> = Object.fromEntries(
        (['url', 'file', 'schema', 'host', 'user', 'folder'] as const).filter((k) => o[k] !== undefined).map((k) => [k, o[k]]),
      );
      if (o.port !== undefined) settings.port = Number(o.port);
      const secret = o.secretStdin ? await readSecret('MAMORI_SYSTEM_SECRET') : process.env.MAMORI_SYSTEM_SECRET;
      // The API's own schema: the same refusals (and messages) as over HTTP.
      const parsed = registerSystemBody.safeParse({
        code: o.code,
        name: o.name,
        kind: o.kind as SystemKind,
        settings,
        ...(secret ? { secret } : {}),
      });
      if (!parsed.success) {
        console.error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
        process.exitCode = 2;
        return;
      }
      const m = await openMamori();
      try {
        const s = await registerSystem(m.ctx, { actor: await findStaffActor(m.ctx.db, o.as), input: parsed.data, via: 'cli' });
        console.log(
          `連携システム ${s.code} を登録しました / registered ${s.code}${s.has_secret ? '（秘密情報: 設定済み / secret set）' : ''}`,
        );
      } finally {
        await m.close();
      }
    });

  systems
    .command('check <code>')
    .description('接続確認 / check the connection')
    .requiredOption('--as <login>', '操作する職員 / the staff user acting')
    .action(async (code: string, o: { as: string }) => {
      const m = await openMamori();
      try {
        const { check } = await checkSystem(m.ctx, { actor: await findStaffActor(m.ctx.db, o.as), code, via: 'cli' });
        if (check.ok) console.log(`接続できます / connected（テーブル / tables: ${check.tables ?? 0}）`);
        else {
          console.error(
            `[${check.error?.code}] ${check.error?.message_ja}\n${check.error?.message_en}${check.missing ? `\n${check.missing}` : ''}`,
          );
          process.exitCode = 1;
        }
      } finally {
        await m.close();
      }
    });
}
