import { type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Environment } from '../../../config/environment';
import { CommonModule } from '@ocop/common';
import { DatabaseModule } from '@ocop/database';
import { MetricsModule, type RollupTable, SalesRollups } from '@ocop/metrics';
import { QueueModule } from '@ocop/jobs';

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

const STEPS: Record<RollupTable, string> = {
  sales_product_days: 'product-days (old roll-ups cleared first)',
  sales_producer_days: 'producer-days',
  sales_producer_months: 'producer-months',
};

/**
 * Recomputes the sales roll-ups from the orders (after a restore, or to prove the maintained
 * figures right): one transaction, so reports read the old figures until the new ones are whole.
 * `progress` hears a line as each roll-up is written.
 */
export async function rebuildMetrics(
  env: Environment,
  progress?: (line: string) => void,
): Promise<{ productDays: number; producerDays: number; producerMonths: number }> {
  const app = await metricsContext(env);
  try {
    progress?.('Rebuilding the sales roll-ups from the orders in one transaction…');
    return await app
      .get(SalesRollups)
      .rebuild((table, rows, ms) =>
        progress?.(`  ${STEPS[table]}: ${rows} rows in ${(ms / 1000).toFixed(1)} s`),
      );
  } finally {
    await app.close();
  }
}
