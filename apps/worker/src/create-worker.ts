import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type Redis from 'ioredis';
import { Environment } from '../../../config/environment';
import { JsonNestLogger, Logger, LOGGER } from '@ocop/common';
import { RecurringJobs, REDIS, waitForRedis } from '@ocop/jobs';
import { startMetricsServer } from './metrics-server';
import { WorkerModule } from './worker.module';

/** Builds the worker (no HTTP): its processors start consuming as soon as it is initialised. */
export async function createWorker(env: Environment): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(env), {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(new JsonNestLogger(app.get<Logger>(LOGGER)));
  app.enableShutdownHooks();
  // Refuse to run without Redis rather than sit idle with no jobs arriving.
  await waitForRedis(app.get<Redis>(REDIS));
  await app.get(RecurringJobs).keep();
  const metrics = await startMetricsServer(env.HOST, env.WORKER_METRICS_PORT);
  const close = app.close.bind(app);
  app.close = async () => {
    metrics.close();
    await close();
  };
  return app;
}
