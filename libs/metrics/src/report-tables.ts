import { MARKETPLACE_NAMES, MARKETPLACES } from '@ocop/marketplaces';
import { reasonInVietnamese } from './uplift';
import type {
  ReportCell,
  ReportColumn,
  ReportContext,
  ReportFiles,
  ReportLang,
  ReportSheet,
  ReportTable,
} from './report-format';
import type {
  OcopUplift,
  ProducersByGrowth,
  ProvinceReport,
  SalesGrowth,
  SalesSeries,
} from './sales-metrics';

/**
 * One table definition per report: one row per entity, named and typed columns, names beside ids
 * (the ids last). Headers and the few words in cells come in Vietnamese and English.
 */

const col = (vi: string, en: string, kind: ReportColumn['kind']): ReportColumn => ({ vi, en, kind });
const word = (lang: ReportLang, vi: string, en: string) => (lang === 'en' ? en : vi);
/** A sheet holding the CSV's one table. */
const single = (filename: string, name: ReportSheet['name'], table: ReportTable): ReportFiles => ({
  filename,
  csv: table,
  sheets: [{ name, ...table }],
});

const noDistrict = (lang: ReportLang) => word(lang, 'Chưa rõ huyện', 'No district');
const REVENUE = col('Doanh thu (đồng)', 'Revenue (VND)', 'vnd');
const UNITS = col('Số lượng bán', 'Units', 'integer');
const ORDERS = col('Số đơn hàng', 'Orders', 'integer');
const PRODUCER_ID = col('Mã chủ thể', 'Producer ID', 'text');

/** One row per period; each marketplace's revenue in a column of its own. */
export function salesTable(
  report: Omit<SalesSeries, 'cooperativeId'> & { cooperativeId?: string },
): ReportFiles {
  return single(
    `sales-${report.cooperativeId ?? 'province'}-${report.from}-${report.to}-${report.granularity}`,
    { vi: 'Doanh thu theo kỳ', en: 'Sales by period' },
    {
      columns: [
        col('Kỳ', 'Period', 'period'),
        REVENUE,
        UNITS,
        ORDERS,
        ...MARKETPLACES.map((m) =>
          col(`Doanh thu ${MARKETPLACE_NAMES[m]} (đồng)`, `${MARKETPLACE_NAMES[m]} revenue (VND)`, 'vnd'),
        ),
      ],
      rows: report.series.map((p) => [
        p.period,
        p.revenueVnd,
        p.units,
        p.orders,
        ...MARKETPLACES.map((m) => p.byMarketplace[m]),
      ]),
    },
  );
}

/** The two windows as rows; the growth figure on the current one. */
export function growthTable(report: SalesGrowth, { lang }: ReportContext): ReportFiles {
  const row = (window: 'current' | 'previous', growthPct: number | null): ReportCell[] => {
    const w = report[window];
    const name = window === 'current' ? word(lang, 'Kỳ này', 'Current') : word(lang, 'Kỳ trước', 'Previous');
    return [name, w.from, w.to, w.revenueVnd, w.units, w.orders, growthPct, report.cooperativeId];
  };
  return single(
    `growth-${report.cooperativeId}-${report.current.from}-${report.current.to}`,
    { vi: 'Tăng trưởng', en: 'Growth' },
    {
      columns: [
        col('Kỳ', 'Window', 'text'),
        col('Từ ngày', 'From', 'date'),
        col('Đến ngày', 'To', 'date'),
        REVENUE,
        UNITS,
        ORDERS,
        col('Tăng trưởng (%)', 'Growth (%)', 'percent'),
        PRODUCER_ID,
      ],
      rows: [row('current', report.growthPct), row('previous', null)],
    },
  );
}

/** One row per producer, fastest-growing first. */
export function producersByGrowthTable(report: ProducersByGrowth, { lang }: ReportContext): ReportFiles {
  return single(
    `growth-producers-${report.current.from}-${report.current.to}`,
    { vi: 'Tăng trưởng chủ thể', en: 'Producers by growth' },
    {
      columns: [
        col('Chủ thể OCOP', 'Producer', 'text'),
        col('Huyện', 'District', 'text'),
        col('Doanh thu kỳ này (đồng)', 'Revenue, current window (VND)', 'vnd'),
        col('Doanh thu kỳ trước (đồng)', 'Revenue, previous window (VND)', 'vnd'),
        col('Tăng trưởng (%)', 'Growth (%)', 'percent'),
        col('Kỳ này từ ngày', 'Current from', 'date'),
        col('Kỳ này đến ngày', 'Current to', 'date'),
        col('Kỳ trước từ ngày', 'Previous from', 'date'),
        col('Kỳ trước đến ngày', 'Previous to', 'date'),
        PRODUCER_ID,
      ],
      rows: report.items.map((i) => [
        i.name,
        i.district ?? noDistrict(lang),
        i.currentRevenueVnd,
        i.previousRevenueVnd,
        i.growthPct,
        report.current.from,
        report.current.to,
        report.previous.from,
        report.previous.to,
        i.cooperativeId,
      ]),
    },
  );
}

