/**
 * Audited member reads over HTTP on PostgreSQL, side by side with pgbench. A fresh database on BENCH_PG_URL's
 * server, the demo co-op of 10,000 members seeded by the first `mamori serve`, the demo user `staff` signed in,
 * and autocannon reading `GET /api/v1/members/:id?purpose=P04` over all members in shuffled order:
 *
 * 1. one instance, 50 connections;
 * 2. two instances on the same database (`mamori serve` twice, two ports), 25 connections on each at once.
 *
 * Each case warms up, then reads a fixed number (sized for about 12 s) so that it ends with every request
 * answered. Afterwards the instances' sequencers must have chained every queued entry (the time they took after
 * the last answer is reported), the `member.read` allowed entries of `staff` must equal the reads answered, and
 * `mamori audit verify` must pass. `pgbench -N` (50 clients, `-j 2`, 12 s, scale 10, a database of its own) runs
 * before and after the HTTP runs, and each PostgreSQL figure is printed with its ratio to pgbench's tps (the
 * mean of both runs). The CPU split of each measured run (mamori, PostgreSQL, autocannon, other, idle) is in
 * the notes. As in the SQLite case, the bulk-read alert threshold is raised first.
 */
import { describeCpu, measureCpu } from './cpu.ts';
import { type CannonResult, errorsOf, readMembers, signIn } from './http-client.ts';
import { auditedReads, type Instance, startPgMamori } from './pg-mamori.ts';
import { dropDatabase, initPgbench, type PgbenchResult, runPgbench } from './pgbench.ts';
import type { BenchResult } from './types.ts';

const ONE = { rps: 5000, p99: 25 };
const TWO = { factor: 1.3, p99: 50 };
const CONNECTIONS = 50;
const MEASURE_SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 12);
const WARM_READS = Number(process.env.BENCH_HTTP_WARM ?? 15_000);
const DB = 'mamori_bench_http_reads';
const PGBENCH_DB = 'mamori_bench_pgbench';
const PGBENCH = { clients: 50, threads: 2, seconds: 12 };

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Reads on every instance at once, `connections` split evenly; the rate is all answers over the longest run. */
async function readAll(
  instances: Instance[],
  cookies: string[],
  ids: string[],
  amount: number,
  offset: number,
): Promise<{ runs: CannonResult[]; ok: number; rps: number; p99: number; p50: number; max: number; errors: number; seconds: number }> {
  const share = Math.round(amount / instances.length);
  const runs = await Promise.all(
    instances.map((instance, i) =>
      readMembers({
        url: instance.base,
        cookie: cookies[i]!,
        ids,
        amount: share,
        offset: offset + i * share,
        connections: CONNECTIONS / instances.length,
      }),
    ),
  );
  const ok = runs.reduce((a, r) => a + r['2xx'], 0);
  const seconds = Math.max(...runs.map((r) => r.duration));
  return {
    runs,
    ok,
    rps: ok / seconds,
    // Latency percentiles cannot be merged exactly: the worst instance's are reported.
    p99: Math.max(...runs.map((r) => r.latency.p99)),
    p50: Math.max(...runs.map((r) => r.latency.p50)),
    max: Math.max(...runs.map((r) => r.latency.max)),
    errors: runs.reduce((a, r) => a + errorsOf(r), 0),
    seconds,
  };
}

