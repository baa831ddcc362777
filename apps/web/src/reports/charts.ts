import Chart from 'chart.js/auto';
import type { ChartConfiguration } from 'chart.js';
import { formatNumber, formatPeriod, formatVnd } from '../format';
import { MARKETPLACE_COLOURS, MARKETPLACE_LABELS, MARKETPLACES } from '../labels';
import type { SalesSeries } from '../api';

const drawn = new Map<string, Chart>();
// the browser tests read back what each canvas holds through Chart.js's own registry
(window as unknown as { Chart: typeof Chart }).Chart = Chart;

/** Frees the charts of a page that is being left (Chart.js holds its canvas and listeners). */
export function destroyCharts(): void {
  for (const chart of drawn.values()) chart.destroy();
  drawn.clear();
  // a chart that is gone is no longer drawn: the next page (or producer) must not seem to show it
  window.__dashboard.charts = {};
}

/** A canvas in a box of fixed height, so charts keep their shape on a phone. */
export function chartBox(name: string, tall = false): { box: HTMLElement; canvas: HTMLCanvasElement } {
  const canvas = document.createElement('canvas');
  canvas.dataset.chart = name;
  canvas.setAttribute('role', 'img');
  const box = document.createElement('div');
  box.className = tall ? 'chart chart-tall' : 'chart';
  box.append(canvas);
  return { box, canvas };
}

/** Draws a chart (the canvas must already be in the page) and records what it drew. */
export function draw(name: string, canvas: HTMLCanvasElement, config: ChartConfiguration): void {
  drawn.get(name)?.destroy();
  const chart = new Chart(canvas, {
    ...config,
    options: {
      responsive: true,
      maintainAspectRatio: false,
      // drawn at once: officers on slow phones get the figure, not a show
      animation: false,
      ...config.options,
    },
  });
  drawn.set(name, chart);
  canvas.setAttribute('aria-label', name);
  window.__dashboard.charts[name] = {
    labels: (chart.data.labels ?? []).map(String),
    datasets: chart.data.datasets.map((d) => ({
      label: String(d.label ?? ''),
      data: (d.data as unknown[]).map((v) => (v === null || v === undefined ? null : Number(v))),
    })),
  };
}

/** Axis ticks and tooltips in đồng. */
// whole đồng only: with no sales yet Chart.js would otherwise tick 0,1 ₫ … 1 ₫
export const vndAxis = {
  beginAtZero: true,
  ticks: { precision: 0, callback: (value: string | number) => formatVnd(Number(value)) },
};
export const pctAxis = {
  ticks: { precision: 0, callback: (value: string | number) => `${formatNumber(Number(value))} %` },
};
export const vndTooltip = {
  callbacks: {
    label: (item: { dataset: { label?: string }; raw: unknown }) =>
      `${item.dataset.label ?? ''}: ${formatVnd(Number(item.raw))}`,
  },
};
export const countAxis = {
  beginAtZero: true,
  ticks: { precision: 0, callback: (v: string | number) => formatNumber(Number(v)) },
};

/** Revenue per period, stacked by marketplace: the same chart on the province and producer pages. */
export function revenueByMarketplaceChart(sales: Pick<SalesSeries, 'series'>): ChartConfiguration {
  return {
    type: 'bar',
    data: {
      labels: sales.series.map((p) => formatPeriod(p.period)),
      datasets: MARKETPLACES.map((m) => ({
        label: MARKETPLACE_LABELS[m] ?? m,
        data: sales.series.map((p) => p.byMarketplace[m] ?? 0),
        backgroundColor: MARKETPLACE_COLOURS[m],
      })),
    },
    options: {
      plugins: { tooltip: vndTooltip },
      scales: { x: { stacked: true }, y: { ...vndAxis, stacked: true } },
    },
  };
}
