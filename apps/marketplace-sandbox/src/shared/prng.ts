/**
 * A small deterministic PRNG (mulberry32). Fault decisions draw from it, so a shop whose faults
 * were set with the same seed makes the same decisions in the same order on every run.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** True with probability `rate` (0 never draws true, 1 always does). One draw either way. */
  chance(rate: number): boolean {
    const draw = this.next();
    return rate > 0 && draw < rate;
  }
}
