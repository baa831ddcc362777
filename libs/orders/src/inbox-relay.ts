import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { ConnectorConfig, LOGGER, type Logger } from '@ocop/common';
import { QUEUES } from '@ocop/jobs';
import { WebhookInboxStore, type ClaimedInboxEntry, type RelayBackoff } from './webhook-inbox.repository';

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
export function importJobs(rows: { id: string; connectionId: string }[], batchSize: number): ImportJobOf[] {
  if (batchSize === 1)
    return rows.map((row) => ({ jobId: inboxJobId(row.id), data: { inboxIds: [row.id] }, ids: [row.id] }));
  const byConnection = new Map<string, string[]>();
  for (const row of rows)
    byConnection.set(row.connectionId, [...(byConnection.get(row.connectionId) ?? []), row.id]);
  return [...byConnection].map(([connectionId, ids]) => connectionJob(connectionId, ids));
}

/** A connection's import job, handed the rows `ids` (none when the sweep adds it). */
const connectionJob = (connectionId: string, ids: string[] = []): ImportJobOf => ({
  jobId: connectionImportJobId(connectionId),
  data: { connectionId },
  ids,
});

interface ImportJobOf {
  jobId: string;
  data: InboxImportJob;
  ids: string[];
}

/** Connection jobs by where they stand in the queue: due to run (waiting, delayed) or running. */
export interface QueueView {
  pending: ReadonlySet<string>;
  active: ReadonlySet<string>;
}

/**
 * What one relay round does with connection jobs. A claimed row whose job is due to run needs
 * nothing: the job takes every waiting row of its connection when it runs. One whose job is
 * running is followed: the job may have taken its last batch before the row came, so it is added
 * again once it has ended. Any other is added. A followed job still running stays followed; one
 * back in the queue is forgotten (its next run takes the rows); one that has ended is added again.
 */
export function relayRound(
  view: QueueView,
  following: ReadonlyMap<string, ImportJobOf>,
  claimed: ImportJobOf[],
): { add: ImportJobOf[]; follow: ImportJobOf[]; forget: string[] } {
  const add: ImportJobOf[] = [];
  const follow: ImportJobOf[] = [];
  const forget: string[] = [];
  for (const [jobId, job] of following) {
    if (view.active.has(jobId)) continue;
    forget.push(jobId);
    if (!view.pending.has(jobId)) add.push(job);
  }
  for (const job of claimed) {
    if (view.pending.has(job.jobId)) continue;
    if (view.active.has(job.jobId)) follow.push(job);
    else {
      const ended = add.findIndex((other) => other.jobId === job.jobId);
      if (ended === -1) add.push(job);
      else add[ended] = { ...add[ended], ids: [...add[ended].ids, ...job.ids] };
    }
  }
  return { add, follow, forget };
}

/**
 * With batches: the connections whose job the sweep adds. A connection whose oldest waiting row is
 * `waitedS` old and whose job is neither due to run nor running gets it added, unless the sweep
 * added it less than that age ago (at least FIRST_CHECK_S, at most LAST_CHECK_S): a row its job
 * takes but neither imports nor fails is then looked at 5, 10, 20, 40 s … after receipt, as the
 * rows' own checks did, not every second. A running job takes every waiting row of its connection
 * before it ends, and a row that came as it took its last batch is followed by the relay's claim.
 */
export function lostConnectionJobs(
  view: QueueView,
  waiting: { connectionId: string; waitedS: number }[],
  addedAt: ReadonlyMap<string, number>,
  now: number,
): string[] {
  return waiting
    .filter(({ connectionId, waitedS }) => {
      const added = addedAt.get(connectionId);
      const pause = Math.min(Math.max(waitedS, FIRST_CHECK_S), LAST_CHECK_S) * 1000;
      return added === undefined || now - added >= pause;
    })
    .map(({ connectionId }) => connectionId)
    .filter(
      (id) => !view.pending.has(connectionImportJobId(id)) && !view.active.has(connectionImportJobId(id)),
    );
}

