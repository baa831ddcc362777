import type { OcopReference } from '../../../../config/reference-data';
import { addDays, addMonths, SeededRandom } from '@ocop/common';
import { recognisingLevel, type Level } from '@ocop/ocop';
import type { SeedRating } from './thai-nguyen-catalogue';

/** One council decision to record for the demo, in the order to record them. */
export interface SeedDecision {
  partA: number;
  partB: number;
  partC: number;
  mandatoryCriteriaMet: boolean;
  level: Level;
  decisionNo: string;
  decidedAt: string;
  revokeReason?: string;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function parts(total: number) {
  const partA = round2(total * 0.4);
  const partB = round2(total * 0.25);
  return { partA, partB, partC: round2(total - partA - partB) };
}

function decision(
  random: SeededRandom,
  reference: OcopReference,
  stars: number,
  total: number,
  decidedAt: string,
  mandatoryCriteriaMet = true,
): SeedDecision {
  const level = recognisingLevel(Math.max(stars, 3), decidedAt, reference) ?? 'province';
  const office = level === 'central' ? 'QĐ-BNN-VPĐP' : 'QĐ-UBND';
  return {
    ...parts(total),
    mandatoryCriteriaMet,
    level,
    decisionNo: `${random.int(100, 4999)}/${office}`,
    decidedAt,
  };
}

function totalFor(random: SeededRandom, stars: number): number {
  const low = { 1: 20, 2: 30, 3: 50, 4: 70, 5: 90 }[stars] ?? 50;
  return round2(low + random.next() * 19.99);
}

/**
 * The decisions behind a product's demo rating, dated relative to `today` so that the active
 * certificates are spread over their 36 months (some expiring within weeks) whenever the demo runs.
 */
export function decisionsFor(
  rating: SeedRating,
  today: string,
  reference: OcopReference,
  random: SeededRandom,
): SeedDecision[] {
  switch (rating.kind) {
    case 'certified': {
      const total = rating.score ?? totalFor(random, rating.stars);
      if (rating.score !== undefined) {
        // The first 5-star products, recognised in 2021 and re-assessed on renewal.
        const renewedOn = addMonths(today, -33);
        return [
          decision(random, reference, rating.stars, total, renewedOn),
          decision(random, reference, rating.stars, total, addMonths(renewedOn, -35)),
        ];
      }
      const decidedAt = addDays(today, -random.int(20, 1090));
      const current = decision(random, reference, rating.stars, total, decidedAt);
      if (!rating.renewed) return [current];
      const earlierStars = Math.max(3, rating.stars - (random.next() < 0.5 ? 1 : 0));
      const earlier = decision(
        random,
        reference,
        earlierStars,
        totalFor(random, earlierStars),
        addMonths(decidedAt, -random.int(30, 35)),
      );
      // recorded after the current one, as history it supersedes
      return [current, earlier];
    }
    case 'expired':
      return [
        decision(
          random,
          reference,
          rating.stars,
          totalFor(random, rating.stars),
          addMonths(today, -random.int(37, 46)),
        ),
      ];
    case 'revoked':
      return [
        {
          ...decision(
            random,
            reference,
            rating.stars,
            totalFor(random, rating.stars),
            addDays(today, -random.int(60, 700)),
          ),
          revokeReason: rating.reason,
        },
      ];
    case 'not_certified':
      return rating.mandatoryCriteriaMet
        ? [decision(random, reference, 2, totalFor(random, 2), addDays(today, -random.int(60, 900)))]
        : [decision(random, reference, 3, totalFor(random, 3), addDays(today, -random.int(60, 900)), false)];
    case 'none':
      return [];
  }
}
