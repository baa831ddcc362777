import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock

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
      try {
        return await this.dataSource.transaction(work);
      } catch (error) {
        const code = (error as { code?: string; driverError?: { code?: string } }).driverError?.code;
        if (attempt >= 3 || code === undefined || !RETRYABLE.has(code)) throw error;
      }
    }
  }
}
