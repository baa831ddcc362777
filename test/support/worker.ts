import type { INestApplicationContext } from '@nestjs/common';
import { environmentSchema, loadEnvironment } from '../../config/environment';
import { createWorker } from '../../apps/worker/src/create-worker';

/** The real worker process's module, in this test process, consuming the real Redis queues. */
export async function startWorker(overrides: Record<string, string> = {}): Promise<INestApplicationContext> {
  return createWorker(loadEnvironment(environmentSchema, { ...process.env, ...overrides }));
}

// `eventually` lives on its own so that suites without a worker need not load one
export { eventually } from './eventually';
