import { api, ok } from '../api';
import { formatDate, formatNumber, formatVnd, vietnamToday } from '../format';
import { MARKETPLACE_LABELS, MARKETPLACES, NO_DISTRICT, STAR_LEVELS, stars } from '../labels';
import { el } from './dom';
import { UPLIFT_WINDOW_DAYS, upliftByStarsTable, upliftMethod } from './uplift';

/** A share in percent with two decimals, as the API writes teaSharePct; "—" of nothing. */
const shareOf = (part: number, whole: number): string =>
  whole === 0 ? '—' : `${formatNumber(Math.round((part / whole) * 10_000) / 100)} %`;

/** A printed table: plain cells, the figures right-aligned, an optional bold total row. */
function printTable(
  name: string,
  headers: string[],
  rows: (string | number)[][],
  total?: (string | number)[],
): HTMLElement {
  const cell = (tag: 'td' | 'th', value: string | number, index: number) =>
    el(tag, index === 0 ? {} : { class: 'number' }, value);
  // on a phone the table scrolls sideways in its box (dom.ts table()); on paper it fits the page
  const body = el(
    'table',
    { class: 'print-table', 'data-print-table': name },
    el('thead', {}, el('tr', {}, ...headers.map((h, i) => cell('th', h, i)))),
    el('tbody', {}, ...rows.map((row) => el('tr', {}, ...row.map((v, i) => cell('td', v, i))))),
    total ? el('tfoot', {}, el('tr', {}, ...total.map((v, i) => cell('th', v, i)))) : null,
  );
  return el('div', { class: 'table-wrap', tabindex: '0' }, body);
}

const section = (title: string, english: string, ...children: (Node | null)[]) =>
  el(
    'section',
    { class: 'print-section' },
    el('h2', {}, title, ' ', el('small', { lang: 'en' }, english)),
    ...children,
  );

/**
 * Báo cáo OCOP tỉnh (#/province/print): the annual figures a provincial department publishes, on
 * A4 — certified products by stars and by category with tea's share, revenue of the 365 days ending
 * asOf by district and by marketplace, and the uplift by stars with its method written under it.
 * Every figure is the API's (GET /v1/metrics/province, /ocop-uplift); the print stylesheet drops
 * the menu and bars.
 */
export async function renderProvincePrint(main: HTMLElement): Promise<void> {
  const [province, uplift, categories] = await Promise.all([
    ok(api.GET('/v1/metrics/province')),
    ok(api.GET('/v1/metrics/ocop-uplift', { params: { query: { windowDays: UPLIFT_WINDOW_DAYS } } })),
    ok(api.GET('/v1/reference/categories')),
  ]);
  const categoryName = new Map(categories.items.map((c) => [c.slug, c.nameVi]));
  const { products } = province;
  const revenue = MARKETPLACES.reduce((sum, m) => sum + province.channelMix[m], 0);
  const byCategory = Object.entries(products.byCategory).sort(
    ([a, m], [b, n]) => n - m || a.localeCompare(b),
  );
  const districtTotal = (field: 'cooperatives' | 'certified' | 'revenueVnd') =>
    province.byDistrict.reduce((sum, d) => sum + d[field], 0);
  const method = upliftMethod(uplift.windowDays);
  const upliftByStars = upliftByStarsTable(uplift.summary.byStars);
  const printedOn = vietnamToday();

  const printButton = el(
    'button',
    { type: 'button', class: 'button button-primary no-print', id: 'print-report' },
    'In báo cáo ',
    el('small', { lang: 'en' }, '(print)'),
  );
  printButton.addEventListener('click', () => window.print());

  main.replaceChildren(
    el(
      'div',
      { class: 'province-print' },
      el('p', { class: 'breadcrumb no-print' }, el('a', { href: '#/province' }, '← Toàn tỉnh (province)')),
      el(
        'div',
        { class: 'page-title' },
        el('h1', {}, 'Báo cáo OCOP tỉnh Thái Nguyên ', el('small', { lang: 'en' }, 'OCOP report')),
        printButton,
      ),
      el(
        'p',
        { class: 'print-dates' },
        el('span', { 'data-as-of': province.asOf }, `Số liệu đến ngày ${formatDate(province.asOf)}`),
        ' · ',
        `doanh thu từ ${formatDate(province.revenueWindow.from)} đến ${formatDate(province.revenueWindow.to)}`,
        ' · ',
        el('span', { 'data-printed-on': printedOn }, `in ngày ${formatDate(printedOn)}`),
      ),
      section(
        '1. Sản phẩm OCOP còn hiệu lực theo số sao',
        'certified products by stars',
        printTable(
          'byStars',
          ['Số sao (stars)', 'Sản phẩm (products)', 'Tỷ lệ (share)'],
          STAR_LEVELS.map((s) => [
            stars(Number(s)),
            formatNumber(products.byStars[s] ?? 0),
            shareOf(products.byStars[s] ?? 0, products.certified),
          ]),
          ['Tổng (total)', formatNumber(products.certified), shareOf(products.certified, products.certified)],
        ),
      ),
      section(
        '2. Sản phẩm OCOP còn hiệu lực theo nhóm hàng',
        'by category',
        printTable(
          'byCategory',
          ['Nhóm hàng (category)', 'Sản phẩm (products)', 'Tỷ lệ (share)'],
          byCategory.map(([slug, n]) => [
            categoryName.get(slug) ?? slug,
            formatNumber(n),
            shareOf(n, products.certified),
          ]),
        ),
        el(
          'p',
          { class: 'note', 'data-tea-share': String(products.teaSharePct ?? '') },
          `Chè chiếm ${products.teaSharePct === null ? '—' : `${formatNumber(products.teaSharePct)} %`} sản phẩm OCOP còn hiệu lực (tea share).`,
        ),
      ),
      section(
        '3. Doanh thu theo huyện',
        'revenue by district, 365 days',
        printTable(
          'byDistrict',
          [
            'Huyện (district)',
            'Chủ thể OCOP (producers)',
            'Sản phẩm OCOP (certified)',
            'Doanh thu (revenue)',
          ],
          province.byDistrict.map((d) => [
            d.district ?? NO_DISTRICT,
            formatNumber(d.cooperatives),
            formatNumber(d.certified),
            formatVnd(d.revenueVnd),
          ]),
          [
            'Toàn tỉnh (province)',
            formatNumber(districtTotal('cooperatives')),
            formatNumber(districtTotal('certified')),
            formatVnd(districtTotal('revenueVnd')),
          ],
        ),
      ),
      section(
        '4. Doanh thu theo sàn thương mại điện tử',
        'revenue by marketplace, 365 days',
        printTable(
          'byMarketplace',
          ['Sàn TMĐT (marketplace)', 'Doanh thu (revenue)', 'Tỷ lệ (share)'],
          MARKETPLACES.map((m) => [
            MARKETPLACE_LABELS[m] ?? m,
            formatVnd(province.channelMix[m]),
            shareOf(province.channelMix[m], revenue),
          ]),
          ['Tổng (total)', formatVnd(revenue), shareOf(revenue, revenue)],
        ),
      ),
      section(
        '5. Mức tăng doanh thu sau chứng nhận theo số sao',
        `uplift by stars, ${formatNumber(uplift.windowDays)} days before/after`,
        printTable('upliftByStars', upliftByStars.headers, upliftByStars.rows),
        el('p', { class: 'method', 'data-method': '' }, method.vi),
        el('p', { class: 'method', lang: 'en' }, method.en),
      ),
    ),
  );
}
