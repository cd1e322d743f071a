// CPU seconds (user + system) of the processes a load test involves, read from /proc: the server
// process, the PostgreSQL backends serving the bench database (their process title names it) and this
// process (the load generator). On a shared 2-core machine the wall clock mostly measures other work;
// CPU per request says what the 2 cores pay for one.
import crypto from 'node:crypto';
import fs from 'node:fs';

export function cpuSeconds(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

function backendPids(dbName: string): number[] {
  return fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
    try {
      return fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(dbName);
    } catch {
      return false;
    }
  }).map(Number);
}

export interface CpuMark { server: number; backends: Map<number, number>; bench: number }

export function cpuMark(serverPid: number, dbName: string): CpuMark {
  const u = process.cpuUsage();
  return { server: cpuSeconds(serverPid), backends: new Map(backendPids(dbName).map((pid) => [pid, cpuSeconds(pid)])), bench: (u.user + u.system) / 1e6 };
}

/** "CPU per <unit>: server …, PostgreSQL backends …, load generator … (together …)" since `m`. */
export function cpuSince(serverPid: number, dbName: string, m: CpuMark, count: number, unit: string): string {
  const now = cpuMark(serverPid, dbName);
  let pgCpu = 0;
  for (const [pid, s] of now.backends) pgCpu += s - (m.backends.get(pid) ?? 0);
  const per = (s: number) => `${((s / Math.max(1, count)) * 1e6).toFixed(0)} µs`;
  const total = (now.server - m.server + pgCpu + now.bench - m.bench) / Math.max(1, count);
  return `CPU per ${unit}: server ${per(now.server - m.server)}, PostgreSQL backends ${per(pgCpu)}, load generator ${per(now.bench - m.bench)}` +
    ` (together ${(total * 1e6).toFixed(0)} µs: ${(2 / total).toFixed(0)} ${unit}s/s if they had both cores to themselves)`;
}

/**
 * CPU seconds this process takes for a fixed piece of work (200,000 SHA-256 digests and an integer
 * loop), best of three. The 2-core machine is a virtual one whose speed drifts with its host's other
 * tenants (bench/ingest README: the same raw COPY took half as long again one evening as two hours
 * before, on an idle machine). Benches print it beside their figures as a rough sign of that; it is
 * short, so it can miss a slow spell (it read 0.59 s once while the import bench ran at 0.82–0.91× its
 * earlier speed) — an A/B against older code at the same hour is the real check.
 */
export function hostProbe(): number {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const start = process.cpuUsage();
    let x = 0;
    for (let i = 0; i < 200_000; i++) x += crypto.hash('sha256', `probe${i}`, 'buffer')[0]!;
    for (let i = 0; i < 60_000_000; i++) x = (x + i * 7) % 1_000_003;
    const used = process.cpuUsage(start);
    if (x < 0) throw new Error('unreachable'); // keeps the loops from being optimised away
    best = Math.min(best, (used.user + used.system) / 1e6);
  }
  return best;
}
