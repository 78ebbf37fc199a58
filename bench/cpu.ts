/**
 * Where the CPU goes during a measured run (Linux /proc): the server processes, all PostgreSQL processes
 * (`comm` = postgres: the backends of this bench and of anything else using the server), this bench process
 * (autocannon) and the machine as a whole. A sample is taken before and after; the difference, in CPU-seconds,
 * is the split. PostgreSQL backends that end between the samples are not counted (the servers' pools keep theirs).
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // CLK_TCK on Linux

/** utime + stime of `pid` in seconds (0 when it is gone). */
function cpuOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function postgresPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

/** Busy and total CPU-seconds of the whole machine (all cores) since boot. */
function machine(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + b, 0) / TICKS_PER_SECOND;
  const idle = (v[3]! + (v[4] ?? 0)) / TICKS_PER_SECOND;
  return { busy: total - idle, total };
}

interface Sample {
  at: number;
  servers: number;
  postgres: Map<number, number>;
  bench: number;
  machine: { busy: number; total: number };
}

function sample(serverPids: number[]): Sample {
  const usage = process.cpuUsage();
  return {
    at: performance.now(),
    servers: serverPids.reduce((a, pid) => a + cpuOf(pid), 0),
    postgres: new Map(postgresPids().map((pid) => [pid, cpuOf(pid)])),
    bench: (usage.user + usage.system) / 1e6,
    machine: machine(),
  };
}

export interface CpuSplit {
  seconds: number;
  /** CPU-seconds used by the mamori servers, PostgreSQL, this bench process (autocannon) and anything else. */
  servers: number;
  postgres: number;
  bench: number;
  other: number;
  /** CPU-seconds the machine had idle. */
  idle: number;
}

/** Starts measuring; `stop()` returns the split since. */
export function measureCpu(serverPids: number[]): { stop(): CpuSplit } {
  const before = sample(serverPids);
  return {
    stop() {
      const after = sample(serverPids);
      let postgres = 0;
      for (const [pid, cpu] of after.postgres) postgres += cpu - (before.postgres.get(pid) ?? 0);
      const servers = after.servers - before.servers;
      const bench = after.bench - before.bench;
      const busy = after.machine.busy - before.machine.busy;
      const total = after.machine.total - before.machine.total;
      return {
        seconds: (after.at - before.at) / 1000,
        servers,
        postgres,
        bench,
        other: Math.max(0, busy - servers - postgres - bench),
        idle: total - busy,
      };
    },
  };
}

/** "servers 12.1 s, PostgreSQL 8.0 s, autocannon 2.3 s, other 0.4 s, idle 1.2 s of 24 CPU-s" */
export function describeCpu(c: CpuSplit): string {
  const f = (n: number) => `${n.toFixed(1)} s`;
  const total = c.servers + c.postgres + c.bench + c.other + c.idle;
  return `CPU over ${c.seconds.toFixed(1)} s: mamori ${f(c.servers)}, PostgreSQL ${f(c.postgres)}, autocannon ${f(c.bench)}, other ${f(c.other)}, idle ${f(c.idle)} of ${total.toFixed(1)} CPU-s`;
}
