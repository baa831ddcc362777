import { CONNECTION_JOB_CONCURRENCY } from '@ocop/jobs';

/** Import jobs one worker runs at once at IMPORT_BATCH_SIZE=1 (one row each), as before batching. */
const ONE_ROW_CONCURRENCY = 8;

/**
 * Batched import jobs one worker runs at once: one connection's each, like the other
 * per-connection queues. Such a job mostly waits on its marketplace and holds no database
 * connection meanwhile (a Sendo batch waits out its shop's paced reads), yet more slots are worse
 * where it matters: at 48, bench:import's stored backlog over 75 shops imported 930-1,044 events/s
 * against 703 at 16 (in a trial that also let at most 8 import transactions run at once, to leave
 * the pool to the stock pushes; nothing here limits them), but at a steady load the stock pushes
 * that follow an order waited longer (order-to-other-marketplaces p95 4.8-5.8 s against 3.0 s,
 * 1 Dec 2026, on two cores the load generator shared), and a pushed figure is what stops the
 * other marketplaces overselling.
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
