import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock
const AFTER_COMMIT = 'ocop:afterCommit';

type Callback = () => Promise<void> | void;

/**
 * Runs `callback` once the transaction `manager` belongs to has committed (never if it rolls
 * back). Work that must not happen for a change that did not stick — enqueueing a job that
 * would read it — goes here. Outside a transaction it runs at once.
 */
export function afterCommit(manager: EntityManager, callback: Callback): void {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) {
    void Promise.resolve().then(callback);
    return;
  }
  const queued = (runner.data[AFTER_COMMIT] ??= []) as Callback[];
  queued.push(callback);
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
      try {
        await runner.startTransaction();
        const result = await work(runner.manager);
        await runner.commitTransaction();
        const callbacks = (runner.data[AFTER_COMMIT] ?? []) as Callback[];
        runner.data[AFTER_COMMIT] = [];
        // After-commit work is best effort by design: the reconciler redoes whatever it missed.
        await Promise.allSettled(callbacks.map((callback) => callback()));
        return result;
      } catch (error) {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        runner.data[AFTER_COMMIT] = [];
        const code = (error as { driverError?: { code?: string } }).driverError?.code;
        if (attempt >= 3 || code === undefined || !RETRYABLE.has(code)) throw error;
      } finally {
        await runner.release();
      }
    }
  }
}
