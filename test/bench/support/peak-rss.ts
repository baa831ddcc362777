import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchProcess } from './processes';

/** What `process.memoryUsage()` said inside the process when its RSS was highest (memory-probe.ts). */
export interface MemoryBreakdown {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

export interface PeakRssFigures {
  /** The peak: the kernel's VmHWM, or a sampled VmRSS should it be higher. */
  peakMb: number;
  hwmMb: number;
  sampledMaxMb: number;
  nowMb: number;
  /** VmRSS when sampling began: what the process held before the measured work. */
  startMb: number;
  /** At the process's own highest RSS, if it was started with `memoryProbeEnv`. */
  breakdown?: MemoryBreakdown;
}

const mb = (kb: number) => Number((kb / 1024).toFixed(1));

/**
 * Environment for `spawnBenchProcess` that preloads memory-probe.js into the process, so the
 * sampler can say where the peak went (heap, Buffers, the rest). Spread it into the process's env.
 */
export function memoryProbeEnv(): { env: Record<string, string>; file: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'ocop-bench-memory-'));
  const file = join(dir, 'peak.json');
  const probe = join(__dirname, 'memory-probe.js');
  const options = [process.env.NODE_OPTIONS, `--require ${probe}`].filter(Boolean).join(' ');
  return {
    env: { NODE_OPTIONS: options, BENCH_MEMORY_PROBE_FILE: file },
    file,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Samples a benchmarked process's resident memory every `everyMs` until `stop()`. VmHWM is the
 * kernel's exact peak over the whole life of the process; the sampled VmRSS shows how high it rose
 * while the measured work ran (a peak at start-up would show as VmHWM alone). `probeFile`: the
 * file of a process started with `memoryProbeEnv`, read at stop for the breakdown.
 */
export function samplePeakRss(
  target: Pick<BenchProcess, 'memory'>,
  options: { everyMs?: number; probeFile?: string } = {},
): { stop(): PeakRssFigures } {
  const startKb = target.memory().rssKb;
  let sampledMaxKb = startKb;
  const timer = setInterval(() => {
    sampledMaxKb = Math.max(sampledMaxKb, target.memory().rssKb);
  }, options.everyMs ?? 100);
  return {
    stop() {
      clearInterval(timer);
      const { rssKb, hwmKb } = target.memory();
      sampledMaxKb = Math.max(sampledMaxKb, rssKb);
      let breakdown: MemoryBreakdown | undefined;
      if (options.probeFile && existsSync(options.probeFile)) {
        breakdown = JSON.parse(readFileSync(options.probeFile, 'utf8')) as MemoryBreakdown;
      }
      return {
        peakMb: mb(Math.max(sampledMaxKb, hwmKb)),
        hwmMb: mb(hwmKb),
        sampledMaxMb: mb(sampledMaxKb),
        nowMb: mb(rssKb),
        startMb: mb(startKb),
        breakdown,
      };
    },
  };
}

/** One line for a benchmark's output: the peak, how it was read, and where it went. */
export function describePeakRss(figures: PeakRssFigures): string {
  const line =
    `peak RSS ${figures.peakMb} MB (VmHWM ${figures.hwmMb} MB, sampled max VmRSS ${figures.sampledMaxMb} MB, ` +
    `${figures.startMb} MB at start, now ${figures.nowMb} MB)`;
  const b = figures.breakdown;
  if (!b) return line;
  const m = (bytes: number) => Number((bytes / 1024 / 1024).toFixed(1));
  return (
    `${line}; at its peak: V8 heap ${m(b.heapUsed)} of ${m(b.heapTotal)} MB, external ${m(b.external)} MB ` +
    `(of which ArrayBuffers ${m(b.arrayBuffers)} MB), the rest (code, stacks, native, allocator) ` +
    `${m(b.rss - b.heapTotal - b.external)} MB`
  );
}
