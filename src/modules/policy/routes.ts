/**
 * The policy registers API: the draft (read, save with its revision, replace from a file, a preset or a
 * version), the review (lint gaps, changes, notice flags, earliest effective date), publishing, and the
 * version history with YAML downloads. Officers edit and publish; auditors, administrators and department
 * managers read.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../base/context.ts';
import { contentDisposition } from '../../base/downloads.ts';
import { requireKind } from '../../base/guard.ts';
import { parseOrgSettings } from '../../base/settings.ts';
import type { RoleKind } from '../../contract/roles.ts';
import { findMyNumberFields } from '../my-number/detect.ts';
import { refuseMyNumber } from '../my-number/refuse.ts';
import type { PolicyDocument } from './document.ts';
import { formatPolicyFile, parsePolicyFile } from './policy-file.ts';
import { adoptPreset, policyPresets } from './presets.ts';
import { getDraft, getVersion, listVersions, publishPolicy, reviewDocument, saveDraft, validatePolicyDocument } from './versions.ts';

const readers: RoleKind[] = ['privacy_officer', 'system_admin', 'auditor', 'department_manager'];
const editors: RoleKind[] = ['privacy_officer'];
const revision = z.int().min(1);
const YAML_MEDIA_TYPE = 'application/yaml; charset=utf-8';

export function policyRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const priorNoticeDays = async (orgId: string) => {
    const org = await ctx.db.selectFrom('organizations').select('settings').where('id', '=', orgId).executeTakeFirstOrThrow();
    return parseOrgSettings(org.settings).policy.priorNoticeDays;
  };
  const draftWithReview = async (orgId: string) => {
    const now = ctx.clock();
    const draft = await getDraft(ctx.db, orgId, now);
    const days = await priorNoticeDays(orgId);
    const review = await reviewDocument(ctx.db, { orgId, document: draft.document, now, priorNoticeDays: days });
    return { draft, review, prior_notice_days: days };
  };
  const replaceDraft = async (
    actor: { orgId: string } & Parameters<typeof saveDraft>[1]['actor'],
    rev: number,
    document: PolicyDocument,
    via: 'editor' | 'file' | 'preset' | 'version',
  ) => {
    // The document as it will be stored: a YAML escape (\u0031…) or a folded digit form is caught here.
    const myNumbers = findMyNumberFields(document, 'document');
    if (myNumbers.length) await refuseMyNumber(ctx, actor, { path: `/api/v1/policy/draft (${via})`, fields: myNumbers });
    await ctx.db
      .transaction()
      .execute((tx) => saveDraft(tx, { orgId: actor.orgId, actor, revision: rev, document, now: ctx.clock(), via }));
    return draftWithReview(actor.orgId);
  };

  return async (app) => {
    app.get(
      '/policy/draft',
      { config: { roles: readers }, schema: { tags: ['policy'], summary: 'ポリシーの下書きと点検結果 / the draft policy and its review' } },
      async (req) => {
        const actor = requireKind(req, readers);
        return draftWithReview(actor.orgId);
      },
    );

    app.put(
      '/policy/draft',
      {
        config: { roles: editors },
        schema: {
          tags: ['policy'],
          summary: '下書きの保存（版番号による楽観的排他） / save the draft (optimistic revision)',
          body: z.strictObject({ revision, document: z.record(z.string(), z.unknown()) }),
        },
      },
      async (req) => {
        const actor = requireKind(req, editors);
        return replaceDraft(actor, req.body.revision, validatePolicyDocument(req.body.document), 'editor');
      },
    );

    app.post(
      '/policy/draft/file',
      {
        config: { roles: editors },
        schema: {
          tags: ['policy'],
          summary: 'YAMLファイルで下書きを置き換え / replace the draft from a YAML policy file',
          body: z.strictObject({ revision, yaml: z.string().max(2_000_000) }),
        },
      },
      async (req) => {
        const actor = requireKind(req, editors);
        return replaceDraft(actor, req.body.revision, parsePolicyFile(req.body.yaml), 'file');
      },
    );

    app.post(
      '/policy/draft/reset',
      {
        config: { roles: editors },
        schema: {
          tags: ['policy'],
          summary: 'プリセットまたは公表済みの版から下書きを作成 / start the draft from a preset or a published version',
          body: z.union([z.strictObject({ revision, preset: z.string().max(80) }), z.strictObject({ revision, version: z.int().min(1) })]),
        },
      },
      async (req) => {
        const actor = requireKind(req, editors);
        const org = await ctx.db
          .selectFrom('organizations')
          .select(['code', 'name', 'name_en', 'kind'])
          .where('id', '=', actor.orgId)
          .executeTakeFirstOrThrow();
        let document: PolicyDocument;
        if ('preset' in req.body) {
          // A preset is another co-op's published policy: it becomes this organization's starting point.
          document = adoptPreset(req.body.preset, { ...org, kind: org.kind as PolicyDocument['organization']['kind'] });
        } else {
          document = (await getVersion(ctx.db, actor.orgId, req.body.version)).document;
        }
        return replaceDraft(actor, req.body.revision, document, 'preset' in req.body ? 'preset' : 'version');
      },
    );

    app.get(
      '/policy/draft/file',
      { config: { roles: readers }, schema: { tags: ['policy'], summary: '下書きのYAMLファイル / the draft as a YAML file' } },
      async (req, reply) => {
        const actor = requireKind(req, readers);
        const draft = await getDraft(ctx.db, actor.orgId, ctx.clock());
        const code = draft.document.organization.code;
        reply
          .header('content-type', YAML_MEDIA_TYPE)
          .header(
            'content-disposition',
            contentDisposition({ ja: `${code}-個人情報保護方針-下書き.yaml`, ascii: `${code}-policy-draft.yaml` }),
          );
        return formatPolicyFile(draft.document, `draft, revision ${draft.revision}`);
      },
    );

    app.post(
      '/policy/publish',
      {
        config: { roles: editors },
        schema: {
          tags: ['policy'],
          summary: '下書きを公表 / publish the draft as the next version',
          body: z.strictObject({ revision, effective_on: z.iso.date(), summary: z.string().max(1000).optional() }),
        },
      },
      async (req, reply) => {
        const actor = requireKind(req, editors);
        const days = await priorNoticeDays(actor.orgId);
        const version = await ctx.db.transaction().execute(async (tx) => {
          const published = await publishPolicy(tx, {
            orgId: actor.orgId,
            actor,
            revision: req.body.revision,
            effectiveOn: req.body.effective_on,
            summary: req.body.summary,
            now: ctx.clock(),
            priorNoticeDays: days,
          });
          // Every instance's notices and access engine forget what they kept, when this commits.
          await ctx.events.publish(tx, 'policy.published', { orgId: actor.orgId });
          await ctx.events.publish(tx, 'policy.changed', {});
          return published;
        });
        return reply.status(201).send({ version });
      },
    );

    app.get(
      '/policy/versions',
      { config: { roles: readers }, schema: { tags: ['policy'], summary: '公表済みの版の一覧 / published versions' } },
      async (req) => {
        const actor = requireKind(req, readers);
        return { versions: await listVersions(ctx.db, actor.orgId) };
      },
    );

    app.get(
      '/policy/versions/:number',
      {
        config: { roles: readers },
        schema: {
          tags: ['policy'],
          summary: '公表済みの版 / one published version',
          params: z.object({ number: z.coerce.number().int().min(1) }),
        },
      },
      async (req) => {
        const actor = requireKind(req, readers);
        const { summary, document } = await getVersion(ctx.db, actor.orgId, req.params.number);
        return { version: summary, document };
      },
    );

    app.get(
      '/policy/versions/:number/file',
      {
        config: { roles: readers },
        schema: {
          tags: ['policy'],
          summary: '公表済みの版のYAMLファイル / a published version as a YAML file',
          params: z.object({ number: z.coerce.number().int().min(1) }),
        },
      },
      async (req, reply) => {
        const actor = requireKind(req, readers);
        const { summary, document } = await getVersion(ctx.db, actor.orgId, req.params.number);
        const code = document.organization.code;
        reply.header('content-type', YAML_MEDIA_TYPE).header(
          'content-disposition',
          contentDisposition({
            ja: `${code}-個人情報保護方針-第${summary.number}版.yaml`,
            ascii: `${code}-policy-v${summary.number}.yaml`,
          }),
        );
        return formatPolicyFile(document, `version ${summary.number}, effective ${summary.effective_on}, sha256 ${summary.sha256}`);
      },
    );

    app.get(
      '/policy/presets',
      {
        config: { roles: readers },
        schema: { tags: ['policy'], summary: '生協のポリシー・プリセット / policy presets from published co-op policies' },
      },
      async (req) => {
        requireKind(req, readers);
        return { presets: policyPresets.map(({ id, name, name_en }) => ({ id, name, name_en })) };
      },
    );
  };
}
