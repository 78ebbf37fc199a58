import type { Command } from 'commander';
import { openMamori } from '../app/bootstrap.ts';
import { AppError } from '../base/errors.ts';
import { appendAudit } from '../modules/audit/append.ts';
import { KeyRing, saveKeyRing } from '../modules/crypto/data-keys.ts';
import { reencryptSealedColumn } from '../modules/crypto/sealed.ts';
import { reencryptTargetSettings } from '../modules/deliveries/reencrypt-settings.ts';
import { createUser, setUserStatus } from '../modules/organizations/service.ts';
import { reencryptPseudonymKeys } from '../modules/pseudonymized/pseudonym.ts';
import { reencryptReleaseKeys } from '../modules/releases/release-key.ts';
import { reencryptTaskResults } from '../modules/system-tasks/reencrypt-results.ts';
import { reencryptSystemSettings } from '../modules/systems/reencrypt-settings.ts';
import { cliActor } from './audit.ts';

async function readPassword(): Promise<string> {
  if (process.env.MAMORI_NEW_PASSWORD) return process.env.MAMORI_NEW_PASSWORD;
  if (process.stdin.isTTY) {
    const { createInterface } = await import('node:readline/promises');
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question('パスワード / password: ');
    rl.close();
    return answer;
  }
  let data = '';
  for await (const chunk of process.stdin) data += chunk;
  return data.trim();
}

export function adminCommands(program: Command) {
  const users = program.command('users').description('職員ユーザー / staff users');
  users
    .command('create')
    .description(
      '職員を登録（パスワードは入力、標準入力、または MAMORI_NEW_PASSWORD）/ create a staff user (password prompted, from stdin, or MAMORI_NEW_PASSWORD)',
    )
    .requiredOption('--org <code>', '組織コード / organization code')
    .requiredOption('--login <login>', 'ログインID / login')
    .requiredOption('--name <name>', '表示名 / display name')
    .requiredOption('--role <code>', '役割コード / role code')
    .option('--department <code>', '部署コード / department code')
    .option('--email <email>', 'メール / e-mail')
    .action(async (o: { org: string; login: string; name: string; role: string; department?: string; email?: string }) => {
      const password = await readPassword();
      const m = await openMamori();
      try {
        const id = await createUser(m.ctx, cliActor('users-create'), {
          orgCode: o.org,
          login: o.login,
          displayName: o.name,
          password,
          role: o.role,
          department: o.department ?? null,
          email: o.email ?? null,
        });
        console.log(`職員を登録しました / created user ${o.login} (${id})`);
      } finally {
        await m.close();
      }
    });

  for (const [name, status, description] of [
    [
      'disable',
      'disabled',
      '職員を無効化し、全サーバーのセッションを直ちに終了 / disable a staff user and end their sessions on every server at once',
    ],
    ['enable', 'active', '無効化した職員を再び有効化 / enable a disabled staff user again'],
  ] as const) {
    users
      .command(name)
      .description(description)
      .requiredOption('--login <login>', 'ログインID / login')
      .action(async (o: { login: string }) => {
        const m = await openMamori();
        try {
          const user = await m.ctx.db.selectFrom('users').select(['id', 'org_id']).where('login', '=', o.login).executeTakeFirst();
          if (!user) throw new AppError('user_not_found');
          const label = (cliActor(`users-${name}`) as { label: string }).label;
          await setUserStatus(m.ctx, { type: 'cli', id: null, orgId: user.org_id, label }, { userId: user.id, status });
          console.log(`${status === 'disabled' ? '無効化しました / disabled' : '有効化しました / enabled'} ${o.login}`);
        } finally {
          await m.close();
        }
      });
  }

  const keys = program.command('keys').description('暗号鍵 / data-encryption keys');
  keys
    .command('rotate')
    .description(
      '新しい鍵を作り、登録口座・連携システムの接続設定などを新しい鍵で再暗号化 / add a new primary key and re-encrypt stored values with it',
    )
    .action(async () => {
      const m = await openMamori();
      if (process.env.MAMORI_DATA_KEYS)
        throw new AppError('forbidden', undefined, 'Keys come from MAMORI_DATA_KEYS: rotate them where they are managed.');
      const next = m.ctx.keys.rotated();
      // Save first: a crash after this leaves values readable by either key.
      saveKeyRing(m.config.keyFile, next);
      let count = 0;
      const members = await m.ctx.db
        .selectFrom('members')
        .select(['id', 'bank_account_enc'])
        .where('bank_account_enc', 'is not', null)
        .execute();
      const users = await m.ctx.db
        .selectFrom('users')
        .select(['id', 'totp_secret_enc', 'totp_pending_enc'])
        .where((eb) => eb.or([eb('totp_secret_enc', 'is not', null), eb('totp_pending_enc', 'is not', null)]))
        .execute();
      for (let i = 0; i < members.length; i += 1000) {
        await m.ctx.db.transaction().execute(async (tx) => {
          for (const r of members.slice(i, i + 1000)) {
            if (KeyRing.keyIdOf(r.bank_account_enc!) === next.primaryId) continue;
            await tx
              .updateTable('members')
              .set({ bank_account_enc: next.encrypt(next.decrypt(r.bank_account_enc!)) })
              .where('id', '=', r.id)
              .execute();
            count++;
          }
        });
      }
      await m.ctx.db.transaction().execute(async (tx) => {
        // Connected systems' connection settings (modules/systems).
        count += await reencryptSystemSettings(tx, next);
        // Delivery targets' settings and secrets (modules/deliveries).
        count += await reencryptTargetSettings(tx, next);
        // What disclosure tasks found in those systems (modules/system-tasks).
        count += await reencryptTaskResults(tx, next);
        // Pseudonymized data sets' keys (modules/pseudonymized).
        count += await reencryptPseudonymKeys(tx, next);
        // Anonymized releases' pseudonym keys (modules/releases).
        count += await reencryptReleaseKeys(tx, next);
        // Identity documents and proofs of authority filed with requests (modules/requests).
        count += await reencryptSealedColumn(tx, next, 'request_documents', 'content_enc');
        for (const u of users) {
          await tx
            .updateTable('users')
            .set({
              totp_secret_enc: u.totp_secret_enc && next.encrypt(next.decrypt(u.totp_secret_enc)),
              totp_pending_enc: u.totp_pending_enc && next.encrypt(next.decrypt(u.totp_pending_enc)),
            })
            .where('id', '=', u.id)
            .execute();
          count++;
        }
        await appendAudit(tx, cliActor('keys-rotate'), {
          action: 'keys.rotate',
          outcome: 'ok',
          orgId: null,
          detail: { key_id: next.primaryId, reencrypted: count },
        });
      });
      console.log(
        `新しい鍵 ${next.primaryId} で ${count.toLocaleString()} 件を再暗号化しました / re-encrypted ${count.toLocaleString()} values with key ${next.primaryId}`,
      );
      await m.close();
    });
}
