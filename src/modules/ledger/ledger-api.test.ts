/**
 * The ledger over HTTP on both dialects: the privacy officer registers, changes, reviews, retires and
 * downloads; refusals carry stable codes with Japanese and English messages; each role gets what the
 * permission table gives it; the endpoints are in the OpenAPI document.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects, chained } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { Client, testServer } from '../../../test/support/http.ts';
import { seedDemoLedger } from './demo.ts';

const NOW = new Date('2026-06-15T01:00:00Z');
type Asset = { id: string; code: string; name: string; version: number; review: { state: string }; department: { code: string } };

describe.each(availableDialects())('ledger API on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  const clients: Record<string, Client> = {};

  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 5, clock: () => NOW });
    const officer = await f.actor('officer');
    await f.ctx.db.transaction().execute((tx) => seedDemoLedger(tx, officer.orgId, NOW));
    app = await testServer(f, { sessionIdleMinutes: 24 * 60 });
    for (const login of ['officer', 'manager', 'auditor', 'staff']) {
      clients[login] = new Client(app);
      expect((await clients[login].login(f, login)).status).toBe(200);
    }
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
  });

  const body = {
    name: 'API 宅配注文書（紙）',
    department: 'delivery',
    medium: 'paper',
    items: ['member_code', 'name'],
    purposes: ['P04'],
    risks: [{ stage: 'acquire', threats: '回収時の紛失', countermeasures: '封緘', residual_risk: 'low' }],
  };

  it('registers, changes at a version, reviews, retires', async () => {
    const officer = clients.officer!;
    const created = await officer.post('/api/v1/ledger/assets', body);
    expect(created.status).toBe(201);
    const asset = created.body as unknown as Asset;
    expect(asset).toMatchObject({ name: body.name, version: 1, department: { code: 'delivery' } });

    const changed = await officer.patch(`/api/v1/ledger/assets/${asset.id}`, { version: 1, changes: { retention: '3か月' } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ version: 2, retention: '3か月' });

    const stale = await officer.patch(`/api/v1/ledger/assets/${asset.id}`, { version: 1, changes: { retention: '6か月' } });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({
      code: 'ledger_version_conflict',
      message_ja: expect.stringContaining('最新の内容を読み込んで'),
      message_en: expect.stringContaining('Reload'),
    });

    const review = await officer.post(`/api/v1/ledger/assets/${asset.id}/reviews`, { result: 'no_change', notes: '確認済み', version: 2 });
    expect(review.status).toBe(201);
    expect(review.body).toMatchObject({ version: 3, review: { last_reviewed_on: '2026-06-15', state: 'ok' } });

    const detail = await officer.get(`/api/v1/ledger/assets/${asset.id}`);
    expect(detail.body.reviews).toEqual([
      expect.objectContaining({ result: 'no_change', notes: '確認済み', reviewer_name: '保護 管理子' }),
    ]);

    const retired = await officer.post(`/api/v1/ledger/assets/${asset.id}/retire`, { version: 3, reason: '紙の注文書を廃止' });
    expect(retired.status).toBe(200);
    expect(retired.body).toMatchObject({ status: 'retired', version: 4 });
    const again = await officer.patch(`/api/v1/ledger/assets/${asset.id}`, { version: 4, changes: { name: 'x' } });
    expect(again.body.error?.code).toBe('ledger_asset_retired');
  });

  it('refuses bad input with stable codes, naming the unknown code', async () => {
    const officer = clients.officer!;
    const unknownItem = await officer.post('/api/v1/ledger/assets', { ...body, items: ['name', 'hobby'] });
    expect(unknownItem.status).toBe(400);
    expect(unknownItem.body.error?.code).toBe('ledger_item_unknown');
    expect(unknownItem.body.error?.issues).toEqual([
      expect.objectContaining({ field: 'items.1', code: 'unknown_item', message_ja: expect.stringContaining('「hobby」') }),
    ]);
    const unknownField = await officer.post('/api/v1/ledger/assets', { ...body, colour: 'red' });
    expect(unknownField.body.error?.code).toBe('unknown_field');
    const badStage = await officer.post('/api/v1/ledger/assets', { ...body, risks: [{ stage: 'archive' }] });
    expect(badStage.status).toBe(400);
    expect(badStage.body.error?.code).toBe('validation_failed');
    const interval = await officer.post('/api/v1/ledger/assets', { ...body, review_interval_months: 24 });
    expect(interval.body.error?.issues?.[0]?.field).toBe('review_interval_months');
    const missing = await officer.get('/api/v1/ledger/assets/00000000-0000-0000-0000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.error?.code).toBe('ledger_asset_not_found');
    const list = await officer.get('/api/v1/ledger/assets?overdue=maybe');
    expect(list.status).toBe(400);
  });

  it('lists with filters', async () => {
    const officer = clients.officer!;
    const overdue = await officer.get('/api/v1/ledger/assets?overdue=true');
    expect((overdue.body.assets as Asset[]).map((a) => a.name)).toEqual(['共済申込書（紙）']);
    expect(overdue.body.counts).toMatchObject({ overdue: 1 });
    const sensitive = await officer.get('/api/v1/ledger/assets?sensitive=true');
    expect((sensitive.body.assets as Asset[]).map((a) => a.code)).toEqual(['L-0003', 'L-0004']);
    const byName = await officer.get(`/api/v1/ledger/assets?q=${encodeURIComponent('録音')}`);
    expect((byName.body.assets as Asset[]).map((a) => a.code)).toEqual(['L-0005']);
    const byDept = await officer.get('/api/v1/ledger/assets?department=kyosai');
    expect((byDept.body.assets as Asset[]).map((a) => a.code)).toEqual(['L-0003']);
  });

  it('gives each role what the permission table says', async () => {
    const { manager, auditor, staff } = clients as Record<string, Client>;
    const mine = await manager!.post('/api/v1/ledger/assets', { ...body, name: '宅配部の資産' });
    expect(mine.status).toBe(201);
    const elsewhere = await manager!.post('/api/v1/ledger/assets', { ...body, department: 'welfare' });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.error).toMatchObject({ code: 'ledger_department_forbidden', message_ja: expect.stringContaining('自部署') });
    const managerList = (await manager!.get('/api/v1/ledger/assets')).body.assets as Asset[];
    expect(new Set(managerList.map((a) => a.department.code))).toEqual(new Set(['delivery']));

    const auditorList = await auditor!.get('/api/v1/ledger/assets');
    expect(auditorList.status).toBe(200);
    expect((auditorList.body.assets as Asset[]).length).toBeGreaterThanOrEqual(7);
    const auditorWrite = await auditor!.post('/api/v1/ledger/assets', body);
    expect(auditorWrite.status).toBe(403);
    expect(auditorWrite.body.error?.code).toBe('forbidden');
    expect((await auditor!.get('/api/v1/ledger/export.xlsx')).status).toBe(200);

    for (const path of ['/api/v1/ledger/assets', '/api/v1/ledger/export.xlsx']) {
      const r = await staff!.get(path);
      expect(r.status).toBe(403);
      expect(r.body.error?.code).toBe('forbidden');
    }
    expect((await new Client(app).get('/api/v1/ledger/assets')).status).toBe(401);
  });

  it('streams the workbook as a download with a Japanese file name', async () => {
    const r = await clients.officer!.request('GET', '/api/v1/ledger/export.xlsx');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const disposition = String(r.headers['content-disposition']);
    expect(disposition).toContain('filename="ledger_demo-coop_2026-06-15.xlsx"');
    expect(decodeURIComponent(disposition.split("filename*=UTF-8''")[1]!)).toBe('個人情報管理台帳_デモ生活協同組合_2026-06-15.xlsx');
    expect(r.raw.slice(0, 2)).toBe('PK');
    const entry = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'ledger.export')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(entry.detail)).toMatchObject({ via: 'api' });
  });

  it('shows the endpoints in the OpenAPI document', async () => {
    const doc = await clients.officer!.get('/api/docs/json');
    const paths = Object.keys(doc.body.paths as Record<string, unknown>);
    for (const p of [
      '/api/v1/ledger/assets',
      '/api/v1/ledger/assets/{id}',
      '/api/v1/ledger/assets/{id}/reviews',
      '/api/v1/ledger/export.xlsx',
    ]) {
      expect(paths).toContain(p);
    }
  });
});
