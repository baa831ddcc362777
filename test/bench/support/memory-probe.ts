/**
 * Preloaded into a benchmarked process (`node --require memory-probe.js`, see `memoryProbeEnv`):
 * RSS alone cannot tell a growing V8 heap from Buffers or from native memory (sockets, zlib, the
 * allocator keeping freed pages), so this samples `process.memoryUsage()` and writes the breakdown
 * seen at the highest RSS so far to BENCH_MEMORY_PROBE_FILE, for the parent to read (peak-rss.ts).
 * It is never loaded by the connector itself.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_MEMORY_PROBE_FILE;
if (file) {
  let peakRss = 0;
  const timer = setInterval(() => {
    const usage = process.memoryUsage();
    if (usage.rss <= peakRss) return;
    peakRss = usage.rss;
    writeFileSync(file, JSON.stringify({ ...usage, at: Date.now() }));
  }, 100);
  // the probe must not keep a process alive that would otherwise exit
  timer.unref();
}