export default async function run(): Promise<BenchResult[]> {
  const m = await startPgMamori(DB, 10_000);
  try {
    await initPgbench(PGBENCH_DB, 10);
    const before = await runPgbench(PGBENCH_DB, PGBENCH);
    console.log(`  pgbench -N before: ${fmt(before.tps)} tps, latency ${before.latencyMs} ms`);

    let completed = 0;
    let offset = 0;
    const measure = async (label: string) => {
      const cookies: string[] = [];
      for (const instance of m.instances) {
        const { cookie } = await signIn(instance.base, 'staff');
        const probe = await fetch(`${instance.base}/api/v1/members/${m.ids[offset++ % m.ids.length]}?purpose=P04`, { headers: { cookie } });
        if (!probe.ok) throw new Error(`a read failed before the run: ${probe.status} ${await probe.text()}`);
        completed++;
        cookies.push(cookie);
      }
      const warm = await readAll(m.instances, cookies, m.ids, WARM_READS, offset);
      offset += WARM_READS;
      completed += warm.ok;
      // Sized for about MEASURE_SECONDS: the warm-up, still compiling, runs slower than the measured run.
      const amount = Math.min(200_000, Math.max(2_000, Math.round((warm.rps * 1.3 * MEASURE_SECONDS) / 1000) * 1000));
      console.log(`  ${label}: warm-up ${fmt(warm.rps)} reads/s; measuring ${fmt(amount)} reads`);
      const cpu = measureCpu(m.instances.map((i) => i.child.pid!));
      const r = await readAll(m.instances, cookies, m.ids, amount, offset);
      const split = cpu.stop();
      offset += amount;
      completed += r.ok;
      const lag = await m.waitForSequencer();
      console.log(
        `  ${label}: ${fmt(r.rps)} reads/s over ${r.seconds.toFixed(1)} s; p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms; errors ${r.errors + warm.errors}; sequencer done ${lag.toFixed(1)} s after the last answer\n  ${describeCpu(split)}`,
      );
      return { ...r, errors: r.errors + warm.errors, amount, warm, split, lag };
    };

    const one = await measure('one instance');
    await m.addInstance();
    const two = await measure('two instances');

    const after = await runPgbench(PGBENCH_DB, PGBENCH);
    console.log(`  pgbench -N after: ${fmt(after.tps)} tps, latency ${after.latencyMs} ms`);
    const tps = (before.tps + after.tps) / 2;

    await m.waitForSequencer();
    const audited = await auditedReads(m, m.staffId);
    const verified = await m.stopAndVerify();
    console.log(
      `  audit: ${fmt(audited)} member.read entries for ${fmt(completed)} completed reads; verify ${verified.ok ? 'ok' : 'FAILED'} over ${fmt(verified.entries)} entries in ${verified.seconds.toFixed(1)} s`,
    );

    const ratio = (rps: number) => `${(rps / tps).toFixed(2)} × pgbench -N (${fmt(tps)} tps)`;
    const cpuPer1000 = (s: typeof one) =>
      `per 1,000 reads: mamori ${((s.split.servers / s.ok) * 1000).toFixed(2)} CPU-s, PostgreSQL ${((s.split.postgres / s.ok) * 1000).toFixed(2)} CPU-s`;
    const notes = (s: typeof one, n: number) =>
      `${ratio(s.rps)}; ${fmt(s.amount)} reads in ${s.seconds.toFixed(1)} s after ${fmt(s.warm.ok)} warm-up reads, ${n === 1 ? `${CONNECTIONS} connections` : `${CONNECTIONS / n} connections on each of ${n}`}; ${describeCpu(s.split)} (${cpuPer1000(s)}); sequencer done ${s.lag.toFixed(1)} s after the last answer`;
    const pgbenchNote = (p: PgbenchResult) => `${fmt(p.tps)} tps (latency ${p.latencyMs} ms)`;
    const alertNote = `bulk-read threshold raised; ${m.offHours ? 'run outside working hours (off-hours counter written per read)' : 'run within working hours'}`;
    const allErrors = one.errors + two.errors;
    return [
      {
        name: 'pgbench -N tps (yardstick)',
        target: '—',
        value: Math.round(tps),
        unit: 'tps',
        ok: true,
        notes: `${before.command}, own database; before ${pgbenchNote(before)}, after ${pgbenchNote(after)}; mean used for the ratios`,
      },
      {
        name: 'PG audited reads, one instance',
        target: `≥ ${fmt(ONE.rps)}/s`,
        value: Math.round(one.rps),
        unit: 'reads/s',
        ok: one.rps >= ONE.rps,
        notes: `${notes(one, 1)}; ${alertNote}`,
      },
      {
        name: 'PG read latency p99, one instance',
        target: `≤ ${ONE.p99} ms`,
        value: one.p99,
        unit: 'ms',
        ok: one.p99 <= ONE.p99,
        notes: `p50 ${one.p50} ms, max ${one.max} ms; pgbench -N latency ${((before.latencyMs + after.latencyMs) / 2).toFixed(1)} ms`,
      },
      {
        name: 'PG audited reads, two instances',
        target: `≥ ${TWO.factor} × one (${fmt(one.rps * TWO.factor)}/s)`,
        value: Math.round(two.rps),
        unit: 'reads/s',
        ok: two.rps >= one.rps * TWO.factor,
        notes: `${(two.rps / one.rps).toFixed(2)} × one instance; ${notes(two, 2)}`,
      },
      {
        name: 'PG read latency p99, two instances',
        target: `≤ ${TWO.p99} ms`,
        value: two.p99,
        unit: 'ms',
        ok: two.p99 <= TWO.p99,
        notes: `the worse instance's; p50 ${two.p50} ms, max ${two.max} ms`,
      },
      { name: 'PG errors (incl. non-2xx)', target: '0', value: allErrors, unit: '', ok: allErrors === 0 },
      {
        name: 'PG reads present in the audit chain',
        target: '= reads completed, chain verifies',
        value: audited,
        unit: 'entries',
        ok: audited === completed && verified.ok,
        notes: `${fmt(completed)} reads completed (both cases); \`mamori audit verify\` ${verified.ok ? 'ok' : 'FAILED'} over ${fmt(verified.entries)} entries`,
      },
    ];
  } finally {
    await m.close();
    if (process.env.BENCH_KEEP !== '1') await dropDatabase(PGBENCH_DB);
  }
}
