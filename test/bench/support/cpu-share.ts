import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Clock ticks a second of /proc's utime and stime (USER_HZ, 100 on Linux). */
const TICKS = 100;

/** CPU seconds (user + system) a process has used, from /proc; 0 once it is gone. */
export function cpuSecondsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name may hold spaces: fields are counted after its closing parenthesis
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return 0;
  }
}

/** CPU seconds used by every process of this command name now alive (e.g. PostgreSQL's backends). */
export function cpuSecondsOfCommand(name: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) total += cpuSecondsOf(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/**
 * How many cores each part of a run used over a window: the parts are read at `start` and again at
 * `stop`. A figure bounded by the machine shows here as parts that add up to its cores.
 */
export function cpuShare(parts: Record<string, () => number>) {
  const read = () => Object.fromEntries(Object.entries(parts).map(([name, cpu]) => [name, cpu()]));
  const before = read();
  const startedAt = Date.now();
  return {
    stop(): { seconds: number; cores: Record<string, number> } {
      const after = read();
      const seconds = (Date.now() - startedAt) / 1000;
      const cores = Object.fromEntries(
        Object.keys(parts).map((name) => [name, Number(((after[name] - before[name]) / seconds).toFixed(2))]),
      );
      return { seconds, cores };
    },
  };
}

/** `worker 0.95, API 0.31, …` (cores). */
export function describeCpuShare(cores: Record<string, number>): string {
  const total = Object.values(cores).reduce((sum, n) => sum + n, 0);
  return `${Object.entries(cores)
    .map(([name, n]) => `${name} ${n.toFixed(2)}`)
    .join(', ')} (${total.toFixed(2)} of ${availableParallelism()} cores)`;
}
