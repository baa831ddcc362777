import {
  effectiveLimit,
  limitAfterThrottles,
  pace,
  PACE_SHARE,
  PACE_TOLERANCE,
  paceIntervalMs,
  type Pace,
} from './call-pacing';

/** Admits `callers` callers that each ask again when told to, as the gate does; the times they went. */
function run(
  callers: number,
  startMs: number,
  intervalMs: number,
  wakeLateMs = 0,
  toleranceMs = 0,
): number[] {
  let state: Pace = { nextAt: undefined };
  const asks = Array.from({ length: callers }, () => startMs);
  const went: number[] = [];
  while (asks.length > 0) {
    asks.sort((a, b) => a - b);
    const at = asks.shift()!;
    const decision = pace(state, at, intervalMs, toleranceMs);
    state = { nextAt: decision.nextAt };
    if (decision.admitted) went.push(at);
    else asks.push(at + decision.waitMs + wakeLateMs);
  }
  return went;
}

/** The most calls any fixed one-second window of the marketplace's (second boundaries at `offsetMs`) holds. */
function busiestWindow(times: number[], offsetMs: number): number {
  const counts = new Map<number, number>();
  for (const t of times) {
    const window = Math.floor((t - offsetMs) / 1000);
    counts.set(window, (counts.get(window) ?? 0) + 1);
  }
  return Math.max(...counts.values());
}

describe('paceIntervalMs', () => {
  it('spaces calls a little under the limit, so the calls of one limit span more than a second', () => {
    expect(paceIntervalMs(20)).toBeCloseTo(1000 / 19, 6);
    expect(20 * paceIntervalMs(20)).toBeGreaterThan(1050);
    expect(PACE_SHARE).toBeGreaterThanOrEqual(0.9);
  });

  it('paces a limit below one a second as one a second', () => {
    expect(paceIntervalMs(0)).toBe(paceIntervalMs(1));
  });
});

describe('pace', () => {
  it('lets the first call of an idle shop go at once and holds the next one interval later', () => {
    expect(pace({ nextAt: undefined }, 1000, 50)).toEqual({ admitted: true, nextAt: 1050 });
    expect(pace({ nextAt: 1050 }, 1010, 50)).toEqual({ admitted: false, nextAt: 1050, waitMs: 40 });
    expect(pace({ nextAt: 1050 }, 1050, 50)).toEqual({ admitted: true, nextAt: 1100 });
  });

  it('saves up no burst while a shop is idle', () => {
    expect(pace({ nextAt: 1000 }, 9000, 50)).toEqual({ admitted: true, nextAt: 9050 });
    expect(pace({ nextAt: 9050 }, 9000, 50).admitted).toBe(false);
  });

  it('spaces many waiting callers one interval apart, never two at once', () => {
    const went = run(40, 0, 50);
    expect(went).toHaveLength(40);
    for (let i = 1; i < went.length; i++) expect(went[i] - went[i - 1]).toBeGreaterThanOrEqual(50);
    expect(went[39]).toBe(39 * 50);
  });

  it('keeps the spacing when callers wake late, instead of sending them together', () => {
    const went = run(20, 0, 50, 37);
    for (let i = 1; i < went.length; i++) expect(went[i] - went[i - 1]).toBeGreaterThanOrEqual(50);
  });

  it('never puts more than the limit in a marketplace second, wherever its boundary falls, with 25 ms of jitter', () => {
    const interval = paceIntervalMs(20);
    for (const went of [run(200, 0, interval), run(200, 0, interval, 0, interval * PACE_TOLERANCE)]) {
      for (let offset = 0; offset < 1000; offset += 7) {
        expect(busiestWindow(went, offset)).toBeLessThanOrEqual(20);
        // every other call arriving 25 ms late: what a busy event loop or network adds here
        const jittered = went.map((t, i) => t + (i % 2 === 0 ? 25 : 0));
        expect(busiestWindow(jittered, offset)).toBeLessThanOrEqual(20);
      }
    }
  });

  it('lets a call take its slot up to the tolerance early, so callers that wake late keep the pace', () => {
    expect(pace({ nextAt: 1050 }, 1030, 50, 25)).toEqual({ admitted: true, nextAt: 1100 });
    expect(pace({ nextAt: 1050 }, 1020, 50, 25)).toEqual({ admitted: false, nextAt: 1050, waitMs: 5 });
    // every wake-up 20 ms late: without tolerance each call slips by 20 ms, with 25 ms none does
    const slipping = run(21, 0, 50, 20);
    const kept = run(21, 0, 50, 20, 25);
    expect(slipping[20]).toBeGreaterThan(20 * 50 + 200);
    expect(kept[20]).toBeLessThanOrEqual(20 * 50);
  });

  it('uses at least 90 % of the limit', () => {
    const went = run(200, 0, paceIntervalMs(20));
    const perSecond = (went.length - 1) / ((went[went.length - 1] - went[0]) / 1000);
    expect(perSecond).toBeGreaterThanOrEqual(18);
    expect(perSecond).toBeLessThanOrEqual(20);
  });
});

describe('limitAfterThrottles', () => {
  it('takes one call a second off for each call the shop refused in the lesson', () => {
    expect(limitAfterThrottles(20, 1)).toBe(19);
    expect(limitAfterThrottles(40, 5)).toBe(35);
  });

  it('cuts at most a fifth in one lesson, however many calls were refused', () => {
    expect(limitAfterThrottles(40, 10)).toBe(32);
    expect(limitAfterThrottles(40, 500)).toBe(32);
    expect(limitAfterThrottles(20, 20)).toBe(16);
  });

  it('never goes below one call a second', () => {
    expect(limitAfterThrottles(1, 1)).toBe(1);
    expect(limitAfterThrottles(2, 50)).toBe(1);
  });
});

describe('effectiveLimit', () => {
  it('paces at a learned limit only when it is a whole number under the default', () => {
    expect(effectiveLimit(40, null)).toBe(40);
    expect(effectiveLimit(40, '25')).toBe(25);
    expect(effectiveLimit(40, '60')).toBe(40);
    expect(effectiveLimit(40, '0')).toBe(40);
    expect(effectiveLimit(40, '2.5')).toBe(40);
    expect(effectiveLimit(40, 'x')).toBe(40);
  });
});
