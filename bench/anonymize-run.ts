/**
 * One end-to-end anonymization, run by bench/anonymize.bench.ts in a child process of its own (so that its peak
 * memory is its own): read the CSV, anonymize (compile, search, classes, output, verify), write the CSV.
 * Prints one JSON line with the time of each phase, CPU time, peak RSS, the lattice and the loss.
 *
 *   node bench/anonymize-run.ts <in.csv> <out.csv> [l] [exhaustive]
 *
 * Reading: a file without a double quote is split on commas and line ends (exactly what CSV means then);
 * any quote and csv-parse reads it. Writing quotes a cell holding a comma, quote or line end.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { anonymize, exhaustiveOptimum } from '../src/modules/anonymize/anonymize.ts';

import type { Cell, SourceTable } from '../src/modules/anonymize/types.ts';
import { benchSpec } from './anonymize-data.ts';

export function readCsv(file: string): SourceTable {
  const text = readFileSync(file, 'utf8');
  if (text.includes('"')) {
    const records = parse(text) as string[][];
    const columns = records[0]!;
    return { columns, values: columns.map((_, c) => records.slice(1).map((r) => r[c] ?? null)) };
  }
  let start = text.indexOf('\n') + 1;
  const columns = text
    .slice(0, start - 1)
    .replace(/\r$/, '')
    .split(',');
  const values: Cell[][] = columns.map(() => []);
  const width = columns.length;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
    start = end + 1;
    if (line === '') continue;
    const fields = line.split(',');
    for (let c = 0; c < width; c++) values[c]!.push(fields[c] ?? null);
  }
  return { columns, values };
}

const special = /[",\r\n]/;
const quote = (v: Cell): string => {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  return special.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
};

export function writeCsv(file: string, columns: readonly string[], rows: Iterable<readonly Cell[]>): number {
  const fd = openSync(file, 'w');
  let chunk = `${columns.map(quote).join(',')}\n`;
  let count = 0;
  for (const row of rows) {
    let line = quote(row[0] ?? null);
    for (let c = 1; c < row.length; c++) line += `,${quote(row[c]!)}`;
    chunk += `${line}\n`;
    count++;
    if (chunk.length > 1 << 20) {
      writeSync(fd, chunk);
      chunk = '';
    }
  }
  writeSync(fd, chunk);
  closeSync(fd);
  return count;
}

if (import.meta.main) {
  const [input, output, ...flags] = process.argv.slice(2);
  const withL = flags.includes('l');
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  let mark = started;
  const timings: Record<string, number> = {};
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - mark);
    mark = now;
  };
  const table = readCsv(input!);
  lap('read');
  const spec = benchSpec(withL);
  const result = anonymize(table, spec);
  mark = performance.now();
  const written = writeCsv(output!, result.columns, result.rows);
  lap('write');
  const total = Math.round(performance.now() - started);
  const cpu = process.cpuUsage(cpu0);
  const line: Record<string, unknown> = {
    total,
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    timings: { read: timings.read, ...result.report.timings, write: timings.write },
    lattice: result.report.lattice,
    loss: result.report.metric.value,
    levels: result.report.levels.map((l) => l.level),
    rows: result.report.rows,
    written,
  };
  if (flags.includes('exhaustive')) {
    // Every node of the lattice evaluated (no pruning): the optimum the search must have found.
    const t = performance.now();
    const all = exhaustiveOptimum(table, spec);
    line.exhaustive = { loss: all?.loss ?? null, levels: all?.node ?? null, ms: Math.round(performance.now() - t) };
  }
  console.log(JSON.stringify(line));
}
