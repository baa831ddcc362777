import { CONNECTION_JOB_CONCURRENCY } from '@ocop/jobs';
import {
  cpuTimes,
  idleShare,
  importJobConcurrency,
  importSlots,
  ImportWidth,
  LIVE_ARRIVALS_PER_S,
  NARROW_AT_IDLE,
  QUIET_BEFORE_WIDE_S,
  WIDE_IMPORT_SLOTS,
  WIDEN_AT_IDLE,
  yieldsSlotIfOthersWait,
} from './import-slots';

describe('importJobConcurrency', () => {
  it('gives batched imports a slot per connection like the other per-connection queues, one-row imports eight', () => {
    expect(importJobConcurrency(500)).toBe(CONNECTION_JOB_CONCURRENCY);
    expect(importJobConcurrency(2)).toBe(CONNECTION_JOB_CONCURRENCY);
    expect(importJobConcurrency(1)).toBe(8);
  });
});

describe('yieldsSlotIfOthersWait', () => {
  const full = { batchesDone: 1, running: 16, slots: 16 };

  it('yields after a batch when every slot of this worker is taken', () => {
    expect(yieldsSlotIfOthersWait(full)).toBe(true);
  });

  it('keeps the slot before its first batch: a job taken must make progress', () => {
    expect(yieldsSlotIfOthersWait({ ...full, batchesDone: 0 })).toBe(false);
  });

  it('keeps the slot while this worker has a free one for a waiting job', () => {
    expect(yieldsSlotIfOthersWait({ ...full, running: 15 })).toBe(false);
  });
});

describe('importSlots', () => {
  const narrow = CONNECTION_JOB_CONCURRENCY;
  const sale = { arrivalsPerSecond: LIVE_ARRIVALS_PER_S, quietSeconds: 0, idle: 0.1 };
  const backlog = { arrivalsPerSecond: 0, quietSeconds: QUIET_BEFORE_WIDE_S, idle: 0.05 };

  it('goes wide for a backlog once no sale has been in progress for a while, however busy the machine', () => {
    expect(importSlots(narrow, backlog)).toBe(WIDE_IMPORT_SLOTS);
    expect(importSlots(narrow, { ...backlog, idle: null })).toBe(WIDE_IMPORT_SLOTS);
    expect(WIDE_IMPORT_SLOTS).toBeGreaterThan(narrow);
  });

  it('treats the tail of a sale like the sale: narrow while the machine is busy', () => {
    const tail = { ...backlog, quietSeconds: QUIET_BEFORE_WIDE_S - 1 };
    expect(importSlots(narrow, tail)).toBe(narrow);
    expect(importSlots(WIDE_IMPORT_SLOTS, tail)).toBe(narrow);
  });

  it('during a sale or its tail, widens while the machine idles and narrows as soon as it is busy', () => {
    expect(importSlots(WIDE_IMPORT_SLOTS, sale)).toBe(narrow);
    expect(importSlots(WIDE_IMPORT_SLOTS, { ...sale, idle: 0 })).toBe(narrow);
    expect(importSlots(narrow, { ...sale, idle: 0.6 })).toBe(WIDE_IMPORT_SLOTS);
    expect(importSlots(narrow, { ...sale, idle: WIDEN_AT_IDLE })).toBe(WIDE_IMPORT_SLOTS);
    expect(importSlots(narrow, { ...backlog, quietSeconds: 1, idle: 0.6 })).toBe(WIDE_IMPORT_SLOTS);
  });

  it('between the two thresholds, narrows for a sale in progress and keeps the width in its tail', () => {
    const between = { ...sale, idle: (WIDEN_AT_IDLE + NARROW_AT_IDLE) / 2 };
    expect(importSlots(WIDE_IMPORT_SLOTS, between)).toBe(narrow);
    expect(importSlots(WIDE_IMPORT_SLOTS, { ...sale, idle: NARROW_AT_IDLE })).toBe(narrow);
    const tail = { ...between, arrivalsPerSecond: 0, quietSeconds: 5 };
    expect(importSlots(narrow, tail)).toBe(narrow);
    expect(importSlots(WIDE_IMPORT_SLOTS, tail)).toBe(WIDE_IMPORT_SLOTS);
  });

  it('narrows for a sale when the machine’s load is unknown, and keeps the width in its tail', () => {
    expect(importSlots(WIDE_IMPORT_SLOTS, { ...sale, idle: null })).toBe(narrow);
    const tail = { arrivalsPerSecond: 0, quietSeconds: 5, idle: null };
    expect(importSlots(narrow, tail)).toBe(narrow);
    expect(importSlots(WIDE_IMPORT_SLOTS, tail)).toBe(WIDE_IMPORT_SLOTS);
  });
});

describe('idleShare', () => {
  const core = (user: number, idle: number) => ({ times: { user, nice: 0, sys: 0, idle, irq: 0 } });

  it('is the idle share of all the cores’ time between two readings', () => {
    const before = cpuTimes([core(1_000, 5_000), core(2_000, 4_000)]);
    // one core busy the whole second, the other idle
    const after = cpuTimes([core(2_000, 5_000), core(2_000, 5_000)]);
    expect(idleShare(before, after)).toBe(0.5);
  });

  it('counts every kind of busy time, and has nothing to say when no time passed', () => {
    const before = cpuTimes([{ times: { user: 10, nice: 10, sys: 10, idle: 10, irq: 10 } }]);
    const after = cpuTimes([{ times: { user: 20, nice: 20, sys: 20, idle: 20, irq: 20 } }]);
    expect(idleShare(before, after)).toBe(0.2);
    expect(idleShare(after, after)).toBeNull();
  });

  it('reads this machine’s cores', () => {
    const now = cpuTimes();
    expect(now.total).toBeGreaterThan(now.idle);
    expect(now.idle).toBeGreaterThan(0);
  });
});

describe('ImportWidth', () => {
  const narrow = CONNECTION_JOB_CONCURRENCY;
  // a machine 10 % idle: busy enough that only the arrivals decide
  const reading = (second: number, arrived: number) => ({
    cpu: { idle: 100 * second, total: 1_000 * second },
    arrived,
    atMs: 1_000 * second,
  });

  it('widens a starting worker after its first second without a sale', () => {
    const width = new ImportWidth(reading(0, 0));
    const { slots, load } = width.next(narrow, reading(1, 0));
    expect(load).toEqual({ arrivalsPerSecond: 0, quietSeconds: QUIET_BEFORE_WIDE_S, idle: 0.1 });
    expect(slots).toBe(WIDE_IMPORT_SLOTS);
  });

  it('counts arrivals a second over the time between readings, and a sale starts the quiet over', () => {
    const width = new ImportWidth(reading(0, 0));
    // 60 webhooks in half a second is a sale (120 a second), though fewer than 100 came
    const sale = width.next(WIDE_IMPORT_SLOTS, reading(0.5, 60));
    expect(sale.load.arrivalsPerSecond).toBe(120);
    expect(sale.load.quietSeconds).toBe(0);
    expect(sale.slots).toBe(narrow);
    // its tail: quiet, but narrow until a whole QUIET_BEFORE_WIDE_S has passed without a sale
    let slots = sale.slots;
    for (let second = 1; second < QUIET_BEFORE_WIDE_S; second += 1) {
      slots = width.next(slots, reading(0.5 + second, 60 + second)).slots;
      expect(slots).toBe(narrow);
    }
    expect(width.next(slots, reading(0.5 + QUIET_BEFORE_WIDE_S, 60 + QUIET_BEFORE_WIDE_S)).slots).toBe(
      WIDE_IMPORT_SLOTS,
    );
  });
});
