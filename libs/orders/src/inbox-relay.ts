import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { LOGGER, type Logger } from '@ocop/common';
import { QUEUES } from '@ocop/jobs';
import { WebhookInboxStore } from './webhook-inbox.repository';

export const inboxJobId = (inboxId: string) => `inbox-${inboxId}`;

/** How often the relay looks for stored webhooks (the latency it adds at most). */
const RELAY_EVERY_MS = 100;
/**
 * A row enqueued and still unprocessed is looked at again after its age, at least this long: its
 * job may have been lost with a flushed Redis or have run out of attempts. So checks come at 5, 10,
 * 20, 40 s … after receipt; a row waiting behind a backlog is looked at a handful of times, not
 * every few seconds.
 */
const FIRST_CHECK_S = 5;
/** The longest wait between two checks of a row: how long a flushed Redis may take to heal. */
const LAST_CHECK_S = 60;
const BATCH = 500;

/**
 * Turns stored webhooks into jobs, in batches, from the worker: one job per inbox row whose id is
 * the row's (ARCHITECTURE.md §3). Rows are claimed with SKIP LOCKED, so several workers share the
 * work, and each unprocessed row is looked at again on a backoff: a row whose job vanished is
 * enqueued again, so a flushed Redis loses nothing. A row whose processing failed is due again
 * after its retry wait (set by DeadWebhooks); a dead row is left alone.
 */
@Injectable()
export class InboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly inbox: WebhookInboxStore,
    @InjectQueue(QUEUES.orderInbox) private readonly queue: Queue,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Enqueues every row that is due and whose job is not in the queue; answers how many. */
  async relay(): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await this.inbox.claimDue({ firstCheckS: FIRST_CHECK_S, lastCheckS: LAST_CHECK_S }, BATCH);
      if (rows.length === 0) return total;
      const missing = await this.withoutJob(rows.filter((row) => !row.fresh).map((row) => row.id));
      const ids = [...rows.filter((row) => row.fresh).map((row) => row.id), ...missing];
      await this.queue.addBulk(
        ids.map((id) => ({
          name: 'import',
          data: { inboxId: id },
          // one attempt per job: a failed row is retried from here on its own wait (DeadWebhooks)
          opts: {
            jobId: inboxJobId(id),
            removeOnComplete: true,
            removeOnFail: true,
          },
        })),
      );
      total += ids.length;
      if (rows.length < BATCH) return total;
    }
  }

  /**
   * The rows whose job the queue no longer holds. A job still waiting, running or delayed for a
   * retry is left alone: adding it again would be a no-op for BullMQ but costs a Redis script per
   * row, which under a backlog of thousands took the workers' time.
   */
  private async withoutJob(ids: string[]): Promise<string[]> {
    const states = await Promise.all(ids.map((id) => this.queue.getJobState(inboxJobId(id))));
    return ids.filter((_, index) => states[index] === 'unknown');
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.relay()
        .catch((error: unknown) => this.logger.warn({ err: String(error) }, 'inbox relay failed; retrying'))
        .finally(() => this.schedule());
    }, RELAY_EVERY_MS);
    this.timer.unref();
  }
}
