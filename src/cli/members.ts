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
    .description(
      '組合員を検索（コード・カナ・氏名・電話、住所・生年で絞り込み）/ search members (code, kana, name, phone; address, birth year)',
    )
    .requiredOption('--as <login>', '操作する職員 / the staff user acting')
    .requiredOption('--purpose <code>', '利用目的コード / purpose code')
    .option('--code <code>')
    .option('--kana <kana>')
    .option('--name <name>')
    .option('--phone <phone>')
    .option('--address <prefix>', '住所の前方一致（都道府県から）/ address prefix from the prefecture')
    .option('--birth-year <year>', '生年（1980、1970-1979）/ birth year or range')
    .option('--limit <n>', '件数 / how many', '20')
    .option('--offset <n>', '読み飛ばす件数 / hits to skip', '0')
    .action(
      async (o: {
        as: string;
        purpose: string;
        code?: string;
        kana?: string;
        name?: string;
        phone?: string;
        address?: string;
        birthYear?: string;
        limit: string;
        offset: string;
      }) => {
        const m = await openMamori();
        try {
          const actor = await findStaffActor(m.ctx.db, o.as);
          const { members, total, total_exact } = await searchMembers(m.ctx, {
            actor,
            purpose: o.purpose,
            ...(o.code ? { code: o.code } : {}),
            ...(o.kana ? { kana: o.kana } : {}),
            ...(o.name ? { name: o.name } : {}),
            ...(o.phone ? { phone: o.phone } : {}),
            ...(o.address ? { address: o.address } : {}),
            ...(o.birthYear ? { birthYear: o.birthYear } : {}),
            limit: Number(o.limit),
            offset: Number(o.offset),
            via: 'cli',
          });
          for (const member of members)
            console.log(
              Object.entries(member)
                .filter(([k]) => k !== 'version')
                .map(([, v]) => v ?? '')
                .join('\t'),
            );
          const matched = total_exact ? `${total} 件中` : `${total} 件以上のうち`;
          console.log(`${matched} ${members.length} 件 / ${members.length} of ${total_exact ? '' : 'at least '}${total}`);
        } finally {
          await m.close();
        }
      },
    );
}
