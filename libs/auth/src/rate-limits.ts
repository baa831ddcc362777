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
    try {
      await this.limiters[bucket].consume(id);
      return { allowed: true, retryAfterSeconds: 0 };
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
