import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../libs/database/src/data-source';
import { createLogger } from '../../../libs/common/src/logger';
import type { ConnectorConfig } from '@ocop/common';
import type { ConnectionsService } from '@ocop/channels';
import { CONNECTION_JOB_CONCURRENCY, QUEUES } from '@ocop/jobs';
import { WIDE_IMPORT_SLOTS } from '../../../libs/orders/src/import-slots';
import { connectionImportJobId, type InboxRelay } from '../../../libs/orders/src/inbox-relay';
import { InboxProcessor, type OrderIntake } from '../../../libs/orders/src/order-jobs';
import type { DeadWebhooks } from '../../../libs/orders/src/dead-webhooks';
import { webhooksImported } from '../../../libs/orders/src/order-metrics';
import { WebhookInboxStore } from '../../../libs/orders/src/webhook-inbox.repository';
import { WebhookInboxEntry } from '../../../libs/orders/src/entities';
import { dropDatabase, freshDatabase } from '../../support/database';

/**
 * Batched import jobs share a worker's slots fairly: a job whose connection has a backlog gives its
 * slot up after a batch while another connection's job waits for a slot. (That it keeps its slot
 * while the worker has a free one is left to import-slots.spec.ts: a job waits for a free slot for
 * milliseconds, too short to catch here without a race.) The queue, the worker and the inbox
 * are real (PostgreSQL, Redis, BullMQ); the intake is reduced to marking the rows it is given
 * processed, since what is measured here is which rows are taken when, not how orders import.
 */
const DATABASE_URL = (process.env.DATABASE_URL as string).replace(/\/([^/]+)$/, '/$1_fairness');
const BATCH = 50;

