import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Marketplace } from '@ocop/marketplaces';

/** API.md: revenue counts orders not cancelled or returned (countsAsSale, in SQL). */
const COUNTS_AS_SALE = `s.status NOT IN ('cancelled', 'returned')`;
/** The calendar day of placement in Asia/Ho_Chi_Minh. */
const DAY_OF_PLACEMENT = `(s.placed_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date`;

/** What a batch adds to one product's row of a day (signed: an order that stops counting subtracts). */
export interface ProductDayRow {
  cooperativeId: string;
  marketplace: Marketplace;
  /** the calendar day of placement in Asia/Ho_Chi_Minh */
  day: string;
  productKey: string;
  revenueVnd: number;
  units: number;
  orders: number;
}

/** What a batch adds to a producer's row of a day or a month (`period`: the day, or the month's first day). */
export interface ProducerPeriodRow {
  cooperativeId: string;
  marketplace: Marketplace;
  period: string;
  revenueVnd: number;
  units: number;
  orders: number;
}

/** What a batch of order changes adds to each roll-up table, one row per key, zero rows left out. */
export interface RollupAdditions {
  productDays: ProductDayRow[];
  producerDays: ProducerPeriodRow[];
  producerMonths: ProducerPeriodRow[];
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
   * Adds each row to its product's day, producer's day and producer's month, in one statement:
   * three round trips were a seventh of an import transaction's. Each table's rows are locked in
   * the order given (the caller sorts), and the tables one after the other, product days first:
   * each insert waits for the one before it to have run in full (its `RETURNING` counted in an
   * InitPlan), since sub-statements of a WITH otherwise run in no order PostgreSQL promises, and
   * concurrent transactions must lock in one order.
   */
  async add(manager: EntityManager, rows: RollupAdditions): Promise<void> {
    const { productDays, producerDays, producerMonths } = rows;
    if (productDays.length + producerDays.length + producerMonths.length === 0) return;
    const producerInsert = (table: string, period: string, first: number, after: string) =>
      `INSERT INTO ${table} AS s (cooperative_id, marketplace, ${period}, revenue_vnd, units, orders)
       SELECT a.cooperative_id, a.marketplace, a.period, a.revenue_vnd, a.units, a.orders
       FROM unnest($${first}::uuid[], $${first + 1}::text[], $${first + 2}::date[], $${first + 3}::bigint[],
                   $${first + 4}::bigint[], $${first + 5}::int[])
         WITH ORDINALITY AS a(cooperative_id, marketplace, period, revenue_vnd, units, orders, position)
       WHERE (SELECT count(*) FROM ${after}) >= 0
       ORDER BY a.position
       ON CONFLICT (cooperative_id, ${period}, marketplace) DO UPDATE
         SET revenue_vnd = s.revenue_vnd + EXCLUDED.revenue_vnd, units = s.units + EXCLUDED.units,
             orders = s.orders + EXCLUDED.orders`;
    const producerColumns = (periods: ProducerPeriodRow[]) => [
      periods.map((r) => r.cooperativeId),
      periods.map((r) => r.marketplace),
      periods.map((r) => r.period),
      periods.map((r) => r.revenueVnd),
      periods.map((r) => r.units),
      periods.map((r) => r.orders),
    ];
    await manager.query(
      `WITH product_days AS (
         INSERT INTO sales_product_days AS s (cooperative_id, product_key, marketplace, day, revenue_vnd, units, orders)
         SELECT a.cooperative_id, a.product_key, a.marketplace, a.day, a.revenue_vnd, a.units, a.orders
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::date[], $5::bigint[], $6::bigint[], $7::int[])
           WITH ORDINALITY AS a(cooperative_id, product_key, marketplace, day, revenue_vnd, units, orders, position)
         ORDER BY a.position
         ON CONFLICT (product_key, day, marketplace, cooperative_id) DO UPDATE
           SET revenue_vnd = s.revenue_vnd + EXCLUDED.revenue_vnd, units = s.units + EXCLUDED.units,
               orders = s.orders + EXCLUDED.orders
         RETURNING 1),
       producer_days AS (${producerInsert('sales_producer_days', 'day', 8, 'product_days')} RETURNING 1)
       ${producerInsert('sales_producer_months', 'month', 14, 'producer_days')}`,
      [
        productDays.map((r) => r.cooperativeId),
        productDays.map((r) => r.productKey),
        productDays.map((r) => r.marketplace),
        productDays.map((r) => r.day),
        productDays.map((r) => r.revenueVnd),
        productDays.map((r) => r.units),
        productDays.map((r) => r.orders),
        ...producerColumns(producerDays),
        ...producerColumns(producerMonths),
      ],
    );
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
}
