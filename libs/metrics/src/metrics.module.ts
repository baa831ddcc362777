import { Module } from '@nestjs/common';
import { CatalogueModule } from '@ocop/catalogue';
import { OcopModule } from '@ocop/ocop';
import { OrdersModule } from '@ocop/orders';
import { MetricsController } from './metrics.controller';
import { SalesFigures } from './sales-figures.repository';
import { SalesMetrics } from './sales-metrics';
import { SalesRollups } from './sales-rollups';
import { SalesRollupStore } from './sales-rollups.repository';
import { SalesPanels } from './sales-panel';

/**
 * Sales roll-ups and the reports read from them. SalesRollups handles OrdersChanged inside the
 * order's transaction; a process that imports orders without this module has its imports refused
 * (OrdersChanged must be handled), so the roll-ups cannot silently fall behind.
 */
@Module({
  imports: [OrdersModule, CatalogueModule, OcopModule],
  controllers: [MetricsController],
  providers: [SalesRollupStore, SalesFigures, SalesPanels, SalesRollups, SalesMetrics],
  exports: [SalesRollups, SalesMetrics],
})
export class MetricsModule {}