/** How often the relay looks for stored webhooks (the latency it adds at most). */
const RELAY_EVERY_MS = 100;
/**
 * A row enqueued and still unprocessed is looked at again after its age, at least this long: its
 * job may have been lost with a flushed Redis or have run out of attempts. So checks come at 5, 10,
 * 20, 40 s … after receipt: at IMPORT_BATCH_SIZE=1 each row's own (a claim), with batches its
 * connection's, by the sweep (a read).
 */
const FIRST_CHECK_S = 5;
/** The longest wait between two checks of a row: how long a flushed Redis may take to heal. */
const LAST_CHECK_S = 60;
/**
 * With batches, how often the relay reads which connections' rows have waited FIRST_CHECK_S (the
 * sweep). It replaced the rows' own checks at 5, 10 and 20 s: each check was a write of the row,
 * touching all the inbox's indexes, and under a backlog those re-claims (2.8 claims a row in the
 * demo's history) were the largest share of PostgreSQL's work. A claimed row is now looked at
 * again only after LAST_CHECK_S.
 */
const SWEEP_EVERY_MS = 1_000;
const BATCH = 500;
/**
 * A row claimed within this many seconds of its receipt counts as arriving (`InboxRelay.arrived`):
 * the relay claims every 100 ms, so a live sale's rows are claimed well inside it even when the
 * worker runs a little late, while a stored backlog's are older by the time a worker starts.
 */
const ARRIVAL_WINDOW_S = 2;

