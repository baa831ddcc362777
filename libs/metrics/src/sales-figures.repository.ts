import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Marketplace } from '@ocop/marketplaces';
import type { MonthCover } from './calendar';

/** A day's (or, for whole months, a month's first day's) sales on one marketplace; sums as text (bigint). */
export interface SalesDayRow {
  day: string;
  marketplace: Marketplace;
  revenue_vnd: string;
  units: string;
  orders: string;
}

/** A producer's revenue in the current window and the one before it (null: no row in it). */
export interface ProducerRevenueRow {
  cooperative_id: string;
  current: string | null;
  previous: string | null;
}

/** A certified product, for the revenue around its decision. */
export interface DecidedProduct {
  /** the certificate's id */
  id: string;
  productId: string;
  /** the decision's calendar day */
  decidedAt: string;
}

/** A certificate's product revenue before and from its decision day (sums, as text). */
export interface RevenueAroundDecision {
  id: string;
  before: string;
  after: string;
}

/**
 * A product's revenue per day: `cells` is `offset:revenue` pairs joined by commas, the offset in
 * days from the span's first day, a day once per marketplace it sold on, in no particular order.
 */
export interface ProductDailyRevenue {
  productKey: string;
  cells: string;
}

/** A producer's revenue on one marketplace over a window, as text (bigint). */
export interface ProducerMarketplaceRevenue {
  cooperative_id: string;
  marketplace: Marketplace;
  revenue_vnd: string;
}

/** The query parameters of a month cover: months [$1, $2), then day ranges with their signs. */
function coverParameters(cover: MonthCover): unknown[] {
  return [
    cover.months.start,
    cover.months.end,
    cover.days.map((d) => d.from),
    cover.days.map((d) => d.to),
    cover.days.map((d) => d.sign),
  ];
}

/**
 * The reads behind the sales reports (SalesMetrics): only the roll-up tables, never order lines.
 * A window comes as a MonthCover: whole months from the monthly roll-up, signed day ranges from
 * the daily one.
 */
@Injectable()
export class SalesFigures {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Sales per day and marketplace over the cover, of one producer or (no `cooperativeId`) of the
   * whole province; a whole month's row stands at its first day.
   */
  async salesDays(cover: MonthCover, cooperativeId?: string): Promise<SalesDayRow[]> {
    return this.dataSource.query(
      `SELECT day::text, marketplace, SUM(revenue_vnd)::text AS revenue_vnd, SUM(units)::text AS units,
              SUM(orders)::text AS orders
       FROM (
         SELECT month AS day, marketplace, revenue_vnd, units, orders FROM sales_producer_months
         WHERE month >= $1 AND month < $2 AND ($6::uuid IS NULL OR cooperative_id = $6)
         UNION ALL
         SELECT d.day, d.marketplace, r.sign * d.revenue_vnd, r.sign * d.units, r.sign * d.orders
         FROM unnest($3::date[], $4::date[], $5::int[]) AS r(lo, hi, sign)
         JOIN sales_producer_days d ON d.day BETWEEN r.lo AND r.hi
         WHERE $6::uuid IS NULL OR d.cooperative_id = $6
       ) sales
       GROUP BY day, marketplace`,
      [...coverParameters(cover), cooperativeId ?? null],
    ) as Promise<SalesDayRow[]>;
  }

  /**
   * Each producer's revenue from `previousFrom` to the day before `currentFrom`, and from
   * `currentFrom` to `currentTo`.
   */
  async producerRevenue(
    previousFrom: string,
    currentFrom: string,
    currentTo: string,
  ): Promise<ProducerRevenueRow[]> {
    return this.dataSource.query(
      `SELECT cooperative_id,
              SUM(revenue_vnd) FILTER (WHERE day >= $2)::text AS current,
              SUM(revenue_vnd) FILTER (WHERE day < $2)::text AS previous
       FROM sales_producer_days WHERE day BETWEEN $1 AND $3
       GROUP BY cooperative_id`,
      [previousFrom, currentFrom, currentTo],
    ) as Promise<ProducerRevenueRow[]>;
  }

  /**
   * Each product's revenue in the `windowDays` before its decision day and the `windowDays` from
   * it, in one pass over the product roll-up's primary key.
   */
  async revenueAroundDecisions(
    products: DecidedProduct[],
    windowDays: number,
  ): Promise<RevenueAroundDecision[]> {
    return this.dataSource.query(
      `SELECT c.id,
              COALESCE(SUM(s.revenue_vnd) FILTER (WHERE s.day < c.decided), 0) AS before,
              COALESCE(SUM(s.revenue_vnd) FILTER (WHERE s.day >= c.decided), 0) AS after
       FROM unnest($1::uuid[], $2::uuid[], $3::date[]) AS c(id, product_id, decided)
       LEFT JOIN sales_product_days s
         ON s.product_key = c.product_id AND s.day >= c.decided - $4::int AND s.day < c.decided + $4::int
       GROUP BY c.id`,
      [
        products.map((c) => c.id),
        products.map((c) => c.productId),
        products.map((c) => c.decidedAt),
        windowDays,
      ],
    ) as Promise<RevenueAroundDecision[]>;
  }

  /**
   * Every product's revenue per day from `from` to `to` (both included), one row per product: an
   * index-only scan of (product_key, day) INCLUDE (revenue_vnd), grouped in the index's order,
   * and a few thousand rows of text to send instead of one per product, day and marketplace.
   */
  async productDailyRevenue(from: string, to: string): Promise<ProductDailyRevenue[]> {
    return this.dataSource.query(
      `SELECT product_key AS "productKey",
              string_agg((day - $1::date)::text || ':' || revenue_vnd::text, ',') AS cells
       FROM sales_product_days
       WHERE day BETWEEN $1 AND $2
       GROUP BY product_key`,
      [from, to],
    ) as Promise<ProductDailyRevenue[]>;
  }

  /** Each producer's revenue per marketplace over the cover. */
  async producerMarketplaceRevenue(cover: MonthCover): Promise<ProducerMarketplaceRevenue[]> {
    return this.dataSource.query(
      `SELECT cooperative_id, marketplace, SUM(revenue_vnd)::text AS revenue_vnd FROM (
         SELECT cooperative_id, marketplace, revenue_vnd FROM sales_producer_months
         WHERE month >= $1 AND month < $2
         UNION ALL
         SELECT d.cooperative_id, d.marketplace, r.sign * d.revenue_vnd
         FROM unnest($3::date[], $4::date[], $5::int[]) AS r(lo, hi, sign)
         JOIN sales_producer_days d ON d.day BETWEEN r.lo AND r.hi
       ) revenue
       GROUP BY cooperative_id, marketplace`,
      coverParameters(cover),
    ) as Promise<ProducerMarketplaceRevenue[]>;
  }
}
