/**
 * Anonymized release of 1,000,000 members (issue 14, Speed): age, gender, 7-digit postal code, delivery type and
 * monthly spend as quasi-identifiers, k = 5, at most 4 % suppressed; end to end — read the CSV (written first,
 * not timed), anonymize (compile the hierarchies, search the lattice, classes, output with keyed-hash member ids,
 * the output's own k/l check), write the CSV — in a child process of its own, so that its peak memory is its own.
 * Targets: ≤ 5 s and ≤ 1 GB; with distinct 3-diversity on the main purchase category ≤ 8 s.
 *
 * The peer, ARX 3.9 (optimal algorithm, Flash), runs on the same CSV and hierarchies when MAMORI_BENCH_ARX_JAR
 * names its jar (and MAMORI_BENCH_ARX_LIB, optionally, a folder of its dependency jars): our driver
 * bench/peers/arx/ArxBench.java is compiled against it into bench/tmp/ and the ratio is printed. ARX itself is
 * never part of this repository. BENCH_ANON_ROWS changes the size; BENCH_ANON_EXHAUSTIVE=1 also evaluates every
 * node of the lattice (no pruning, slow) and checks that the search found the optimum.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { HierarchyStep } from '../src/contract/release-vocabulary.ts';
import { jpPrefecturePrefixMap } from '../src/modules/anonymize/jp-prefectures.ts';
import { benchSpec, generateMembers } from './anonymize-data.ts';
import type { BenchResult } from './types.ts';

const ROWS = Number(process.env.BENCH_ANON_ROWS ?? 1_000_000);
const dir = join(import.meta.dirname, 'tmp', 'anonymize');
const input = join(dir, `members-${ROWS}.csv`);
const TARGET_MS = 5000;
const TARGET_L_MS = 8000;
const TARGET_MB = 1024;

interface Run {
  total: number;
  cpuMs: number;
  maxRssMb: number;
  timings: Record<string, number>;
  lattice: { size: number; evaluated: number; pruned: number; checks: number };
  loss: number;
  levels: number[];
  rows: { input: number; output: number; suppressed: number; topBottomCoded: number };
  exhaustive?: { loss: number | null; levels: number[] | null; ms: number };
}

function writeInput(): void {
  if (existsSync(input)) return;
  mkdirSync(dir, { recursive: true });
  const table = generateMembers(ROWS);
  const fd = openSync(input, 'w');
  let chunk = `${table.columns.join(',')}\n`;
  for (let r = 0; r < ROWS; r++) {
    chunk += `${table.values.map((c) => c[r]).join(',')}\n`;
    if (chunk.length > 1 << 20) {
      writeSync(fd, chunk);
      chunk = '';
    }
  }
  writeSync(fd, chunk);
  closeSync(fd);
}

function runOurs(withL: boolean): Run {
  const args = [join(import.meta.dirname, 'anonymize-run.ts'), input, join(dir, `out${withL ? '-l' : ''}.csv`)];
  if (withL) args.push('l');
  if (process.env.BENCH_ANON_EXHAUSTIVE === '1') args.push('exhaustive');
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop()!) as Run;
}

/** The hierarchies of benchSpec as ARX's CSV hierarchy files (one row per distinct value: value;level1;…;*). */
function writeArxHierarchies(): void {
  const spec = benchSpec(false);
  const table = generateMembers(ROWS);
  for (const col of spec.columns.filter((c) => c.role === 'quasi_identifier')) {
    const values = table.values[table.columns.indexOf(col.name)]!;
    const distinct = [...new Set(values.map(String))];
    const lines = distinct.map((v) => [v, ...arxLevels(v, col.hierarchy ?? [], col.coding), '*'].join(';'));
    writeFileSync(join(dir, `arx-${col.name}.csv`), `${lines.join('\n')}\n`);
  }
}

/** The same labels as the engine (for ARX only the partition matters, not the label text). */
function arxLevels(value: string, steps: readonly HierarchyStep[], coding?: { top?: number; bottom?: number }): string[] {
  let n = Number(value);
  if (coding?.top !== undefined && n >= coding.top) n = coding.top;
  if (coding?.bottom !== undefined && n < coding.bottom) n = coding.bottom;
  const level0 = coding && n !== Number(value) ? `coded${n}` : value;
  return [
    level0,
    ...steps.map((s) => {
      switch (s.kind) {
        case 'interval':
          return String(Math.floor(n / s.width) * s.width);
        case 'breaks':
          return String(s.bounds.filter((b) => b <= n).pop());
        case 'mask':
          return value.slice(0, s.keep);
        case 'prefix_map':
          return jpPrefecturePrefixMap[value.slice(0, 3)] ?? '?';
        case 'groups':
          return Object.entries(s.groups).find(([, m]) => m.includes(value))?.[0] ?? '?';
        case 'date':
          return value.slice(0, s.unit === 'month' ? 7 : 4);
        default:
          return '?';
      }
    }),
  ].slice(1);
}

