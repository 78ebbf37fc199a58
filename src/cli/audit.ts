import { createWriteStream } from 'node:fs';
import { userInfo } from 'node:os';
import { PassThrough, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import { openMamori } from '../app/bootstrap.ts';
import { AppError } from '../base/errors.ts';
import { csvCharsets } from '../base/table-export.ts';
import {
  auditActionLabel,
  auditActorTypeLabel,
  auditOutcomeLabel,
  auditOutcomes,
  describeAuditEntry,
} from '../contract/audit-vocabulary.ts';
import { jstDateTime } from '../db/time.ts';
import { appendAuditAlone } from '../modules/audit/append.ts';
import type { Actor } from '../modules/audit/events.ts';
import { auditNames, prepareAuditExport } from '../modules/audit/export.ts';
import { type AuditFilters, resolveAuditFilters, searchAudit } from '../modules/audit/search.ts';
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
    .description(
      '監査記録の検索。画面と同じ条件で、表・JSON・CSV（UTF-8 BOM付き / Shift_JIS）・Excel に出力 / search the audit trail; print a table or JSON, or export CSV or xlsx',
    )
    .requiredOption('--org <code>', '組織コード / organization code')
    .option('--member <code>', '組合員コード / member code')
    .option('--actor <login>', '職員のログインID / staff login')
    .option('--purpose <code>', '利用目的コード / purpose code')
    .option('--action <action>', '操作 (member.read など) / action')
    .option('--outcome <outcome>', '結果 (allowed, refused, ok, failed) / outcome')
    .option('--from <iso>', '開始日時 / from (ISO)')
    .option('--to <iso>', '終了日時 / to (ISO, exclusive)')
    .option('--limit <n>', '件数（table, json）/ how many (table, json)', '50')
    .option('--format <format>', '出力形式 table | json | csv | xlsx / output format', 'table')
    .option('--charset <charset>', 'CSVの文字コード utf-8 | shift_jis / CSV character set', 'utf-8')
    .option('--lang <lang>', '見出しと語句の言語 ja | en / language of headers and words', 'ja')
    .option('--out <file>', '出力先ファイル（xlsx では必須）/ file to write (required for xlsx)')
    .action(async (o: SearchOptions) => {
      const format = oneOf('--format', o.format, ['table', 'json', 'csv', 'xlsx'] as const);
      const charset = oneOf('--charset', o.charset, csvCharsets);
      const lang = oneOf('--lang', o.lang, ['ja', 'en'] as const);
      if (o.outcome) oneOf('--outcome', o.outcome, auditOutcomes);
      if (format === 'xlsx' && !o.out)
        throw new AppError('validation_failed', [
          {
            field: '--out',
            code: 'required',
            message_ja: 'Excel は --out <ファイル> に出力します。',
            message_en: 'xlsx needs --out <file>.',
          },
        ]);
      const m = await openMamori();
      try {
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
        const actor = o.actor
          ? await m.ctx.db.selectFrom('users').select('id').where('login', '=', o.actor).where('org_id', '=', org.id).executeTakeFirst()
          : undefined;
        if (o.actor && !actor) throw new AppError('user_not_found');
        const filters: AuditFilters = {
          member: o.member,
          actor: o.actor,
          purpose: o.purpose,
          action: o.action,
          outcome: o.outcome,
          from: o.from,
          to: o.to,
        };
        if (format === 'csv' || format === 'xlsx') {
          const exp = await prepareAuditExport(m.ctx, {
            actor: cliActor('audit-export'),
            orgId: org.id,
            filters,
            format,
            charset,
            lang,
            staffNames: true,
            via: 'cli',
          });
          await writeTo(o.out, (out) => exp.write(out));
          if (o.out) console.error(`監査記録 ${exp.rows} 件を ${o.out} に出力しました。 / Wrote ${exp.rows} entries to ${o.out}.`);
          return;
        }
        await drainAuditQueue(m.ctx.db);
        const query = await resolveAuditFilters(m.ctx.db, org.id, filters);
        const result = await searchAudit(m.ctx.db, { ...query, limit: Number(o.limit) });
        await appendAuditAlone(m.ctx.db, cliActor('audit-search'), {
          action: 'audit.search',
          outcome: 'ok',
          orgId: org.id,
          memberId: member?.id ?? null,
          detail: { actor: o.actor ?? null, purpose: o.purpose ?? null, from: o.from ?? null, to: o.to ?? null },
        });
        const names = await auditNames(m.ctx.db, org.id, lang);
        const described = result.entries.map((e) => ({ ...e, description: describeAuditEntry(lang, e, names) }));
        if (format === 'json') {
          console.log(JSON.stringify({ entries: described, next_before: result.next_before }, null, 2));
          return;
        }
        for (const e of described) {
          console.log(
            [
              `#${e.seq}`,
              jstDateTime(e.ts),
              e.actor_name ? `${e.actor_name}（${e.actor_login}）` : auditActorTypeLabel(lang, e.actor_type),
              auditActionLabel(lang, e.action),
              auditOutcomeLabel(lang, e.outcome),
              e.description,
            ].join('\t'),
          );
        }
      } finally {
        await m.close();
      }
    });
}

interface SearchOptions {
  org: string;
  member?: string;
  actor?: string;
  purpose?: string;
  action?: string;
  outcome?: string;
  from?: string;
  to?: string;
  limit: string;
  format: string;
  charset: string;
  lang: string;
  out?: string;
}

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    const list = allowed.join(', ');
    throw new AppError('validation_failed', [
      { field: option, code: 'invalid_value', message_ja: `${list} のいずれかを指定してください。`, message_en: `must be one of ${list}` },
    ]);
  }
  return value as T;
}

/** Streams to a file, or to standard output (left open). */
async function writeTo(file: string | undefined, write: (out: Writable) => Promise<void>): Promise<void> {
  if (file) {
    const out = createWriteStream(file);
    await Promise.all([write(out), finished(out)]);
    return;
  }
  const pass = new PassThrough();
  pass.pipe(process.stdout, { end: false });
  await Promise.all([write(pass), finished(pass)]);
}
