import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { ConnectorConfig, LOGGER, type Logger } from '@ocop/common';
import { QUEUES } from '@ocop/jobs';
import { WebhookInboxStore, type ClaimedInboxEntry } from './webhook-inbox.repository';

/** A batch's job is named after its first row (with IMPORT_BATCH_SIZE=1, the row's own job). */
export const inboxJobId = (firstInboxId: string) => `inbox-${firstInboxId}`;

/** The job data of an import batch: stored webhooks of one connection, oldest first. */
export interface InboxBatchJob {
  inboxIds: string[];
}

/**
 * Cuts claimed rows into import batches: per connection (their orders are read from one shop
 * together), at most `size` rows each, in the order claimed.
 */
export function importBatches(
  rows: { id: string; connectionId: string }[],
  size: number,
): { jobId: string; ids: string[] }[] {
  const byConnection = new Map<string, string[]>();
  for (const row of rows) {
    const ids = byConnection.get(row.connectionId) ?? [];
    ids.push(row.id);
    byConnection.set(row.connectionId, ids);
  }
  const batches: { jobId: string; ids: string[] }[] = [];
  for (const ids of byConnection.values()) {
    for (let start = 0; start < ids.length; start += size) {
      const chunk = ids.slice(start, start + size);
      batches.push({ jobId: inboxJobId(chunk[0]), ids: chunk });
    }
  }
  return batches;
}

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
 * Turns stored webhooks into import jobs, from the worker: each job a batch of up to
 * IMPORT_BATCH_SIZE rows of one connection, named after its first row (ARCHITECTURE.md §3). Rows
 * are claimed with SKIP LOCKED, so several workers share the work, and each unprocessed row is
 * looked at again on a backoff: a row whose job vanished (a flushed Redis) is given to a new
 * batch, so nothing is lost. A row whose processing failed is due again after its retry wait (set
 * by DeadWebhooks); a dead row is left alone.
 */
@Injectable()
export class InboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly batchSize: number;

  constructor(
    private readonly inbox: WebhookInboxStore,
    @InjectQueue(QUEUES.orderInbox) private readonly queue: Queue,
    @Inject(LOGGER) private readonly logger: Logger,
    config: ConnectorConfig,
  ) {
    this.batchSize = config.env.IMPORT_BATCH_SIZE;
  }

  onApplicationBootstrap(): void {
    this.schedule();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Enqueues every row that is due and whose job is not in the queue; answers how many rows. */
  async relay(): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await this.inbox.claimDue({ firstCheckS: FIRST_CHECK_S, lastCheckS: LAST_CHECK_S }, BATCH);
      if (rows.length === 0) return total;
      const lost = await this.withoutJob(rows.filter((row) => !row.fresh));
      const batches = importBatches([...rows.filter((row) => row.fresh), ...lost], this.batchSize);
      // the rows name their job before it exists: a relay that dies in between leaves rows whose
      // job is unknown, which their next check gives to a new batch
      await this.inbox.assignJobs(batches);
      await this.queue.addBulk(
        batches.map((batch) => ({
          name: 'import',
          data: { inboxIds: batch.ids } satisfies InboxBatchJob,
          // one attempt per job: a failed row is retried from here on its own wait (DeadWebhooks)
          opts: { jobId: batch.jobId, removeOnComplete: true, removeOnFail: true },
        })),
      );
      total += batches.reduce((sum, batch) => sum + batch.ids.length, 0);
      if (rows.length < BATCH) return total;
    }
  }

  /**
   * The rows whose job the queue no longer holds. A job still waiting, running or delayed is left
   * alone: enqueuing its rows again would import them twice over (harmlessly, but at a cost the
   * workers feel under a backlog). One question per batch, not per row.
   */
  private async withoutJob(rows: ClaimedInboxEntry[]): Promise<ClaimedInboxEntry[]> {
    const jobs = [...new Set(rows.map((row) => row.importJob).filter((job): job is string => job !== null))];
    const states = await Promise.all(jobs.map((job) => this.queue.getJobState(job)));
    const live = new Set(jobs.filter((_, index) => states[index] !== 'unknown'));
    return rows.filter((row) => row.importJob === null || !live.has(row.importJob));
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
