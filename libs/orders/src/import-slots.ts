import { CONNECTION_JOB_CONCURRENCY } from '@ocop/jobs';

/** Import jobs one worker runs at once at IMPORT_BATCH_SIZE=1 (one row each), as before batching. */
const ONE_ROW_CONCURRENCY = 8;

/**
 * How many import jobs one worker runs at once. A batched job is one connection's and spends most
 * of its time waiting on the marketplace (Sendo reads an order a call, paced to the shop's limit),
 * so it gets a slot per connection like the other per-connection queues: with 8 slots, the Sendo
 * shops of a burst held every one while the Voso and Postmart rows waited behind them. A one-row
 * job is a short transaction, and 8 of them already keep the database busy.
 */
export function importJobConcurrency(batchSize: number): number {
  return batchSize === 1 ? ONE_ROW_CONCURRENCY : CONNECTION_JOB_CONCURRENCY;
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
