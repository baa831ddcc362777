/**
 * How a listing stands for the people who watch it, one word each: `error` (the marketplace
 * refused it, lastError says why), `pending` (never published yet), `lagging` (published, but
 * changes are waiting to reach the marketplace) or `synced`. Delisted listings are not counted.
 */
export const LISTING_HEALTH = ['synced', 'lagging', 'pending', 'error'] as const;
export type ListingHealth = (typeof LISTING_HEALTH)[number];
