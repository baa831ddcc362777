import type { Schemas } from '../api';
import { formatNumber, formatPct } from '../format';
import { STAR_LEVELS, stars } from '../labels';

/** The window the officers' pages measure uplift over, before and after each decision. */
export const UPLIFT_WINDOW_DAYS = 90;

/**
 * The API's reasons for no adjusted figure (`controls.reason`, in English like its other
 * messages: libs/metrics/src/uplift.ts, NO_ADJUSTMENT), said in Vietnamese as the spreadsheet says
 * them (test/unit/uplift-reasons.spec.ts keeps the two alike); another reason shows as it comes.
 */
export const REASONS_VI: Record<string, string> = {
  'no other product of this category was uncertified through both windows and sold before':
    'không có sản phẩm nào khác cùng nhóm hàng chưa được chứng nhận trong cả hai kỳ và có bán ở kỳ trước',
  'the product sold nothing in the window before its decision':
    'sản phẩm không bán được gì trong kỳ trước ngày quyết định',
  'the controls sold nothing in the window after the decision':
    'nhóm đối chứng không bán được gì trong kỳ sau ngày quyết định',
};

/** "6 · cùng huyện (district)"; without controls, why (in Vietnamese where the reason is known). */
export function controlsText(controls: Schemas['UpliftControlsResponse']): string {
  if (controls.scope === null || controls.n === 0) {
    const reason = controls.reason === null ? '' : (REASONS_VI[controls.reason] ?? controls.reason);
    return `— ${reason}`.trim();
  }
  const scope = controls.scope === 'district' ? 'cùng huyện (same district)' : 'toàn tỉnh (province-wide)';
  return `${formatNumber(controls.n)} · ${scope}`;
}

/** A bootstrap interval as "+18,2 % … +41 %"; "—" when there is none. */
export function intervalText(interval: { low: number; high: number } | null): string {
  return interval === null ? '—' : `${formatPct(interval.low)} … ${formatPct(interval.high)}`;
}

/**
 * The uplift by stars as the province page and the printed report both tabulate it: raw and
 * adjusted median with their counts, and the adjusted median's interval; a row per star level.
 */
export function upliftByStarsTable(byStars: Schemas['UpliftByStarsResponse']): {
  headers: string[];
  rows: string[][];
} {
  return {
    headers: [
      'Số sao (stars)',
      'n',
      'Trung vị (median)',
      'n điều chỉnh (adjusted n)',
      'Trung vị điều chỉnh (adjusted median)',
      'KTC 95 % (95 % CI)',
    ],
    rows: STAR_LEVELS.map((s) => {
      const g = byStars[s];
      return [
        stars(Number(s)),
        formatNumber(g.n),
        formatPct(g.medianPct),
        formatNumber(g.adjustedN),
        formatPct(g.adjustedMedian),
        intervalText(g.ci95),
      ];
    }),
  };
}

/**
 * The method, as docs/ocop.md ("How uplift is measured") states it, in the words printed under the
 * uplift table: Vietnamese, then English.
 */
export function upliftMethod(windowDays: number): { vi: string; en: string } {
  const days = formatNumber(windowDays);
  return {
    vi:
      `Phương pháp: mức tăng là thay đổi doanh thu của sản phẩm giữa ${days} ngày trước và ${days} ngày ` +
      'kể từ ngày quyết định công nhận. Mức tăng điều chỉnh dùng phương pháp sai biệt kép ' +
      '(difference-in-differences) dạng tỉ số: tỉ số doanh thu sau/trước của sản phẩm chia cho tỉ số cùng kỳ ' +
      'của nhóm đối chứng, trừ 1. Nhóm đối chứng là các sản phẩm cùng nhóm hàng (cùng huyện khi có từ 5 ' +
      'sản phẩm như vậy, nếu không thì toàn tỉnh) không có giấy chứng nhận OCOP còn hiệu lực trong cả hai kỳ ' +
      'và có bán trong kỳ trước; nhờ vậy mùa vụ (Tết) và tăng trưởng chung của thị trường không bị tính là ' +
      'tác động của chứng nhận. Khoảng tin cậy 95 % của trung vị mức tăng điều chỉnh được ước lượng bằng ' +
      'bootstrap với 2.000 lần lấy mẫu lại và hạt giống cố định (cùng số liệu cho cùng kết quả).',
    en:
      `Method: uplift is the change in a product's revenue between the ${days} days before and the ${days} ` +
      'days from its decision date. The adjusted uplift is a difference-in-differences in ratio form: the ' +
      "product's after/before ratio divided by the same ratio of its control group, less one. Controls are " +
      'products of the same category (of the same district where at least 5 qualify, else province-wide) ' +
      'that held no valid OCOP certificate in either window and sold in the first, so season (Tết) and ' +
      "the market's growth are not credited to the rating. The 95 % interval of the median adjusted uplift " +
      'is a bootstrap of 2,000 resamples with a fixed seed (the same figures give the same interval).',
  };
}
