import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../libs/database/src/data-source';
import { createLogger } from '../../../libs/common/src/logger';
import type { ConnectorConfig } from '@ocop/common';
import { connectionImportJobId, InboxRelay, inboxJobId } from '../../../libs/orders/src/inbox-relay';
import { WebhookInboxStore } from '../../../libs/orders/src/webhook-inbox.repository';
import { QUEUES } from '@ocop/jobs';
import { dropDatabase, freshDatabase } from '../../support/database';

/**
 * The inbox relay against the real PostgreSQL and Redis, driven by hand: no worker takes the jobs
 * and no timer runs the relay, so each call's answer is exactly what it enqueued. A database and a
 * queue prefix of its own keep other suites' webhooks out.
 */
const DATABASE_URL = (process.env.DATABASE_URL as string).replace(/\/([^/]+)$/, '/$1_relay');

describe('inbox relay: jobs are re-added only when the queue lost them', () => {
  let dataSource: DataSource;
  let queue: Queue;
  let relay: InboxRelay;

  beforeAll(async () => {
    await freshDatabase(DATABASE_URL);
    dataSource = await new DataSource(dataSourceOptions(DATABASE_URL)).initialize();
    queue = new Queue(QUEUES.orderInbox, {
      connection: { url: process.env.REDIS_URL },
      prefix: `{relay-spec-${process.pid}}`,
    });
    relay = relayOf(200);
  });
  afterAll(async () => {
    await queue?.obliterate({ force: true });
    await queue?.close();
    await dataSource?.destroy();
    await dropDatabase(DATABASE_URL);
  });

  const relayOf = (batchSize: number) =>
    new InboxRelay(new WebhookInboxStore(dataSource), queue, createLogger('silent', 'relay-spec'), {
      env: { IMPORT_BATCH_SIZE: batchSize },
    } as ConnectorConfig);

  async function storeWebhooks(n: number): Promise<string[]> {
    const rows: { id: string }[] = await dataSource.query(
      `INSERT INTO webhook_inbox (marketplace, event_id, connection_id, external_order_id, change, raw_body)
       SELECT 'voso', gen_random_uuid()::text, $1, 'VOSO' || g, '{}', '{}' FROM generate_series(1, $2) g
       RETURNING id`,
      [randomUUID(), n],
    );
    return rows.map((row) => row.id);
  }
  // a second in the past: due for the relay's next statement even if the server's clock were to
  // step back between the two (this suite once saw a relay find nothing due on a loaded machine)
  const makeDue = (ids: string[]) =>
    dataSource.query(`UPDATE webhook_inbox SET relay_at = now() - interval '1 second' WHERE id = ANY($1)`, [
      ids,
    ]);
  const waitSeconds = async (id: string): Promise<number> => {
    const [row]: { wait: number }[] = await dataSource.query(
      `SELECT extract(epoch FROM relay_at - now())::float AS wait FROM webhook_inbox WHERE id = $1`,
      [id],
    );
    return row.wait;
  };

  it('enqueues one job per connection, then leaves rows whose job still waits alone', async () => {
    const ids = await storeWebhooks(3);
    const [{ connection_id: connectionId }] = await dataSource.query(
      `SELECT connection_id FROM webhook_inbox WHERE id = $1`,
      [ids[0]],
    );
    expect(await relay.relay()).toBe(3);
    // one connection's three rows: one job, which takes the connection's waiting rows when it runs
    expect((await queue.getJobCounts('waiting')).waiting).toBe(1);
    expect((await queue.getJob(connectionImportJobId(connectionId)))?.data).toEqual({ connectionId });
    // not due again yet
    expect(await relay.relay()).toBe(0);
    // a new row of the connection while its job waits: the job takes it when it runs, nothing is added
    const [later] = await dataSource.query(
      `INSERT INTO webhook_inbox (marketplace, event_id, connection_id, external_order_id, change, raw_body)
       VALUES ('voso', gen_random_uuid()::text, $1, 'VOSO-NEXT', '{}', '{}') RETURNING id`,
      [connectionId],
    );
    ids.push(later.id);
    expect(await relay.relay()).toBe(0);
    expect((await queue.getJobCounts('waiting')).waiting).toBe(1);
    // due, but the job is still in the queue: nothing is added
    await makeDue(ids);
    expect(await relay.relay()).toBe(0);
    expect(await waitSeconds(ids[0])).toBeGreaterThan(4);

    // a job the queue lost (a flushed Redis): its rows get it back when next due
    // 1: the job is gone (0 would mean BullMQ kept it, and the relay rightly leaves the rows alone)
    expect(await queue.remove(connectionImportJobId(connectionId))).toBe(1);
    await makeDue(ids);
    expect(await relay.relay()).toBe(4);
    expect(await queue.getJobState(connectionImportJobId(connectionId))).toBe('waiting');
    await queue.remove(connectionImportJobId(connectionId));
  });

  it('counts as arriving the rows claimed just after their receipt, not a stored backlog’s nor a second claim', async () => {
    const counting = relayOf(200);
    const arriving = await storeWebhooks(3);
    const stored = await storeWebhooks(4);
    // stored a minute ago, while no worker ran: a backlog, not a sale in progress
    await dataSource.query(
      `UPDATE webhook_inbox SET received_at = now() - interval '1 minute', relay_at = now() - interval '1 second'
       WHERE id = ANY($1)`,
      [stored],
    );
    expect(counting.arrived).toBe(0);
    expect(await counting.relay()).toBe(7);
    expect(counting.arrived).toBe(3);
    // claimed again within the window (their job lost): not fresh, so not arriving twice
    await queue.drain();
    await makeDue([...arriving, ...stored]);
    expect(await counting.relay()).toBe(7);
    expect(counting.arrived).toBe(3);
    await queue.drain();
  });

  it('at IMPORT_BATCH_SIZE=1, gives each row a job of its own and re-adds only the lost one', async () => {
    const single = relayOf(1);
    const ids = await storeWebhooks(3);
    expect(await single.relay()).toBe(3);
    expect((await queue.getJob(inboxJobId(ids[1])))?.data).toEqual({ inboxIds: [ids[1]] });
    await makeDue(ids);
    expect(await single.relay()).toBe(0);
    expect(await queue.remove(inboxJobId(ids[1]))).toBe(1);
    expect(await queue.getJobState(inboxJobId(ids[1]))).toBe('unknown');
    await makeDue(ids);
    expect(await single.relay()).toBe(1);
    expect(await queue.getJobState(inboxJobId(ids[1]))).toBe('waiting');
  });

  it('at IMPORT_BATCH_SIZE=1, looks at a waiting row less often the older it is, at least once a minute', async () => {
    const single = relayOf(1);
    const [young, old, ancient] = await storeWebhooks(3);
    await single.relay();
    await dataSource.query(
      `UPDATE webhook_inbox SET received_at = now() - make_interval(secs => CASE id
         WHEN $1::uuid THEN 2 WHEN $2::uuid THEN 30 ELSE 3600 END), relay_at = now()
       WHERE id = ANY($3)`,
      [young, old, [young, old, ancient]],
    );
    expect(await single.relay()).toBe(0);
    expect(await waitSeconds(young)).toBeCloseTo(5, 0);
    expect(await waitSeconds(old)).toBeCloseTo(30, 0);
    expect(await waitSeconds(ancient)).toBeCloseTo(60, 0);
  });

  it('with batches, looks at a claimed row again only after a minute: the sweep watches its connection', async () => {
    const [row] = await storeWebhooks(1);
    expect(await relay.relay()).toBe(1);
    expect(await waitSeconds(row)).toBeCloseTo(60, 0);
  });

  it('with batches, the sweep gives a job back to a connection whose rows waited 5 s without one, writing no row', async () => {
    // the earlier cases' rows are left out: only this case's connections may be swept
    await dataSource.query(`UPDATE webhook_inbox SET processed_at = now() WHERE processed_at IS NULL`);
    const ids = await storeWebhooks(2);
    const [failed] = await storeWebhooks(1);
    const [{ connection_id: connectionId }] = await dataSource.query(
      `SELECT connection_id FROM webhook_inbox WHERE id = $1`,
      [ids[0]],
    );
    const jobId = connectionImportJobId(connectionId);
    expect(await relay.relay()).toBe(3);
    // a failed row waiting out its retry time is no row waiting for a job
    await dataSource.query(
      `UPDATE webhook_inbox SET last_error = 'marketplace down', enqueued_at = NULL,
         relay_at = now() + interval '1 hour' WHERE id = $1`,
      [failed],
    );
    const failedJob = connectionImportJobId(
      (await dataSource.query(`SELECT connection_id FROM webhook_inbox WHERE id = $1`, [failed]))[0]
        .connection_id,
    );
    await queue.remove(failedJob);
    // a dead row waits for an administrator, not for a job
    const [dead] = await storeWebhooks(1);
    await dataSource.query(`UPDATE webhook_inbox SET dead_at = now() WHERE id = $1`, [dead]);
    const deadJob = connectionImportJobId(
      (await dataSource.query(`SELECT connection_id FROM webhook_inbox WHERE id = $1`, [dead]))[0]
        .connection_id,
    );
    await queue.remove(deadJob);
    // young rows whose job the queue lost: not yet (a job being added is not a lost one)
    expect(await queue.remove(jobId)).toBe(1);
    expect(await relay.sweep()).toBe(0);
    await dataSource.query(
      `UPDATE webhook_inbox SET received_at = now() - interval '6 seconds' WHERE id = ANY($1)`,
      [[...ids, failed, dead]],
    );
    const versions = () =>
      dataSource.query(`SELECT id, xmin::text FROM webhook_inbox WHERE id = ANY($1) ORDER BY id`, [ids]);
    const before = await versions();
    expect(await relay.sweep()).toBe(1);
    expect(await queue.getJobState(jobId)).toBe('waiting');
    expect(await queue.getJobState(failedJob)).toBe('unknown');
    expect(await queue.getJobState(deadJob)).toBe('unknown');
    expect(await versions()).toEqual(before);
    // its job waits now: the next sweep adds nothing
    expect(await relay.sweep()).toBe(0);
    // lost again at once (or taken and left unimported): added again only after the rows' age, not each second
    expect(await queue.remove(jobId)).toBe(1);
    expect(await relay.sweep()).toBe(0);
    expect(await queue.getJobState(jobId)).toBe('unknown');
  });

  it('follows a connection job that was running when its rows came, and adds it again once it ends', async () => {
    // the earlier cases' rows are left out: only this case's rows may become due
    await dataSource.query(`UPDATE webhook_inbox SET processed_at = now() WHERE processed_at IS NULL`);
    const ids = await storeWebhooks(2);
    const [{ connection_id: connectionId }] = await dataSource.query(
      `SELECT connection_id FROM webhook_inbox WHERE id = $1`,
      [ids[0]],
    );
    const jobId = connectionImportJobId(connectionId);
    // the connection's job is running (it took its last batch before these rows came): a worker holds it
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let taken = () => {};
    const running = new Promise<void>((resolve) => (taken = resolve));
    const worker = new Worker(
      QUEUES.orderInbox,
      async (job) => {
        if (job.id !== jobId) return;
        taken();
        await held;
      },
      { connection: { url: process.env.REDIS_URL }, prefix: `{relay-spec-${process.pid}}` },
    );
    try {
      await queue.add('import', { connectionId }, { jobId, removeOnComplete: true, removeOnFail: true });
      await running;
      // claimed; adding the running job again does nothing
      expect(await relay.relay()).toBe(2);
      expect(await queue.getJobState(jobId)).toBe('active');
      // the rows are not written due again each round: their next check is the usual one
      expect(await waitSeconds(ids[0])).toBeGreaterThan(4);
      expect(await relay.relay()).toBe(0);
      // another row of the connection while the job still runs: followed with the others
      const [later] = await dataSource.query(
        `INSERT INTO webhook_inbox (marketplace, event_id, connection_id, external_order_id, change, raw_body)
         VALUES ('voso', gen_random_uuid()::text, $1, 'VOSO-LATER', '{}', '{}') RETURNING id`,
        [connectionId],
      );
      expect(await relay.relay()).toBe(1);
      expect(await waitSeconds(later.id)).toBeGreaterThan(4);
      release();
      await worker.close();
      expect(await queue.getJobState(jobId)).toBe('unknown');
      // the job has ended: added again for the rows it may have missed, once
      expect(await relay.relay()).toBe(3);
      expect(await queue.getJobState(jobId)).toBe('waiting');
      expect(await relay.relay()).toBe(0);
    } finally {
      release();
      await worker.close();
      await queue.remove(jobId);
    }
  });

  it('never relays a processed row', async () => {
    const ids = await storeWebhooks(2);
    await dataSource.query(`UPDATE webhook_inbox SET processed_at = now() WHERE id = ANY($1)`, [ids]);
    expect(await relay.relay()).toBe(0);
    expect(await queue.getJobState(inboxJobId(ids[0]))).toBe('unknown');
  });
});
