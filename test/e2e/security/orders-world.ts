import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Pool } from 'pg';
import { QUEUES } from '@ocop/jobs';
import { type RunningApi, startApi } from '../../support/api';
import { dropDatabase, freshDatabase } from '../../support/database';
import { startMarketplaces } from '../../support/marketplaces';
import { eventually, startWorker } from '../../support/worker';
import type { Sandbox } from '../orders/support';

/**
 * The sandbox, the API and a worker on a database and a queue prefix of their own (named after the
 * suite, and after the test database and prefix, so two checkouts can test side by side): these
 * suites pause queues, stop the worker and read the province report, which counts its whole
 * database, so nothing another suite does may reach them.
 */
export async function startOrdersWorld(name: string, workerEnv: Record<string, string> = {}) {
  const databaseUrl = (process.env.DATABASE_URL as string).replace(/\/([^/]+)$/, `/$1_${name}`);
  const queuePrefix = `${(process.env.QUEUE_PREFIX as string).replace(/}$/, '')}-${name}}`;
  const env = { DATABASE_URL: databaseUrl, QUEUE_PREFIX: queuePrefix };
  await freshDatabase(databaseUrl);
  const sandbox: Sandbox = await startMarketplaces();
  const api: RunningApi = await startApi(env);
  const db = new Pool({ connectionString: databaseUrl, max: 2 });
  const syncQueue = new Queue(QUEUES.connectionSync, {
    connection: { url: process.env.REDIS_URL },
    prefix: queuePrefix,
  });
  let worker: INestApplicationContext | undefined = await startWorker({ ...env, ...workerEnv });

  return {
    sandbox,
    api,
    db,
    get worker(): INestApplicationContext {
      if (!worker) throw new Error('the worker is stopped');
      return worker;
    },
    async stopWorker(): Promise<void> {
      await worker?.close();
      worker = undefined;
    },
    async startWorker(): Promise<void> {
      worker ??= await startWorker({ ...env, ...workerEnv });
    },
    /** Stops the listing sync from taking jobs (they wait in Redis) once the running one ends. */
    async pauseSync(): Promise<void> {
      await syncQueue.pause();
      await eventually(async () => (await syncQueue.getActiveCount()) === 0, 30_000);
    },
    async resumeSync(): Promise<void> {
      await syncQueue.resume();
    },
    /** Waits until each connection's first order poll has run, so a later order arrives by push only. */
    async firstPollsDone(connectionIds: string[]): Promise<void> {
      await eventually(async () => {
        const { rows } = await db.query(
          `SELECT count(*)::int AS n FROM order_polls WHERE connection_id = ANY($1) AND polled_at IS NOT NULL`,
          [connectionIds],
        );
        return rows[0].n === connectionIds.length;
      }, 30_000);
    },
    async close(): Promise<void> {
      await worker?.close();
      await api.close();
      await sandbox.close();
      await syncQueue.obliterate({ force: true }).catch(() => undefined);
      await syncQueue.close();
      await db.end();
      await dropDatabase(databaseUrl);
    },
  };
}

export type OrdersWorld = Awaited<ReturnType<typeof startOrdersWorld>>;
