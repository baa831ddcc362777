import { allProducts, api, ok, every } from '../api';
import { chartBox, countAxis, draw, revenueByMarketplaceChart, pctAxis, vndAxis, vndTooltip } from './charts';
import { card, el, kpi, table, wide } from './dom';
import { downloads } from './downloads';
import { controlsText, UPLIFT_WINDOW_DAYS, upliftByStarsTable } from './uplift';
import {
  EXPIRY_BUCKETS,
  expiryBucket,
  formatDate,
  formatNumber,
  formatPct,
  formatVnd,
  vietnamToday,
} from '../format';
import { NO_DISTRICT, STAR_LEVELS, stars } from '../labels';
import type { Cooperative, Product } from '../api';

const EXPIRY_LABELS: Record<number, string> = {
  30: 'Trong 30 ngày (≤ 30 days)',
  60: '31–60 ngày (days)',
  90: '61–90 ngày (days)',
};

/** The province overview for officers and admins: every figure from the metrics endpoints. */
export async function renderProvince(main: HTMLElement, producers: Cooperative[]): Promise<void> {
  const [province, sales, uplift, growth, expiring, categories] = await Promise.all([
    ok(api.GET('/v1/metrics/province')),
    ok(api.GET('/v1/metrics/province/sales', { params: { query: { granularity: 'month' } } })),
    ok(api.GET('/v1/metrics/ocop-uplift', { params: { query: { windowDays: UPLIFT_WINDOW_DAYS } } })),
    ok(api.GET('/v1/metrics/growth', { params: { query: { limit: 10 } } })),
    every((cursor) =>
      api.GET('/v1/ocop-certificates', { params: { query: { expiringWithinDays: 90, limit: 200, cursor } } }),
    ),
    ok(api.GET('/v1/reference/categories')),
  ]);
  // Names of the products about to lose their badge: one list read, not one call per product.
  const products = expiring.length > 0 ? await allProducts() : ([] as Product[]);
  const productName = new Map(products.map((p) => [p.id, p.name]));
  const producerName = new Map(producers.map((c) => [c.id, c.name]));
  const categoryName = new Map(categories.items.map((c) => [c.slug, c.nameVi]));
  const revenue = Object.values(province.channelMix).reduce((sum, v) => sum + v, 0);
  const upliftByStars = upliftByStarsTable(uplift.summary.byStars);

  const stars$ = chartBox('certifiedByStars');
  const categories$ = chartBox('certifiedByCategory');
  const districts$ = chartBox('revenueByDistrict', true);
  const channels$ = chartBox('revenueByMarketplace', true);
  const uplift$ = chartBox('upliftByStars');
  const growth$ = chartBox('topProducersByGrowth', true);
  const expiry$ = chartBox('certificatesExpiring');

  const today = vietnamToday();
  const expiringRows = expiring
    .filter((c) => c.validUntil !== null)
    .sort((a, b) => (a.validUntil ?? '').localeCompare(b.validUntil ?? ''));
  const bucketCounts = EXPIRY_BUCKETS.map(
    (bucket) => expiringRows.filter((c) => expiryBucket(c.validUntil ?? '', today) === bucket).length,
  );

  main.replaceChildren(
    el(
      'div',
      { class: 'page-title' },
      el('h1', {}, 'Toàn tỉnh ', el('small', {}, `Province overview · ${formatDate(province.asOf)}`)),
      el(
        'a',
        { class: 'button button-primary no-print', href: '#/province/print', id: 'print-province' },
        'In báo cáo ',
        el('small', { lang: 'en' }, '(print)'),
      ),
    ),
    el(
      'div',
      { class: 'kpis' },
      kpi('Sản phẩm OCOP còn hiệu lực (certified)', formatNumber(province.products.certified), 'certified'),
      kpi(
        'Tỷ lệ chè (tea share)',
        province.products.teaSharePct === null ? '—' : `${formatNumber(province.products.teaSharePct)} %`,
        'teaShare',
      ),
      kpi('Chủ thể (producers)', formatNumber(province.cooperatives.total), 'producers'),
      kpi(
        `Doanh thu ${formatDate(province.revenueWindow.from)}–${formatDate(province.revenueWindow.to)} (revenue)`,
        formatVnd(revenue),
        'revenue',
      ),
    ),
    el(
      'div',
      { class: 'grid' },
      card('Sản phẩm theo số sao', 'Certified products by stars', stars$.box),
      card(
        'Sản phẩm theo nhóm hàng',
        'by category',
        categories$.box,
        el(
          'p',
          { class: 'note', 'data-tea-share': String(province.products.teaSharePct ?? '') },
          `Chè chiếm ${province.products.teaSharePct === null ? '—' : `${formatNumber(province.products.teaSharePct)} %`} sản phẩm được chứng nhận (tea share).`,
        ),
      ),
      card(
        'Doanh thu theo huyện',
        'Revenue by district, last 365 days',
        districts$.box,
        downloads('province', '/v1/metrics/province', { asOf: province.asOf }),
      ),
      card(
        'Doanh thu theo sàn theo tháng',
        'Revenue by marketplace over time',
        channels$.box,
        downloads('provinceSales', '/v1/metrics/province/sales', {
          granularity: 'month',
          from: sales.from,
          to: sales.to,
        }),
      ),
      wide(
        card(
          'Mức tăng doanh thu sau chứng nhận OCOP',
          `OCOP uplift, raw and adjusted, ${uplift.windowDays} days before/after`,
          el(
            'div',
            { class: 'grid' },
            el(
              'div',
              {},
              uplift$.box,
              el(
                'p',
                { class: 'note' },
                'Trung vị và khoảng tứ phân vị 25–75 % (median and interquartile range) theo số sao.',
              ),
            ),
            el(
              'div',
              {},
              table(upliftByStars.headers, upliftByStars.rows, { 'data-table': 'upliftByStars' }),
              el(
                'p',
                { class: 'note' },
                'Mức tăng điều chỉnh: so với nhóm đối chứng chưa được chứng nhận (adjusted against uncertified products); n: số chứng nhận đo được. ',
                el('a', { href: '#/province/print' }, 'phương pháp (method)'),
                '.',
              ),
            ),
          ),
          table(
            [
              'Sản phẩm (product)',
              'Chủ thể (producer)',
              'Huyện (district)',
              'Sao',
              'Ngày quyết định (decided)',
              'Mức tăng (uplift)',
              'Mức tăng điều chỉnh (adjusted)',
              'Đối chứng (controls)',
            ],
            uplift.items.map((i) => [
              i.productName,
              el('a', { href: `#/producer/${i.cooperativeId}` }, i.producerName),
              i.district ?? NO_DISTRICT,
              stars(i.stars),
              formatDate(i.decidedAt),
              formatPct(i.upliftPct),
              formatPct(i.adjustedUpliftPct),
              controlsText(i.controls),
            ]),
            { 'data-table': 'uplift' },
          ),
          downloads('uplift', '/v1/metrics/ocop-uplift', { windowDays: uplift.windowDays }),
        ),
      ),
      card(
        'Nhà sản xuất tăng trưởng nhanh nhất',
        `Top producers by growth, ${formatDate(growth.current.from)}–${formatDate(growth.current.to)}`,
        growth$.box,
        table(
          [
            'Nhà sản xuất (producer)',
            'Huyện (district)',
            'Kỳ này (current)',
            'Kỳ trước (previous)',
            'Tăng trưởng (growth)',
          ],
          growth.items.map((g) => [
            el('a', { href: `#/producer/${g.cooperativeId}` }, g.name),
            g.district ?? NO_DISTRICT,
            formatVnd(g.currentRevenueVnd),
            formatVnd(g.previousRevenueVnd),
            formatPct(g.growthPct),
          ]),
          { 'data-table': 'topProducers' },
        ),
        downloads('growth', '/v1/metrics/growth', {
          from: growth.current.from,
          to: growth.current.to,
          limit: 10,
        }),
      ),
      card(
        'Chứng nhận sắp hết hạn',
        'Certificates expiring in the next 30, 60 and 90 days',
        expiry$.box,
        table(
          ['Sản phẩm (product)', 'Nhà sản xuất (producer)', 'Sao', 'Hiệu lực đến (valid until)'],
          expiringRows.map((c) => [
            productName.get(c.productId) ?? c.productId,
            el(
              'a',
              { href: `#/producer/${c.cooperativeId}` },
              producerName.get(c.cooperativeId) ?? c.cooperativeId,
            ),
            c.stars === null ? '—' : stars(c.stars),
            formatDate(c.validUntil ?? ''),
          ]),
          { 'data-table': 'expiring' },
        ),
      ),
    ),
  );

  draw('certifiedByStars', stars$.canvas, {
    type: 'bar',
    data: {
      labels: STAR_LEVELS.map((s) => stars(Number(s))),
      datasets: [
        {
          label: 'Sản phẩm (products)',
          data: STAR_LEVELS.map((s) => province.products.byStars[s] ?? 0),
          backgroundColor: ['#e9c46a', '#f4a261', '#e76f51'],
        },
      ],
    },
    options: { plugins: { legend: { display: false } }, scales: { y: countAxis } },
  });
  const categorySlugs = Object.keys(province.products.byCategory).sort(
    (a, b) => (province.products.byCategory[b] ?? 0) - (province.products.byCategory[a] ?? 0),
  );
  draw('certifiedByCategory', categories$.canvas, {
    type: 'doughnut',
    data: {
      labels: categorySlugs.map((slug) => categoryName.get(slug) ?? slug),
      datasets: [
        {
          label: 'Sản phẩm (products)',
          data: categorySlugs.map((slug) => province.products.byCategory[slug] ?? 0),
        },
      ],
    },
    options: { plugins: { legend: { position: 'bottom' } } },
  });
  draw('revenueByDistrict', districts$.canvas, {
    type: 'bar',
    data: {
      labels: province.byDistrict.map((d) => d.district ?? NO_DISTRICT),
      datasets: [
        {
          label: 'Doanh thu (revenue)',
          data: province.byDistrict.map((d) => d.revenueVnd),
          backgroundColor: '#2a9d8f',
        },
      ],
    },
    options: {
      indexAxis: 'y',
      plugins: { legend: { display: false }, tooltip: vndTooltip },
      scales: { x: vndAxis },
    },
  });
  draw('revenueByMarketplace', channels$.canvas, revenueByMarketplaceChart(sales));
  draw('upliftByStars', uplift$.canvas, {
    type: 'bar',
    data: {
      labels: STAR_LEVELS.map((s) => `${stars(Number(s))} (n=${uplift.summary.byStars[s].n})`),
      datasets: [
        {
          label: 'P25 (%)',
          data: STAR_LEVELS.map((s) => uplift.summary.byStars[s].p25Pct ?? null),
          backgroundColor: '#a8dadc',
        },
        {
          label: 'Trung vị (median %)',
          data: STAR_LEVELS.map((s) => uplift.summary.byStars[s].medianPct ?? null),
          backgroundColor: '#457b9d',
        },
        {
          label: 'P75 (%)',
          data: STAR_LEVELS.map((s) => uplift.summary.byStars[s].p75Pct ?? null),
          backgroundColor: '#1d3557',
        },
      ],
    },
    options: {
      scales: { y: pctAxis },
    },
  });
  // A producer with nothing sold before has no growth figure to draw; the table still lists it.
  const measured = growth.items.filter((g) => g.growthPct !== null);
  draw('topProducersByGrowth', growth$.canvas, {
    type: 'bar',
    data: {
      labels: measured.map((g) => g.name),
      datasets: [
        {
          label: 'Tăng trưởng (growth %)',
          data: measured.map((g) => g.growthPct),
          backgroundColor: '#52b788',
        },
      ],
    },
    options: {
      indexAxis: 'y',
      plugins: { legend: { display: false } },
      scales: { x: pctAxis },
    },
  });
  draw('certificatesExpiring', expiry$.canvas, {
    type: 'bar',
    data: {
      labels: EXPIRY_BUCKETS.map((b) => EXPIRY_LABELS[b] ?? String(b)),
      datasets: [
        {
          label: 'Chứng nhận (certificates)',
          data: bucketCounts,
          backgroundColor: ['#d62828', '#f77f00', '#fcbf49'],
        },
      ],
    },
    options: { plugins: { legend: { display: false } }, scales: { y: countAxis } },
  });
}
