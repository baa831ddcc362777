/**
 * The sandbox's virtual clock: real time plus an offset that only grows. Everything time-based in
 * a marketplace (token expiry, paging-token expiry, Voso's 24-hour auto-cancel, webhook retry
 * schedules, Postmart's timestamp window) reads this clock, so a test can jump hours ahead with
 * `POST /_sandbox/clock` instead of waiting.
 */
export class VirtualClock {
  private offsetMs = 0;
  private readonly listeners = new Set<() => void>();

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves the clock forward (never back) and wakes whoever waits on it (e.g. due webhook retries). */
  advance(seconds: number): number {
    if (!Number.isFinite(seconds) || seconds < 0)
      throw new RangeError('advanceSeconds must be a number >= 0');
    this.offsetMs += Math.round(seconds * 1000);
    for (const listener of this.listeners) listener();
    return this.now();
  }

  onAdvance(listener: () => void): void {
    this.listeners.add(listener);
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
