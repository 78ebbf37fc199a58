/**
 * Anonymized releases API (匿名加工情報): list, read, define (form or YAML file), change, export the spec file,
 * preview (dry run), publish the method of provision, deliver. Routes validate, call one service function and
 * shape the answer; the permissions table decides (the processing method only for the privacy office).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../base/context.ts';
import { contentDisposition } from '../../base/downloads.ts';
import { requireStaff } from '../../base/guard.ts';
import { createRelease, publishMethod, specFromInput, updateRelease } from './define-release.ts';
import { releasesRoles } from './permissions.ts';
import { hierarchyPresetLabels, hierarchyPresetNames, presetHierarchy } from './presets.ts';
import { exportReleaseFile, getRelease, listReleases } from './read-releases.ts';
import { deliverRelease, previewRelease } from './run-release.ts';
import { createReleaseBody, deliverBody, previewBody, publishMethodBody, releaseIdParams, updateReleaseBody } from './schemas.ts';
import { templateFor } from './template.ts';

const tags = ['releases'];
// Declared roles refuse roles with no part in releases before the body is validated (see base/guard.ts).
const readers = { roles: releasesRoles('read') };
const managers = { roles: releasesRoles('manage') };

const fileBytes = (file: { content_base64: string } | undefined) =>
  file ? new Uint8Array(Buffer.from(file.content_base64, 'base64')) : undefined;

export function releaseRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/releases',
      {
        config: readers,
        schema: {
          tags,
          summary: '匿名加工情報の一覧 / list the anonymized releases',
          description:
            '加工の方法（定義）は個人情報保護管理責任者だけに表示。内部監査員は名称・項目・公表・結果・提供の記録だけ。/ The processing method only for the privacy officer; auditors see name, items, publications, reports and deliveries.',
        },
      },
      async (req) => listReleases(ctx.db, { actor: requireStaff(req) }),
    );

    app.get(
      '/releases/presets',
      { config: managers, schema: { tags, summary: '一般化の階層のひな形 / ready-made hierarchies' } },
      async () => ({
        presets: hierarchyPresetNames.map((name) => ({ name, label: hierarchyPresetLabels[name], steps: presetHierarchy(name) })),
      }),
    );

    app.get(
      '/releases/template',
      {
        config: managers,
        schema: {
          tags,
          summary: '新しい定義のひな形（YAML）/ the spec file a new release starts from',
          description:
            'データマップに注文（orders）表があれば、その購買額を含めます。/ Includes purchases when the dataset map has an orders table.',
        },
      },
      async (req) => templateFor(ctx.db, { actor: requireStaff(req) }),
    );

    app.get(
      '/releases/:id',
      {
        config: readers,
        schema: { tags, summary: '匿名加工情報（試行・提供の記録つき）/ one release with its runs', params: releaseIdParams },
      },
      async (req) => getRelease(ctx.db, { actor: requireStaff(req), id: req.params.id }),
    );

    app.get(
      '/releases/:id/spec.yaml',
      {
        config: managers,
        schema: { tags, summary: '定義ファイル（YAML）/ the spec file', params: releaseIdParams, produces: ['application/yaml'] },
      },
      async (req, reply) => {
        const file = await exportReleaseFile(ctx.db, { actor: requireStaff(req), id: req.params.id });
        return reply
          .header('content-type', 'application/yaml; charset=utf-8')
          .header('content-disposition', contentDisposition({ ja: `匿名加工情報_${file.code}.yaml`, ascii: `release-${file.code}.yaml` }))
          .header('cache-control', 'no-store')
          .send(file.yaml);
      },
    );

    app.post(
      '/releases',
      {
        config: managers,
        schema: {
          tags,
          summary: '匿名加工情報の作成（項目を公表）/ define a release (its items are published)',
          description:
            '定義（JSON）か定義ファイル（YAML）のどちらか。作成と同時に項目を公表文に掲載します。/ Either the spec or the YAML file; the items are published on the notice at once.',
          body: createReleaseBody,
        },
      },
      async (req, reply) => {
        const spec = specFromInput(req.body);
        return reply.status(201).send(await createRelease(ctx, { actor: requireStaff(req), spec, via: 'api' }));
      },
    );

    app.patch(
      '/releases/:id',
      {
        config: managers,
        schema: {
          tags,
          summary: '定義の変更（版つき）/ change a release at the version the editor saw',
          params: releaseIdParams,
          body: updateReleaseBody,
        },
      },
      async (req) => {
        const spec = specFromInput(req.body);
        return updateRelease(ctx, { actor: requireStaff(req), id: req.params.id, version: req.body.version, spec, via: 'api' });
      },
    );

    app.post(
      '/releases/:id/preview',
      {
        config: managers,
        schema: {
          tags,
          summary: '試行（提供なし）/ preview: the engine’s report, nothing delivered',
          params: releaseIdParams,
          body: previewBody,
        },
      },
      async (req) => {
        const file = fileBytes(req.body.file);
        return previewRelease(ctx, { actor: requireStaff(req), releaseId: req.params.id, ...(file ? { file } : {}), via: 'api' });
      },
    );

    app.post(
      '/releases/:id/publish-method',
      {
        config: managers,
        schema: {
          tags,
          summary: '提供の方法の公表 / publish the method of provision',
          params: releaseIdParams,
          body: publishMethodBody,
        },
      },
      async (req) =>
        publishMethod(ctx, {
          actor: requireStaff(req),
          id: req.params.id,
          version: req.body.version,
          method: req.body.method_of_provision,
          via: 'api',
        }),
    );

    app.post(
      '/releases/:id/deliver',
      {
        config: managers,
        schema: {
          tags,
          summary: '提供 / deliver the release to a target',
          description:
            '提供の方法を公表する前は release_method_unpublished で拒否します。検証をすべて通ったときだけ送ります。/ Refused with release_method_unpublished before the method is published; sent only when every check passed.',
          params: releaseIdParams,
          body: deliverBody,
        },
      },
      async (req) => {
        const file = fileBytes(req.body.file);
        return deliverRelease(ctx, {
          actor: requireStaff(req),
          releaseId: req.params.id,
          target: req.body.target,
          ...(file ? { file } : {}),
          via: 'api',
        });
      },
    );
  };
}
