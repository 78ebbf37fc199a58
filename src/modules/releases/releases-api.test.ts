/**
 * Anonymized releases over HTTP on both dialects, with the demo co-op's members and its ordering system (a real
 * SQLite file of the dataset map): the officer defines a release from its YAML file (the items go on the public
 * notice at once), previews it (the engine's report stored with the run, nothing delivered), is refused a delivery
 * until the method of provision is published, then delivers it to a folder target — the recipient's file has the
 * labels as headers, keyed hashes instead of member codes (different in another release), the Japanese notice
 * beside it, and its checksum on record. Members whose use for the purpose was stopped are left out and counted.
 * The auditor sees the release without its processing method; other roles nothing. Bad input names its cause.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertConnection, mapSystems } from '../../../test/support/connected-systems.ts';
import { availableDialects, chained } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { Client, testServer } from '../../../test/support/http.ts';
import { KeyRing } from '../crypto/data-keys.ts';
import { registerTarget } from '../deliveries/register-target.ts';
import { systemSchema } from '../policy/document.ts';
import { policyInEffect } from '../policy/in-effect.ts';
import { deliverDueReleases } from './deliver-due.ts';
import { openKey, reencryptReleaseKeys } from './release-key.ts';
import { releaseTemplate } from './template.ts';

const demoSpecYaml = (code: string, extra = '') => releaseTemplate({ code, purchases: true }) + extra;

type Release = {
  id: string;
  code: string;
  version: number;
  items: string[];
  items_published_at: string | null;
  method_published_at: string | null;
  spec?: unknown;
  yaml?: string;
  runs: {
    kind: string;
    status: string;
    error_code: string | null;
    report: Record<string, unknown> | null;
    excluded: Record<string, number> | null;
    sha256: string | null;
    file_name: string | null;
  }[];
};

describe.each(availableDialects())('anonymized releases API on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  let systemsDir: string;
  let outDir: string;
  const clients: Record<string, Client> = {};
  let release: Release;

  beforeAll(async () => {
    systemsDir = mkdtempSync(join(tmpdir(), 'mamori-release-systems-'));
    outDir = mkdtempSync(join(tmpdir(), 'mamori-release-out-'));
    f = await demoFixture(dialect, { members: 60, systemsDir });
    app = await testServer(f);
    for (const login of ['officer', 'auditor', 'manager', 'staff']) {
      clients[login] = new Client(app);
      await clients[login].login(f, login);
    }
    await registerTarget(f.ctx, {
      actor: await f.actor('officer'),
      input: { code: 'out', name: '取引先共有フォルダ', kind: 'folder', recipient: '一部の取引先', settings: { directory: outDir } },
    });
    // One member stopped the use of their data for the release's purpose (利用停止): they are left out.
    const org = await f.ctx.db.selectFrom('organizations').select('id').where('code', '=', 'demo-coop').executeTakeFirstOrThrow();
    const purpose = await f.ctx.db
      .selectFrom('purposes')
      .select('id')
      .where('org_id', '=', org.id)
      .where('code', '=', 'P02')
      .executeTakeFirstOrThrow();
    const member = await f.ctx.db
      .selectFrom('members')
      .select('id')
      .where('org_id', '=', org.id)
      .where('erased_at', 'is', null)
      .where('status', '!=', 'withdrawn')
      .orderBy('member_code')
      .executeTakeFirstOrThrow();
    await f.ctx.db
      .insertInto('member_purpose_blocks')
      .values({
        member_id: member.id,
        purpose_id: purpose.id,
        kind: 'stopped',
        reason: null,
        created_at: new Date().toISOString(),
        created_by: null,
      })
      .execute();
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
    rmSync(systemsDir, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  });

  it('defines a release from its YAML file and publishes its items on the notice at once', async () => {
    const r = await clients.officer!.post('/api/v1/releases', { yaml: demoSpecYaml('usage') });
    expect(r.status, r.raw).toBe(201);
    release = r.body as unknown as Release;
    expect(release.items).toEqual(['顧客ID', '年代', '性別', 'はん個配区分', '月間利用額']);
    expect(release.items_published_at).not.toBeNull();
    expect(release.method_published_at).toBeNull();
    expect(release.yaml).toContain('preset: age_bands');
    const page = await clients.staff!.get('/notices/demo-coop');
    expect(page.status).toBe(200);
    expect(page.raw).toContain('組合員の利用状況（取引先向け）');
    expect(page.raw).toContain('顧客ID、年代、性別、はん個配区分、月間利用額');
    // Created, not provided: the notice does not say 提供の方法 for it yet.
    const section = page.raw.slice(page.raw.indexOf('id="anonymized-usage"'));
    expect(section.slice(0, section.indexOf('</section>'))).not.toContain('提供の方法');
    const json = await new Client(app).get('/api/v1/public/notices/demo-coop');
    expect(json.body.anonymized_releases).toEqual([
      expect.objectContaining({ code: 'usage', items: release.items, method_of_provision: null, recipients: null }),
    ]);
    const audit = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select(['action', 'outcome'])
      .where('action', '=', 'release.create')
      .execute();
    expect(audit).toEqual([{ action: 'release.create', outcome: 'ok' }]);
  });

  it('shows the processing method to the privacy office only', async () => {
    const officer = await clients.officer!.get(`/api/v1/releases/${release.id}`);
    expect(officer.body.spec).toBeDefined();
    const auditor = await clients.auditor!.get(`/api/v1/releases/${release.id}`);
    expect(auditor.status).toBe(200);
    expect(auditor.body.spec).toBeUndefined();
    expect(auditor.body.yaml).toBeUndefined();
    expect(auditor.raw).not.toContain('age_bands');
    expect(auditor.body.items).toEqual(release.items);
    expect((await clients.auditor!.get(`/api/v1/releases/${release.id}/spec.yaml`)).status).toBe(403);
    expect((await clients.manager!.get('/api/v1/releases')).status).toBe(403);
    expect((await clients.staff!.get(`/api/v1/releases/${release.id}`)).status).toBe(403);
  });

  it('previews: the report with levels, lattice, class sizes and risk is stored, the stopped member left out, nothing delivered', async () => {
    const r = await clients.officer!.post(`/api/v1/releases/${release.id}/preview`, {});
    expect(r.status, r.raw).toBe(200);
    const report = r.body.report as { levels: unknown[]; lattice: { size: number }; verified: { k: boolean }; rows: { input: number } };
    expect(report.levels).toHaveLength(3);
    expect(report.lattice.size).toBeGreaterThan(1);
    expect(report.verified.k).toBe(true);
    expect((r.body.excluded as Record<string, number>).stopped).toBe(1);
    expect(readdirSync(outDir)).toEqual([]);
    const view = (await clients.auditor!.get(`/api/v1/releases/${release.id}`)).body as unknown as Release;
    expect(view.runs[0]).toMatchObject({ kind: 'preview', status: 'succeeded' });
    expect(view.runs[0]!.report).toMatchObject({ verified: { k: true } });
  });

  it('refuses a delivery before the method of provision is published, and sends nothing', async () => {
    const r = await clients.officer!.post(`/api/v1/releases/${release.id}/deliver`, { target: 'out' });
    expect(r.status).toBe(409);
    expect(r.body.error?.code).toBe('release_method_unpublished');
    expect(r.body.error?.message_ja).toContain('提供の方法');
    expect(readdirSync(outDir)).toEqual([]);
    const refused = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select('outcome')
      .where('action', '=', 'release.deliver')
      .execute();
    expect(refused).toEqual([{ outcome: 'refused' }]);
  });

  it('publishes the method, then delivers: labels as headers, keyed hashes, the notice beside it, the checksum on record', async () => {
    const published = await clients.officer!.post(`/api/v1/releases/${release.id}/publish-method`, {
      version: release.version,
      method_of_provision: '取引先と共同利用可能なサーバーにアップロードします。',
    });
    expect(published.status, published.raw).toBe(200);
    const r = await clients.officer!.post(`/api/v1/releases/${release.id}/deliver`, { target: 'out' });
    expect(r.status, r.raw).toBe(200);
    const delivery = r.body.delivery as { fileName: string; sha256: string; rows: number };
    const file = join(outDir, delivery.fileName);
    const bytes = readFileSync(file);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(delivery.sha256);
    const rows = parse(bytes.toString('utf8').replace(/^\uFEFF/, '')) as string[][];
    expect(rows[0]).toEqual(['顧客ID', '年代', '性別', 'はん個配区分', '月間利用額']);
    expect(rows.length - 1).toBe(delivery.rows);
    const codes = new Set((await f.ctx.db.selectFrom('members').select('member_code').execute()).map((m) => m.member_code));
    for (const row of rows.slice(1)) {
      expect(codes.has(row[0]!)).toBe(false);
      expect(row[0]).toMatch(/^[0-9a-f]{16,64}$/);
    }
    const notice = readdirSync(outDir).find((n) => n !== delivery.fileName)!;
    const text = readFileSync(join(outDir, notice), 'utf8');
    expect(text).toContain('匿名加工情報');
    expect(text).toContain('識別');
    const view = (await clients.officer!.get(`/api/v1/releases/${release.id}`)).body as unknown as Release;
    expect(view.runs[0]).toMatchObject({ kind: 'delivery', status: 'succeeded', sha256: delivery.sha256 });
    const page = await clients.staff!.get('/notices/demo-coop');
    expect(page.raw).toContain('取引先と共同利用可能なサーバーにアップロードします。');
    const json = await new Client(app).get('/api/v1/public/notices/demo-coop');
    expect(json.status).toBe(200);
    expect(json.body.anonymized_releases).toEqual([
      expect.objectContaining({
        code: 'usage',
        method_of_provision: '取引先と共同利用可能なサーバーにアップロードします。',
        recipients: '一部の取引先',
      }),
    ]);
  });

  it('gives every release its own key: the same members get unrelated pseudonyms in another release', async () => {
    const other = await clients.officer!.post('/api/v1/releases', { yaml: demoSpecYaml('usage-b') });
    expect(other.status, other.raw).toBe(201);
    const o = other.body as unknown as Release;
    await clients.officer!.post(`/api/v1/releases/${o.id}/publish-method`, { version: o.version, method_of_provision: '同上' });
    const first = (await clients.officer!.get(`/api/v1/releases/${release.id}`)).body as unknown as Release;
    const d = await clients.officer!.post(`/api/v1/releases/${o.id}/deliver`, { target: 'out' });
    expect(d.status, d.raw).toBe(200);
    const read = (name: string) =>
      new Set((parse(readFileSync(join(outDir, name), 'utf8').replace(/^\uFEFF/, '')) as string[][]).slice(1).map((r) => r[0]));
    const a = read(first.runs.find((r) => r.kind === 'delivery' && r.status === 'succeeded')!.file_name!);
    const b = read((d.body.delivery as { fileName: string }).fileName);
    expect([...a].filter((x) => b.has(x))).toEqual([]);
  });

  it('delivers as Parquet with the notice in its metadata, or as Shift_JIS CSV, as the spec says', async () => {
    const parquet = await clients.officer!.post('/api/v1/releases', { yaml: `${demoSpecYaml('usage-pq')}output:\n  format: parquet\n` });
    expect(parquet.status, parquet.raw).toBe(201);
    const p = parquet.body as unknown as Release;
    await clients.officer!.post(`/api/v1/releases/${p.id}/publish-method`, { version: p.version, method_of_provision: 'Parquet で提供' });
    const d = await clients.officer!.post(`/api/v1/releases/${p.id}/deliver`, { target: 'out' });
    expect(d.status, d.raw).toBe(200);
    const file = await asyncBufferFromFile(join(outDir, (d.body.delivery as { fileName: string }).fileName));
    const meta = await parquetMetadataAsync(file);
    expect(meta.key_value_metadata?.find((kv) => kv.key === 'mamori.notice')?.value).toContain('匿名加工情報');
    const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
    expect(Object.keys(rows[0]!)).toEqual(['顧客ID', '年代', '性別', 'はん個配区分', '月間利用額']);
    expect(rows.length).toBe((d.body.delivery as { rows: number }).rows);

    const sjis = await clients.officer!.post('/api/v1/releases', { yaml: `${demoSpecYaml('usage-sjis')}output:\n  charset: shift_jis\n` });
    const s = sjis.body as unknown as Release;
    await clients.officer!.post(`/api/v1/releases/${s.id}/publish-method`, { version: s.version, method_of_provision: 'Shift_JIS で提供' });
    const ds = await clients.officer!.post(`/api/v1/releases/${s.id}/deliver`, { target: 'out' });
    expect(ds.status, ds.raw).toBe(200);
    const text = iconv.decode(readFileSync(join(outDir, (ds.body.delivery as { fileName: string }).fileName)), 'cp932');
    expect(text.split('\r\n')[0]).toBe('顧客ID,年代,性別,はん個配区分,月間利用額');
  });

  it('names the cause of bad input: YAML by line, k above the population, an uncovered value, too few values for l', async () => {
    const yaml = await clients.officer!.post('/api/v1/releases', { yaml: `${demoSpecYaml('bad-yaml')}\nk: [` });
    expect(yaml.status).toBe(400);
    expect(yaml.body.error?.code).toBe('release_spec_invalid');
    const unknownColumn = await clients.officer!.post('/api/v1/releases', {
      yaml: demoSpecYaml('bad-col').replace('name: gender', 'name: blood_type'),
    });
    expect(unknownColumn.status).toBe(400);
    expect(JSON.stringify(unknownColumn.body.error?.issues)).toContain('blood_type');

    const big = await clients.officer!.post('/api/v1/releases', { yaml: demoSpecYaml('too-big').replace('k: 3', 'k: 5000') });
    expect(big.status, big.raw).toBe(201);
    const tooBig = await clients.officer!.post(`/api/v1/releases/${(big.body as unknown as Release).id}/preview`, {});
    expect(tooBig.status).toBe(422);
    expect(tooBig.body.error?.code).toBe('anonymize_k_exceeds_population');

    const groups = demoSpecYaml('uncovered').replace(
      'preset: delivery_type_groups',
      'hierarchy:\n      - kind: groups\n        groups:\n          宅配: [班配]',
    );
    const g = await clients.officer!.post('/api/v1/releases', { yaml: groups });
    expect(g.status, g.raw).toBe(201);
    const uncovered = await clients.officer!.post(`/api/v1/releases/${(g.body as unknown as Release).id}/preview`, {});
    expect(uncovered.status).toBe(422);
    expect(uncovered.body.error?.code).toBe('anonymize_hierarchy_uncovered');
    expect(JSON.stringify(uncovered.body.error?.issues)).toMatch(/個配|店舗のみ/);

    // Every quasi-identifier kept at its value (max_level 0) and nothing may be suppressed: no transformation meets k.
    const strict = demoSpecYaml('strict')
      .replace('suppression_limit: 0.1', 'suppression_limit: 0')
      .replaceAll('    role: quasi_identifier\n', '    role: quasi_identifier\n    max_level: 0\n');
    const st = await clients.officer!.post('/api/v1/releases', { yaml: strict });
    expect(st.status, st.raw).toBe(201);
    const unmet = await clients.officer!.post(`/api/v1/releases/${(st.body as unknown as Release).id}/preview`, {});
    expect(unmet.status).toBe(422);
    expect(unmet.body.error?.code).toBe('anonymize_suppression_unmet');
    expect(unmet.body.error?.message_ja).toContain('上限');

    const lSpec = demoSpecYaml('l-div').replace('role: insensitive', 'role: sensitive').concat('l:\n  column: gender_copy\n  l: 2\n');
    const badL = await clients.officer!.post('/api/v1/releases', { yaml: lSpec });
    expect(badL.status).toBe(400);
    expect(JSON.stringify(badL.body.error?.issues)).toContain('gender_copy');
    const lMany = await clients.officer!.post('/api/v1/releases', {
      yaml: demoSpecYaml('l-many').replace('role: insensitive', 'role: sensitive').concat('l:\n  column: monthly_spend\n  l: 1000\n'),
    });
    expect(lMany.status, lMany.raw).toBe(201);
    const unreachable = await clients.officer!.post(`/api/v1/releases/${(lMany.body as unknown as Release).id}/preview`, {});
    expect(unreachable.status).toBe(422);
    expect(unreachable.body.error?.code).toBe('anonymize_l_unreachable');
  });

  it('keeps each version of the definition; unchanged items keep their publication date, a stale version is refused', async () => {
    const before = (await clients.officer!.get(`/api/v1/releases/${release.id}`)).body as unknown as Release & {
      versions: { version: number; changed: string[]; created_by: string }[];
    };
    const yaml = demoSpecYaml('usage').replace('k: 3', 'k: 4');
    const r = await clients.officer!.patch(`/api/v1/releases/${release.id}`, { version: before.version, yaml });
    expect(r.status, r.raw).toBe(200);
    const after = r.body as unknown as typeof before;
    expect(after.versions[0]).toMatchObject({ version: before.version + 1, changed: ['k'], created_by: 'officer' });
    expect(after.versions.at(-1)).toMatchObject({ version: 1, changed: [] });
    expect(after.items_published_at).toBe(before.items_published_at);
    const stale = await clients.officer!.patch(`/api/v1/releases/${release.id}`, { version: before.version, yaml });
    expect(stale.status).toBe(409);
    expect(stale.body.error?.code).toBe('release_version_conflict');
    const unknownRecipient = await clients.officer!.patch(`/api/v1/releases/${release.id}`, {
      version: after.version,
      yaml: `${yaml}third_parties: [no-such-partner]\n`,
    });
    expect(unknownRecipient.status).toBe(400);
    expect(JSON.stringify(unknownRecipient.body.error?.issues)).toContain('no-such-partner');
  });

  it('refuses purchases from a drop folder, which cannot be queried, naming the cause', async () => {
    const org = await f.ctx.db.selectFrom('organizations').select('id').where('code', '=', 'demo-coop').executeTakeFirstOrThrow();
    const policy = await policyInEffect(f.ctx.db, org.id);
    const drop = systemSchema.parse({
      code: 'drop',
      name: '受け渡しフォルダ',
      kind: 'sftp_drop',
      tables: [{ table: 'orders', key: 'id', link: { column: 'member_code', identity: 'member_code' } }],
    });
    await mapSystems(f.ctx, org.id, [...(policy?.document.systems ?? []), drop]);
    await insertConnection(f.ctx, {
      orgId: org.id,
      code: 'drop',
      name: '受け渡しフォルダ',
      kind: 'sftp_drop',
      settings: { host: '127.0.0.1', port: 1, user: 'x', folder: '/drop' },
    });
    const created = await clients.officer!.post('/api/v1/releases', {
      yaml: demoSpecYaml('from-drop').replace('system: ordering', 'system: drop'),
    });
    expect(created.status, created.raw).toBe(201);
    const r = await clients.officer!.post(`/api/v1/releases/${(created.body as unknown as Release).id}/preview`, {});
    expect(r.status).toBe(422);
    expect(r.body.error?.code).toBe('system_not_queryable');
  });

  it('reads an uploaded Shift_JIS CSV as the source', async () => {
    const spec = `code: from-file
name: アンケート集計（ファイル）
recipients: 研究機関
purpose: P07
source:
  kind: file
  charset: shift_jis
columns:
  - name: 年齢
    role: quasi_identifier
    preset: age_bands
  - name: 区分
    role: quasi_identifier
    hierarchy:
      - kind: groups
        groups:
          宅配: [班配, 個配]
          店舗: [店舗のみ]
  - name: 満足度
    role: insensitive
k: 2
suppression_limit: 0.2
`;
    const created = await clients.officer!.post('/api/v1/releases', { yaml: spec });
    expect(created.status, created.raw).toBe(201);
    const lines = ['年齢,区分,満足度'];
    for (let i = 0; i < 40; i++) lines.push(`${20 + (i % 40)},${['班配', '個配', '店舗のみ'][i % 3]},${(i % 5) + 1}`);
    const content_base64 = iconv.encode(`${lines.join('\r\n')}\r\n`, 'cp932').toString('base64');
    const id = (created.body as unknown as Release).id;
    const r = await clients.officer!.post(`/api/v1/releases/${id}/preview`, { file: { name: 'survey.csv', content_base64 } });
    expect(r.status, r.raw).toBe(200);
    expect((r.body.report as { rows: { input: number } }).rows.input).toBe(40);
    const missing = await clients.officer!.post(`/api/v1/releases/${id}/preview`, {});
    expect(missing.status).toBe(422);
    expect(missing.body.error?.code).toBe('release_source_invalid');
    const wrongHeader = iconv.encode('age,kind\r\n30,班配\r\n', 'cp932').toString('base64');
    const bad = await clients.officer!.post(`/api/v1/releases/${id}/preview`, { file: { name: 'x.csv', content_base64: wrongHeader } });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body.error?.issues)).toContain('年齢');
  });

  it('delivers a monthly release once per month from the job', async () => {
    const yaml = demoSpecYaml('monthly').concat('schedule:\n  kind: monthly\n  day: 1\ntarget: out\n');
    const created = await clients.officer!.post('/api/v1/releases', { yaml });
    expect(created.status, created.raw).toBe(201);
    const rel = created.body as unknown as Release;
    // Not published: the job leaves it alone.
    const none = await deliverDueReleases(f.ctx);
    expect(none.delivered).toBe(0);
    await clients.officer!.post(`/api/v1/releases/${rel.id}/publish-method`, {
      version: rel.version,
      method_of_provision: '毎月アップロード',
    });
    const first = await deliverDueReleases(f.ctx);
    expect(first.delivered).toBe(1);
    const again = await deliverDueReleases(f.ctx);
    expect(again.delivered).toBe(0);
    const runs = await f.ctx.db.selectFrom('release_runs').select(['period', 'status']).where('release_id', '=', rel.id).execute();
    expect(runs).toEqual([{ period: new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 7), status: 'succeeded' }]);
  });

  it('a scheduled delivery that fails is recorded, gives its month back, and fails the job so that it is tried again', async () => {
    const gone = mkdtempSync(join(tmpdir(), 'mamori-release-gone-'));
    await registerTarget(f.ctx, {
      actor: await f.actor('officer'),
      input: { code: 'gone', name: '消えたフォルダ', kind: 'folder', recipient: '一部の取引先', settings: { directory: gone } },
    });
    rmSync(gone, { recursive: true, force: true });
    const created = await clients.officer!.post('/api/v1/releases', {
      yaml: demoSpecYaml('monthly-fails').concat('schedule:\n  kind: monthly\n  day: 1\ntarget: gone\n'),
    });
    const rel = created.body as unknown as Release;
    await clients.officer!.post(`/api/v1/releases/${rel.id}/publish-method`, { version: rel.version, method_of_provision: '毎月' });
    await expect(deliverDueReleases(f.ctx)).rejects.toMatchObject({ code: 'release_delivery_failed' });
    const row = await f.ctx.db.selectFrom('releases').select('last_period').where('id', '=', rel.id).executeTakeFirstOrThrow();
    expect(row.last_period).toBeNull();
    const runs = await f.ctx.db
      .selectFrom('release_runs')
      .select(['status', 'error_code', 'period'])
      .where('release_id', '=', rel.id)
      .execute();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'failed', period: new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 7) });
    expect(runs[0]!.error_code).toMatch(/^delivery_/);
    // The month stays due: once the folder is back, the next run delivers it.
    mkdirSync(gone, { recursive: true });
    expect((await deliverDueReleases(f.ctx)).delivered).toBe(1);
    rmSync(gone, { recursive: true, force: true });
  });

  it('keeps each release key sealed: never in an answer, re-encrypted by key rotation to the same bytes', async () => {
    const rows = await f.ctx.db.selectFrom('releases').select(['id', 'key_enc']).execute();
    const raw = (await clients.officer!.get('/api/v1/releases')).raw + (await clients.officer!.get(`/api/v1/releases/${release.id}`)).raw;
    for (const r of rows) {
      expect(raw).not.toContain(r.key_enc);
      expect(raw).not.toContain(Buffer.from(openKey(f.ctx.keys, r.key_enc)).toString('base64'));
    }
    const rotated = f.ctx.keys.rotated();
    const before = rows.map((r) => Buffer.from(openKey(f.ctx.keys, r.key_enc)).toString('hex'));
    const count = await f.ctx.db.transaction().execute((tx) => reencryptReleaseKeys(tx, rotated));
    expect(count).toBe(rows.length);
    const after = await f.ctx.db.selectFrom('releases').select(['id', 'key_enc']).execute();
    for (const r of after) expect(KeyRing.keyIdOf(r.key_enc)).toBe(rotated.primaryId);
    const byId = new Map(after.map((r) => [r.id, r.key_enc]));
    expect(rows.map((r) => Buffer.from(openKey(rotated, byId.get(r.id)!)).toString('hex'))).toEqual(before);
    expect(await f.ctx.db.transaction().execute((tx) => reencryptReleaseKeys(tx, rotated))).toBe(0);
  });
});
