// The web app bundles this file (apps/web/src/ocop-rules.ts) so its assessment form computes
// total, stars and level by these very rules: it may import nothing that pulls in Nest or Node,
// only common's calendar-date file (.dependency-cruiser.cjs holds it to that).
import { formatDate, parseDate } from '../../common/src/calendar-date';

/**
 * OCOP rating rules (docs/ocop.md) as pure functions over the reference data in
 * config/reference/ocop.json, so a province can adjust figures without touching code.
 */
export type Level = 'district' | 'province' | 'central';
export type ScorePart = 'partA' | 'partB' | 'partC';
export type Parts = Record<ScorePart, number>;

/**
 * What the rules read of the reference data: config's OcopReference on the server, the answer of
 * GET /v1/reference/ocop in the browser (both fit, so neither side copies the other's type).
 */
export interface OcopRules {
  scoreParts: readonly { part: ScorePart; name: string; max: number }[];
  starBands: readonly { stars: number; minTotal: number; certified: boolean }[];
  levelRules: readonly {
    decidedFrom: string | null;
    decidedBefore: string | null;
    levelByStars: Partial<Record<'3' | '4' | '5', Level>>;
  }[];
}

export interface PartProblem {
  field: ScorePart;
  message: string;
}

/** Parts outside 0..maximum are invalid input (OCOP.md "Score and stars"). */
export function partProblems(parts: Parts, reference: OcopRules): PartProblem[] {
  return reference.scoreParts.flatMap(({ part, max, name }) => {
    const value = parts[part];
    if (value < 0 || value > max) return [{ field: part, message: `${name} is scored from 0 to ${max}` }];
    return [];
  });
}

/** The total kept with two decimals, computed in hundredths so 40.1 + 25.2 + 25.56 is exact. */
export function scoreTotal(parts: Parts): number {
  const hundredths =
    Math.round(parts.partA * 100) + Math.round(parts.partB * 100) + Math.round(parts.partC * 100);
  return hundredths / 100;
}

export function starsFor(total: number, reference: OcopRules): number {
  const band = reference.starBands.find((b) => total >= b.minTotal);
  return band ? band.stars : 1;
}

/** A product is certified from the certifying star bands (3–5) with every mandatory criterion met. */
export function certifies(stars: number, mandatoryCriteriaMet: boolean, reference: OcopRules): boolean {
  return mandatoryCriteriaMet && reference.starBands.some((b) => b.stars === stars && b.certified);
}

/**
 * The level that recognises `stars` on `decidedAt` (YYYY-MM-DD), or undefined when no rule covers
 * it (below 3 stars no council issues a certificate).
 */
export function recognisingLevel(stars: number, decidedAt: string, reference: OcopRules): Level | undefined {
  const rule = reference.levelRules.find(
    (r) =>
      (r.decidedFrom === null || decidedAt >= r.decidedFrom) &&
      (r.decidedBefore === null || decidedAt < r.decidedBefore),
  );
  return rule?.levelByStars[String(stars) as '3' | '4' | '5'];
}

const levelNames: Record<Level, string> = {
  district: 'a district People’s Committee',
  province: 'a provincial People’s Committee',
  central: 'the central ministry',
};

/** Why a level does not fit, in words an officer understands; undefined when it fits. */
export function levelMismatch(
  stars: number,
  level: Level,
  decidedAt: string,
  reference: OcopRules,
): string | undefined {
  const expected = recognisingLevel(stars, decidedAt, reference);
  if (expected === undefined || expected === level) return undefined;
  return (
    `A ${stars}-star product decided on ${decidedAt} is recognised by ${levelNames[expected]}, ` +
    `not by ${levelNames[level]} (OCOP rules: Decision 148/QĐ-TTg as amended by 1489/QĐ-TTg).`
  );
}

/**
 * Last day of validity: the decision date plus `months` months, minus one day. A day that does not
 * exist in the target month rolls into the next (29 Feb 2024 + 36 months → 1 Mar 2027), so
 * 2024-02-29 is valid through 2027-02-28 and 2023-04-10 through 2026-04-09.
 */
export function validUntil(decidedAt: string, months: number): string {
  const [y, m, d] = parseDate(decidedAt);
  return formatDate(new Date(Date.UTC(y, m - 1 + months, d - 1)));
}

export type StoredStatus = 'active' | 'expired' | 'superseded' | 'revoked' | 'not_certified';

/** Status is true at the moment of reading: an active certificate past its last day reads expired. */
export function effectiveStatus(
  stored: StoredStatus,
  validUntilDate: string | null,
  today: string,
): StoredStatus {
  if (stored === 'active' && validUntilDate !== null && today > validUntilDate) return 'expired';
  return stored;
}
