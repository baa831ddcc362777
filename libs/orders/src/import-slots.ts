import { CONNECTION_JOB_CONCURRENCY } from '@ocop/jobs';

/** Import jobs one worker runs at once at IMPORT_BATCH_SIZE=1 (one row each), as before batching. */
const ONE_ROW_CONCURRENCY = 8;

/**
 * Batched import jobs one worker runs at once: one connection's each, like the other
 * per-connection queues. A Sendo batch holds its slot while it waits out its shop's paced reads, so
 * a stored backlog imports at ~850 events/s here; wider was measured (ADR 22, 1 Dec 2026) and
 * costs more than it gives on a loaded machine. At 64 slots, with at most 8-16 jobs in the
 * database at once or Sendo's jobs lending their slots while they read, the backlog imported
 * 900-1,250 events/s, but at a steady load Voso's and Postmart's jobs came round more often with
 * smaller batches (9 rows against 22): 2.5 times the transactions, PostgreSQL's share up a fifth,
 * the sandboxes' deliveries down, and order-to-other-marketplaces p95 2.0-5.4 s against 0.9-2.1 s
 * at 16 (runs with no more than a log line a batch). A pushed figure is what stops the other
 * marketplaces overselling. Reading Sendo's orders ahead, so its batches held no slot while they
 * read, gave the backlog 1,113 events/s but that p95 2.5-9.8 s (ADR 22, trial/sendo-read-ahead).
 * Again on 2 Dec 2026, alternating in one hour: 32 slots gave the backlog 1,048-1,365 events/s and
 * that p95 1.6-2.6 s; 16 gave 831-885 and 0.39-0.40 s. Sendo's jobs in a queue of their own with
 * 32 slots (the same day, ADR 22) gave the backlog 825-959 against 709-754, and the live sale's
 * p95 worse again, with fewer webhooks delivered and imported on the same two cores.
 */
const BATCHED_CONCURRENCY = CONNECTION_JOB_CONCURRENCY;

/** How many import jobs one worker runs at once. */
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
