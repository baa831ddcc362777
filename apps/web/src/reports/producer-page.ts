import { allProducts, api, ok, every } from '../api';
import { chartBox, countAxis, draw, revenueByMarketplaceChart, vndAxis, vndTooltip } from './charts';
import { card, el, kpi, table } from './dom';
import {
  daysBetween,
  formatDate,
  formatDateTime,
  formatNumber,
  formatPct,
  formatVnd,
  vietnamToday,
} from '../format';
import {
  CERTIFICATE_LABELS,
  CONNECTION_LABELS,
  HEALTH,
  HEALTH_COLOURS,
  HEALTH_LABELS,
  MARKETPLACE_LABELS,
  NO_DISTRICT,
  stars,
} from '../labels';
import type { Certificate, Product } from '../api';

/** A blank name is a reason a marketplace refuses a listing; the row must still be readable. */
const nameOf = (product: Product): string => product.name.trim() || '(chưa có tên · unnamed)';

/** What a product's badge stands on: its active certificate, or the latest one it had. */
function certificateCell(product: Product, latest: Certificate | undefined, today: string): string {
  if (product.ocop) {
    const left = daysBetween(today, product.ocop.validUntil);
    return `Còn hiệu lực đến ${formatDate(product.ocop.validUntil)} (valid, ${formatNumber(left)} ngày/days left)`;
  }
  if (!latest) return 'Chưa được chứng nhận (not certified)';
  const status = CERTIFICATE_LABELS[latest.status] ?? latest.status;
  return latest.validUntil ? `${status} · ${formatDate(latest.validUntil)}` : status;
}

/**
 * One producer's page: its sales per marketplace, growth, products with stars and certificate
 * validity, and the health of its listings and connections. A cooperative key asking for another
 * producer gets 404 from every one of these endpoints, so the page shows nothing of it.
 */
