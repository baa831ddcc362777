import { Inject, Injectable, Module } from '@nestjs/common';
import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { ConnectorConfig, LOGGER, type Logger } from '@ocop/common';
import { REDIS } from '@ocop/jobs';

/**
 * Whose requests a limit counts: an API key's, a signed-in person's, a client address's, a
 * marketplace connection's webhooks, or the sign-in attempts for one email (5 in 15 minutes).
 */
export type RateBucket = 'key' | 'user' | 'address' | 'webhook' | 'sign-in';

export interface BudgetDecision {
  allowed: boolean;
  /** when refused: how long until a request would be allowed again */
  retryAfterSeconds: number;
}

const WINDOW_SECONDS = 60;
const ALLOWED: BudgetDecision = { allowed: true, retryAfterSeconds: 0 };

/**
 * How many points a process takes from the shared count at once for a connection's webhooks: a
 * hundredth of the window's allowance, at most 100, so a limit of fewer than 200 is counted one
 * request at a time as before. One Redis round trip per webhook, waited for before the inbox
 * insert, had cost the ingest a third of its requests a second (bench:webhooks, 2 Dec 2026).
 */
export function webhookPointsAhead(pointsPerWindow: number): number {
  return Math.max(1, Math.min(100, Math.floor(pointsPerWindow / 100)));
}

/** Points a process took ahead for one key: spendable until the window they were counted in ends. */
interface HeldPoints {
  left: number;
  until: number;
  /** fewer than a take were left in that window: its last points are counted one request at a time */
  oneByOne: boolean;
}
/** Sign-in attempts an email may fail in SIGN_IN_WINDOW_SECONDS before it must wait (issue 14). */
export const SIGN_IN_TRIES = 5;
export const SIGN_IN_WINDOW_SECONDS = 15 * 60;

/**
 * The API's rate limits (API.md: 429 `rate_limited` with Retry-After), per minute, counted in Redis so that every API process shares them. While
 * Redis is away each process counts in its own memory instead (rate-limiter-flexible's insurance
 * limiter): the limit then holds per process rather than for the whole deployment, and a request
 * never waits on the outage (the Redis connection fails fast).
 */
@Injectable()
export class RateLimits {
  private readonly limiters: Record<RateBucket, RateLimiterRedis>;
  private insured = false;
  private readonly webhookAhead: number;
  /** Webhook points taken ahead, per connection (so as many entries as connections, at most). */
  private readonly held = new Map<string, HeldPoints>();
  /** A take under way per connection, which this process's other webhooks of it wait for. */
  private readonly taking = new Map<string, Promise<void>>();

  constructor(
    @Inject(REDIS) redis: Redis,
    config: ConnectorConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    const limiter = (bucket: RateBucket, points: number, duration = WINDOW_SECONDS) => {
      const keyPrefix = `${config.env.QUEUE_PREFIX}:rate:${bucket}`;
      return new RateLimiterRedis({
        storeClient: redis,
        keyPrefix,
        points,
        duration,
        // a disconnected client answers at once from memory instead of queueing the command
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
      });
    };
    const perMinute = config.env.API_RATE_LIMIT_PER_MINUTE;
    this.webhookAhead = webhookPointsAhead(config.env.WEBHOOK_RATE_LIMIT_PER_MINUTE);
    this.limiters = {
      key: limiter('key', perMinute),
      user: limiter('user', perMinute),
      address: limiter('address', perMinute),
      webhook: limiter('webhook', config.env.WEBHOOK_RATE_LIMIT_PER_MINUTE),
      'sign-in': limiter('sign-in', SIGN_IN_TRIES, SIGN_IN_WINDOW_SECONDS),
    };
    redis.on('ready', () => {
      if (this.insured) this.logger.info('Redis is back: rate limits are counted in Redis again');
      this.insured = false;
    });
    redis.on('close', () => {
      if (!this.insured) this.logger.warn('Redis is away: rate limits are counted per process meanwhile');
      this.insured = true;
    });
  }

  async spend(bucket: RateBucket, id: string): Promise<BudgetDecision> {
    return bucket === 'webhook' && this.webhookAhead > 1 ? this.spendWebhook(id) : this.consume(bucket, id);
  }

  /**
   * A connection's webhook, from the points this process took ahead of its requests: a take counts
   * `webhookAhead` points in Redis at once, before any is spent, so the limit is never exceeded;
   * what a process holds unspent when the window ends is lost (at most a hundredth of the
   * allowance each, where several API processes share it). A take refused because fewer points
   * are left is given back, and the window's last points are counted one request at a time.
   */
  private async spendWebhook(id: string): Promise<BudgetDecision> {
    for (let round = 0; round < 3; round += 1) {
      const held = this.held.get(id);
      if (held && Date.now() < held.until) {
        if (held.left > 0) {
          held.left -= 1;
          return ALLOWED;
        }
        if (held.oneByOne) return this.consume('webhook', id);
      }
      let taking = this.taking.get(id);
      if (!taking) {
        taking = this.takeAhead(id).finally(() => this.taking.delete(id));
        this.taking.set(id, taking);
      }
      await taking;
    }
    return this.consume('webhook', id);
  }

  private async takeAhead(id: string): Promise<void> {
    const limiter = this.limiters.webhook;
    const points = this.webhookAhead;
    const hold = (held: HeldPoints) => {
      if (this.held.size >= 10_000) {
        const now = Date.now();
        for (const [key, { until }] of this.held) if (until <= now) this.held.delete(key);
      }
      this.held.set(id, held);
    };
    try {
      const taken = await limiter.consume(id, points);
      hold({ left: points, until: Date.now() + taken.msBeforeNext, oneByOne: false });
    } catch (refusal) {
      const msBeforeNext = refusal instanceof RateLimiterRes ? refusal.msBeforeNext : 1_000;
      if (refusal instanceof RateLimiterRes) await limiter.reward(id, points).catch(() => undefined);
      hold({ left: 0, until: Date.now() + Math.max(1, msBeforeNext), oneByOne: true });
    }
  }

  private async consume(bucket: RateBucket, id: string): Promise<BudgetDecision> {
    try {
      await this.limiters[bucket].consume(id);
      return ALLOWED;
    } catch (refusal) {
      if (refusal instanceof RateLimiterRes) {
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)) };
      }
      // neither Redis nor the memory count answered: let the request through rather than stall it
      this.logger.warn({ err: String(refusal), bucket }, 'rate limit not counted');
      return { allowed: true, retryAfterSeconds: 0 };
    }
  }

  /** Gives `id` its whole allowance back (a successful sign-in clears its email's failures). */
  async forgive(bucket: RateBucket, id: string): Promise<void> {
    if (bucket === 'webhook') this.held.delete(id);
    try {
      await this.limiters[bucket].delete(id);
    } catch (error) {
      this.logger.warn({ err: String(error), bucket }, 'rate limit not reset');
    }
  }
}

/** The rate limits, for the API's guard and the webhook inbox; needs the Redis connection of QueueModule. */
@Module({ providers: [RateLimits], exports: [RateLimits] })
export class RateLimitsModule {}
