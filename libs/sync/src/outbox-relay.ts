import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { LOGGER, type Logger } from '@ocop/common';
import { Outbox } from '@ocop/database';
import { QUEUES } from './queues';
import { RecurringJobs } from './recurring-jobs';

const BATCH = 500;
const SWEEP_EVERY_MS = 2000;

/**
 * Moves recorded domain events from the outbox to the domain-events queue. Each event becomes a
 * job whose id is the event id, so a relay that dies after publishing but before marking simply
 * publishes the same ids again and BullMQ keeps one of each.
 */
@Processor(QUEUES.outboxRelay)
export class OutboxRelayProcessor extends WorkerHost {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    @InjectQueue(QUEUES.domainEvents) private readonly events: Queue,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
  }

  async process(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.dataSource.transaction((manager) =>
        this.outbox.relay(manager, BATCH, async (events) => {
          await this.events.addBulk(
            events.map((event) => ({
              name: event.type,
              data: event,
              opts: { jobId: `event-${event.id}`, removeOnComplete: 10_000, removeOnFail: false },
            })),
          );
        }),
      );
      total += published;
      if (published < BATCH) break;
    }
    if (total > 0) this.logger.info({ job: 'outbox-relay', published: total }, 'domain events published');
    return total;
  }
}

/** Registers the relay's sweep with the worker's recurring jobs. */
@Injectable()
export class OutboxRelaySchedule implements OnModuleInit {
  constructor(
    @InjectQueue(QUEUES.outboxRelay) private readonly relay: Queue,
    private readonly recurring: RecurringJobs,
  ) {}

  onModuleInit(): void {
    this.recurring.register({
      queue: this.relay,
      id: 'outbox-sweep',
      repeat: { every: SWEEP_EVERY_MS },
      template: { name: 'relay', opts: { removeOnComplete: true, removeOnFail: 100 } },
    });
  }
}
