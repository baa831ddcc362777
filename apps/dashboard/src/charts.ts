import type { Chart as ChartJs, ChartConfiguration } from 'chart.js';
import { formatNumber, formatPeriod, formatVnd } from './format.js';
import { MARKETPLACE_COLOURS, MARKETPLACE_LABELS, MARKETPLACES } from './labels.js';
import type { SalesSeries } from './api.js';

/** Chart.js's browser build (vendor/chart.umd.min.js) defines this global with every chart type registered. */
declare global {
  const Chart: typeof ChartJs;
  interface Window {
    __dashboard: DashboardState;
  }
}

/** What each chart drew, as plain numbers, so tests (and curious officers) can read it back. */
export interface DrawnChart {
  labels: string[];
  datasets: { label: string; data: (number | null)[] }[];
}

export interface DashboardState {
  page: string;
  ready: boolean;
  charts: Record<string, DrawnChart>;
}

window.__dashboard = { page: 'login', ready: false, charts: {} };
const drawn = new Map<string, ChartJs>();

export function resetCharts(page: string): void {
  for (const chart of drawn.values()) chart.destroy();
  drawn.clear();
  window.__dashboard = { page, ready: false, charts: {} };
  document.body.dataset.page = page;
  document.body.dataset.ready = 'false';
}

export function pageReady(): void {
  window.__dashboard.ready = true;
  document.body.dataset.ready = 'true';
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
