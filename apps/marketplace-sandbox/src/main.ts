import pino from 'pino';
import { EnvironmentError, loadEnvironment, sandboxEnvironmentSchema } from '../../../config/environment';
import { startSandbox } from './sandbox';

/** `npm run sandbox`: the marketplaces on SANDBOX_*_PORT until SIGTERM or SIGINT. */
async function main(): Promise<void> {
  let env;
  try {
    env = loadEnvironment(sandboxEnvironmentSchema);
  } catch (error) {
    if (error instanceof EnvironmentError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = pino({ level: env.LOG_LEVEL, base: { service: 'marketplace-sandbox' } });
  const sandbox = await startSandbox({
    host: env.SANDBOX_HOST,
    ports: {
      sendo: env.SANDBOX_SENDO_PORT,
      voso: env.SANDBOX_VOSO_PORT,
      postmart: env.SANDBOX_POSTMART_PORT,
      shopee: env.SANDBOX_SHOPEE_PORT,
      tiktok: env.SANDBOX_TIKTOK_PORT,
      lazada: env.SANDBOX_LAZADA_PORT,
    },
    logger,
  });
  logger.info({ urls: sandbox.urls }, 'marketplace sandbox listening (state is in memory)');
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'closing the marketplace sandbox');
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error while closing');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('marketplace sandbox failed to start:', error);
  process.exit(1);
});
