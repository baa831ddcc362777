import { BullModule, getQueueToken } from '@nestjs/bullmq';
import {
  DynamicModule,
  Inject,
  Injectable,
  Module,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import Redis from 'ioredis';
import { ConnectorConfig, LOGGER, type Logger, within } from '@ocop/common';
import { registeredQueues } from './queue.registry';
import { ALL_QUEUES } from './queues';
import { RecurringJobs } from './recurring-jobs';
import { Retention } from './retention';
import { failFastRedisOptions, patientRedisOptions, REDIS } from './redis';

class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}

/** Connection errors are logged once in a while, as one JSON line, not once per queue and retry. */
const QUEUE_ERROR_LOG_EVERY_MS = 30_000;

/**
 * Listens to the queues' connection errors, which BullMQ otherwise prints with console.error, each
 * queue every time it retries while Redis is away.
 */
@Injectable()
class QueueErrors implements OnModuleInit {
  private lastLogged = 0;

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    for (const name of ALL_QUEUES) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      queue.on('error', (error: Error) => {
        if (Date.now() - this.lastLogged < QUEUE_ERROR_LOG_EVERY_MS) return;
        this.lastLogged = Date.now();
        this.logger.warn({ err: error.message, queue: name }, 'Redis unreachable for the queues; retrying');
      });
    }
  }
}

/** How long a process waits at start for its queues' connections before it carries on without. */
const QUEUES_READY_WAIT_MS = 5_000;

/**
 * Each queue opens its own connection. The API's fail fast, with no offline queue, so a command
 * sent before a connection is ready fails at once: the first jobs enqueued after start would be
 * left to the reconcilers and the first scrapes would lack the queue depths. A process therefore
 * waits for its queues at start — boundedly: with Redis away it starts anyway, /health/ready says
 * so, and the connections come up when Redis does.
 */
@Injectable()
class QueuesReady implements OnModuleInit {
  constructor(private readonly moduleRef: ModuleRef) {}

  async onModuleInit(): Promise<void> {
    const queues = ALL_QUEUES.map((name) =>
      this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }),
    );
    await within(
      Promise.allSettled(queues.map((queue) => queue.waitUntilReady())),
      QUEUES_READY_WAIT_MS,
      'connecting the queues',
    ).catch(() => undefined);
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
          // commands of one tick leave in one write: each webhook asks its rate limit here, and one
          // write a command was the API's biggest cost after waiting (bench:webhooks' profile)
          useFactory: (config: ConnectorConfig) =>
            new Redis({ ...failFastRedisOptions(config.env.REDIS_URL), enableAutoPipelining: true }),
        },
        RedisCloser,
        QueueErrors,
        QueuesReady,
        RecurringJobs,
        Retention,
      ],
      exports: [REDIS, BullModule, registeredQueues, RecurringJobs, Retention],
    };
  }
}
