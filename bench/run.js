#!/usr/bin/env node
// `npm run bench [-- name …]`: runs bench/*.bench.ts (all, or those whose file name contains one of the
// arguments), each in its own Node process so that one benchmark's heap and JIT state do not colour the
// next, prints a table, and records the results with the machine and date in
// bench/results/<YYYY-MM-DD>-<hostname>.json and .md (merged with earlier runs of the same day and machine).
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, hostname, loadavg, release, totalmem, type } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

if (!process.features?.typescript) {
  console.error(
    `ベンチマークは TypeScript を直接実行できる Node.js 22.18 以降が必要です（現在 ${process.version}）。npm run bench で実行してください。\n` +
      `Benchmarks need a Node.js that runs TypeScript (22.18+; this is ${process.version}). Run them through npm run bench.`,
  );
  process.exit(1);
}

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const all = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
const files = wanted.length ? all.filter((f) => wanted.some((w) => f.includes(w))) : all;
if (files.length === 0) {
  console.error(`該当するベンチマークがありません / no benchmark matches: ${wanted.join(' ')}\navailable: ${all.join(', ')}`);
  process.exit(1);
}

/** Hard limit per benchmark process (each benchmark bounds itself well below this). */
const timeoutMs = Number(process.env.BENCH_TIMEOUT_MS ?? 30 * 60_000);

function runOne(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = fork(join(here, 'run-one.js'), [join(here, file)], { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
    let results;
    let error;
    const timer = setTimeout(() => {
      error = `timed out after ${timeoutMs / 1000} s`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('message', (m) => {
      if (m.type === 'results') results = m.results;
      if (m.type === 'error') error = m.error;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const seconds = Math.round((Date.now() - started) / 100) / 10;
      if (!results && !error) error = `exited with ${signal ?? code} before reporting results`;
      resolve({ results: results ?? [], error, seconds });
    });
  });
}

/**
 * A fixed piece of CPU work (hashing, JSON, strings), timed just before each benchmark: the speed the machine
 * had at that moment. A shared VM's vCPUs vary by twice or more over an hour (Cedar's rate in the same bench
 * went from 8,430 to 3,178 decisions/s in one day), so a result is read together with this figure. The median
 * of three runs, in milliseconds: lower is faster.
 */
function calibrate() {
  const data = Buffer.alloc(8 << 20, 7);
  const times = [];
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    for (let i = 0; i < 4; i++) createHash('sha256').update(data).digest();
    let n = 0;
    for (let i = 0; i < 200_000; i++) n += JSON.stringify({ i, kana: `ヤマダ ハナコ${i}` }).normalize('NFKC').length;
    if (n === 0) throw new Error('unreachable');
    times.push(performance.now() - started);
  }
  return Math.round(times.sort((a, b) => a - b)[1]);
}

const ranAt = new Date();
const runs = {};
for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, '');
  // Other work on the machine skews a benchmark; the load average at its start is recorded with it.
  const load = Math.round(loadavg()[0] * 100) / 100;
  const calibrationMs = calibrate();
  console.log(`\n▶ ${name} (load average ${load}, calibration ${calibrationMs} ms)`);
  const run = await runOne(file);
  if (run.error) console.error(`✗ ${name}: ${run.error}`);
  runs[name] = {
    ranAt: new Date().toISOString(),
    seconds: run.seconds,
    loadAverageAtStart: load,
    calibrationMs,
    results: run.results,
    ...(run.error ? { error: run.error } : {}),
  };
}

// --- Table ---------------------------------------------------------------------------------------------
const fmt = (v) => (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toLocaleString('en-US', { maximumFractionDigits: 2 }));
function table(byBench) {
  const rows = [];
  for (const [bench, run] of Object.entries(byBench)) {
    for (const r of run.results) rows.push([bench, r.name, r.target, `${fmt(r.value)} ${r.unit}`, r.ok ? 'pass' : 'FAIL', r.notes ?? '']);
    if (run.error) rows.push([bench, '(error)', '', '', 'FAIL', run.error]);
  }
  return rows;
}
const header = ['benchmark', 'measure', 'target', 'measured', 'result', 'notes'];
const rows = table(runs);
const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[i].length))));
const line = (cells) => cells.map((c, i) => (i === 5 ? c : c.padEnd(widths[i]))).join('  ');
console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
for (const r of rows) console.log(line(r));

// --- Record --------------------------------------------------------------------------------------------
const cpu = cpus();
const machine = {
  hostname: hostname(),
  cpu: cpu[0]?.model ?? 'unknown',
  cores: cpu.length,
  memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  node: process.version,
  os: `${type()} ${release()} (${process.platform}/${process.arch})`,
};
const date = ranAt.toISOString().slice(0, 10);
const resultsDir = join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
const base = join(resultsDir, `${date}-${machine.hostname}`);
const previous = existsSync(`${base}.json`) ? JSON.parse(readFileSync(`${base}.json`, 'utf8')) : { benchmarks: {} };
const record = { date, machine, benchmarks: { ...previous.benchmarks, ...runs } };
writeFileSync(`${base}.json`, `${JSON.stringify(record, null, 2)}\n`);

const md = [
  `# Benchmarks ${date} on ${machine.hostname}`,
  '',
  `- CPU: ${machine.cpu}, ${machine.cores} cores; memory ${machine.memoryGiB} GiB`,
  `- Node.js ${machine.node}; ${machine.os}`,
  '',
  '| benchmark | measure | target | measured | result | notes |',
  '|---|---|---|---|---|---|',
  ...table(record.benchmarks).map((r) => `| ${r.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`),
  '',
  ...Object.entries(record.benchmarks).map(
    ([b, r]) =>
      `- \`${b}\`: finished ${r.ranAt}, took ${r.seconds} s, 1-minute load average at its start ${r.loadAverageAtStart ?? '?'}` +
      (r.calibrationMs ? `, calibration ${r.calibrationMs} ms (fixed CPU work just before it; lower is faster)` : ''),
  ),
  '',
].join('\n');
writeFileSync(`${base}.md`, md);
console.log(`\n→ ${base}.json\n→ ${base}.md`);

const failed = Object.values(runs).some((r) => r.error || r.results.some((x) => !x.ok));
process.exitCode = failed ? 1 : 0;
