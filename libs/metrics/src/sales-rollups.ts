import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { vietnamDate } from '@ocop/common';
import { monthOf } from './calendar';
import { EventBus, Transactions } from '@ocop/database';
import { OrdersChanged, type OrderChange, type OrderSnapshot } from '@ocop/orders';
import {
  SalesRollupStore,
  type ProducerPeriodRow,
  type ProductDayRow,
  type RollupAdditions,
  type RollupSnapshot,
} from './sales-rollups.repository';

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

/**
 * Sums a batch of order changes into one addition per roll-up row: an order that starts counting
 * adds its figures, one that stops takes them out, one that changes neither adds nothing. Rows come
 * sorted by their key, the one lock order of every transaction writing them, and a key appears
 * once (a multi-row upsert may not touch a row twice).
 */
export function rollupAdditions(changes: OrderChange[]): RollupAdditions {
  const productDays = new Map<string, ProductDayRow>();
  const producerDays = new Map<string, ProducerPeriodRow>();
  const producerMonths = new Map<string, ProducerPeriodRow>();
  const add = (rows: Map<string, ProducerPeriodRow>, row: ProducerPeriodRow) => {
    const key = `${row.period}|${row.marketplace}|${row.cooperativeId}`;
    const held = rows.get(key);
    if (!held) rows.set(key, row);
    else Object.assign(held, sum(held, row));
  };
  for (const { before, after } of changes) {
    const sign = Number(countsAsSale(after.status)) - Number(before ? countsAsSale(before.status) : false);
    // an order without lines sells nothing; the rebuild (a join over lines) does not see it either
    if (sign === 0 || after.lines.length === 0) continue;
    const day = vietnamDate(after.placedAt);
    const sales = salesByProduct(after);
    for (const sale of sales) {
      const key = `${day}|${after.marketplace}|${after.cooperativeId}|${sale.productKey}`;
      const row = {
        cooperativeId: after.cooperativeId,
        marketplace: after.marketplace,
        day,
        productKey: sale.productKey,
        revenueVnd: sign * sale.revenueVnd,
        units: sign * sale.units,
        orders: sign,
      };
      const held = productDays.get(key);
      if (!held) productDays.set(key, row);
      else Object.assign(held, sum(held, row));
    }
    const producer = {
      cooperativeId: after.cooperativeId,
      marketplace: after.marketplace,
      revenueVnd: sign * sales.reduce((total, sale) => total + sale.revenueVnd, 0),
      units: sign * sales.reduce((total, sale) => total + sale.units, 0),
      orders: sign,
    };
    add(producerDays, { ...producer, period: day });
    add(producerMonths, { ...producer, period: monthOf(day) });
  }
  const sorted = <R>(rows: Map<string, R>) =>
    [...rows]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, row]) => row)
      .filter((row) => {
        const r = row as { revenueVnd: number; units: number; orders: number };
        return r.revenueVnd !== 0 || r.units !== 0 || r.orders !== 0;
      });
  return {
    productDays: sorted(productDays),
    producerDays: sorted(producerDays),
    producerMonths: sorted(producerMonths),
  };
}

function sum<R extends { revenueVnd: number; units: number; orders: number }>(a: R, b: R) {
  return { revenueVnd: a.revenueVnd + b.revenueVnd, units: a.units + b.units, orders: a.orders + b.orders };
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
    this.events.on(OrdersChanged, 'in-transaction', ({ changes }, manager) => this.apply(manager, changes));
  }

  /** A batch of order changes, in one statement whatever its size (SalesRollupStore.add). */
  async apply(manager: EntityManager, changes: OrderChange[]): Promise<void> {
    await this.store.add(manager, rollupAdditions(changes));
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
