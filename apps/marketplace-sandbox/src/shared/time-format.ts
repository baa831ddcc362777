/** Vietnam time (UTC+07:00, no daylight saving), used by the Vietnamese styles' dates. */
export const VN_OFFSET_MS = 7 * 3600 * 1000;

/** ISO-8601 with a +07:00 offset and milliseconds, e.g. 2026-11-28T08:56:13.123+07:00. */
export function isoVietnam(ms: number): string {
  return new Date(ms + VN_OFFSET_MS).toISOString().replace('Z', '+07:00');
}

/** Parses an ISO-8601 instant that carries a zone (Z or ±hh:mm); null otherwise. */
export function parseIsoInstant(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** Parses Sendo's `yyyy/MM/dd` as the start of that day in Vietnam time; null when malformed. */
export function parseVietnamDay(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d{4})\/(\d{2})\/(\d{2})$/.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const utc = Date.UTC(year, month - 1, day);
  const check = new Date(utc);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return null;
  }
  return utc - VN_OFFSET_MS;
}

/** The start of the Vietnam-time day that contains `ms`. */
export function vietnamDayStart(ms: number): number {
  const local = ms + VN_OFFSET_MS;
  return local - (((local % 86_400_000) + 86_400_000) % 86_400_000) - VN_OFFSET_MS;
}

export const DAY_MS = 86_400_000;
