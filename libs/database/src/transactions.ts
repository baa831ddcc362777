import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { within } from '@ocop/common';

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock
const AFTER_COMMIT = 'ocop:afterCommit';

type Callback = () => Promise<void> | void;

/**
 * How long a request waits for its after-commit work (enqueueing) before it answers anyway. The
 * work normally takes a Redis round trip; when Redis is away it fails at once (the API's producers
 * keep no offline queue) or is cut off here, and the reconcilers redo whatever it missed.
 */
export const AFTER_COMMIT_WAIT_MS = 250;

/**
 * Runs `callback` once the transaction `manager` belongs to has committed (never if it rolls
 * back) and its database connection is back in the pool. Work that must not happen for a change
 * that did not stick — enqueueing a job that would read it — goes here. Outside a transaction it
 * runs at once. It is best effort: a failure is swallowed, as the reconcilers redo the work.
 */
export function afterCommit(manager: EntityManager, callback: Callback): void {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) {
    void Promise.resolve()
      .then(callback)
      .catch(() => undefined);
    return;
  }
  const queued = (runner.data[AFTER_COMMIT] ??= []) as Callback[];
  queued.push(callback);
}

/** Starts `callbacks` and waits for them at most `ms`; they go on (or fail) in the background. */
async function settle(callbacks: Callback[], ms: number): Promise<void> {
  if (callbacks.length === 0) return;
  const all = Promise.allSettled(callbacks.map((callback) => Promise.resolve().then(callback)));
  await within(all, ms, 'after-commit work').catch(() => undefined);
}

/**
 * The one way to run work atomically. Work that is handed a manager joins the caller's
 * transaction instead of opening its own, so services compose without half-written changes.
 */
@Injectable()
export class Transactions {
  constructor(private readonly dataSource: DataSource) {}

  async run<T>(work: (manager: EntityManager) => Promise<T>, within?: EntityManager): Promise<T> {
    if (within?.queryRunner?.isTransactionActive) return work(within);
    for (let attempt = 1; ; attempt += 1) {
      const runner = this.dataSource.createQueryRunner();
      await runner.connect();
      let done: { result: T; callbacks: Callback[] } | undefined;
      try {
        await runner.startTransaction();
        const result = await work(runner.manager);
        await runner.commitTransaction();
        done = { result, callbacks: (runner.data[AFTER_COMMIT] ?? []) as Callback[] };
      } catch (error) {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        const code = (error as { driverError?: { code?: string } }).driverError?.code;
        if (attempt >= 3 || code === undefined || !RETRYABLE.has(code)) throw error;
      } finally {
        runner.data[AFTER_COMMIT] = [];
        // released before the after-commit work: a request waiting on Redis must not hold one of
        // the pool's few connections (ten such requests once starved every other request)
        await runner.release();
      }
      if (done) {
        await settle(done.callbacks, AFTER_COMMIT_WAIT_MS);
        return done.result;
      }
    }
  }
}
