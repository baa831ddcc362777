import { Injectable } from '@nestjs/common';
import { addDays, Clock, ConnectorConfig } from '@ocop/common';
import { dayNumber, daysBetween } from './calendar';
import { SalesFigures, type ProductDailyRevenue } from './sales-figures.repository';

/**
 * Every product's daily revenue over a span of days, as running totals, so that any window's
 * revenue is two array reads: what the uplift report's control groups are summed from (each
 * certificate compares itself with up to every product of its category, in two windows of its
 * own). About 8 bytes per product and day: 2,000 products over two years hold 12 MB.
 */
export class SalesPanel {
  private readonly length: number;
  private readonly firstDay: number;

  constructor(
    /** the first day held */
    readonly from: string,
    /** the day after the last one held */
    readonly until: string,
    /** per product, the revenue of the days before each day of the span: [0] = 0, [length] = all */
    private readonly runningTotals: ReadonlyMap<string, Float64Array>,
    /** when its figures were read */
    readonly readAt: Date,
  ) {
    this.length = daysBetween(from, until);
    this.firstDay = dayNumber(from);
  }

  /** Whether [from, until) lies inside the days held. */
  covers(from: string, until: string): boolean {
    return this.from <= from && until <= this.until;
  }

  /**
   * The product's revenue over the days [from, until) (day numbers), which `covers` must hold:
   * a function, looked up once, that the report calls for every certificate it compares it with.
   */
  revenueOf(productId: string): (from: number, until: number) => number {
    const totals = this.runningTotals.get(productId);
    if (!totals) return () => 0;
    const { firstDay, length } = this;
    return (from, until) => {
      const start = Math.max(0, from - firstDay);
      const end = Math.min(length, until - firstDay);
      return end > start ? totals[end] - totals[start] : 0;
    };
  }

  /** Builds the panel from each product's `day offset:revenue` cells (sales-figures.repository.ts). */
  static fromCells(
    from: string,
    until: string,
    rows: readonly ProductDailyRevenue[],
    readAt: Date,
  ): SalesPanel {
    const length = daysBetween(from, until);
    const runningTotals = new Map<string, Float64Array>();
    for (const row of rows) {
      const totals = new Float64Array(length + 1);
      // a day's revenue at [offset + 1] (a day can come once per marketplace), then summed up
      for (const cell of row.cells.split(',')) {
        const colon = cell.indexOf(':');
        const offset = Number(cell.slice(0, colon));
        if (offset >= 0 && offset < length) totals[offset + 1] += Number(cell.slice(colon + 1));
      }
      for (let i = 1; i <= length; i += 1) totals[i] += totals[i - 1];
      runningTotals.set(row.productKey, totals);
    }
    return new SalesPanel(from, until, runningTotals, readAt);
  }
}

/**
 * The sales panel, kept in memory for UPLIFT_CONTROLS_TTL_SECONDS so that an officer's
 * successive reads of the uplift report (filters, pages, the CSV after the table) are answered
 * without reading every product-day again: that read is the report's cost (docs/ocop.md, "How
 * uplift is measured"). A panel answers only days it holds; a wider span, or an older panel than
 * the setting allows, is read again. Calls that arrive while it is read wait for that read.
 */
@Injectable()
export class SalesPanels {
  private held: SalesPanel | null = null;
  private reading: { from: string; until: string; panel: Promise<SalesPanel> } | null = null;
  private readonly maxAgeMs: number;

  constructor(
    private readonly figures: SalesFigures,
    private readonly clock: Clock,
    config: ConnectorConfig,
  ) {
    this.maxAgeMs = config.env.UPLIFT_CONTROLS_TTL_SECONDS * 1000;
  }

  /** A panel holding [from, until), read no longer ago than the setting allows. */
  async panel(from: string, until: string): Promise<SalesPanel> {
    const held = this.held;
    if (held && held.covers(from, until) && this.fresh(held)) return held;
    const reading = this.reading;
    if (reading && reading.from <= from && until <= reading.until) return reading.panel;
    // a fresh panel's days are kept too, so that alternating windows do not read in turn
    const span =
      held && this.fresh(held)
        ? { from: held.from < from ? held.from : from, until: held.until > until ? held.until : until }
        : { from, until };
    const read = this.read(span.from, span.until);
    const entry = { ...span, panel: read };
    this.reading = entry;
    try {
      const panel = await read;
      this.held = panel;
      return panel;
    } finally {
      if (this.reading === entry) this.reading = null;
    }
  }

  private fresh(panel: SalesPanel): boolean {
    return this.maxAgeMs > 0 && this.clock.now().getTime() - panel.readAt.getTime() <= this.maxAgeMs;
  }

  private async read(from: string, until: string): Promise<SalesPanel> {
    const readAt = this.clock.now();
    const rows = await this.figures.productDailyRevenue(from, addDays(until, -1));
    return SalesPanel.fromCells(from, until, rows, readAt);
  }
}
