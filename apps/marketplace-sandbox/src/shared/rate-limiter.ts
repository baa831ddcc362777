/**
 * Fixed one-second windows on the virtual clock, one counter per key (a shop, or a login client).
 * Old windows are dropped lazily so the map holds one entry per active key.
 */
export class WindowRateLimiter {
  private readonly windows = new Map<string, { window: number; count: number }>();

  /** Counts one call; returns null when allowed, else the seconds until the window ends (>= 1). */
  take(key: string, limitPerSecond: number, nowMs: number): number | null {
    const window = Math.floor(nowMs / 1000);
    const entry = this.windows.get(key);
    if (!entry || entry.window !== window) {
      this.windows.set(key, { window, count: 1 });
      return limitPerSecond >= 1 ? null : 1;
    }
    entry.count += 1;
    if (entry.count <= limitPerSecond) return null;
    return Math.max(1, Math.ceil(((window + 1) * 1000 - nowMs) / 1000));
  }

  clear(): void {
    this.windows.clear();
  }
}