const controlScope = (lang: ReportLang, scope: 'district' | 'category' | null) =>
  scope === 'district'
    ? word(lang, 'Cùng nhóm hàng, cùng huyện', 'Same category and district')
    : scope === 'category'
      ? word(lang, 'Cùng nhóm hàng, toàn tỉnh', 'Same category, province-wide')
      : word(lang, 'Không có', 'None');

const STARS = ['3', '4', '5'] as const;

/**
 * One row per certificate. CI low/high are the bootstrap 95 % interval of the median adjusted
 * uplift of the row's star group (the summary's ci95), repeated on each row of the group so the
 * file stands alone; the workbook adds the by-stars summary as a sheet of its own.
 */
export function upliftTable(report: OcopUplift, { lang, categoryName }: ReportContext): ReportFiles {
  const items: ReportTable = {
    columns: [
      col('Sản phẩm', 'Product', 'text'),
      col('Chủ thể OCOP', 'Producer', 'text'),
      col('Huyện', 'District', 'text'),
      col('Nhóm hàng', 'Category', 'text'),
      col('Số sao', 'Stars', 'integer'),
      col('Ngày quyết định', 'Decision date', 'date'),
      col('Doanh thu trước (đồng)', 'Revenue before (VND)', 'vnd'),
      col('Doanh thu sau (đồng)', 'Revenue after (VND)', 'vnd'),
      col('Mức tăng (%)', 'Uplift (%)', 'percent'),
      col('Mức tăng điều chỉnh (%)', 'Adjusted uplift (%)', 'percent'),
      col('Số sản phẩm đối chứng', 'Controls (n)', 'integer'),
      col('Phạm vi đối chứng', 'Control scope', 'text'),
      col('Thay đổi của nhóm đối chứng (%)', 'Controls’ change (%)', 'percent'),
      col(
        'KTC 95% trung vị mức tăng điều chỉnh của nhóm sao – cận dưới (%)',
        'CI95 of the star group’s median adjusted uplift – low (%)',
        'percent',
      ),
      col(
        'KTC 95% trung vị mức tăng điều chỉnh của nhóm sao – cận trên (%)',
        'CI95 of the star group’s median adjusted uplift – high (%)',
        'percent',
      ),
      col('Lý do không có mức tăng điều chỉnh', 'Why no adjusted uplift', 'text'),
      col('Số ngày mỗi kỳ', 'Window (days)', 'integer'),
      col('Mã chứng nhận', 'Certificate ID', 'text'),
      col('Mã sản phẩm', 'Product ID', 'text'),
      PRODUCER_ID,
    ],
    rows: report.items.map((i) => {
      const ci = report.summary.byStars[String(i.stars) as (typeof STARS)[number]]?.ci95 ?? null;
      return [
        i.productName,
        i.producerName,
        i.district ?? noDistrict(lang),
        categoryName(i.category),
        i.stars,
        i.decidedAt,
        i.beforeRevenueVnd,
        i.afterRevenueVnd,
        i.upliftPct,
        i.adjustedUpliftPct,
        i.controls.n,
        controlScope(lang, i.controls.scope),
        i.controls.changePct,
        ci?.low ?? null,
        ci?.high ?? null,
        i.controls.reason === null || lang === 'en'
          ? i.controls.reason
          : reasonInVietnamese(i.controls.reason),
        report.windowDays,
        i.certificateId,
        i.productId,
        i.cooperativeId,
      ];
    }),
  };
  const byStars: ReportSheet = {
    name: { vi: 'Theo số sao', en: 'By stars' },
    columns: [
      col('Số sao', 'Stars', 'integer'),
      col('Số chứng nhận đo được', 'Certificates measured (n)', 'integer'),
      col('Trung vị mức tăng (%)', 'Median uplift (%)', 'percent'),
      col('Phân vị 25 (%)', '25th percentile (%)', 'percent'),
      col('Phân vị 75 (%)', '75th percentile (%)', 'percent'),
      col('Số có mức tăng điều chỉnh', 'With an adjusted figure (n)', 'integer'),
      col('Trung vị mức tăng điều chỉnh (%)', 'Median adjusted uplift (%)', 'percent'),
      col('KTC 95% – cận dưới (%)', 'CI95 low (%)', 'percent'),
      col('KTC 95% – cận trên (%)', 'CI95 high (%)', 'percent'),
      col('Số ngày mỗi kỳ', 'Window (days)', 'integer'),
    ],
    rows: STARS.map((s) => {
      const g = report.summary.byStars[s];
      return [
        Number(s),
        g.n,
        g.medianPct,
        g.p25Pct,
        g.p75Pct,
        g.adjustedN,
        g.adjustedMedian,
        g.ci95?.low ?? null,
        g.ci95?.high ?? null,
        report.windowDays,
      ];
    }),
  };
  return {
    filename: `ocop-uplift-${report.windowDays}d`,
    csv: items,
    sheets: [{ name: { vi: 'Mức tăng OCOP', en: 'OCOP uplift' }, ...items }, byStars],
  };
}