export async function renderProducer(main: HTMLElement, cooperativeId: string): Promise<void> {
  const [producer, sales, growth, health] = await Promise.all([
    ok(api.GET('/v1/cooperatives/{id}', { params: { path: { id: cooperativeId } } })),
    ok(
      api.GET('/v1/metrics/cooperatives/{id}/sales', {
        params: { path: { id: cooperativeId }, query: { granularity: 'month' } },
      }),
    ),
    ok(api.GET('/v1/metrics/cooperatives/{id}/growth', { params: { path: { id: cooperativeId } } })),
    ok(api.GET('/v1/cooperatives/{id}/channel-health', { params: { path: { id: cooperativeId } } })),
  ]);
  const [products, certificates] = await Promise.all([
    allProducts({ cooperativeId }),
    every((cursor) =>
      api.GET('/v1/ocop-certificates', { params: { query: { cooperativeId, limit: 200, cursor } } }),
    ),
  ]);
  const today = vietnamToday();
  // certificates come newest decision first, so the first seen per product is its latest
  const latest = new Map<string, Certificate>();
  for (const c of certificates) if (!latest.has(c.productId)) latest.set(c.productId, c);
  const productName = new Map(products.map((p) => [p.id, nameOf(p)]));
  const troubled = health.listings.items.filter((l) => l.health !== 'synced');

  const sales$ = chartBox('producerSales', true);
  const growth$ = chartBox('producerGrowth');
  const listings$ = chartBox('listingHealth');

  main.replaceChildren(
    el(
      'h1',
      { 'data-producer': producer.id },
      producer.name,
      ' ',
      el('small', {}, producer.district ?? NO_DISTRICT),
    ),
    el(
      'div',
      { class: 'kpis' },
      kpi(
        `Doanh thu ${formatDate(growth.current.from)}–${formatDate(growth.current.to)} (revenue)`,
        formatVnd(growth.current.revenueVnd),
        'currentRevenue',
      ),
      kpi(
        `Kỳ trước ${formatDate(growth.previous.from)}–${formatDate(growth.previous.to)} (previous)`,
        formatVnd(growth.previous.revenueVnd),
        'previousRevenue',
      ),
      kpi('Tăng trưởng (growth)', formatPct(growth.growthPct), 'growth'),
      kpi('Doanh thu 12 tháng (12 months)', formatVnd(sales.totals.revenueVnd), 'yearRevenue'),
    ),
    el(
      'div',
      { class: 'grid' },
      card('Doanh thu theo sàn theo tháng', 'Sales per marketplace', sales$.box),
      card('Tăng trưởng so với kỳ trước', 'Growth against the previous period', growth$.box),
      card(
        'Tình trạng đăng bán',
        'Listing health',
        listings$.box,
        troubled.length === 0
          ? el('p', { class: 'note' }, 'Mọi sản phẩm đã đồng bộ (every listing is in step).')
          : table(
              [
                'Sản phẩm (product)',
                'Sàn',
                'Tình trạng (health)',
                'Chậm (versions behind)',
                'Thông báo của sàn (marketplace message)',
              ],
              troubled.map((l) => [
                productName.get(l.productId) ?? l.productId,
                MARKETPLACE_LABELS[l.marketplace] ?? l.marketplace,
                HEALTH_LABELS[l.health],
                formatNumber(l.lag),
                l.lastError ?? '—',
              ]),
              { 'data-table': 'listingProblems' },
            ),
      ),
      card(
        'Kết nối sàn',
        'Marketplace connections',
        table(
          [
            'Sàn',
            'Cửa hàng (shop)',
            'Trạng thái (status)',
            'Đơn hàng đọc lúc (orders read)',
            'Đã đồng bộ / lỗi (synced / error)',
          ],
          health.connections.map((c) => [
            MARKETPLACE_LABELS[c.marketplace] ?? c.marketplace,
            c.shopId,
            `${CONNECTION_LABELS[c.status] ?? c.status}${c.statusReason ? ` — ${c.statusReason}` : ''}`,
            formatDateTime(c.lastOrderSyncAt),
            `${formatNumber(c.listings.synced)} / ${formatNumber(c.listings.error)}`,
          ]),
          { 'data-table': 'connections' },
        ),
      ),
    ),
    card(
      'Sản phẩm và chứng nhận OCOP',
      'Products, stars and certificate validity',
      table(
        ['Sản phẩm (product)', 'Sao (stars)', 'Chứng nhận (certificate)'],
        products.map((p) => [
          nameOf(p),
          p.ocop ? stars(p.ocop.stars) : '—',
          certificateCell(p, latest.get(p.id), today),
        ]),
        { 'data-table': 'products' },
      ),
    ),
  );

  draw('producerSales', sales$.canvas, revenueByMarketplaceChart(sales));
  draw('producerGrowth', growth$.canvas, {
    type: 'bar',
    data: {
      labels: [
        `Kỳ trước ${formatDate(growth.previous.from)}–${formatDate(growth.previous.to)}`,
        `Kỳ này ${formatDate(growth.current.from)}–${formatDate(growth.current.to)}`,
      ],
      datasets: [
        {
          label: 'Doanh thu (revenue)',
          data: [growth.previous.revenueVnd, growth.current.revenueVnd],
          backgroundColor: ['#8d99ae', '#2a9d8f'],
        },
      ],
    },
    options: { plugins: { legend: { display: false }, tooltip: vndTooltip }, scales: { y: vndAxis } },
  });
  draw('listingHealth', listings$.canvas, {
    type: 'bar',
    data: {
      labels: HEALTH.map((h) => HEALTH_LABELS[h]),
      datasets: [
        {
          label: 'Tin đăng (listings)',
          data: HEALTH.map((h) => health.listings.counts[h]),
          backgroundColor: HEALTH.map((h) => HEALTH_COLOURS[h]),
        },
      ],
    },
    options: { plugins: { legend: { display: false } }, scales: { y: countAxis } },
  });
}
