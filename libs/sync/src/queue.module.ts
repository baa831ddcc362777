import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { ConnectorConfig } from '@ocop/common';
import { registeredQueues } from './queue.registry';
import { RecurringJobs } from './recurring-jobs';
import { Retention } from './retention';
import { RequestBudget } from '@ocop/auth';
import { RateLimits } from './rate-limits';
import { failFastRedisOptions, patientRedisOptions, REDIS } from './redis';

class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}

/**
 * How a process uses its queues. `serving` (the API): it only produces jobs, while answering
 * requests, so its queues fail fast when Redis is away and the reconcilers enqueue later what it
 * could not. `working` (the worker, the CLI): its BullMQ workers share the queues' connection
 * settings and must wait Redis out, as BullMQ requires.
 */
export type QueueRole = 'serving' | 'working';

@Module({})
export class QueueModule {
  static forRole(role: QueueRole): DynamicModule {
    return {
      module: QueueModule,
      global: true,
      imports: [
        BullModule.forRootAsync({
          inject: [ConnectorConfig],
          useFactory: (config: ConnectorConfig) => ({
            connection:
              role === 'serving'
                ? failFastRedisOptions(config.env.REDIS_URL)
                : patientRedisOptions(config.env.REDIS_URL),
            prefix: config.env.QUEUE_PREFIX,
          }),
        }),
        registeredQueues,
      ],
      providers: [
        {
          provide: REDIS,
          inject: [ConnectorConfig],
          useFactory: (config: ConnectorConfig) => new Redis(failFastRedisOptions(config.env.REDIS_URL)),
        },
        RedisCloser,
        RecurringJobs,
        Retention,
        RateLimits,
        { provide: RequestBudget, useExisting: RateLimits },
      ],
      exports: [REDIS, BullModule, registeredQueues, RecurringJobs, Retention, RateLimits, RequestBudget],
    };
  }
}
