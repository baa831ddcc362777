/** Whose requests a limit counts: an API key's, or a client address's when there is no valid key. */
export type RequestBucket = 'key' | 'address';

export interface BudgetDecision {
  allowed: boolean;
  /** when refused: how long until a request would be allowed again */
  retryAfterSeconds: number;
}

/**
 * The rate limit the guard applies to every request (API.md: 429 `rate_limited` with Retry-After).
 * A port: the process that serves requests provides it (held in Redis, see @ocop/sync RateLimits);
 * without one, nothing is limited.
 */
export abstract class RequestBudget {
  abstract spend(bucket: RequestBucket, id: string): Promise<BudgetDecision>;
}
