import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../base/config.ts';
import { openDatabase } from '../db/database.ts';
import { registerAuditMacKeys } from '../modules/audit/mac.ts';
import { createBackup, restoreBackup } from '../modules/backup/backup.ts';
import { KeyRing } from '../modules/crypto/data-keys.ts';
import { cliActor } from './audit.ts';

const tools = () => ({ pgBinDir: process.env.MAMORI_PG_BINDIR || undefined });

/** The key ring as configured, without creating one (a restore must not invent keys); null when there is none. */
function configuredKeyRing(keyFile: string): KeyRing | null {
  if (process.env.MAMORI_DATA_KEYS) return new KeyRing(JSON.parse(process.env.MAMORI_DATA_KEYS));
  return existsSync(keyFile) ? new KeyRing(JSON.parse(readFileSync(keyFile, 'utf8'))) : null;
}

export function backupCommands(program: Command) {
  program
    .command('backup')
    .description(
      'データベースのバックアップ（稼働中でも可。暗号鍵は含まれません） / back up the database (safe while the server runs; the keys are not included)',
    )
    .requiredOption('--out <file>', '出力ファイル / the backup file to write')
    .action(async (o: { out: string }) => {
      const config = loadConfig();
      const database = openDatabase(config.databaseUrl);
      // With the key ring at hand, the backup's own entry is queued and signed like any other (audit/mac.ts).
      const ring = configuredKeyRing(config.keyFile);
      if (ring)
        registerAuditMacKeys(
          ring.file.keys.map((k) => ({ id: k.id, key: Buffer.from(k.key, 'base64') })),
          ring.primaryId,
        );
      try {
        const m = await createBackup(database, config.databaseUrl, o.out, cliActor('backup'), tools());
        console.log(
          `バックアップを作成しました: ${o.out}（この記録: 監査記録 #${m.backup_entry.seq}）\nBackup written to ${o.out} (recorded as audit entry #${m.backup_entry.seq}).`,
        );
        console.log(
          `注意: 暗号鍵（${config.keyFile} または MAMORI_DATA_KEYS）はバックアップに含まれません。登録口座と二要素認証の秘密は鍵で暗号化されています。鍵はデータと別の場所に、別にバックアップしてください。\n` +
            `Note: the data keys (${config.keyFile} or MAMORI_DATA_KEYS) are NOT in the backup. Bank accounts and TOTP secrets are encrypted with them: back the keys up separately and keep them apart from the data.`,
        );
        console.log(`必要な鍵 / keys needed: ${m.key_ids.length ? m.key_ids.join(', ') : '（なし / none）'}  (${o.out}.manifest.json)`);
      } finally {
        await database.close();
      }
    });

  program
    .command('restore')
    .description('バックアップから復元し、監査記録と暗号鍵を検証 / restore a backup, then verify the audit chain and the key ring')
    .requiredOption('--from <file>', 'バックアップファイル / the backup file')
    .option('--force', 'データのあるデータベースを上書き / overwrite a database that holds data')
    .action(async (o: { from: string; force?: boolean }) => {
      const config = loadConfig();
      const ring = configuredKeyRing(config.keyFile);
      if (ring)
        registerAuditMacKeys(
          ring.file.keys.map((k) => ({ id: k.id, key: Buffer.from(k.key, 'base64') })),
          ring.primaryId,
        );
      const report = await restoreBackup(config.databaseUrl, o.from, {
        force: Boolean(o.force),
        keys: ring,
        actor: cliActor('restore'),
        tools: tools(),
      });
      console.log(`復元しました / restored from ${o.from}`);
      const v = report.verify;
      if (v.ok)
        console.log(
          `監査記録 ${v.entries.toLocaleString()} 件の連鎖は正常です。\nThe audit chain of ${v.entries.toLocaleString()} entries is intact.`,
        );
      else
        console.error(
          `${v.firstBad!.message_ja}\n${v.firstBad!.message_en}\n最初の不正な記録 / first bad entry: #${v.firstBad!.seq} (${v.firstBad!.problem})`,
        );
      const k = report.keys;
      if (k.missing.length)
        console.error(
          `暗号鍵がありません / missing data keys: ${k.missing.join(', ')}（鍵のバックアップから MAMORI_KEY_FILE に戻してください / restore them from the key backup into MAMORI_KEY_FILE）`,
        );
      if (k.wrong.length) console.error(`鍵で復号できません / these keys do not decrypt the data: ${k.wrong.join(', ')}`);
      if (!k.missing.length && !k.wrong.length)
        console.log(`暗号鍵を確認しました / the key ring decrypts the data (${k.used.join(', ') || 'no encrypted values'})`);
      if (!report.ok) process.exitCode = 1;
    });
}
