/** Per-endpoint call counters, keyed "<METHOD> <route pattern>" (GET /_sandbox/stats). */
export class CallCounters {
  private readonly counts = new Map<string, number>();

  count(method: string, pattern: string): void {
    const key = `${method} ${pattern}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  clear(): void {
    this.counts.clear();
  }
}
