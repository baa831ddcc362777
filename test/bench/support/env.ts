/**
 * The benchmark's own settings, applied to process.env when this module is imported: it must be
 * the first import of main.ts, before anything that reads the environment.
 */
export const BENCH_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  DATABASE_URL: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ocop_bench',
  REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/7',
  QUEUE_PREFIX: '{ocop-bench}',
  ADMIN_API_KEY: 'bench-admin-key-0123456789abcdef',
  CREDENTIALS_KEY: Buffer.alloc(32, 9).toString('base64'),
  LOG_LEVEL: 'warn',
  WORKER_METRICS_PORT: '0',
  // product photos come from the local sandbox (/_sandbox/images), on loopback
  IMAGE_FETCH_ALLOW_PRIVATE: 'true',
  // the benchmarks measure throughput, not the limits
  API_RATE_LIMIT_PER_MINUTE: '100000000',
  WEBHOOK_RATE_LIMIT_PER_MINUTE: '100000000',
};

Object.assign(process.env, BENCH_ENV);