describe('batched import: a backlog does not hold a slot while others wait', () => {
  let dataSource: DataSource;
  let queue: Queue;
  let worker: Worker | undefined;
  const connection = { url: process.env.REDIS_URL };
  const prefix = `{fairness-spec-${process.pid}}`;

  beforeAll(async () => {
    await freshDatabase(DATABASE_URL);
    dataSource = await new DataSource(dataSourceOptions(DATABASE_URL, [WebhookInboxEntry])).initialize();
    queue = new Queue(QUEUES.orderInbox, { connection, prefix });
  });
  afterEach(async () => {
    await worker?.close();
    worker = undefined;
  });
  afterAll(async () => {
    await queue?.obliterate({ force: true });
    await queue?.close();
    await dataSource?.destroy();
    await dropDatabase(DATABASE_URL);
  });

  async function storeWebhooks(connectionId: string, n: number): Promise<void> {
    await dataSource.query(
      `INSERT INTO webhook_inbox (marketplace, event_id, connection_id, external_order_id, change, raw_body, received_at)
       SELECT 'voso', gen_random_uuid()::text, $1, 'VOSO' || g, '{}', '{}', now() + g * interval '1 millisecond'
       FROM generate_series(1, $2) g`,
      [connectionId, n],
    );
  }

  /**
   * Runs the processor in a worker of `slots` slots; `taken` records each batch as the intake gets
   * it, `runs` each time a job was started (a job that gave its slot up is started again).
   */
  function startWorker(
    taken: { connectionId: string; rows: number }[],
    runs: string[],
    slots = 1,
  ): InboxProcessor {
    const inbox = new WebhookInboxStore(dataSource);
    const intake = {
      source: async (connectionId: string) => ({ shop: { connectionId } }),
      takePushes: async (context: { shop: { connectionId: string } }, entries: WebhookInboxEntry[]) => {
        taken.push({ connectionId: context.shop.connectionId, rows: entries.length });
        await inbox.markProcessed(
          dataSource.manager,
          entries.map((entry) => entry.id),
        );
        return [];
      },
    } as unknown as OrderIntake;
    const processor = new InboxProcessor(
      inbox,
      intake,
      {} as ConnectionsService,
      {} as DeadWebhooks,
      { arrived: 0 } as InboxRelay,
      queue,
      createLogger('silent', 'fairness-spec'),
      { env: { IMPORT_BATCH_SIZE: BATCH } } as ConnectorConfig,
    );
    worker = new Worker(QUEUES.orderInbox, (job, token) => processor.process(job, token), {
      connection,
      prefix,
      concurrency: slots,
    });
    // what @nestjs/bullmq's explorer does for a processor it registers
    Object.assign(processor, { _worker: worker });
    worker.on('active', (job) => runs.push(job.data.connectionId));
    return processor;
  }

  const importedCount = async () =>
    (await webhooksImported.get()).values.find((value) => value.labels.marketplace === 'voso')?.value ?? 0;

  async function importJob(connectionId: string): Promise<void> {
    await queue.add(
      'import',
      { connectionId },
      { jobId: connectionImportJobId(connectionId), removeOnComplete: true, removeOnFail: true },
    );
  }

  /** Until the connections' rows are all processed (each case counts its own connections' rows). */
  async function waitUntilProcessed(connectionIds: string[], total: number): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [{ n }] = await dataSource.query(
        `SELECT count(*)::int AS n FROM webhook_inbox
         WHERE processed_at IS NOT NULL AND connection_id = ANY($1::uuid[])`,
        [connectionIds],
      );
      if (n === total) return;
      if (Date.now() > deadline) throw new Error(`${n} of ${total} rows processed`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('widens a starting worker’s slots for the backlog it finds after its first second without a sale', async () => {
    const processor = startWorker([], []);
    processor.onApplicationBootstrap();
    try {
      expect(worker?.concurrency).toBe(CONNECTION_JOB_CONCURRENCY);
      const deadline = Date.now() + 5_000;
      while (worker?.concurrency !== WIDE_IMPORT_SLOTS && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(worker?.concurrency).toBe(WIDE_IMPORT_SLOTS);
    } finally {
      processor.onApplicationShutdown();
    }
  });

  it("takes a waiting connection's rows after one batch of a backlog, then finishes the backlog", async () => {
    const backlog = randomUUID();
    const quiet = randomUUID();
    await storeWebhooks(backlog, 4 * BATCH);
    await storeWebhooks(quiet, 3);
    await importJob(backlog);
    await importJob(quiet);
    const taken: { connectionId: string; rows: number }[] = [];
    const runs: string[] = [];
    const counted = await importedCount();
    startWorker(taken, runs);
    await waitUntilProcessed([backlog, quiet], 4 * BATCH + 3);
    // what the demo counts a backlog's progress in: each webhook once
    expect((await importedCount()) - counted).toBe(4 * BATCH + 3);

    // one batch of the backlog, then the quiet shop's rows, then the rest of the backlog
    expect(taken).toEqual([
      { connectionId: backlog, rows: BATCH },
      { connectionId: quiet, rows: 3 },
      { connectionId: backlog, rows: BATCH },
      { connectionId: backlog, rows: BATCH },
      { connectionId: backlog, rows: BATCH },
    ]);
    expect(runs).toEqual([backlog, quiet, backlog]);
    // the job that gave its slot up came back and finished: nothing is left in the queue
    expect(await queue.getJobCounts('waiting', 'delayed', 'active')).toEqual({
      waiting: 0,
      delayed: 0,
      active: 0,
    });
  });

  it('keeps its slot, batch after batch, while no other job waits', async () => {
    const alone = randomUUID();
    await storeWebhooks(alone, 3 * BATCH);
    await importJob(alone);
    const taken: { connectionId: string; rows: number }[] = [];
    const runs: string[] = [];
    startWorker(taken, runs);
    await waitUntilProcessed([alone], 3 * BATCH);
    expect(taken).toEqual([
      { connectionId: alone, rows: BATCH },
      { connectionId: alone, rows: BATCH },
      { connectionId: alone, rows: BATCH },
    ]);
    // started once: it never gave its slot up
    expect(runs).toEqual([alone]);
  });
});
