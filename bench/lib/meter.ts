// CPU seconds beside wall clock, for the benches that load a database: other work on a shared machine
// slows the wall clock but not the work done per row. This process (and its main thread alone), plus
// on PostgreSQL the server processes connected to the bench database, read from /proc.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import type { ScratchDatabase } from './scratch-db.ts';

const TICKS = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;

/** User + system CPU seconds of a process (or of one thread, given its task's stat file); undefined when gone. */
export function procCpu(pid: number, file = `/proc/${pid}/stat`): number | undefined {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = fs.readFileSync(file, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICKS;
  } catch {
    return undefined; // not on this machine, or gone
  }
}

/** CPU seconds of this process, every thread. */
export const clientCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/**
 * CPU seconds of this process's main thread alone: on a quiet machine the wall clock can be no
 * shorter than this (on PGlite the database runs there too).
 */
export const mainThreadCpu = () => procCpu(process.pid, `/proc/self/task/${process.pid}/stat`) ?? 0;

/** CPU seconds used so far: this process, its main thread, and (PostgreSQL) the server processes by pid. */
export type CpuMeter = () => Promise<{ client: number; main: number; server: Map<number, number> }>;

/** A meter for a PGlite bench: the database runs in this process, so its CPU is the client's. */
export const inProcessMeter: CpuMeter = async () => ({ client: clientCpu(), main: mainThreadCpu(), server: new Map() });

/** A meter that also reads the server processes connected to a scratch database. */
export function postgresMeter(scratch: ScratchDatabase): CpuMeter {
  return async () => {
    const server = new Map<number, number>();
    for (const pid of await scratch.backendPids()) {
      const cpu = procCpu(pid);
      if (cpu !== undefined) server.set(pid, cpu);
    }
    return { client: clientCpu(), main: mainThreadCpu(), server };
  };
}

/** What a measured piece of work took: seconds of wall clock and CPU seconds (server null: in process). */
export interface Spent { seconds: number; client: number; main: number; server: number | null }

/** Runs `fn` and returns its result with what it took. */
export async function measure<T>(meter: CpuMeter, fn: () => Promise<T>): Promise<{ result: T; spent: Spent }> {
  const before = await meter();
  const started = performance.now();
  const result = await fn();
  const seconds = (performance.now() - started) / 1000;
  const after = await meter();
  let server: number | null = null;
  if (after.server.size) {
    server = 0;
    for (const [pid, cpu] of after.server) server += cpu - (before.server.get(pid) ?? 0);
  }
  return { result, spent: { seconds, client: after.client - before.client, main: after.main - before.main, server } };
}

/** Client plus server CPU seconds. */
export const cpuOf = (s: Spent) => s.client + (s.server ?? 0);

/** "CPU 21.7 s client + 21.0 s server = 23443 lines per CPU-second; main thread 17.7 s". */
export const cpuText = (s: Spent, n: number, unit: string) =>
  `CPU ${s.server === null ? `${s.client.toFixed(1)} s` : `${s.client.toFixed(1)} s client + ${s.server.toFixed(1)} s server`} = ${(n / cpuOf(s)).toFixed(0)} ${unit} per CPU-second` +
  `; main thread ${s.main.toFixed(1)} s`;
