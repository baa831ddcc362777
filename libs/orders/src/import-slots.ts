import { CONNECTION_JOB_CONCURRENCY } from '@ocop/jobs';

/** Import jobs one worker runs at once at IMPORT_BATCH_SIZE=1 (one row each), as before batching. */
const ONE_ROW_CONCURRENCY = 8;

/**
 * Batched import jobs one worker runs at once: one connection's each, like the other
 * per-connection queues. Such a job mostly waits on its marketplace and holds no database
 * connection meanwhile, yet more slots are worse: at 48, bench:import's stored backlog over 75
 * shops imported 1,040 events/s against 773, but at a steady 500 events/s the stock pushes that
 * follow an order waited behind the imports (order-to-other-marketplaces p95 13 s against 2.8 s
 * at 16, 1 Dec 2026), and a pushed figure is what stops the other marketplaces overselling.
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
