import { cpus, type CpuInfo } from 'node:os';
import { CONNECTION_JOB_CONCURRENCY } from '@ocop/jobs';

/** Import jobs one worker runs at once at IMPORT_BATCH_SIZE=1 (one row each), as before batching. */
const ONE_ROW_CONCURRENCY = 8;

/**
 * Batched import jobs one worker runs at once during a sale: one connection's each, like the other
 * per-connection queues. Wider was measured (ADR 22) and costs more than it gives while webhooks
 * arrive on a busy machine: Voso's and Postmart's jobs came round more often with smaller batches
 * (9 rows against 22), 2.5 times the transactions, and order-to-other-marketplaces p95 rose from
 * 0.4 s to 1.6-2.6 s at 32 slots; a sale's stock reaching the other marketplaces is what stops them
 * overselling.
 */
const BATCHED_CONCURRENCY = CONNECTION_JOB_CONCURRENCY;

/**
 * Batched import slots for a stored backlog (found by a worker back from an outage, or still waiting
 * a minute after a sale's last webhooks) or while the machine has cores to spare. A Sendo batch holds its slot while it waits
 * out its shop's paced reads (a call per new order, 19 a second), so at 16 slots a backlog of 75
 * shops imported 740-770 events/s: timed per batch on 2 Dec 2026, each Sendo shop's reads took
 * 10-12 s and the last of them started 16 s in, waiting for a slot, while Voso's and Postmart's
 * jobs kept the two cores 93 % busy. Alternating in one hour, the backlog imported 1,111 events/s at
 * 48 slots and 1,010 at 64 (the shops' reads slower, the worker's one thread answering them).
 */
export const WIDE_IMPORT_SLOTS = 48;

/**
 * Webhooks a second claimed as they arrive (`InboxRelay.arrived`) below which no sale is in progress:
 * what waits then is a backlog. Far below what the narrow width imports on a 2-core machine (700+ a
 * second), so a trickle never holds the slots narrow.
 */
export const LIVE_ARRIVALS_PER_S = 100;

/**
 * Seconds in a row below LIVE_ARRIVALS_PER_S after which what waits is a backlog, and the slots
 * widen whatever the machine's load. A sale's own tail stays out of it: the webhooks that came last
 * are imported within seconds to tens of seconds of the sale's end, while the stock of its last
 * orders is pushed. Widened at once, or 3 s after the last webhook, bench:import's steady phase saw
 * order-to-other-marketplaces p95 1.1-3.9 s (median 2.2 s, ten runs) against 0.8-3.7 s (median
 * 1.4 s, nine runs) at 16, alternating on 2 Dec 2026, and a buyer's placement to the other
 * marketplaces no sooner. A worker that starts counts as quiet this long less a second: a stored
 * backlog it finds (after an outage) widens after its first second without a sale.
 */
export const QUIET_BEFORE_WIDE_S = 60;

/** Until then: share of the machine's CPU time idle over the last second at or above which the slots widen… */
export const WIDEN_AT_IDLE = 0.4;
/**
 * …and below which they narrow again: a live sale's webhooks, the API storing them and the pushes
 * they cause keep a 2-core machine 85-90 % busy, and there every slot beyond 16 slowed the pushes.
 * Between the two a sale in progress narrows them, and its tail leaves them as they are, so the
 * width does not flap with each second's load.
 */
export const NARROW_AT_IDLE = 0.2;

/** How many import jobs one worker runs at once when it starts (batched, `importSlots` moves it after). */
export function importJobConcurrency(batchSize: number): number {
  return batchSize === 1 ? ONE_ROW_CONCURRENCY : BATCHED_CONCURRENCY;
}

/**
 * Whether a batched job that has just imported a batch and has more rows should give its slot up
 * and go to the back of the queue if another job waits: only when this worker has no free slot for
 * that job. A job that gave its slot up while slots were free would be taken again at once, a round
 * trip through Redis per batch for nothing. (Whether a job waits is asked of Redis after this.)
 */
