import { addDays, addMonths } from '@ocop/common';

export const GRANULARITIES = ['day', 'week', 'month'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

const toUtc = (date: string) => Date.parse(`${date}T00:00:00Z`);

/** Whole days from `from` to `to` (0 when equal; negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((toUtc(to) - toUtc(from)) / 86_400_000);
}

/** Number of calendar days in [from, to], both included. */
export function windowLength(from: string, to: string): number {
  return daysBetween(from, to) + 1;
}

/** ISO 8601 week of a date: weeks start on Monday; week 1 holds the year's first Thursday. */
export function isoWeek(date: string): string {
  const day = new Date(toUtc(date));
  const weekday = (day.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = new Date(day.getTime() + (3 - weekday) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const firstThursday = Date.UTC(year, 0, 4);
  const firstWeekday = (new Date(firstThursday).getUTCDay() + 6) % 7;
  const week =
    1 + Math.round((thursday.getTime() - (firstThursday + (3 - firstWeekday) * 86_400_000)) / 604_800_000);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The period a day belongs to: `2026-11-28`, `2026-W48` or `2026-11`. */
export function periodOf(date: string, granularity: Granularity): string {
  if (granularity === 'day') return date;
  if (granularity === 'week') return isoWeek(date);
  return date.slice(0, 7);
}

/** The first day of the month a day falls in: the key of a month in the monthly roll-up. */
export function monthOf(date: string): string {
  return `${date.slice(0, 7)}-01`;
}

/**
 * The whole calendar months inside [from, to] as [start, end): the first day of the first whole
 * month and the first day after the last one; null when no month lies whole inside.
 */
export function wholeMonths(from: string, to: string): { start: string; end: string } | null {
  const start = from === monthOf(from) ? from : addMonths(monthOf(from), 1);
  const end = monthOf(addDays(to, 1));
  return start < end ? { start, end } : null;
}

/** Every period touching [from, to], in order, each once (the first and last may be partial). */
export function periodsBetween(from: string, to: string, granularity: Granularity): string[] {
  const periods: string[] = [];
  // one step per period, not per day: two years by month took 1.6 ms of every series request
  for (let day = from; day <= to; day = nextPeriodStart(day, granularity)) {
    periods.push(periodOf(day, granularity));
  }
  return periods;
}

/** The first day of the period after the one `date` is in (ISO weeks start on Monday). */
function nextPeriodStart(date: string, granularity: Granularity): string {
  if (granularity === 'day') return addDays(date, 1);
  if (granularity === 'month') return addMonths(monthOf(date), 1);
  const weekday = (new Date(toUtc(date)).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return addDays(date, 7 - weekday);
}

/** The same-length window that ends the day before `from` (API.md "growth"). */
export function previousWindow(from: string, to: string): { from: string; to: string } {
  const length = windowLength(from, to);
  return { from: addDays(from, -length), to: addDays(from, -1) };
}

/** `(after − before) / before × 100` with two decimals; null when there is nothing before. */
export function growthPct(before: number, after: number): number | null {
  if (before === 0) return null;
  return round2(((after - before) / before) * 100);
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
