import 'reflect-metadata';
import { environmentSchema, EnvironmentError, loadEnvironment } from '../../../config/environment';
import { ReferenceDataError } from '../../../config/reference-data';
import type Redis from 'ioredis';
import { REDIS, waitForRedis } from '@ocop/jobs';
import { createApiApp } from './create-api';

async function main(): Promise<void> {
  const env = loadEnvironment(environmentSchema);
  const app = await createApiApp(env);
  await waitForRedis(app.get<Redis>(REDIS));
  await app.listen(env.PORT, env.HOST);
  console.error(JSON.stringify({ service: 'api', msg: 'listening', url: await app.getUrl() }));
}

main().catch((error: unknown) => {
  if (error instanceof EnvironmentError || error instanceof ReferenceDataError) {
    console.error(error.message);
  } else {
    console.error('The API could not start:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
