import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { openMamori } from '../app/bootstrap.ts';
import { AppError } from '../base/errors.ts';
import { appendAuditAlone } from '../modules/audit/append.ts';
import type { Actor } from '../modules/audit/events.ts';
import { searchAudit } from '../modules/audit/search.ts';
import { drainAuditQueue } from '../modules/audit/sequencer.ts';
import { verifyAuditChain } from '../modules/audit/verify.ts';

export const cliActor = (what: string): Actor => ({ type: 'cli', id: null, orgId: null, label: `${userInfo().username}:${what}` });

export function auditCommands(program: Command) {
  const audit = program.command('audit').description('監査記録 / the audit trail');

  audit
    .command('verify')
    .description(
      'ハッシュ連鎖を全件検証。改ざんがあれば最初の不正な記録を示して終了コード1 / verify the whole hash chain; exits 1 naming the first bad entry',
    )
    .option('--json', 'JSONで出力 / print JSON')
    .action(async (opts: { json?: boolean }) => {
      const m = await openMamori();
      const started = Date.now();
      const result = await verifyAuditChain(m.ctx.db, {
        onProgress: (seq) => {
          if (!opts.json && process.stderr.isTTY) process.stderr.write(`\r検証中 / verifying… #${seq.toLocaleString()}`);
        },
      });
      if (process.stderr.isTTY && !opts.json) process.stderr.write('\n');
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (opts.json) console.log(JSON.stringify({ ...result, seconds: Number(seconds) }));
      else if (result.ok)
        console.log(
          `監査記録 ${result.entries.toLocaleString()} 件の連鎖は正常です（${seconds} 秒）。\nThe audit chain of ${result.entries.toLocaleString()} entries is intact (${seconds} s).`,
        );
      else
        console.error(
          `${result.firstBad!.message_ja}\n${result.firstBad!.message_en}\n最初の不正な記録 / first bad entry: #${result.firstBad!.seq} (${result.firstBad!.problem})`,
        );
      // Record the verification after reporting it: on a tampered chain the append itself may fail
      // (e.g. a forged entry occupies the next sequence number), and the verdict must still be seen.
      try {
        await appendAuditAlone(m.ctx.db, cliActor('audit-verify'), {
          action: 'audit.verify',
          outcome: result.ok ? 'ok' : 'failed',
          orgId: null,
          detail: { entries: result.entries, first_bad: result.firstBad?.seq ?? null },
        });
      } catch (error) {
        console.error(
          `検証の記録を監査記録に追加できませんでした / could not record the verification in the trail: ${error instanceof Error ? error.message : String(error)}`,
        );
        process.exitCode = 1;
      }
      await m.close();
      if (!result.ok) process.exitCode = 1;
    });

  audit
    .command('search')
    .description('監査記録の検索 / search the audit trail')
    .requiredOption('--org <code>', '組織コード / organization code')
    .option('--member <code>', '組合員コード / member code')
    .option('--actor <login>', '職員のログインID / staff login')
    .option('--purpose <code>', '利用目的コード / purpose code')
    .option('--action <action>', '操作 (member.read など) / action')
    .option('--from <iso>', '開始日時 / from (ISO)')
    .option('--to <iso>', '終了日時 / to (ISO)')
    .option('--limit <n>', '件数 / how many', '50')
    .action(
      async (o: {
        org: string;
        member?: string;
        actor?: string;
        purpose?: string;
        action?: string;
        from?: string;
        to?: string;
        limit: string;
      }) => {
        const m = await openMamori();
        const org = await m.ctx.db.selectFrom('organizations').select('id').where('code', '=', o.org).executeTakeFirst();
        if (!org) throw new AppError('organization_unknown');
        const member = o.member
          ? await m.ctx.db
              .selectFrom('members')
              .select('id')
              .where('org_id', '=', org.id)
              .where('member_code', '=', o.member)
              .executeTakeFirst()
          : undefined;
        if (o.member && !member) throw new AppError('member_not_found');
        const actor = o.actor ? await m.ctx.db.selectFrom('users').select('id').where('login', '=', o.actor).executeTakeFirst() : undefined;
        if (o.actor && !actor) throw new AppError('user_not_found');
        await drainAuditQueue(m.ctx.db);
        const result = await searchAudit(m.ctx.db, {
          orgId: org.id,
          ...(member ? { memberId: member.id } : {}),
          ...(actor ? { actorId: actor.id } : {}),
          ...(o.purpose ? { purpose: o.purpose } : {}),
          ...(o.action ? { action: o.action } : {}),
          ...(o.from ? { from: o.from } : {}),
          ...(o.to ? { to: o.to } : {}),
          limit: Number(o.limit),
        });
        await appendAuditAlone(m.ctx.db, cliActor('audit-search'), {
          action: 'audit.search',
          outcome: 'ok',
          orgId: org.id,
          memberId: member?.id ?? null,
          detail: { actor: o.actor ?? null, purpose: o.purpose ?? null, from: o.from ?? null, to: o.to ?? null },
        });
        for (const e of result.entries) {
          console.log(
            [`#${e.seq}`, e.ts, e.actor_login ?? e.actor_type, e.action, e.outcome, e.purpose_code ?? '-', e.error_code ?? ''].join('\t'),
          );
        }
        await m.close();
      },
    );
}
