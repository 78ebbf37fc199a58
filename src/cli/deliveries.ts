/**
 * Delivery targets from the command line, as a staff user (`--as`): list, add, check. The same services as the
 * API, the same permissions and audit. A key or password is read from standard input (`--secret-stdin`) or
 * MAMORI_DELIVERY_SECRET, never from an argument (arguments show in the process list).
 */
import type { Command } from 'commander';
import { openMamori } from '../app/bootstrap.ts';
import {
  type DeliveryTargetKind,
  deliveryTargetKindLabels,
  deliveryTargetKinds,
  deliveryTargetStatusLabels,
} from '../contract/delivery-vocabulary.ts';
import { checkTarget } from '../modules/deliveries/check-target.ts';
import { listTargets } from '../modules/deliveries/list-targets.ts';
import { registerTarget } from '../modules/deliveries/register-target.ts';
import { registerTargetBody } from '../modules/deliveries/schemas.ts';
import { findStaffActor } from '../modules/members/actor.ts';
import { readSecret } from './read-secret.ts';

export function deliveriesCommands(program: Command) {
  const deliveries = program.command('deliveries').description('提供先サーバーと提供の記録 / delivery targets and deliveries');
  const targets = deliveries.command('targets').description('提供先サーバー / delivery targets');

  targets
    .command('list')
    .description('提供先サーバーの一覧（状態・最終確認）/ list the delivery targets with their status')
    .requiredOption('--as <login>', '操作する職員 / the staff user acting')
    .option('--json', 'JSONで出力 / print JSON')
    .action(async (o: { as: string; json?: boolean }) => {
      const m = await openMamori();
      try {
        const list = await listTargets(m.ctx.db, { actor: await findStaffActor(m.ctx.db, o.as) });
        if (o.json) {
          console.log(JSON.stringify(list));
          return;
        }
        for (const t of list.targets) {
          console.log(
            [
              t.code,
              t.name,
              deliveryTargetKindLabels[t.kind].ja,
              t.recipient,
              t.settings ? (t.settings.host ? `${t.settings.user}@${t.settings.host}:${t.settings.directory}` : t.settings.directory) : '',
              t.has_secret ? '秘密情報: 設定済み' : '',
              `${deliveryTargetStatusLabels[t.status].ja} / ${deliveryTargetStatusLabels[t.status].en}`,
              t.last_error ? `${t.last_error.code}: ${t.last_error.message_ja}` : '',
              t.last_checked_at ?? '',
            ].join('\t'),
          );
        }
        console.log(`${list.targets.length} 件 / targets`);
      } finally {
        await m.close();
      }
    });

  targets
    .command('add')
    .description('提供先サーバーを登録 / register a delivery target')
    .requiredOption('--as <login>', '操作する職員 / the staff user acting')
    .requiredOption('--code <code>', 'コード / code')
    .requiredOption('--name <name>', '名称 / name')
    .requiredOption('--kind <kind>', `種類 / kind: ${deliveryTargetKinds.join(', ')}`)
    .requiredOption('--recipient <text>', '提供先（受け取る事業者）/ who receives the files')
    .requiredOption('--directory <path>', 'フォルダ（folder: このサーバー上、sftp: サーバー上）/ the folder')
    .option('--host <host>')
    .option('--port <port>')
    .option('--user <account>')
    .option('--host-key <fingerprint>', 'ホスト鍵のフィンガープリント SHA256:… / host key fingerprint')
    .option('--secret-stdin', '秘密鍵・パスワードを標準入力から読む / read the key or password from stdin')
    .action(async (o: Record<string, string | boolean | undefined> & { as: string }) => {
      const settings: Record<string, unknown> = { directory: o.directory };
      for (const k of ['host', 'user'] as const) if (o[k] !== undefined) settings[k] = o[k];
      if (o.hostKey !== undefined) settings.host_key = o.hostKey;
      if (o.port !== undefined) settings.port = Number(o.port);
      const secret = o.secretStdin ? await readSecret('MAMORI_DELIVERY_SECRET') : process.env.MAMORI_DELIVERY_SECRET;
      // The API's own schema: the same refusals (and messages) as over HTTP.
      const parsed = registerTargetBody.safeParse({
        code: o.code,
        name: o.name,
        kind: o.kind as DeliveryTargetKind,
        recipient: o.recipient,
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
        const t = await registerTarget(m.ctx, { actor: await findStaffActor(m.ctx.db, o.as), input: parsed.data, via: 'cli' });
        console.log(
          `提供先サーバー ${t.code} を登録しました / registered ${t.code}${t.has_secret ? '（秘密情報: 設定済み / secret set）' : ''}`,
        );
      } finally {
        await m.close();
      }
    });

  targets
    .command('check <code>')
    .description('接続確認（確認用ファイルを書いて消す）/ check: write and remove a probe file')
    .requiredOption('--as <login>', '操作する職員 / the staff user acting')
    .action(async (code: string, o: { as: string }) => {
      const m = await openMamori();
      try {
        const { check } = await checkTarget(m.ctx, { actor: await findStaffActor(m.ctx.db, o.as), code, via: 'cli' });
        if (check.ok) console.log('接続・書き込みできます / connected and writable');
        else {
          console.error(
            `[${check.error?.code}] ${check.error?.message_ja}\n${check.error?.message_en}${
              check.presented_host_key ? `\nサーバーが示したホスト鍵 / host key presented: ${check.presented_host_key}` : ''
            }`,
          );
          process.exitCode = 1;
        }
      } finally {
        await m.close();
      }
    });
}
