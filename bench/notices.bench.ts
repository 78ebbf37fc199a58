/**
 * The public notices over HTTP: a real `mamori serve` (SQLite, demo co-op with a few members) in a child
 * process, the demo policy's three published versions and a draft written into `policy_versions` directly
 * (as the publishing service would leave them), then autocannon with 50 connections, no sign-in, against
 * `GET /notices/demo-coop` (the page in effect, with the upcoming version announced), the embedding JSON
 * `GET /api/v1/public/notices/demo-coop` and a comparison page `GET /notices/demo-coop/diff?from=1&to=2`.
 * Each gets 5,000 warm-up requests and then a fixed number sized for about 10 s (twice the warm-up rate, which is still compiling; at most 60,000, so that one
 * route's requests from this one address stay below the public routes' 100,000 a minute: see
 * docs/notices.md). Every answer must be 2xx; the page must not contain the draft.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { openDatabase } from '../src/db/database.ts';
import { DEMO_ORG } from '../src/modules/demo/seed.ts';
import { DRAFT_MARKER, insertDemoVersions } from '../test/fixtures/notices/versions.ts';
import { freePort, startServer, stopServer } from './server.ts';
import type { BenchResult } from './types.ts';

const TARGET_RPS = 2000;
const CONNECTIONS = 50;
const WARM_UP = 5000;
const MEASURE_SECONDS = 10;
const MAX_MEASURED = 60_000;

/** Writes the demo versions for the demo co-op, after any version the server's own seed may have published. */
async function publishDemoPolicy(dbFile: string): Promise<void> {
  const opened = openDatabase(`sqlite:${dbFile}`);
  try {
    const org = await opened.db.selectFrom('organizations').select('id').where('code', '=', DEMO_ORG).executeTakeFirstOrThrow();
    const last = await opened.db
      .selectFrom('policy_versions')
      .select((eb) => eb.fn.max('number').as('n'))
      .where('org_id', '=', org.id)
      .executeTakeFirst();
    await insertDemoVersions(opened.db, org.id, { numberOffset: Number(last?.n ?? 0), draft: false });
  } finally {
    await opened.close();
  }
}

interface Measured {
  rps: number;
  seconds: number;
  result: Awaited<ReturnType<typeof autocannon>>;
  amount: number;
  bytes: number;
}

async function measure(base: string, path: string): Promise<Measured> {
  const probe = await fetch(base + path);
  const body = await probe.text();
  if (!probe.ok) throw new Error(`GET ${path} failed before the run: ${probe.status} ${body.slice(0, 300)}`);
  if (body.includes(DRAFT_MARKER)) throw new Error(`GET ${path} shows the draft`);
  // Samples every 100 ms: a run of a fixed amount ends at the first sample after its last answer (1 s by default).
  const run = (amount: number) =>
    autocannon({
      url: base,
      connections: CONNECTIONS,
      amount,
      timeout: 10,
      sampleInt: 100,
      requests: [{ method: 'GET', path }],
    });
  const warm = await run(WARM_UP);
  if (warm.non2xx || warm.errors) throw new Error(`warm-up of ${path}: ${warm.non2xx} non-2xx, ${warm.errors} errors`);
  const warmRate = warm['2xx'] / warm.duration;
  const amount = Math.min(MAX_MEASURED, Math.max(10_000, Math.round((warmRate * 2 * MEASURE_SECONDS) / 1000) * 1000));
  const started = performance.now();
  const result = await run(amount);
  const seconds = (performance.now() - started) / 1000;
  const rps = result['2xx'] / seconds;
  console.log(
    `  ${path}: ${Math.round(rps).toLocaleString()} req/s (${amount.toLocaleString()} in ${seconds.toFixed(2)} s; warm-up ${Math.round(warmRate).toLocaleString()}/s); latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms; non-2xx ${result.non2xx}, errors ${result.errors + result.timeouts}; ${Buffer.byteLength(body).toLocaleString()} bytes`,
  );
  return { rps, seconds, result, amount, bytes: Buffer.byteLength(body) };
}

export default async function run(): Promise<BenchResult[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mamori-bench-notices-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let server: ChildProcess | undefined;
  try {
    server = await startServer(dataDir, port, 20);
    await publishDemoPolicy(join(dataDir, 'mamori.db'));
    console.log(`  server up on :${port}; demo policy published (3 versions and a draft)`);

    const page = await measure(base, `/notices/${DEMO_ORG}`);
    const json = await measure(base, `/api/v1/public/notices/${DEMO_ORG}`);
    const diffPage = await measure(base, `/notices/${DEMO_ORG}/diff?from=1&to=2`);
    const all = [page, json, diffPage];
    const errors = all.reduce((sum, m) => sum + m.result.errors + m.result.timeouts + m.result.non2xx, 0);

    const row = (name: string, m: Measured): BenchResult => ({
      name,
      target: `≥ ${TARGET_RPS.toLocaleString('en-US')}/s`,
      value: Math.round(m.rps),
      unit: 'req/s',
      ok: m.rps >= TARGET_RPS,
      notes: `${m.amount.toLocaleString('en-US')} requests in ${m.seconds.toFixed(2)} s after ${WARM_UP.toLocaleString('en-US')} warm-up, ${CONNECTIONS} connections, ${Math.round(m.bytes / 1024)} KiB per answer; p50 ${m.result.latency.p50} ms, p99 ${m.result.latency.p99} ms`,
    });
    return [
      row('notice page GET /notices/:org', page),
      row('embedding JSON GET /api/v1/public/notices/:org', json),
      row('comparison page GET /notices/:org/diff', diffPage),
      { name: 'errors (incl. non-2xx)', target: '0', value: errors, unit: '', ok: errors === 0 },
    ];
  } finally {
    if (server) await stopServer(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
