import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { vietnamDate } from '@ocop/common';
import { monthOf } from './calendar';
import { EventBus, Transactions } from '@ocop/database';
import { OrderChanged, type OrderSnapshot } from '@ocop/orders';
import { SalesRollupStore, type RollupSnapshot } from './sales-rollups.repository';

/** Stands for "no product" (lines whose SKU the connector does not know) in the roll-up key. */
export const NO_PRODUCT = '00000000-0000-0000-0000-000000000000';

/** API.md: revenue counts orders not cancelled or returned. */
export const countsAsSale = (status: OrderSnapshot['status']) =>
  status !== 'cancelled' && status !== 'returned';

interface ProductSale {
  productKey: string;
  revenueVnd: number;
  units: number;
}

/** An order's contribution per product (lines of one product summed; each product counts the order once). */
export function salesByProduct(order: OrderSnapshot): ProductSale[] {
  const byProduct = new Map<string, ProductSale>();
  for (const line of order.lines) {
    const productKey = line.productId ?? NO_PRODUCT;
    const sale = byProduct.get(productKey) ?? { productKey, revenueVnd: 0, units: 0 };
    sale.revenueVnd += line.quantity * line.unitPriceVnd;
    sale.units += line.quantity;
    byProduct.set(productKey, sale);
  }
  // one lock order for every transaction touching these rows
  return [...byProduct.values()].sort((a, b) => a.productKey.localeCompare(b.productKey));
}

export type RollupTable = 'sales_product_days' | 'sales_producer_days' | 'sales_producer_months';

/**
 * The daily sales roll-ups, kept in the transaction of every order change (an order that stops
 * counting — cancelled, returned — takes its figures back out), per producer also by month, and rebuilt from the orders on
 * demand. Days are calendar days of placement in Asia/Ho_Chi_Minh.
 */
@Injectable()
export class SalesRollups implements OnModuleInit {
  constructor(
    private readonly events: EventBus,
    private readonly transactions: Transactions,
    private readonly store: SalesRollupStore,
  ) {}

  onModuleInit(): void {
    this.events.on(OrderChanged, 'in-transaction', ({ before, after }, manager) =>
      this.apply(manager, before, after),
    );
  }

  async apply(manager: EntityManager, before: OrderSnapshot | null, after: OrderSnapshot): Promise<void> {
    const sign = Number(countsAsSale(after.status)) - Number(before ? countsAsSale(before.status) : false);
    // an order without lines sells nothing; the rebuild (a join over lines) does not see it either
    if (sign === 0 || after.lines.length === 0) return;
    const key = {
      cooperativeId: after.cooperativeId,
      marketplace: after.marketplace,
      day: vietnamDate(after.placedAt),
    };
    // every product of the order in product order (salesByProduct sorts), so concurrent
    // transactions lock the rows in one order
    const sales = salesByProduct(after);
    await this.store.addToProductDays(manager, key, sign, sales);
    const change = {
      revenueVnd: sign * sales.reduce((sum, sale) => sum + sale.revenueVnd, 0),
      units: sign * sales.reduce((sum, sale) => sum + sale.units, 0),
      orders: sign,
    };
    await this.store.addToProducerDay(manager, key, change);
    // after the day's row, in every transaction: the same lock order, so no deadlock between them
    await this.store.addToProducerMonth(manager, key, monthOf(key.day), change);
  }

  /**
   * Recomputes both roll-ups from the orders, in one transaction (readers see the old figures
   * until it commits). A read model rebuilt from its source: the order lines as the orders context
   * publishes them in the `order_sales_lines` view (never its tables). `rebuilt` hears each table as it is written (rows, milliseconds), for a
   * command that would otherwise say nothing for minutes on a large history.
   */
  async rebuild(
    rebuilt?: (table: RollupTable, rows: number, ms: number) => void,
  ): Promise<{ productDays: number; producerDays: number; producerMonths: number }> {
    return this.transactions.run(async (manager) => {
      let started = Date.now();
      const step = (table: RollupTable, rows: number) => {
        rebuilt?.(table, rows, Date.now() - started);
        started = Date.now();
        return rows;
      };
      // an operator's command over the whole order history, whose length grows with it: the pool's
      // statement timeout is for requests and jobs, and a rollback here would only start it over
      await this.store.clearForRebuild(manager);
      const productDays = step(
        'sales_product_days',
        await this.store.rebuildProductDays(manager, NO_PRODUCT),
      );
      const producerDays = step('sales_producer_days', await this.store.rebuildProducerDays(manager));
      const producerMonths = step('sales_producer_months', await this.store.rebuildProducerMonths(manager));
      return { productDays, producerDays, producerMonths };
    });
  }

  /** The roll-ups as they stand, sorted, zero rows left out: for comparing maintained with rebuilt. */
  async snapshot(): Promise<RollupSnapshot> {
    return this.store.snapshot();
  }
}
