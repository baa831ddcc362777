import { Global, Module } from '@nestjs/common';
import { ConnectorConfig } from '@ocop/common';
import { categoryCodesFrom, createAdapters, fetchImageFiles, IMAGE_FETCH_LIMITS } from '@ocop/marketplaces';
import { MARKETPLACE_ADAPTERS } from './adapters';
import { RedisCallGate } from './call-gate';

/**
 * The marketplace adapters, every process's: calls to one shop share a rate limit held in Redis
 * whichever process makes them, and go only to the configured origins, within the configured
 * deadline and answer size.
 */
@Global()
@Module({
  providers: [
    RedisCallGate,
    {
      provide: MARKETPLACE_ADAPTERS,
      inject: [ConnectorConfig, RedisCallGate],
      useFactory: (config: ConnectorConfig, gate: RedisCallGate) =>
        createAdapters(categoryCodesFrom(config.reference.categories), gate, {
          deadlineMs: config.env.MARKETPLACE_CALL_DEADLINE_MS,
          maxResponseBytes: config.env.MARKETPLACE_MAX_RESPONSE_BYTES,
          origins: config.marketplaceOrigins,
          imageFiles: fetchImageFiles({
            ...IMAGE_FETCH_LIMITS,
            allowPrivate: config.env.IMAGE_FETCH_ALLOW_PRIVATE,
          }),
        }),
    },
  ],
  exports: [MARKETPLACE_ADAPTERS],
})
export class MarketplaceAdaptersModule {}