function runArx(withL: boolean): { ms: number; maxRssMb: number; levels: number[]; note: string } | { skipped: string } {
  const jar = process.env.MAMORI_BENCH_ARX_JAR;
  if (!jar) return { skipped: 'MAMORI_BENCH_ARX_JAR is not set (ARX is built outside the repository; see docs/anonymization-engine.md)' };
  if (!existsSync(jar)) return { skipped: `MAMORI_BENCH_ARX_JAR=${jar} does not exist` };
  const lib = process.env.MAMORI_BENCH_ARX_LIB;
  const jars = [
    jar,
    ...(lib && existsSync(lib)
      ? readdirSync(lib, { recursive: true })
          .filter((f) => String(f).endsWith('.jar'))
          .map((f) => join(lib, String(f)))
      : []),
  ];
  const classes = join(dir, 'arx-driver');
  mkdirSync(classes, { recursive: true });
  const cp = jars.join(':');
  const javac = spawnSync('javac', ['-nowarn', '-d', classes, '-cp', cp, join(import.meta.dirname, 'peers', 'arx', 'ArxBench.java')], {
    encoding: 'utf8',
  });
  if (javac.status !== 0) return { skipped: `the driver did not compile against ${jar}: ${javac.stderr.split('\n')[0]}` };
  writeArxHierarchies();
  const run = spawnSync(
    '/usr/bin/time',
    ['-f', 'MAXRSS %M', 'java', '-Xmx3g', '-cp', `${classes}:${cp}`, 'ArxBench', input, dir, join(dir, 'out-arx.csv'), withL ? '3' : '0'],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  const line = run.stdout.split('\n').find((l) => l.startsWith('{'));
  if (run.status !== 0 || !line) return { skipped: `ARX failed: ${(run.stderr || run.stdout).split('\n').slice(-3).join(' ')}` };
  const result = JSON.parse(line) as { ms: number; levels: number[]; suppressed: number; note?: string };
  const rss = Number(/MAXRSS (\d+)/.exec(run.stderr)?.[1] ?? 0);
  return {
    ms: result.ms,
    maxRssMb: Math.round(rss / 1024),
    levels: result.levels,
    note: `levels ${result.levels.join(',')}, suppressed ${result.suppressed}`,
  };
}

const phases = (r: Run) =>
  Object.entries(r.timings)
    .map(([k, v]) => `${k} ${Math.round(v)}`)
    .join(', ');

export default async function run(): Promise<BenchResult[]> {
  writeInput();
  const load = Math.round((loadavg()[0] ?? 0) * 100) / 100;
  const plain = runOurs(false);
  const diverse = runOurs(true);
  const arx = runArx(false);
  const arxL = 'skipped' in arx ? arx : runArx(true);

  console.log(`\n  anonymize ${ROWS.toLocaleString('en-US')} rows (load average at start ${load})`);
  console.log('  run            total ms   cpu ms   peak MB  lattice  evaluated  checks  loss      phases (ms)');
  for (const [name, r] of [
    ['k=5', plain],
    ['k=5, l=3', diverse],
  ] as const)
    console.log(
      `  ${name.padEnd(13)} ${String(r.total).padStart(9)} ${String(r.cpuMs).padStart(8)} ${String(r.maxRssMb).padStart(9)} ${String(r.lattice.size).padStart(8)} ${String(r.lattice.evaluated).padStart(10)} ${String(r.lattice.checks).padStart(7)}  ${r.loss.toFixed(5)}   ${phases(r)}`,
    );
  if ('skipped' in arx) console.log(`  ARX 3.9: not run — ${arx.skipped}`);
  else console.log(`  ARX 3.9: ${arx.ms} ms (${arx.note}); with l=3: ${'skipped' in arxL ? arxL.skipped : `${arxL.ms} ms`}`);

  const exhaustiveNote = (r: Run) =>
    r.exhaustive
      ? `; exhaustive search (every node, ${Math.round(r.exhaustive.ms / 1000)} s): loss ${r.exhaustive.loss}, levels ${r.exhaustive.levels?.join(',')}`
      : '';
  const optimal = (r: Run) => !r.exhaustive || (r.exhaustive.loss !== null && Math.abs(r.exhaustive.loss - r.loss) < 1e-12);
  const peer = (ours: Run, peerRun: typeof arx) =>
    'skipped' in peerRun
      ? `; ARX not run: ${peerRun.skipped}`
      : `; ARX 3.9 ${peerRun.ms} ms, peak ${peerRun.maxRssMb} MB (ours ${(peerRun.ms / ours.total).toFixed(1)}× faster); ARX's transformation ${peerRun.levels.join(',')}: ${peerRun.levels.join(',') === ours.levels.join(',') ? 'the same as ours' : 'differs from ours'}`;
  const notes = (r: Run) =>
    `lattice ${r.lattice.size} nodes, ${r.lattice.evaluated} evaluated, ${r.lattice.pruned} pruned, ${r.lattice.checks} projections; levels ${r.levels.join(',')}; loss ${r.loss.toFixed(6)}; suppressed ${r.rows.suppressed}; CPU ${r.cpuMs} ms; phases ms: ${phases(r)}; load ${load}`;
  if (!process.env.BENCH_KEEP) rmSync(join(dir, 'out.csv'), { force: true });
  return [
    {
      name: `anonymize ${ROWS.toLocaleString('en-US')} rows end to end (k=5, ≤4 % suppressed)`,
      target: `≤ ${TARGET_MS / 1000} s`,
      value: Math.round(plain.total / 10) / 100,
      unit: 's',
      ok: plain.total <= TARGET_MS && optimal(plain),
      notes: notes(plain) + exhaustiveNote(plain) + peer(plain, arx),
    },
    {
      name: 'anonymize: peak memory (k=5)',
      target: `≤ ${TARGET_MB} MB`,
      value: plain.maxRssMb,
      unit: 'MB',
      ok: plain.maxRssMb <= TARGET_MB,
    },
    {
      name: `anonymize ${ROWS.toLocaleString('en-US')} rows end to end (k=5, distinct 3-diversity)`,
      target: `≤ ${TARGET_L_MS / 1000} s`,
      value: Math.round(diverse.total / 10) / 100,
      unit: 's',
      ok: diverse.total <= TARGET_L_MS && optimal(diverse) && diverse.maxRssMb <= TARGET_MB,
      notes: `peak ${diverse.maxRssMb} MB; ${notes(diverse)}${exhaustiveNote(diverse)}${peer(diverse, arxL)}`,
    },
  ];
}