export function yieldsSlotIfOthersWait(state: {
  batchesDone: number;
  running: number;
  slots: number;
}): boolean {
  return state.batchesDone > 0 && state.running >= state.slots;
}

/** What the batched import's width is set from, each second. */
export interface ImportLoad {
  /** webhooks claimed as they arrived (InboxRelay.arrived), a second, over the last second */
  arrivalsPerSecond: number;
  /** seconds in a row, up to now, with arrivals below LIVE_ARRIVALS_PER_S (a worker starts at QUIET_BEFORE_WIDE_S - 1) */
  quietSeconds: number;
  /** share of the machine's CPU time idle over the last second; null when unknown */
  idle: number | null;
}

/**
 * The batched import's slots for the next second, from the current ones and the load: wide once no
 * sale has been in progress for QUIET_BEFORE_WIDE_S (what waits is a backlog); otherwise wide while
 * the machine idles (jobs waiting on their marketplace's paced reads hold slots without using a
 * core), narrow while webhooks arrive or as soon as the machine is busy, and in a sale's tail, as
 * they are until it is one or the other.
 */
export function importSlots(current: number, load: ImportLoad): number {
  if (load.quietSeconds >= QUIET_BEFORE_WIDE_S) return WIDE_IMPORT_SLOTS;
  const selling = load.arrivalsPerSecond >= LIVE_ARRIVALS_PER_S;
  if (load.idle === null) return selling ? BATCHED_CONCURRENCY : current;
  if (load.idle >= WIDEN_AT_IDLE) return WIDE_IMPORT_SLOTS;
  if (load.idle < NARROW_AT_IDLE || selling) return BATCHED_CONCURRENCY;
  return current;
}

/** CPU time of every core of the machine, in ms: idle, and in all. */
export interface CpuTimes {
  idle: number;
  total: number;
}

/** The machine's CPU times now, summed over its cores (`os.cpus()` gives each core's since boot). */
export function cpuTimes(cores: Pick<CpuInfo, 'times'>[] = cpus()): CpuTimes {
  let idle = 0;
  let total = 0;
  for (const { times } of cores) {
    idle += times.idle;
    total += times.user + times.nice + times.sys + times.idle + times.irq;
  }
  return { idle, total };
}

/** Share of the CPU time between two readings that was idle; null when none passed (nothing to go by). */
export function idleShare(before: CpuTimes, after: CpuTimes): number | null {
  const total = after.total - before.total;
  return total > 0 ? Math.min(1, Math.max(0, (after.idle - before.idle) / total)) : null;
}

/** One reading of what the batched import's width follows. */
export interface WidthReading {
  /** the machine's CPU times (cpuTimes) */
  cpu: CpuTimes;
  /** webhooks the relay has claimed as they arrived, so far (InboxRelay.arrived) */
  arrived: number;
  /** when it was read, on a monotonic clock, in ms */
  atMs: number;
}

/**
 * The batched import's width from one reading to the next: the arrivals a second since the last,
 * the quiet seconds in a row, the machine's idle share, and the slots `importSlots` gives for them.
 * A worker that starts counts as quiet already, less a second (QUIET_BEFORE_WIDE_S).
 */
export class ImportWidth {
  private quietSeconds = QUIET_BEFORE_WIDE_S - 1;

  constructor(private last: WidthReading) {}

  next(current: number, now: WidthReading): { slots: number; load: ImportLoad } {
    const arrivalsPerSecond =
      ((now.arrived - this.last.arrived) * 1000) / Math.max(1, now.atMs - this.last.atMs);
    this.quietSeconds = arrivalsPerSecond < LIVE_ARRIVALS_PER_S ? this.quietSeconds + 1 : 0;
    const load = {
      arrivalsPerSecond,
      quietSeconds: this.quietSeconds,
      idle: idleShare(this.last.cpu, now.cpu),
    };
    this.last = now;
    return { slots: importSlots(current, load), load };
  }
}
