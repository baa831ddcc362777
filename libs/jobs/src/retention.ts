import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { ConnectorConfig, LOGGER, type Logger } from '@ocop/common';
import { IdempotencyStore, Outbox } from '@ocop/database';
import { QUEUES, RETIRED_QUEUES } from './queues';
import { RecurringJobs } from './recurring-jobs';
import { patientRedisOptions } from './redis';

/**
 * Rows one statement deletes at most: a sweep over a large backlog is many short deletes, each
 * holding its locks and its share of WAL briefly, never one statement over millions of rows.
 */
export const RETENTION_BATCH = 5000;
const SWEEP_EVERY_MS = 3_600_000;

/** One kind of row kept only for a while: `purge` deletes at most `limit` expired rows and answers how many. */
export interface RetentionRule {
  table: string;
  purge(limit: number): Promise<number>;
}

/** The rules of every context, swept together by the worker's hourly retention job. */
@Injectable()
export class Retention {
  private readonly rules: RetentionRule[] = [];

  register(rule: RetentionRule): void {
    this.rules.push(rule);
  }

  /** Deletes every expired row, batch after batch; answers how many per table. */
  async sweep(): Promise<Record<string, number>> {
    const deleted: Record<string, number> = {};
    for (const rule of this.rules) {
      let total = 0;
      for (;;) {
        const n = await rule.purge(RETENTION_BATCH);
        total += n;
        if (n < RETENTION_BATCH) break;
      }
      deleted[rule.table] = total;
    }
    return deleted;
  }
}

@Processor(QUEUES.retention)
export class RetentionProcessor extends WorkerHost {
  constructor(
    private readonly retention: Retention,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
  }

  async process(): Promise<Record<string, number>> {
    const deleted = await this.retention.sweep();
    this.logger.info({ job: 'retention', deleted }, 'expired rows deleted');
    return deleted;
  }
}

/**
 * Schedules the sweep (BullMQ runs an `every` schedule at once, then each hour) and gives it the
 * rules of the tables the database context owns: domain events and idempotency records.
 */
@Injectable()
export class RetentionSchedule implements OnModuleInit {
  constructor(
    @InjectQueue(QUEUES.retention) private readonly queue: Queue,
    private readonly recurring: RecurringJobs,
    private readonly retention: Retention,
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly idempotency: IdempotencyStore,
  ) {}

  onModuleInit(): void {
    this.retention.register({
      table: 'domain_events',
      purge: (limit) => this.outbox.purge(this.dataSource.manager, limit),
    });
    this.retention.register({
      table: 'idempotency_records',
      purge: (limit) => this.idempotency.purge(this.dataSource.manager, limit),
    });
    this.recurring.register({
      queue: this.queue,
      id: 'retention',
      repeat: { every: SWEEP_EVERY_MS },
      template: { name: 'sweep', opts: { removeOnComplete: true, removeOnFail: 50 } },
    });
  }
}

/** Removes from Redis what retired queues (RETIRED_QUEUES) left there: jobs, schedules, metadata. */
@Injectable()
export class RetiredQueues implements OnApplicationBootstrap {
  constructor(
    private readonly config: ConnectorConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    void this.remove().catch((error: unknown) =>
      this.logger.warn({ err: String(error) }, 'retired queues not removed; the next start tries again'),
    );
  }

  async remove(): Promise<void> {
    for (const name of RETIRED_QUEUES) {
      const queue = new Queue(name, {
        connection: patientRedisOptions(this.config.env.REDIS_URL),
        prefix: this.config.env.QUEUE_PREFIX,
      });
      try {
        await queue.obliterate({ force: true });
      } finally {
        await queue.close();
      }
    }
  }
}
