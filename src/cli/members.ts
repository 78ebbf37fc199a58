/**
 * Member reads from the command line. Like the API, every read names a purpose and acts as a staff user
 * (`--as LOGIN`): the access engine decides, the audit trail records the read with `via: cli`.
 */
import type { Command } from 'commander';
import { openMamori } from '../app/bootstrap.ts';
import type { MemberField } from '../contract/member-fields.ts';
import { findStaffActor } from '../modules/members/actor.ts';
import { memberFieldLabels } from '../modules/members/fields.ts';
import { readMember } from '../modules/members/read-member.ts';
import { searchMembers } from '../modules/members/search-members.ts';

function print(member: Record<string, unknown>, json: boolean) {
  if (json) return console.log(JSON.stringify(member));
  for (const [key, value] of Object.entries(member)) {
    const label = memberFieldLabels[key as MemberField];
    console.log(`${(label ? `${label.ja} / ${label.en}` : key).padEnd(28)} ${value ?? ''}`);
  }
}

export function memberCommands(program: Command) {
  const members = program.command('members').description('組合員台帳（利用目的つき）/ the member ledger, purpose-bound');

  members
    .command('show <code>')
    .description('組合員を利用目的つきで参照 / show a member for a purpose')
    .requiredOption('--as <login>', '操作する職員 / the staff user acting')
    .requiredOption('--purpose <code>', '利用目的コード (例 P04) / purpose code')
    .option('--items <codes>', 'カンマ区切りの項目 / comma-separated items')
    .option('--json', 'JSONで出力 / print JSON')
    .action(async (code: string, o: { as: string; purpose: string; items?: string; json?: boolean }) => {
      const m = await openMamori();
      try {
        const actor = await findStaffActor(m.ctx.db, o.as);
        const row = await m.ctx.db
          .selectFrom('members')
          .select('id')
          .where('org_id', '=', actor.orgId)
          .where('member_code', '=', code)
          .executeTakeFirst();
        const member = await readMember(m.ctx, {
          actor,
          // An unknown code still goes through the engine and the trail as a refused read.
          memberId: row?.id ?? `code:${code}`,
          purpose: o.purpose,
          ...(o.items ? { items: o.items.split(',').map((s) => s.trim()) } : {}),
          via: 'cli',
        });
        print(member, Boolean(o.json));
      } finally {
        await m.close();
      }
    });

  members
    .command('search')
    .description('組合員を検索（コード・カナ・氏名・電話）/ search members (code, kana, name, phone)')
    .requiredOption('--as <login>', '操作する職員 / the staff user acting')
    .requiredOption('--purpose <code>', '利用目的コード / purpose code')
    .option('--code <code>')
    .option('--kana <kana>')
    .option('--name <name>')
    .option('--phone <phone>')
    .option('--limit <n>', '件数 / how many', '20')
    .action(async (o: { as: string; purpose: string; code?: string; kana?: string; name?: string; phone?: string; limit: string }) => {
      const m = await openMamori();
      try {
        const actor = await findStaffActor(m.ctx.db, o.as);
        const { members } = await searchMembers(m.ctx, {
          actor,
          purpose: o.purpose,
          ...(o.code ? { code: o.code } : {}),
          ...(o.kana ? { kana: o.kana } : {}),
          ...(o.name ? { name: o.name } : {}),
          ...(o.phone ? { phone: o.phone } : {}),
          limit: Number(o.limit),
          via: 'cli',
        });
        for (const member of members)
          console.log(
            Object.entries(member)
              .filter(([k]) => k !== 'version')
              .map(([, v]) => v ?? '')
              .join('\t'),
          );
        console.log(`${members.length} 件 / members`);
      } finally {
        await m.close();
      }
    });
}
