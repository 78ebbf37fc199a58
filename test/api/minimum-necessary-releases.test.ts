/**
 * Minimum necessary for anonymized releases (匿名加工情報, releases/permissions.ts): one table of roles ×
 * capabilities, each cell asserted over the real HTTP server on SQLite and PostgreSQL. The privacy office
 * defines, previews, publishes and delivers; the processing method (the spec, its YAML, the template) is the
 * privacy office's alone — the auditor reads a release's name, items, publications, reports and deliveries
 * without it; no other role reaches releases at all.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerTarget } from '../../src/modules/deliveries/register-target.ts';
import { releaseTemplate } from '../../src/modules/releases/template.ts';
import { availableDialects } from '../support/db.ts';
import { demoFixture, type Fixture } from '../support/fixtures.ts';
import { Client, type Response, testServer } from '../support/http.ts';

type Role = 'officer' | 'auditor' | 'manager' | 'service' | 'delivery' | 'admin';
const roles: Role[] = ['officer', 'auditor', 'manager', 'service', 'delivery', 'admin'];
const logins: Record<Role, string> = {
  officer: 'officer',
  auditor: 'auditor',
  manager: 'manager',
  service: 'service',
  delivery: 'staff',
  admin: 'admin',
};

type Capability =
  | 'releases.list'
  | 'releases.read'
  | 'releases.method'
  | 'releases.specFile'
  | 'releases.template'
  | 'releases.presets'
  | 'releases.create'
  | 'releases.update'
  | 'releases.preview'
  | 'releases.publish'
  | 'releases.deliver';

const Y = true;
const N = false;
// biome-ignore format: the table reads as a table
const table: Record<Capability, Record<Role, boolean>> = {
  //                     officer  auditor  manager  service  delivery  admin
  'releases.list':      { officer: Y, auditor: Y, manager: N, service: N, delivery: N, admin: N },
  'releases.read':      { officer: Y, auditor: Y, manager: N, service: N, delivery: N, admin: N },
  // The processing method (hierarchies, k, l, the source) inside the answer: the privacy office only.
  'releases.method':    { officer: Y, auditor: N, manager: N, service: N, delivery: N, admin: N },
  'releases.specFile':  { officer: Y, auditor: N, manager: N, service: N, delivery: N, admin: N },
  'releases.template':  { officer: Y, auditor: N, manager: N, service: N, delivery: N, admin: N },
  'releases.presets':   { officer: Y, auditor: N, manager: N, service: N, delivery: N, admin: N },
  'releases.create':    { officer: Y, auditor: N, manager: N, service: N, delivery: N, admin: N },
  'releases.update':    { officer: Y, auditor: N, manager: N, service: N, delivery: N, admin: N },
  'releases.preview':   { officer: Y, auditor: N, manager: N, service: N, delivery: N, admin: N },
  'releases.publish':   { officer: Y, auditor: N, manager: N, service: N, delivery: N, admin: N },
  'releases.deliver':   { officer: Y, auditor: N, manager: N, service: N, delivery: N, admin: N },
};

interface Release {
  id: string;
  code: string;
  version: number;
}

describe.each(availableDialects())('minimum necessary: roles × anonymized releases on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  let outDir: string;
  const clients = {} as Record<Role, Client>;
  let shared: Release;
  let n = 0;
  const spec = () => releaseTemplate({ code: `cell-${++n}`, purchases: false });
  /** A release of its own for each cell that changes one (the officer defines it). */
  const fresh = async (): Promise<Release> => {
    const r = await clients.officer.post('/api/v1/releases', { yaml: spec() });
    expect(r.status, r.raw).toBe(201);
    return r.body as unknown as Release;
  };
  const published = async (): Promise<Release> => {
    const rel = await fresh();
    const r = await clients.officer.post(`/api/v1/releases/${rel.id}/publish-method`, {
      version: rel.version,
      method_of_provision: '共有フォルダに置きます。',
    });
    expect(r.status, r.raw).toBe(200);
    return r.body as unknown as Release;
  };

  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 30 });
    app = await testServer(f);
    for (const role of roles) {
      clients[role] = new Client(app);
      await clients[role].login(f, logins[role]);
    }
    outDir = mkdtempSync(join(tmpdir(), 'mamori-release-cells-'));
    await registerTarget(f.ctx, {
      actor: await f.actor('officer'),
      input: { code: 'cells', name: '確認用フォルダ', kind: 'folder', recipient: '取引先', settings: { directory: outDir } },
    });
    shared = await fresh();
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
    rmSync(outDir, { recursive: true, force: true });
  });

  const cells: Record<Capability, (c: Client) => Promise<{ res: Response; ok: number; allowed?: boolean }>> = {
    'releases.list': async (c) => ({ res: await c.get('/api/v1/releases'), ok: 200 }),
    'releases.read': async (c) => ({ res: await c.get(`/api/v1/releases/${shared.id}`), ok: 200 }),
    'releases.method': async (c) => {
      const res = await c.get(`/api/v1/releases/${shared.id}`);
      // Allowed means the method is in the answer; a reader without it gets the release all the same.
      return { res, ok: res.status, allowed: res.status === 200 && res.body.spec !== undefined && res.body.yaml !== undefined };
    },
    'releases.specFile': async (c) => ({ res: await c.get(`/api/v1/releases/${shared.id}/spec.yaml`), ok: 200 }),
    'releases.template': async (c) => ({ res: await c.get('/api/v1/releases/template'), ok: 200 }),
    'releases.presets': async (c) => ({ res: await c.get('/api/v1/releases/presets'), ok: 200 }),
    'releases.create': async (c) => ({ res: await c.post('/api/v1/releases', { yaml: spec() }), ok: 201 }),
    'releases.update': async (c) => {
      const rel = await fresh();
      const yaml = releaseTemplate({ code: rel.code, purchases: false }).replace('k: 3', 'k: 4');
      return { res: await c.patch(`/api/v1/releases/${rel.id}`, { version: rel.version, yaml }), ok: 200 };
    },
    'releases.preview': async (c) => ({ res: await c.post(`/api/v1/releases/${shared.id}/preview`, {}), ok: 200 }),
    'releases.publish': async (c) => {
      const rel = await fresh();
      return {
        res: await c.post(`/api/v1/releases/${rel.id}/publish-method`, { version: rel.version, method_of_provision: '共有フォルダ' }),
        ok: 200,
      };
    },
    'releases.deliver': async (c) => {
      const rel = await published();
      return { res: await c.post(`/api/v1/releases/${rel.id}/deliver`, { target: 'cells' }), ok: 200 };
    },
  };

  for (const capability of Object.keys(table) as Capability[]) {
    for (const role of roles) {
      const allowed = table[capability][role];
      it(`${capability} × ${role}: ${allowed ? 'allowed' : 'refused'}`, async () => {
        const { res, ok, allowed: said } = await cells[capability](clients[role]);
        if (said !== undefined) {
          expect(said, res.raw).toBe(allowed);
          if (!allowed && res.status !== 200) expect(res.status).toBe(403);
          return;
        }
        if (allowed) expect(res.status, res.raw).toBe(ok);
        else {
          expect(res.status, res.raw).toBe(403);
          expect(res.body.error?.code).toBe('forbidden');
        }
      });
    }
  }
});
