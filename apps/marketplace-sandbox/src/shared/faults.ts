import { z } from 'zod';
import { SeededRandom } from './prng';

/**
 * A shop's fault profile (PUT /_sandbox/shops/:shopId/faults). Every rate is 0..1. Decisions draw
 * from two seeded streams, one for API requests and one for webhooks, so that the number of API
 * calls a test makes does not change which webhooks get dropped, and the other way round.
 */
export interface FaultProfile {
  seed: number;
  errorRate: number;
  latencyMs: number;
  /** Calls a second per shop; null = the style's default (Voso 20, Postmart 50, Sendo unlimited). */
  rateLimitPerSecond: number | null;
  /** null = the style's default token lifetime (Sendo 8 h, Voso 24 h). */
  tokenTtlSeconds: number | null;
  webhookDropRate: number;
  webhookDuplicateRate: number;
  webhookReorderRate: number;
  /** Postmart: a stock write is applied, then answered 504. */
  writeThen504Rate: number;
  /** Batch writes with per-entry results (Shopee): a valid entry fails alone at this rate. */
  partialFailureRate: number;
  /** Voso: every call answers 503 with an HTML maintenance page. */
  maintenance: boolean;
}

const rate = z.number().min(0).max(1);

export const faultPatchSchema = z
  .object({
    seed: z.number().int(),
    errorRate: rate,
    latencyMs: z.number().int().min(0).max(60_000),
    rateLimitPerSecond: z.number().int().min(0).nullable(),
    tokenTtlSeconds: z.number().int().min(1).nullable(),
    webhookDropRate: rate,
    webhookDuplicateRate: rate,
    webhookReorderRate: rate,
    writeThen504Rate: rate,
    partialFailureRate: rate,
    maintenance: z.boolean(),
  })
  .partial()
  .strict();

export type FaultPatch = z.infer<typeof faultPatchSchema>;

export const DEFAULT_SEED = 1;

export function defaultFaults(): FaultProfile {
  return {
    seed: DEFAULT_SEED,
    errorRate: 0,
    latencyMs: 0,
    rateLimitPerSecond: null,
    tokenTtlSeconds: null,
    webhookDropRate: 0,
    webhookDuplicateRate: 0,
    webhookReorderRate: 0,
    writeThen504Rate: 0,
    partialFailureRate: 0,
    maintenance: false,
  };
}

/** The fault state a shop carries: the profile and its two random streams. */
export class ShopFaults {
  profile: FaultProfile = defaultFaults();
  requestRandom = new SeededRandom(DEFAULT_SEED);
  webhookRandom = new SeededRandom(DEFAULT_SEED ^ 0x5bd1e995);

  /** Applies a patch; giving `seed` restarts both random streams from it. */
  apply(patch: FaultPatch): FaultProfile {
    this.profile = { ...this.profile, ...patch };
    if (patch.seed !== undefined) {
      this.requestRandom = new SeededRandom(patch.seed);
      this.webhookRandom = new SeededRandom(patch.seed ^ 0x5bd1e995);
    }
    return this.profile;
  }
}
