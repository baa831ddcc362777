import 'reflect-metadata';
import { environmentSchema, EnvironmentError, loadEnvironment } from '../../../config/environment';
import { ReferenceDataError } from '../../../config/reference-data';
import { createWorker } from './create-worker';

async function main(): Promise<void> {
  const env = loadEnvironment(environmentSchema);
  await createWorker(env);
  // Nest's shutdown hooks close the BullMQ workers on SIGTERM/SIGINT: the job in hand finishes,
  // no new one is taken, and an unfinished job is retried by another worker.
  console.error(JSON.stringify({ service: 'worker', msg: 'consuming queues' }));
}

main().catch((error: unknown) => {
  if (error instanceof EnvironmentError || error instanceof ReferenceDataError) {
    console.error(error.message);
  } else {
    console.error('The worker could not start:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