const share = (part: number, whole: number) =>
  whole === 0 ? null : Math.round((part / whole) * 10000) / 100;

/**
 * The province report. CSV: one row per district (producers, certified products, revenue of the
 * 365 days ending asOf) and the province's total row, each with the day and window. Workbook: a
 * summary sheet, then certified products by stars and by category (tea's share among them), the
 * district table, and revenue by marketplace.
 */
export function provinceTable(report: ProvinceReport, { lang, categoryName }: ReportContext): ReportFiles {
  const { asOf, revenueWindow: window, products } = report;
  const districtRows: ReportCell[][] = report.byDistrict.map((d) => [
    d.district ?? noDistrict(lang),
    d.cooperatives,
    d.certified,
    d.revenueVnd,
  ]);
  const total = (index: number) => districtRows.reduce((sum, row) => sum + Number(row[index]), 0);
  const byDistrict: ReportTable = {
    columns: [
      col('Huyện', 'District', 'text'),
      col('Chủ thể OCOP', 'Producers', 'integer'),
      col('Sản phẩm OCOP còn hiệu lực', 'Certified products', 'integer'),
      col('Doanh thu 365 ngày (đồng)', 'Revenue, 365 days (VND)', 'vnd'),
      col('Số liệu đến ngày', 'As of', 'date'),
      col('Doanh thu từ ngày', 'Revenue from', 'date'),
      col('Doanh thu đến ngày', 'Revenue to', 'date'),
    ],
    rows: [...districtRows, [word(lang, 'Toàn tỉnh', 'Province total'), total(1), total(2), total(3)]].map(
      (row) => [...row, asOf, window.from, window.to],
    ),
  };
  const revenue = MARKETPLACES.reduce((sum, m) => sum + report.channelMix[m], 0);
  const summary: ReportSheet = {
    name: { vi: 'Tổng quan', en: 'Summary' },
    columns: [
      col('Số liệu đến ngày', 'As of', 'date'),
      col('Doanh thu từ ngày', 'Revenue from', 'date'),
      col('Doanh thu đến ngày', 'Revenue to', 'date'),
      col('Sản phẩm OCOP còn hiệu lực', 'Certified products', 'integer'),
      col('Tỷ lệ chè (%)', 'Tea share (%)', 'percent'),
      col('Chủ thể OCOP', 'Producers', 'integer'),
      col('Chủ thể có sản phẩm OCOP', 'Producers with a certified product', 'integer'),
      col('Doanh thu 365 ngày (đồng)', 'Revenue, 365 days (VND)', 'vnd'),
    ],
    rows: [
      [
        asOf,
        window.from,
        window.to,
        products.certified,
        products.teaSharePct,
        report.cooperatives.total,
        report.cooperatives.withCertifiedProducts,
        revenue,
      ],
    ],
  };
  const categories = Object.entries(products.byCategory).sort(
    ([a, m], [b, n]) => n - m || a.localeCompare(b),
  );
  return {
    filename: `province-${asOf}`,
    csv: byDistrict,
    sheets: [
      summary,
      {
        name: { vi: 'Theo số sao', en: 'By stars' },
        columns: [
          col('Số sao', 'Stars', 'integer'),
          col('Sản phẩm', 'Products', 'integer'),
          col('Tỷ lệ (%)', 'Share (%)', 'percent'),
        ],
        rows: Object.entries(products.byStars).map(([stars, n]) => [
          Number(stars),
          n,
          share(n, products.certified),
        ]),
      },
      {
        name: { vi: 'Theo nhóm hàng', en: 'By category' },
        columns: [
          col('Nhóm hàng', 'Category', 'text'),
          col('Sản phẩm', 'Products', 'integer'),
          col('Tỷ lệ (%)', 'Share (%)', 'percent'),
          col('Mã nhóm hàng', 'Category code', 'text'),
        ],
        rows: categories.map(([slug, n]) => [categoryName(slug), n, share(n, products.certified), slug]),
      },
      { name: { vi: 'Theo huyện', en: 'By district' }, ...byDistrict },
      {
        name: { vi: 'Theo sàn', en: 'By marketplace' },
        columns: [
          col('Sàn TMĐT', 'Marketplace', 'text'),
          col('Doanh thu 365 ngày (đồng)', 'Revenue, 365 days (VND)', 'vnd'),
          col('Tỷ lệ (%)', 'Share (%)', 'percent'),
        ],
        rows: MARKETPLACES.map((m) => [
          MARKETPLACE_NAMES[m],
          report.channelMix[m],
          share(report.channelMix[m], revenue),
        ]),
      },
    ],
  };
}
