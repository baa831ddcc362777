/**
 * What page is showing and whether its data has arrived, on <body> (data-page, data-ready) and on
 * window.__dashboard, so tests and screen readers' "busy" state follow the page, not a timer.
 */
export interface DrawnChart {
  labels: string[];
  datasets: { label: string; data: (number | null)[] }[];
}

export interface PageState {
  page: string;
  ready: boolean;
  /** what each chart drew, as plain numbers, so tests (and curious officers) can read it back */
  charts: Record<string, DrawnChart>;
}

declare global {
  interface Window {
    __dashboard: PageState;
  }
}

window.__dashboard = { page: 'loading', ready: false, charts: {} };

export function pageLoading(page: string): void {
  window.__dashboard = { page, ready: false, charts: {} };
  document.body.dataset.page = page;
  document.body.dataset.ready = 'false';
  document.body.setAttribute('aria-busy', 'true');
}

/** The same page loading again: busy, its charts kept until it draws new ones. */
export function pageBusy(page: string): void {
  if (window.__dashboard.page !== page) return pageLoading(page);
  window.__dashboard.ready = false;
  document.body.dataset.ready = 'false';
  document.body.setAttribute('aria-busy', 'true');
}

export function pageReady(page: string): void {
  if (window.__dashboard.page !== page) pageLoading(page);
  window.__dashboard.ready = true;
  document.body.dataset.ready = 'true';
  document.body.removeAttribute('aria-busy');
}
