import { type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Environment } from '../../../config/environment';
import { CommonModule } from '@ocop/common';
import { DatabaseModule } from '@ocop/database';
import { MetricsModule, SalesRollups } from '@ocop/metrics';
import { QueueModule } from '@ocop/sync';

/** The metrics context on its own, without HTTP or processors, for commands and benchmarks. */
export async function metricsContext(env: Environment): Promise<INestApplicationContext> {
  @Module({
    imports: [
      CommonModule.forRoot(env, 'cli'),
      DatabaseModule,
      QueueModule.forRole('working'),
      MetricsModule,
    ],
  })
  class MetricsContextModule {}
  return NestFactory.createApplicationContext(MetricsContextModule, { logger: ['error', 'warn'] });
}

/**
 * Recomputes the sales roll-ups from the orders (after a restore, or to prove the maintained
 * figures right): one transaction, so reports read the old figures until the new ones are whole.
 */
export async function rebuildMetrics(
  env: Environment,
): Promise<{ productDays: number; producerDays: number; producerMonths: number }> {
  const app = await metricsContext(env);
  try {
    return await app.get(SalesRollups).rebuild();
  } finally {
    await app.close();
  }
}
