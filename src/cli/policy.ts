/** Policy files from the command line: lint a file, import it as an organization's draft, publish, export, presets. */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { openMamori } from '../app/bootstrap.ts';
import { AppError } from '../base/errors.ts';
import { parseOrgSettings } from '../base/settings.ts';
import { japanDate } from '../db/time.ts';
import type { Actor } from '../modules/audit/events.ts';
import { lintPolicy, publishable } from '../modules/policy/lint.ts';
import { formatPolicyFile, parsePolicyFile } from '../modules/policy/policy-file.ts';
import { policyPresets, readPresetFile } from '../modules/policy/presets.ts';
import { getDraft, getVersion, listVersions, publishPolicy, saveDraft } from '../modules/policy/versions.ts';
import { cliActor } from './audit.ts';

const readFile = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new AppError('policy_file_invalid', [
      { field: file, code: 'unreadable', message_ja: 'ファイルを読み込めません。', message_en: 'The file cannot be read.' },
    ]);
  }
};

/** Prints each problem of a file with its line, the way an editor would. */
function printIssues(file: string, error: unknown): never {
  if (error instanceof AppError && error.code === 'policy_file_invalid') {
    for (const i of error.issues ?? [])
      console.error(`${file}:${i.line ?? '?'}:${i.column ?? '?'}  ${i.field || '(file)'}  ${i.message_ja} / ${i.message_en}`);
    process.exitCode = 2;
    throw new AppError('policy_file_invalid');
  }
  throw error;
}

async function orgIdOf(m: Awaited<ReturnType<typeof openMamori>>, code: string) {
  const org = await m.ctx.db.selectFrom('organizations').select(['id', 'settings']).where('code', '=', code).executeTakeFirst();
  if (!org) throw new AppError('organization_unknown');
  return org;
}

export function policyCommands(program: Command) {
  const policy = program.command('policy').description('個人情報保護方針（登録簿）/ the policy registers');

  policy
    .command('lint <file>')
    .description('ポリシーファイルを点検 / check a policy file: format (with lines) and legal gaps')
    .action((file: string) => {
      let doc: ReturnType<typeof parsePolicyFile>;
      try {
        doc = parsePolicyFile(readFile(file));
      } catch (e) {
        printIssues(file, e);
      }
      const gaps = lintPolicy(doc, { today: japanDate(new Date()) });
      for (const g of gaps)
        console.log(`${g.severity === 'error' ? 'エラー/error  ' : '注意/warning'}  ${g.path}  ${g.message_ja} / ${g.message_en}`);
      console.log(publishable(gaps) ? '公表できます / publishable' : '公表できません / not publishable');
      if (!publishable(gaps)) process.exitCode = 1;
    });

  policy
    .command('import <file>')
    .description('ポリシーファイルを組織の下書きとして取り込む / replace an organization’s draft with a file')
    .requiredOption('--org <code>', '組織コード / organization code')
    .option('--publish <date>', '続けて公表し、この日から施行 / then publish, effective on this date (YYYY-MM-DD)')
    .option('--summary <text>', '改定の概要 / summary of the change')
    .action(async (file: string, o: { org: string; publish?: string; summary?: string }) => {
      let document: ReturnType<typeof parsePolicyFile>;
      try {
        document = parsePolicyFile(readFile(file));
      } catch (e) {
        printIssues(file, e);
      }
      const m = await openMamori();
      try {
        const org = await orgIdOf(m, o.org);
        const now = m.ctx.clock();
        const actor: Actor = { type: 'cli', id: null, orgId: org.id, label: (cliActor('policy-import') as { label: string }).label };
        const result = await m.ctx.db.transaction().execute(async (tx) => {
          const draft = await getDraft(tx, org.id, now);
          const saved = await saveDraft(tx, { orgId: org.id, actor, revision: draft.revision, document, now, via: 'file' });
          if (!o.publish) return { revision: saved.revision };
          const version = await publishPolicy(tx, {
            orgId: org.id,
            actor,
            revision: saved.revision,
            effectiveOn: o.publish,
            summary: o.summary,
            now,
            priorNoticeDays: parseOrgSettings(org.settings).policy.priorNoticeDays,
          });
          // Running servers hear it at commit (PostgreSQL): their notices and access engine are read anew.
          await m.ctx.events.publish(tx, 'policy.published', { orgId: org.id });
          await m.ctx.events.publish(tx, 'policy.changed', {});
          return { revision: saved.revision, version };
        });
        console.log(`下書きを更新しました / draft saved (revision ${result.revision})`);
        if (result.version) {
          console.log(
            `第${result.version.number}版を公表しました（施行日 ${result.version.effective_on}）/ published version ${result.version.number}, effective ${result.version.effective_on}`,
          );
          for (const c of result.version.changes) console.log(`  - [${c.notice}] ${c.summary_ja} / ${c.summary_en}`);
        }
      } finally {
        await m.close();
      }
    });

  policy
    .command('export')
    .description('ポリシーをYAMLファイルに書き出す / write a policy (draft or a version) as YAML')
    .requiredOption('--org <code>', '組織コード / organization code')
    .option('--version <n>', '公表済みの版 / a published version (default: the draft)')
    .option('--out <file>', '出力先 / output file (default: standard output)')
    .action(async (o: { org: string; version?: string; out?: string }) => {
      const m = await openMamori();
      try {
        const org = await orgIdOf(m, o.org);
        const text = o.version
          ? await getVersion(m.ctx.db, org.id, Number(o.version)).then((v) =>
              formatPolicyFile(v.document, `version ${v.summary.number}, effective ${v.summary.effective_on}, sha256 ${v.summary.sha256}`),
            )
          : await getDraft(m.ctx.db, org.id, m.ctx.clock()).then((d) => formatPolicyFile(d.document, `draft, revision ${d.revision}`));
        if (o.out) writeFileSync(o.out, text);
        else process.stdout.write(text);
      } finally {
        await m.close();
      }
    });

  policy
    .command('versions')
    .description('公表済みの版の一覧 / published versions')
    .requiredOption('--org <code>', '組織コード / organization code')
    .action(async (o: { org: string }) => {
      const m = await openMamori();
      try {
        const org = await orgIdOf(m, o.org);
        for (const v of await listVersions(m.ctx.db, org.id)) {
          console.log(`${v.number}\t${v.status}\t通知 ${v.notice_on}\t施行 ${v.effective_on}\t${v.summary ?? ''}`);
        }
      } finally {
        await m.close();
      }
    });

  policy
    .command('presets')
    .description('生協のポリシー・プリセット / presets from the seed co-ops’ published policies')
    .option('--show <id>', 'プリセットのYAMLを表示 / print a preset file')
    .action((o: { show?: string }) => {
      if (o.show) process.stdout.write(readPresetFile(o.show));
      else for (const p of policyPresets) console.log(`${p.id}\t${p.name}\t${p.name_en}`);
    });
}
