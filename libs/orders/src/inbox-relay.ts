import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { ConnectorConfig, LOGGER, type Logger } from '@ocop/common';
import { QUEUES } from '@ocop/jobs';
import { WebhookInboxStore, type ClaimedInboxEntry } from './webhook-inbox.repository';

/** With IMPORT_BATCH_SIZE=1 each stored webhook has a job of its own, named after the row. */
const ROW_JOB_PREFIX = 'inbox-';
export const inboxJobId = (inboxId: string) => `${ROW_JOB_PREFIX}${inboxId}`;

/** With batches, one job per connection takes its waiting rows, IMPORT_BATCH_SIZE at a time. */
const CONNECTION_JOB_PREFIX = 'import-';
export const connectionImportJobId = (connectionId: string) => `${CONNECTION_JOB_PREFIX}${connectionId}`;

/** An import job's data: one stored webhook (IMPORT_BATCH_SIZE=1), or a connection's waiting rows. */
export type InboxImportJob = { inboxIds: string[] } | { connectionId: string };

/**
 * The jobs for rows the relay claimed: with batches, one per connection (it takes every waiting
 * row of its connection when it runs, so rows that arrive meanwhile join its batches); at size 1,
 * one per row, as before batching.
 */
export function importJobs(
  rows: { id: string; connectionId: string }[],
  batchSize: number,
): { jobId: string; data: InboxImportJob; ids: string[] }[] {
  if (batchSize === 1)
    return rows.map((row) => ({ jobId: inboxJobId(row.id), data: { inboxIds: [row.id] }, ids: [row.id] }));
  const byConnection = new Map<string, string[]>();
  for (const row of rows)
    byConnection.set(row.connectionId, [...(byConnection.get(row.connectionId) ?? []), row.id]);
  return [...byConnection].map(([connectionId, ids]) => ({
    jobId: connectionImportJobId(connectionId),
    data: { connectionId },
    ids,
  }));
}

type ImportJobOf = ReturnType<typeof importJobs>[number];

/** A job in one of these states will not run again: its rows need it added anew. */
const ENDED = new Set(['completed', 'failed', 'unknown']);

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
 * Turns stored webhooks into import jobs, from the worker: one job per connection with waiting
 * rows, which imports them IMPORT_BATCH_SIZE at a time (ARCHITECTURE.md §3); at size 1, one job
 * per row. Rows
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
  /**
   * Connection jobs that were running when rows of theirs were claimed, with those rows: such a
   * job may have taken its last batch before the rows came, so it is added again once it ends.
   * Held here rather than by writing the rows due again each round: under a sale a connection's
   * job runs nearly all the time, and those writes (3.5 a row in the demo's history, each touching
   * all seven of the inbox's indexes) cost PostgreSQL more than the rows' import. A relay that
   * dies forgets them; the rows' own next check (5 s) finds their job gone and adds it.
   */
  private readonly following = new Map<string, ImportJobOf>();

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

  /** Enqueues a job for every row that is due and whose job is not in the queue; answers how many rows. */
  async relay(): Promise<number> {
    let total = await this.addEndedAgain();
    for (;;) {
      // the rows name their job (importJobs' name) before it exists: a relay that dies in between
      // leaves rows whose job is unknown, which their next check gives to a new one
      const rows = await this.inbox.claimDue(
        { firstCheckS: FIRST_CHECK_S, lastCheckS: LAST_CHECK_S },
        BATCH,
        this.batchSize === 1
          ? { prefix: ROW_JOB_PREFIX, by: 'row' }
          : { prefix: CONNECTION_JOB_PREFIX, by: 'connection' },
      );
      if (rows.length === 0) return total;
      const lost = await this.withoutJob(rows.filter((row) => !row.fresh));
      const jobs = importJobs([...rows.filter((row) => row.fresh), ...lost], this.batchSize);
      await this.add(jobs);
      await this.followRunning(jobs);
      total += jobs.reduce((sum, job) => sum + job.ids.length, 0);
      if (rows.length < BATCH) return total;
    }
  }

  private async add(jobs: ImportJobOf[]): Promise<void> {
    await this.queue.addBulk(
      jobs.map((job) => ({
        name: 'import',
        data: job.data,
        // one attempt per job: a failed row is retried from here on its own wait (DeadWebhooks)
        opts: { jobId: job.jobId, removeOnComplete: true, removeOnFail: true },
      })),
    );
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

  /**
   * A connection's job that was already running when its new rows came may have taken its last
   * batch before them, and adding it again did nothing: it is followed, and added again once it
   * has ended (next method), not after the rows' usual wait.
   */
  private async followRunning(jobs: ImportJobOf[]): Promise<void> {
    const drains: ImportJobOf[] = [];
    for (const job of jobs) {
      if (!('connectionId' in job.data)) continue;
      const followed = this.following.get(job.jobId);
      if (followed) followed.ids.push(...job.ids);
      else drains.push(job);
    }
    if (drains.length === 0) return;
    const states = await Promise.all(drains.map((job) => this.queue.getJobState(job.jobId)));
    drains.forEach((job, index) => {
      if (states[index] === 'active') this.following.set(job.jobId, job);
    });
  }

  /**
   * Adds again the followed jobs that have ended, and forgets those queued again meanwhile (their
   * next run takes the rows); answers how many rows the added jobs were followed for.
   */
  private async addEndedAgain(): Promise<number> {
    if (this.following.size === 0) return 0;
    const followed = [...this.following.values()];
    const states = await Promise.all(followed.map((job) => this.queue.getJobState(job.jobId)));
    const ended = followed.filter((_, index) => ENDED.has(states[index]));
    for (const [index, job] of followed.entries()) {
      if (states[index] !== 'active') this.following.delete(job.jobId);
    }
    if (ended.length > 0) await this.add(ended);
    return ended.reduce((sum, job) => sum + job.ids.length, 0);
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
