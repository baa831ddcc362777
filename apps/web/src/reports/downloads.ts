import type { paths } from '../api-types';
import { el } from './dom';

/** The officers' reports that download as files (docs/api.md, "Report formats"). */
type ReportPath =
  '/v1/metrics/province' | '/v1/metrics/province/sales' | '/v1/metrics/ocop-uplift' | '/v1/metrics/growth';
type ReportQuery<P extends ReportPath> = Omit<
  NonNullable<paths[P]['get']['parameters']['query']>,
  'format' | 'lang'
>;

/**
 * A report's file as a link: a download is a GET, so the session cookie goes with it and no
 * CSRF token is needed; the API names the file (Content-Disposition). Typed on the API's paths,
 * like every call of api.ts.
 */
export function reportFileUrl<P extends ReportPath>(
  path: P,
  query: ReportQuery<P>,
  format: 'csv' | 'xlsx',
): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query as Record<string, unknown>)) {
    if (value !== undefined && value !== null) params.set(name, String(value));
  }
  params.set('format', format);
  return `${path}?${params.toString()}`;
}

/** "Xuất Excel (.xlsx)" and "Tải CSV" for one report table; `name` tells the links apart. */
export function downloads<P extends ReportPath>(name: string, path: P, query: ReportQuery<P>): HTMLElement {
  return el(
    'p',
    { class: 'downloads no-print', 'data-downloads': name },
    el(
      'a',
      {
        class: 'button button-secondary',
        href: reportFileUrl(path, query, 'xlsx'),
        download: '',
        'data-format': 'xlsx',
      },
      'Xuất Excel (.xlsx)',
    ),
    el(
      'a',
      {
        class: 'button button-secondary',
        href: reportFileUrl(path, query, 'csv'),
        download: '',
        'data-format': 'csv',
      },
      'Tải CSV',
    ),
  );
}
