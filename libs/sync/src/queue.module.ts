import { BullModule } from '@nestjs/bullmq';
import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { ConnectorConfig } from '@ocop/common';
import { registeredQueues } from './queue.registry';
import { RecurringJobs } from './recurring-jobs';
import { redisOptions } from './redis';

/**
 * A plain Redis connection for what is not a queue: health checks, rate limits, locks. It fails
 * fast instead of queueing commands while Redis is away, so a health check answers promptly.
 */
export const REDIS = Symbol('REDIS');

class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}

@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [ConnectorConfig],
      useFactory: (config: ConnectorConfig) => ({
        connection: { url: config.env.REDIS_URL, maxRetriesPerRequest: null },
        prefix: config.env.QUEUE_PREFIX,
      }),
    }),
    registeredQueues,
  ],
  providers: [
    {
      provide: REDIS,
      inject: [ConnectorConfig],
      useFactory: (config: ConnectorConfig) =>
        new Redis({
          ...redisOptions(config.env.REDIS_URL),
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          connectTimeout: 2000,
          lazyConnect: false,
        }),
    },
    RedisCloser,
    RecurringJobs,
  ],
  exports: [REDIS, BullModule, registeredQueues, RecurringJobs],
})
export class QueueModule {}
