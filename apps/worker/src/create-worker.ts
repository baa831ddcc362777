import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type Redis from 'ioredis';
import { Environment } from '../../../config/environment';
import { JsonNestLogger, Logger, LOGGER } from '@ocop/common';
import { REDIS, waitForRedis } from '@ocop/sync';
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
  return app;
}
