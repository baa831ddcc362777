import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Environment } from '../../../config/environment';
import { CommonModule } from '@ocop/common';
import { DatabaseModule } from '@ocop/database';
import { MetricsModule, SalesRollups } from '@ocop/metrics';
import { QueueModule } from '@ocop/sync';

/**
 * Recomputes the sales roll-ups from the orders (after a restore, or to prove the maintained
 * figures right): one transaction, so reports read the old figures until the new ones are whole.
 */
export async function rebuildMetrics(
  env: Environment,
): Promise<{ productDays: number; producerDays: number; producerMonths: number }> {
  @Module({ imports: [CommonModule.forRoot(env, 'cli'), DatabaseModule, QueueModule, MetricsModule] })
  class RebuildModule {}
  const app = await NestFactory.createApplicationContext(RebuildModule, { logger: ['error', 'warn'] });
  try {
    return await app.get(SalesRollups).rebuild();
  } finally {
    await app.close();
  }
}