/**
 * Turns stored webhooks into import jobs, from the worker: one job per connection with waiting
 * rows, which imports them IMPORT_BATCH_SIZE at a time (ARCHITECTURE.md §3); at size 1, one job
 * per row. New rows are claimed with SKIP LOCKED, so several workers share the work. Nothing is
 * lost when a job vanishes (a flushed Redis): with batches, the sweep finds every connection whose
 * rows have waited 5 s with no job and adds it; at size 1, each unprocessed row is looked at again
 * on a backoff and gets its job back. A row whose processing failed is due again after its retry
 * wait (set by DeadWebhooks); a dead row is left alone.
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
   * dies forgets them; the sweep (any worker's) finds the rows waiting with no job and adds it.
   */
  private readonly following = new Map<string, ImportJobOf>();
  private sweptAt = 0;
  /** When the sweep last added each connection's job, to pace it (lostConnectionJobs). */
  private readonly sweepAdded = new Map<string, number>();
  private readonly byRow: boolean;
  private arrivedCount = 0;
  private readonly claim: { backoff: RelayBackoff; job: { prefix: string; by: 'row' | 'connection' } };

  constructor(
    private readonly inbox: WebhookInboxStore,
    @InjectQueue(QUEUES.orderInbox) private readonly queue: Queue,
    @Inject(LOGGER) private readonly logger: Logger,
    config: ConnectorConfig,
  ) {
    this.batchSize = config.env.IMPORT_BATCH_SIZE;
    this.byRow = this.batchSize === 1;
    // with batches a claimed row is looked at again only after a minute: the sweep watches its connection
    this.claim = this.byRow
      ? {
          backoff: { firstCheckS: FIRST_CHECK_S, lastCheckS: LAST_CHECK_S },
          job: { prefix: ROW_JOB_PREFIX, by: 'row' },
        }
      : {
          backoff: { firstCheckS: LAST_CHECK_S, lastCheckS: LAST_CHECK_S },
          job: { prefix: CONNECTION_JOB_PREFIX, by: 'connection' },
        };
  }

  onApplicationBootstrap(): void {
    this.schedule();
  }

  /**
   * Webhooks this relay has claimed within ARRIVAL_WINDOW_S of their receipt since it started: the
   * webhooks arriving now, as opposed to a stored backlog's (which the import may then take wider).
   */
  get arrived(): number {
    return this.arrivedCount;
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /**
   * Gives every due row a job: its own job added where the queue does not hold it, a running one
   * followed. Answers how many rows were handed to a job added or followed.
   */
  async relay(): Promise<number> {
    let total = 0;
    let settled = false;
    for (;;) {
      // the rows name their job (importJobs' name) before it exists: a relay that dies in between
      // leaves rows whose job is unknown, which their next check gives to a new one
      const rows = await this.inbox.claimDue(this.claim.backoff, BATCH, this.claim.job, ARRIVAL_WINDOW_S);
      for (const row of rows) if (row.fresh && row.arriving) this.arrivedCount += 1;
      if (this.byRow) {
        const lost = await this.withoutJob(rows.filter((row) => !row.fresh));
        const jobs = importJobs([...rows.filter((row) => row.fresh), ...lost], this.batchSize);
        await this.add(jobs);
        total += jobs.reduce((sum, job) => sum + job.ids.length, 0);
      } else if (rows.length > 0 || (!settled && this.following.size > 0)) {
        total += await this.settle(importJobs(rows, this.batchSize));
        settled = true;
      }
      if (rows.length < BATCH) return total;
    }
  }

  /**
   * With batches: adds the job of every connection whose rows have waited FIRST_CHECK_S while the
   * queue holds no job for them (lostConnectionJobs): a flushed Redis, or a relay that died between
   * its claim and the add. Answers how many jobs it added.
   */
  async sweep(): Promise<number> {
    const waiting = await this.inbox.connectionsWaitingSince(FIRST_CHECK_S);
    const still = new Set(waiting.map((w) => w.connectionId));
    for (const connectionId of this.sweepAdded.keys())
      if (!still.has(connectionId)) this.sweepAdded.delete(connectionId);
    if (waiting.length === 0) return 0;
    const now = Date.now();
    const lost = lostConnectionJobs(await this.queueView(), waiting, this.sweepAdded, now);
    await this.add(lost.map((connectionId) => connectionJob(connectionId)));
    for (const connectionId of lost) this.sweepAdded.set(connectionId, now);
    return lost.length;
  }

  /**
   * Gives claimed rows' connection jobs, and the followed ones, what the queue's state asks
   * (relayRound), from one read of the queue for all of them: asked job by job, the relay's
   * questions were a third of the worker's round trips in the demo's history. Answers how many
   * rows were handed to a job added or followed.
   */
  private async settle(claimed: ImportJobOf[]): Promise<number> {
    const round = relayRound(await this.queueView(), this.following, claimed);
    for (const jobId of round.forget) this.following.delete(jobId);
    for (const job of round.follow) {
      const followed = this.following.get(job.jobId);
      if (followed) followed.ids.push(...job.ids);
      else this.following.set(job.jobId, { ...job, ids: [...job.ids] });
    }
    await this.add(round.add);
    return [...round.add, ...round.follow].reduce((sum, job) => sum + job.ids.length, 0);
  }

  /**
   * The connection jobs waiting to run, then those running: read in that order, a job that starts
   * between the two reads is seen running, and one seen in neither (it ended, or gave its slot up
   * meanwhile) is added, which does nothing where the job is back in the queue.
   */
  private async queueView(): Promise<QueueView> {
    const pending = new Set(await this.queue.getRanges(['waiting', 'delayed', 'prioritized'], 0, -1));
    const active = new Set(await this.queue.getRanges(['active'], 0, -1));
    return { pending, active };
  }

  private async add(jobs: ImportJobOf[]): Promise<void> {
    if (jobs.length === 0) return;
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
   * At IMPORT_BATCH_SIZE=1: the rows whose job the queue no longer holds. A job still waiting,
   * running or delayed is left alone: enqueuing its rows again would import them twice over
   * (harmlessly, but at a cost the workers feel under a backlog).
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
        .then(async () => {
          if (this.byRow || Date.now() - this.sweptAt < SWEEP_EVERY_MS) return;
          this.sweptAt = Date.now();
          await this.sweep();
        })
        .catch((error: unknown) => this.logger.warn({ err: String(error) }, 'inbox relay failed; retrying'))
        .finally(() => this.schedule());
    }, RELAY_EVERY_MS);
    this.timer.unref();
  }
}
