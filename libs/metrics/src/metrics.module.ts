import { Module } from '@nestjs/common';
import { CatalogueModule } from '@ocop/catalogue';
import { OcopModule } from '@ocop/ocop';
import { OrdersModule } from '@ocop/orders';
import { MetricsController } from './metrics.controller';
import { SalesMetrics } from './sales-metrics';
import { SalesRollups } from './sales-rollups';

/**
 * Sales roll-ups and the reports read from them. Every process that changes orders imports it, so
 * the roll-ups change in the same transaction as the orders (SalesRollups listens to OrderChanges).
 */
@Module({
  imports: [OrdersModule, CatalogueModule, OcopModule],
  controllers: [MetricsController],
  providers: [SalesRollups, SalesMetrics],
  exports: [SalesRollups, SalesMetrics],
})
export class MetricsModule {}
