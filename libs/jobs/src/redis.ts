import type Redis from 'ioredis';
import type { RedisOptions } from 'ioredis';

/**
 * A plain Redis connection for what is not a queue: health checks, rate limits, locks. It fails
 * fast instead of queueing commands while Redis is away, so a health check answers promptly.
 */
export const REDIS = Symbol('REDIS');

/** ioredis options that BullMQ takes too (its type wants a retry strategy that is never null). */
export type ConnectionSettings = Omit<RedisOptions, 'retryStrategy'> & {
  retryStrategy: (times: number) => number;
};

/** ioredis options from a redis:// URL (BullMQ takes options, not a URL). */
export function redisOptions(url: string): ConnectionSettings {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
    // after an outage every process is back within 2 s of Redis (BullMQ's own default waits up to 20 s)
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  };
}

/**
 * A connection for a process that must not wait on Redis while serving a request (the API's
 * queue producers, health checks, rate limits): no offline queue, so a command sent while Redis
 * is away fails at once, and bounded connect and command times for a Redis that hangs.
 */
export function failFastRedisOptions(url: string): ConnectionSettings {
  return {
    ...redisOptions(url),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 1000,
  };
}

/**
 * A connection for BullMQ workers: they block on Redis by design, and BullMQ requires them to
 * retry a command for as long as Redis is away (maxRetriesPerRequest null), queueing meanwhile.
 */
export function patientRedisOptions(url: string): ConnectionSettings {
  return { ...redisOptions(url), maxRetriesPerRequest: null };
}

/**
 * Resolves once the connection is ready, or rejects with a clear message: processes refuse to
 * start without Redis rather than run without their queues.
 */
export async function waitForRedis(redis: Redis, timeoutMs = 5000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis is not reachable (${redis.options.host}:${redis.options.port})`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}
