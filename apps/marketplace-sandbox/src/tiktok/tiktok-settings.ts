import { z } from 'zod';

/**
 * Every limit and timing of the TikTok Shop-style marketplace, with the spec's defaults; the ones
 * the spec marks assumed are settings too, so a test (or an integrator who knows better) can move
 * them. `PUT /_sandbox/settings` changes them on a running sandbox; a reset restores these.
 */
export interface TiktokSettings {
  authCodeTtlSeconds: number;
  /** A shop's fault profile `tokenTtlSeconds` overrides it for that shop. */
  accessTokenTtlSeconds: number;
  /** Until the authorization ends: a year (assumed). */
  refreshTokenTtlSeconds: number;
  timestampPastSeconds: number;
  timestampFutureSeconds: number;
  /** Per API and shop; a shop's fault profile `rateLimitPerSecond` overrides it. */
  rateLimitPerSecond: number;
  /** How long a new (or re-activated) product stays PENDING. */
  auditDelaySeconds: number;
  webhookAckTimeoutMs: number;
  webhookRetryDelaysSeconds: number[];
  titleMinLength: number;
  titleMaxLength: number;
  maxMainImages: number;
  maxSkusPerProduct: number;
  /** The published range starts at 1; 0 is accepted (assumed) so a sold-out SKU can be said. */
  minQuantity: number;
  maxQuantity: number;
  minPriceVnd: number;
  maxPriceVnd: number;
  maxProductIdsPerCall: number;
  maxOrderIdsPerRead: number;
  maxPageSize: number;
}

export function defaultTiktokSettings(): TiktokSettings {
  return {
    authCodeTtlSeconds: 30 * 60,
    accessTokenTtlSeconds: 7 * 24 * 3600,
    refreshTokenTtlSeconds: 365 * 24 * 3600,
    timestampPastSeconds: 300,
    timestampFutureSeconds: 30,
    rateLimitPerSecond: 50,
    auditDelaySeconds: 0,
    webhookAckTimeoutMs: 3000,
    webhookRetryDelaysSeconds: [2 * 60, 30 * 60, 3 * 3600, 12 * 3600],
    titleMinLength: 25,
    titleMaxLength: 255,
    maxMainImages: 9,
    maxSkusPerProduct: 100,
    minQuantity: 0,
    maxQuantity: 99_999,
    minPriceVnd: 1,
    maxPriceVnd: 180_000_000,
    maxProductIdsPerCall: 20,
    maxOrderIdsPerRead: 50,
    maxPageSize: 100,
  };
}

const count = z.number().int().min(0);
const positive = z.number().int().min(1);

export const tiktokSettingsPatchSchema = z
  .object({
    authCodeTtlSeconds: positive,
    accessTokenTtlSeconds: positive,
    refreshTokenTtlSeconds: positive,
    timestampPastSeconds: count,
    timestampFutureSeconds: count,
    rateLimitPerSecond: count,
    auditDelaySeconds: count,
    webhookAckTimeoutMs: z.number().int().min(50).max(60_000),
    webhookRetryDelaysSeconds: z.array(count).max(20),
    titleMinLength: count,
    titleMaxLength: positive,
    maxMainImages: positive,
    maxSkusPerProduct: positive,
    minQuantity: count,
    maxQuantity: positive,
    minPriceVnd: count,
    maxPriceVnd: positive,
    maxProductIdsPerCall: positive,
    maxOrderIdsPerRead: positive,
    maxPageSize: positive,
  })
  .partial()
  .strict();
