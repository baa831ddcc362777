import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Marketplace } from '@ocop/marketplaces';

/** API.md: revenue counts orders not cancelled or returned (countsAsSale, in SQL). */
const COUNTS_AS_SALE = `s.status NOT IN ('cancelled', 'returned')`;
/** The calendar day of placement in Asia/Ho_Chi_Minh. */
const DAY_OF_PLACEMENT = `(s.placed_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date`;

/** Where an order's figures go in the roll-ups: its producer, marketplace and day of placement. */
export interface RollupKey {
  cooperativeId: string;
  marketplace: Marketplace;
  /** the calendar day of placement in Asia/Ho_Chi_Minh */
  day: string;
}

/** One product's part of an order, signed: positive when the order starts counting, negative when it stops. */
export interface ProductFigures {
  productKey: string;
  revenueVnd: number;
  units: number;
}

/** What a change adds to a producer's day or month. */
export interface ProducerFigures {
  revenueVnd: number;
  units: number;
  orders: number;
}

/** The roll-ups as they stand, sorted, zero rows left out (see SalesRollupStore.snapshot). */
export interface RollupSnapshot {
  products: unknown[];
  producers: unknown[];
  months: unknown[];
}

/**
 * The sales roll-up tables (sales_product_days, sales_producer_days, sales_producer_months):
 * SalesRollups decides what an order change adds and when to rebuild; this holds the SQL.
 */
@Injectable()
export class SalesRollupStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Adds `sign` times each product's figures, and `sign` orders, to the products' rows of the day.
   * One statement for every product, in the order given, so concurrent transactions lock the rows
   * in one order (the caller sorts) and the import pays one round trip.
   */
  async addToProductDays(
    manager: EntityManager,
    key: RollupKey,
    sign: number,
    sales: ProductFigures[],
  ): Promise<void> {
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
        key.cooperativeId,
        key.marketplace,
        key.day,
        sign,
        sales.map((sale) => sale.productKey),
        sales.map((sale) => sale.revenueVnd),
        sales.map((sale) => sale.units),
      ],
    );
  }

  /** Adds a change to the producer's row of the day. */
  async addToProducerDay(manager: EntityManager, key: RollupKey, change: ProducerFigures): Promise<void> {
    await this.addToProducer(manager, 'sales_producer_days', 'day', key.day, key, change);
  }

  /** Adds a change to the producer's row of the month (`month`: its first day). */
  async addToProducerMonth(
    manager: EntityManager,
    key: RollupKey,
    month: string,
    change: ProducerFigures,
  ): Promise<void> {
    await this.addToProducer(manager, 'sales_producer_months', 'month', month, key, change);
  }

  /**
   * Readies the caller's transaction for a rebuild: no statement timeout (an operator's command
   * over the whole order history), the three tables locked against the import's writes, and
   * emptied.
   */
  async clearForRebuild(manager: EntityManager): Promise<void> {
    await manager.query(`SET LOCAL statement_timeout = 0`);
    await manager.query(
      `LOCK TABLE sales_product_days, sales_producer_days, sales_producer_months IN EXCLUSIVE MODE`,
    );
    await manager.query(`DELETE FROM sales_product_days`);
    await manager.query(`DELETE FROM sales_producer_days`);
    await manager.query(`DELETE FROM sales_producer_months`);
  }

  /**
   * Fills the product roll-up from the order lines the orders context publishes (the
   * `order_sales_lines` view, never its tables); `noProduct` keys the lines of unknown SKUs.
   * Answers how many rows. Rows are stored by day, as the maintained ones arrive: a report's range
   * of days then reads a few contiguous pages, not rows strewn over the whole table.
   */
  async rebuildProductDays(manager: EntityManager, noProduct: string): Promise<number> {
    const inserted: { count: string }[] = await manager.query(
      `WITH inserted AS (
         INSERT INTO sales_product_days (cooperative_id, product_key, marketplace, day, revenue_vnd, units, orders)
         SELECT s.cooperative_id, COALESCE(s.product_id, $1::uuid), s.marketplace, ${DAY_OF_PLACEMENT},
                SUM(s.quantity * s.unit_price_vnd), SUM(s.quantity), COUNT(DISTINCT s.order_id)
         FROM order_sales_lines s
         WHERE ${COUNTS_AS_SALE}
         GROUP BY 1, 2, 3, 4
         ORDER BY 4
         RETURNING 1)
       SELECT count(*) FROM inserted`,
      [noProduct],
    );
    return Number(inserted[0].count);
  }

  /** Fills the producer days' roll-up from the published order lines; answers how many rows. */
  async rebuildProducerDays(manager: EntityManager): Promise<number> {
    const inserted: { count: string }[] = await manager.query(
      `WITH inserted AS (
         INSERT INTO sales_producer_days (cooperative_id, marketplace, day, revenue_vnd, units, orders)
         SELECT s.cooperative_id, s.marketplace, ${DAY_OF_PLACEMENT},
                SUM(s.quantity * s.unit_price_vnd), SUM(s.quantity), COUNT(DISTINCT s.order_id)
         FROM order_sales_lines s
         WHERE ${COUNTS_AS_SALE}
         GROUP BY 1, 2, 3
         ORDER BY 3
         RETURNING 1)
       SELECT count(*) FROM inserted`,
    );
    return Number(inserted[0].count);
  }

  /**
   * Fills the producer months' roll-up from the producer days (an order counts on one day, so a
   * month is the sum of its days); answers how many rows.
   */
  async rebuildProducerMonths(manager: EntityManager): Promise<number> {
    const inserted: { count: string }[] = await manager.query(
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
    return Number(inserted[0].count);
  }

  /** The roll-ups as they stand, sorted, zero rows left out: for comparing maintained with rebuilt. */
  async snapshot(): Promise<RollupSnapshot> {
    const products: unknown[] = await this.dataSource.query(
      `SELECT cooperative_id, product_key, marketplace, day::text, revenue_vnd::text, units::text, orders
       FROM sales_product_days WHERE revenue_vnd <> 0 OR units <> 0 OR orders <> 0
       ORDER BY 1, 2, 3, 4`,
    );
    const producers: unknown[] = await this.dataSource.query(
      `SELECT cooperative_id, marketplace, day::text, revenue_vnd::text, units::text, orders
       FROM sales_producer_days WHERE revenue_vnd <> 0 OR units <> 0 OR orders <> 0
       ORDER BY 1, 2, 3`,
    );
    const months: unknown[] = await this.dataSource.query(
      `SELECT cooperative_id, marketplace, month::text, revenue_vnd::text, units::text, orders
       FROM sales_producer_months WHERE revenue_vnd <> 0 OR units <> 0 OR orders <> 0
       ORDER BY 1, 2, 3`,
    );
    return { products, producers, months };
  }

  /** Adds a change to a producer's row of one period in a producer roll-up (day or month). */
  private async addToProducer(
    manager: EntityManager,
    table: 'sales_producer_days' | 'sales_producer_months',
    period: 'day' | 'month',
    at: string,
    order: Pick<RollupKey, 'cooperativeId' | 'marketplace'>,
    change: ProducerFigures,
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
}
