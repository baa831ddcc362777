import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { vietnamDate } from '@ocop/common';
import { monthOf } from './calendar';
import { EventBus, Transactions } from '@ocop/database';
import { OrderChanged, type OrderSnapshot } from '@ocop/orders';

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
    private readonly dataSource: DataSource,
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
    const day = vietnamDate(after.placedAt);
    const sales = salesByProduct(after);
    // one statement for every product of the order, in product order (salesByProduct sorts), so
    // concurrent transactions lock the rows in one order and the import pays one round trip
    await manager.query(
      `INSERT INTO sales_product_days AS s (cooperative_id, product_key, marketplace, day, revenue_vnd, units, orders)
       SELECT $1, sale.product_key, $2, $3, $4::int * sale.revenue_vnd, $4::int * sale.units, $4::int
       FROM unnest($5::uuid[], $6::bigint[], $7::bigint[]) WITH ORDINALITY
         AS sale(product_key, revenue_vnd, units, position)
       ORDER BY sale.position
       ON CONFLICT (product_key, day, marketplace, cooperative_id) DO UPDATE
         SET revenue_vnd = s.revenue_vnd + EXCLUDED.revenue_vnd, units = s.units + EXCLUDED.units,
             orders = s.orders + EXCLUDED.orders`,
      [
        after.cooperativeId,
        after.marketplace,
        day,
        sign,
        sales.map((sale) => sale.productKey),
        sales.map((sale) => sale.revenueVnd),
        sales.map((sale) => sale.units),
      ],
    );
    const change = {
      revenueVnd: sign * sales.reduce((sum, sale) => sum + sale.revenueVnd, 0),
      units: sign * sales.reduce((sum, sale) => sum + sale.units, 0),
      orders: sign,
    };
    await this.addToProducer(manager, 'sales_producer_days', 'day', day, after, change);
    // after the day's row, in every transaction: the same lock order, so no deadlock between them
    await this.addToProducer(manager, 'sales_producer_months', 'month', monthOf(day), after, change);
  }

  /** Adds a change to a producer's row of one period in a producer roll-up (day or month). */
  private async addToProducer(
    manager: EntityManager,
    table: 'sales_producer_days' | 'sales_producer_months',
    period: 'day' | 'month',
    at: string,
    order: Pick<OrderSnapshot, 'cooperativeId' | 'marketplace'>,
    change: { revenueVnd: number; units: number; orders: number },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO ${table} AS s (cooperative_id, marketplace, ${period}, revenue_vnd, units, orders)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (cooperative_id, ${period}, marketplace) DO UPDATE
         SET revenue_vnd = s.revenue_vnd + EXCLUDED.revenue_vnd, units = s.units + EXCLUDED.units,
             orders = s.orders + EXCLUDED.orders`,
      [order.cooperativeId, order.marketplace, at, change.revenueVnd, change.units, change.orders],
    );
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
      // an operator's command over the whole order history, whose length grows with it: the pool's
      // statement timeout is for requests and jobs, and a rollback here would only start it over
      await manager.query(`SET LOCAL statement_timeout = 0`);
      let started = Date.now();
      const step = (table: RollupTable, inserted: { count: string }[]) => {
        const rows = Number(inserted[0].count);
        rebuilt?.(table, rows, Date.now() - started);
        started = Date.now();
        return rows;
      };
      await manager.query(
        `LOCK TABLE sales_product_days, sales_producer_days, sales_producer_months IN EXCLUSIVE MODE`,
      );
      await manager.query(`DELETE FROM sales_product_days`);
      await manager.query(`DELETE FROM sales_producer_days`);
      await manager.query(`DELETE FROM sales_producer_months`);
      const counted = `s.status NOT IN ('cancelled', 'returned')`;
      const day = `(s.placed_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date`;
      // rows stored by day, as the maintained ones arrive: a report's range of days then reads a
      // few contiguous pages, not rows strewn over the whole table in grouping order
      const products: { count: string }[] = await manager.query(
        `WITH inserted AS (
           INSERT INTO sales_product_days (cooperative_id, product_key, marketplace, day, revenue_vnd, units, orders)
           SELECT s.cooperative_id, COALESCE(s.product_id, $1::uuid), s.marketplace, ${day},
                  SUM(s.quantity * s.unit_price_vnd), SUM(s.quantity), COUNT(DISTINCT s.order_id)
           FROM order_sales_lines s
           WHERE ${counted}
           GROUP BY 1, 2, 3, 4
           ORDER BY 4
           RETURNING 1)
         SELECT count(*) FROM inserted`,
        [NO_PRODUCT],
      );
      const productDays = step('sales_product_days', products);
      const producers: { count: string }[] = await manager.query(
        `WITH inserted AS (
           INSERT INTO sales_producer_days (cooperative_id, marketplace, day, revenue_vnd, units, orders)
           SELECT s.cooperative_id, s.marketplace, ${day},
                  SUM(s.quantity * s.unit_price_vnd), SUM(s.quantity), COUNT(DISTINCT s.order_id)
           FROM order_sales_lines s
           WHERE ${counted}
           GROUP BY 1, 2, 3
           ORDER BY 3
           RETURNING 1)
         SELECT count(*) FROM inserted`,
      );
      const producerDays = step('sales_producer_days', producers);
      // an order counts on one day, so a month is the sum of its days
      const months: { count: string }[] = await manager.query(
        `WITH inserted AS (
           INSERT INTO sales_producer_months (cooperative_id, marketplace, month, revenue_vnd, units, orders)
           SELECT cooperative_id, marketplace, date_trunc('month', day)::date, SUM(revenue_vnd), SUM(units),
                  SUM(orders)
           FROM sales_producer_days
           GROUP BY 1, 2, 3
           ORDER BY 3
           RETURNING 1)
         SELECT count(*) FROM inserted`,
      );
      return { productDays, producerDays, producerMonths: step('sales_producer_months', months) };
    });
  }

  /** The roll-ups as they stand, sorted, zero rows left out: for comparing maintained with rebuilt. */
  async snapshot(): Promise<{ products: unknown[]; producers: unknown[]; months: unknown[] }> {
    const products = await this.dataSource.query(
      `SELECT cooperative_id, product_key, marketplace, day::text, revenue_vnd::text, units::text, orders
       FROM sales_product_days WHERE revenue_vnd <> 0 OR units <> 0 OR orders <> 0
       ORDER BY 1, 2, 3, 4`,
    );
    const producers = await this.dataSource.query(
      `SELECT cooperative_id, marketplace, day::text, revenue_vnd::text, units::text, orders
       FROM sales_producer_days WHERE revenue_vnd <> 0 OR units <> 0 OR orders <> 0
       ORDER BY 1, 2, 3`,
    );
    const months = await this.dataSource.query(
      `SELECT cooperative_id, marketplace, month::text, revenue_vnd::text, units::text, orders
       FROM sales_producer_months WHERE revenue_vnd <> 0 OR units <> 0 OR orders <> 0
       ORDER BY 1, 2, 3`,
    );
    return { products, producers, months };
  }
}
