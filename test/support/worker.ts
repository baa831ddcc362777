import type { INestApplicationContext } from '@nestjs/common';
import { environmentSchema, loadEnvironment } from '../../config/environment';
import { createWorker } from '../../apps/worker/src/create-worker';

/** The real worker process's module, in this test process, consuming the real Redis queues. */
export async function startWorker(overrides: Record<string, string> = {}): Promise<INestApplicationContext> {
  return createWorker(loadEnvironment(environmentSchema, { ...process.env, ...overrides }));
}

/** Polls until `check` returns a value (not undefined/false), or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
