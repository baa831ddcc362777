/**
 * The rules of the marketplace call gate, as plain functions: how calls are spaced (GCRA), how
 * fast a shop is paced for its limit, and what a throttle answer teaches. `RedisCallGate` runs the
 * same rules in a Redis script (shared by every process) and, while Redis is away, in memory.
 */

/**
 * Share of a shop's limit the gate paces at. Calls spaced evenly at the full limit put one call
 * more than the limit in some of the marketplace's one-second windows as soon as the time from our
 * gate to its counter varies at all (n + 1 calls fit n intervals); at 95 % the calls of a whole
 * limit span 1.053 s, so a call may arrive up to ~50 ms early or late before one is refused.
 */
export const PACE_SHARE = 0.95;

/** Milliseconds between two calls to a shop whose limit is `limitPerSecond` calls a second. */
export function paceIntervalMs(limitPerSecond: number): number {
  return 1000 / (Math.max(1, limitPerSecond) * PACE_SHARE);
}

/** Where a shop's pacing stands: the earliest time the next call may go (GCRA's "theoretical arrival time"). */
export interface Pace {
  /** epoch ms; undefined or in the past when the shop has been idle */
  nextAt: number | undefined;
}

export type PaceDecision =
  { admitted: true; nextAt: number } | { admitted: false; nextAt: number; waitMs: number };

/**
 * How early, as a share of the interval, a call may take its slot. A caller whose wake-up comes late
 * (a busy event loop) takes its slot late, and the slot after it moves on from then: without this
 * the shop's pace falls by every such delay. Half an interval lets late callers catch up that much,
 * and still no one-second window holds more than the limit: the calls of one limit then span
 * 1.053 s less half an interval, ~1.026 s at 20 a second, so ~25 ms of arrival jitter is absorbed.
 */
export const PACE_TOLERANCE = 0.5;

/**
 * One call asks to go at `nowMs` (GCRA): it goes when the shop's next slot is at most
 * `toleranceMs` away, and moves the slot on by one interval from whichever is later, the slot or
 * now. An idle shop saves up no burst beyond the tolerance, so calls are never closer than
 * `intervalMs - toleranceMs` and any `n` calls span at least `(n - 1) * intervalMs - toleranceMs`
 * (a fixed window let a second's whole limit through at once, then made the rest wait for the next
 * second, whatever the marketplace's window). A caller that must wait asks again after `waitMs`; it
 * does not reserve the slot, so callers that wake late cannot all send their calls together.
 */
export function pace(current: Pace, nowMs: number, intervalMs: number, toleranceMs = 0): PaceDecision {
  const slot = current.nextAt ?? nowMs;
  if (slot - toleranceMs > nowMs) {
    return { admitted: false, nextAt: slot, waitMs: slot - toleranceMs - nowMs };
  }
  return { admitted: true, nextAt: Math.max(slot, nowMs) + intervalMs };
}

/** A throttle lesson never cuts more than this share off the limit it started from… */
export const THROTTLE_CUT = 0.8;

/**
 * The shop's limit after `refused` throttle answers within one lesson (the second after the first
 * of them) that began with `limitAtStart`: one call a second less for each call the shop refused in
 * that second, as that is how far over its limit we were; but at most a fifth off per lesson, so a
 * burst of refusals for another reason (a marketplace's bad second) does not collapse the limit,
 * and never below one call a second.
 */
export function limitAfterThrottles(limitAtStart: number, refused: number): number {
  return Math.max(1, Math.floor(limitAtStart * THROTTLE_CUT), limitAtStart - refused);
}

/**
 * The limit to pace a shop at: the learned one when it is a positive whole number below the
 * marketplace's default, else the default (a learned figure is only ever a cut).
 */
export function effectiveLimit(defaultLimit: number, learned: string | null): number {
  const value = learned === null ? NaN : Number(learned);
  return Number.isInteger(value) && value > 0 ? Math.min(value, defaultLimit) : defaultLimit;
}
