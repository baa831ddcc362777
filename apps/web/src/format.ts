/**
 * How the dashboard writes money, dates and periods: the Vietnamese way (1.250.000 ₫, 28/11/2026).
 * Pure functions, no DOM, so they are unit-tested under Node and run unchanged in the browser.
 */

const VIETNAM = 'Asia/Ho_Chi_Minh';
const vnd = new Intl.NumberFormat('vi-VN', { style: 'currency', currency: 'VND', maximumFractionDigits: 0 });
const count = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 });
const signed = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1, signDisplay: 'exceptZero' });
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 1250000 → "1.250.000 ₫" (Intl puts a no-break space before the sign, so it never wraps alone). */
export function formatVnd(amount: number): string {
  return vnd.format(amount);
}

export function formatNumber(value: number): string {
  return count.format(value);
}

/** 400 → "+400 %", 12.5 → "+12,5 %"; null (nothing to compare with) → "—". */
export function formatPct(value: number | null): string {
  return value === null ? '—' : `${signed.format(value)} %`;
}

/** A calendar date of the API ("2026-11-28") → "28/11/2026", without going through a time zone. */
export function formatDate(date: string): string {
  const match = DATE.exec(date);
  return match ? `${match[3]}/${match[2]}/${match[1]}` : date;
}

function vietnamParts(instant: Date): Record<string, string> {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: VIETNAM,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  return Object.fromEntries(parts.map((p) => [p.type, p.value]));
}

/** An instant → "28/11/2026 17:05", as the clock reads in Vietnam wherever the browser is. */
export function formatDateTime(iso: string | null): string {
  if (!iso) return '—';
  const p = vietnamParts(new Date(iso));
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** Today's date in Vietnam as the API writes dates ("2026-11-28"). */
export function vietnamToday(now: Date = new Date()): string {
  const p = vietnamParts(now);
  return `${p.year}-${p.month}-${p.day}`;
}

/** A period of a sales series → "28/11/2026" (day), "Tuần 48/2026" (ISO week), "11/2026" (month). */
export function formatPeriod(period: string): string {
  const week = /^(\d{4})-W(\d{2})$/.exec(period);
  if (week) return `Tuần ${Number(week[2])}/${week[1]}`;
  const month = /^(\d{4})-(\d{2})$/.exec(period);
  if (month) return `${month[2]}/${month[1]}`;
  return formatDate(period);
}

function dayNumber(date: string): number {
  const match = DATE.exec(date);
  if (!match) throw new Error(`Not a calendar date: ${date}`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / 86_400_000;
}

/** Whole days from `from` to `to` (calendar dates); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

export const EXPIRY_BUCKETS = [30, 60, 90] as const;
export type ExpiryBucket = (typeof EXPIRY_BUCKETS)[number];

/**
 * Which notice a certificate falls in: its last day within the next 30 days, 31–60 or 61–90
 * (today counts as day 0); null when already past or further away.
 */
export function expiryBucket(validUntil: string, today: string): ExpiryBucket | null {
  const days = daysBetween(today, validUntil);
  if (days < 0) return null;
  return EXPIRY_BUCKETS.find((limit) => days <= limit) ?? null;
}

/** "120.000", "120 000" or "120000" → 120000; anything else → NaN, which the API refuses by name. */
export function parseWholeNumber(text: string): number {
  const digits = text.replace(/[\s.\u00a0]/g, '');
  return /^-?\d+$/.test(digits) ? Number(digits) : Number.NaN;
}

const weight = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 });
/** 100 → "100 g", 1500 → "1,5 kg". */
export function formatWeight(grams: number): string {
  return grams >= 1000 ? `${weight.format(grams / 1000)} kg` : `${weight.format(grams)} g`;
}
