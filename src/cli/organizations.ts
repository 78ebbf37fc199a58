/** Organizations and departments from the command line (set-up of a new co-op, federation or subsidiary). */
import type { Command } from 'commander';
import { openMamori } from '../app/bootstrap.ts';
import { AppError } from '../base/errors.ts';
import type { OrganizationKind } from '../db/schema.ts';
import { createDepartment, createOrganization } from '../modules/organizations/service.ts';
import { cliActor } from './audit.ts';

const kinds: OrganizationKind[] = ['coop', 'federation', 'subsidiary'];

export function organizationCommands(program: Command) {
  const orgs = program.command('orgs').description('組織（生協・連合会・子会社）/ organizations');

  orgs
    .command('create')
    .description('組織を登録 / create an organization')
    .requiredOption('--code <code>', '組織コード / code')
    .requiredOption('--name <name>', '名称 / name (Japanese)')
    .option('--name-en <name>', '英語名 / English name')
    .option('--kind <kind>', `種別 / kind: ${kinds.join(', ')}`, 'coop')
    .option('--parent <code>', '上部組織のコード / parent organization code')
    .action(async (o: { code: string; name: string; nameEn?: string; kind: string; parent?: string }) => {
      if (!kinds.includes(o.kind as OrganizationKind) || !/^[a-z0-9-]{2,40}$/.test(o.code)) {
        throw new AppError('validation_failed', [
          {
            field: 'kind/code',
            code: 'invalid',
            message_ja: `種別は ${kinds.join('/')}、コードは英小文字・数字・ハイフンです。`,
            message_en: `Kind is one of ${kinds.join('/')}; the code is lowercase letters, digits and hyphens.`,
          },
        ]);
      }
      const m = await openMamori();
      try {
        const id = await m.ctx.db.transaction().execute(async (tx) => {
          const parent = o.parent
            ? await tx.selectFrom('organizations').select('id').where('code', '=', o.parent).executeTakeFirst()
            : undefined;
          if (o.parent && !parent) throw new AppError('organization_unknown');
          return createOrganization(
            tx,
            cliActor('orgs-create'),
            { code: o.code, name: o.name, name_en: o.nameEn ?? o.name, kind: o.kind as OrganizationKind, parentId: parent?.id ?? null },
            m.ctx.clock(),
          );
        });
        console.log(`組織を登録しました / created organization ${o.code} (${id})`);
      } finally {
        await m.close();
      }
    });

  orgs
    .command('list')
    .description('組織の一覧 / list organizations')
    .action(async () => {
      const m = await openMamori();
      const rows = await m.ctx.db.selectFrom('organizations').select(['code', 'name', 'kind']).orderBy('code').execute();
      for (const r of rows) console.log(`${r.code}\t${r.kind}\t${r.name}`);
      await m.close();
    });

  program
    .command('departments')
    .description('部署 / departments')
    .command('create')
    .description('部署を登録 / create a department')
    .requiredOption('--org <code>', '組織コード / organization code')
    .requiredOption('--code <code>', '部署コード / department code')
    .requiredOption('--name <name>', '名称 / name')
    .option('--name-en <name>', '英語名 / English name')
    .action(async (o: { org: string; code: string; name: string; nameEn?: string }) => {
      const m = await openMamori();
      try {
        await m.ctx.db.transaction().execute(async (tx) => {
          const org = await tx.selectFrom('organizations').select('id').where('code', '=', o.org).executeTakeFirst();
          if (!org) throw new AppError('organization_unknown');
          await createDepartment(
            tx,
            cliActor('departments-create'),
            { orgId: org.id, code: o.code, name: o.name, name_en: o.nameEn ?? o.name },
            m.ctx.clock(),
          );
        });
        console.log(`部署を登録しました / created department ${o.code}`);
      } finally {
        await m.close();
      }
    });
}
