import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { LOGGER, type Logger } from '@ocop/common';
import { QUEUES } from '@ocop/sync';

export const inboxJobId = (inboxId: string) => `inbox-${inboxId}`;

/** How often the relay looks for stored webhooks (the latency it adds at most). */
const RELAY_EVERY_MS = 100;
/**
 * A row enqueued this long ago and still unprocessed is enqueued again: its job may have been lost
 * with a flushed Redis or have run out of attempts. Re-adding a job that still exists is a no-op,
 * because the job id is the row's.
 */
const REENQUEUE_AFTER_S = 5;
const BATCH = 500;

/**
 * Turns stored webhooks into jobs, in batches, from the worker: one job per inbox row whose id is
 * the row's (ARCHITECTURE.md §3). Rows are claimed with SKIP LOCKED, so several workers share the
 * work, and a row whose job vanished is claimed again after a few seconds, so a flushed Redis
 * loses nothing.
 */
@Injectable()
export class InboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
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

  /** Enqueues every row that is due; answers how many. */
  async relay(): Promise<number> {
    let total = 0;
    for (;;) {
      const [rows]: [{ id: string }[], number] = await this.dataSource.query(
        `UPDATE webhook_inbox SET enqueued_at = now()
         WHERE id IN (
           SELECT id FROM webhook_inbox
           WHERE processed_at IS NULL
             AND (enqueued_at IS NULL OR enqueued_at < now() - make_interval(secs => $1))
           ORDER BY received_at LIMIT $2
           FOR UPDATE SKIP LOCKED)
         RETURNING id`,
        [REENQUEUE_AFTER_S, BATCH],
      );
      if (rows.length === 0) return total;
      await this.queue.addBulk(
        rows.map(({ id }) => ({
          name: 'import',
          data: { inboxId: id },
          opts: {
            jobId: inboxJobId(id),
            attempts: 8,
            backoff: { type: 'exponential', delay: 1000 },
            removeOnComplete: true,
            removeOnFail: true,
          },
        })),
      );
      total += rows.length;
      if (rows.length < BATCH) return total;
    }
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
