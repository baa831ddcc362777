import { Injectable } from '@nestjs/common';
import { addDays, Clock, ConnectorConfig } from '@ocop/common';
import { dayNumber, daysBetween } from './calendar';
import { SalesFigures, type ProductDailyRevenue } from './sales-figures.repository';
import type { SalesMatrix } from './uplift';

/**
 * Every product's daily revenue over a span of days, as running totals (uplift.ts SalesMatrix),
 * so that any window's revenue is two reads: what the uplift report's control groups are summed
 * from (each certificate compares itself with up to every product of its category, in two windows
 * of its own). 8 bytes per product and day: 2,000 products over two years hold 12 MB.
 */
export class SalesPanel {
  constructor(
    /** the first day held */
    readonly from: string,
    /** the day after the last one held */
    readonly until: string,
    readonly sales: SalesMatrix,
    private readonly columns: ReadonlyMap<string, number>,
    /** when its figures were read */
    readonly readAt: Date,
  ) {}

  /** Whether [from, until) lies inside the days held. */
  covers(from: string, until: string): boolean {
    return this.from <= from && until <= this.until;
  }

  /** The product's column of the running totals; null when it sold nothing in the days held. */
  columnOf(productId: string): number | null {
    return this.columns.get(productId) ?? null;
  }

  /** Builds the panel from each product's `day offset:revenue` cells (sales-figures.repository.ts). */
  static fromCells(
    from: string,
    until: string,
    rows: readonly ProductDailyRevenue[],
    readAt: Date,
  ): SalesPanel {
    const days = daysBetween(from, until);
    const width = rows.length;
    const totals = new Float64Array((days + 1) * width);
    const columns = new Map<string, number>();
    rows.forEach((row, column) => {
      columns.set(row.productKey, column);
      // a day's revenue at row offset + 1 (a day can come once per marketplace), summed up below
      for (const cell of row.cells.split(',')) {
        const colon = cell.indexOf(':');
        const offset = Number(cell.slice(0, colon));
        if (offset >= 0 && offset < days)
          totals[(offset + 1) * width + column] += Number(cell.slice(colon + 1));
      }
    });
    for (let i = width; i < totals.length; i += 1) totals[i] += totals[i - width];
    return new SalesPanel(
      from,
      until,
      { firstDay: dayNumber(from), days, columns: width, totals },
      columns,
      readAt,
    );
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
