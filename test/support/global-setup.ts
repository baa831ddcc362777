import Redis from 'ioredis';
import { freshDatabase } from './database';
import { dropOwnDatabases } from './global-teardown';

/** A fresh test database for every run: dropped, created and migrated (never the demo's). */
export default async function globalSetup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ocop_test';
  // copies an interrupted run left behind
  await dropOwnDatabases(url);
  await freshDatabase(url);
  await forgetTestQueues();
}

/**
 * Jobs left in Redis by an earlier run would point at rows of the dropped database. Only this run's
 * prefix is cleared (TEST_QUEUE_PREFIX lets two checkouts test side by side).
 */
async function forgetTestQueues(): Promise<void> {
  const prefix = (process.env.TEST_QUEUE_PREFIX ?? '{ocop-test}').replace(/}$/, '');
  const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
