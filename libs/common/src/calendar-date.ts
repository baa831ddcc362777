/**
 * Calendar dates as `YYYY-MM-DD` strings (API.md: days in Asia/Ho_Chi_Minh). Arithmetic runs on
 * UTC midnights so no time zone or daylight saving can shift a day.
 */
export function parseDate(date: string): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number);
  return [y, m, d];
}

export function formatDate(utc: Date): string {
  return utc.toISOString().slice(0, 10);
}

/** `date` plus `days` calendar days (negative to go back). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = parseDate(date);
  return formatDate(new Date(Date.UTC(y, m - 1, d + days)));
}

export function addMonths(date: string, months: number): string {
  const [y, m, d] = parseDate(date);
  return formatDate(new Date(Date.UTC(y, m - 1 + months, d)));
}

/** A real day written as YYYY-MM-DD (2026-02-29 is not one). */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const [y, m, d] = parseDate(value);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}
