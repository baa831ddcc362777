import { MARKETPLACES } from '@ocop/marketplaces';
import type { CsvTable } from './csv-report';
import type {
  OcopUplift,
  ProducersByGrowth,
  ProvinceReport,
  SalesGrowth,
  SalesSeries,
} from './sales-metrics';

/** One row per period; each marketplace's revenue in a column of its own. */
export function salesTable(
  report: Omit<SalesSeries, 'cooperativeId'> & { cooperativeId?: string },
): CsvTable {
  return {
    filename: `sales-${report.cooperativeId ?? 'province'}-${report.from}-${report.to}-${report.granularity}`,
    columns: ['period', 'revenueVnd', 'units', 'orders', ...MARKETPLACES.map((m) => `${m}RevenueVnd`)],
    rows: report.series.map((p) => [
      p.period,
      p.revenueVnd,
      p.units,
      p.orders,
      ...MARKETPLACES.map((m) => p.byMarketplace[m]),
    ]),
  };
}

/** The two windows as rows; the growth figure on the current one. */
export function growthTable(report: SalesGrowth): CsvTable {
  const row = (window: 'current' | 'previous', growthPct: number | null) => {
    const w = report[window];
    return [window, w.from, w.to, w.revenueVnd, w.units, w.orders, growthPct];
  };
  return {
    filename: `growth-${report.cooperativeId}-${report.current.from}-${report.current.to}`,
    columns: ['window', 'from', 'to', 'revenueVnd', 'units', 'orders', 'growthPct'],
    rows: [row('current', report.growthPct), row('previous', null)],
  };
}

/** One row per producer, fastest-growing first. */
export function producersByGrowthTable(report: ProducersByGrowth): CsvTable {
  return {
    filename: `growth-producers-${report.current.from}-${report.current.to}`,
    columns: [
      'cooperativeId',
      'name',
      'district',
      'currentRevenueVnd',
      'previousRevenueVnd',
      'growthPct',
      'from',
      'to',
    ],
    rows: report.items.map((i) => [
      i.cooperativeId,
      i.name,
      i.district,
      i.currentRevenueVnd,
      i.previousRevenueVnd,
      i.growthPct,
      report.current.from,
      report.current.to,
    ]),
  };
}

/** One row per certificate (the summary by stars is their spread, left to the spreadsheet). */
export function upliftTable(report: OcopUplift): CsvTable {
  return {
    filename: `ocop-uplift-${report.windowDays}d`,
    columns: [
      'certificateId',
      'productId',
      'cooperativeId',
      'stars',
      'decidedAt',
      'windowDays',
      'beforeRevenueVnd',
      'afterRevenueVnd',
      'upliftPct',
    ],
    rows: report.items.map((i) => [
      i.certificateId,
      i.productId,
      i.cooperativeId,
      i.stars,
      i.decidedAt,
      report.windowDays,
      i.beforeRevenueVnd,
      i.afterRevenueVnd,
      i.upliftPct,
    ]),
  };
}

/** The report as measure / key / value rows, so every section fits one table. */
export function provinceTable(report: ProvinceReport): CsvTable {
  const rows: (string | number | null)[][] = [
    ['productsCertified', '', report.products.certified],
    ...Object.entries(report.products.byStars).map(([stars, n]) => ['productsByStars', stars, n]),
    ...Object.entries(report.products.byCategory).map(([category, n]) => ['productsByCategory', category, n]),
    ['teaSharePct', '', report.products.teaSharePct],
    ['cooperatives', '', report.cooperatives.total],
    ['cooperativesWithCertifiedProducts', '', report.cooperatives.withCertifiedProducts],
    ...report.byDistrict.flatMap((d) => [
      ['districtCertified', d.district ?? '', d.certified],
      ['districtRevenueVnd', d.district ?? '', d.revenueVnd],
    ]),
    ...Object.entries(report.channelMix).map(([marketplace, revenue]) => [
      'channelRevenueVnd',
      marketplace,
      revenue,
    ]),
  ];
  return {
    filename: `province-${report.asOf}`,
    columns: ['measure', 'key', 'value', 'asOf', 'revenueFrom', 'revenueTo'],
    rows: rows.map((row) => [...row, report.asOf, report.revenueWindow.from, report.revenueWindow.to]),
  };
}
