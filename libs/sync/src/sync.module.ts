import { Global, Module } from '@nestjs/common';
import { ChannelsModule, MARKETPLACE_ADAPTERS } from '@ocop/channels';
import { ConnectorConfig } from '@ocop/common';
import { categoryCodesFrom, createAdapters } from '@ocop/marketplaces';
import { RedisCallGate } from './call-gate';
import {
  ConnectionSyncProcessor,
  SyncReconciler,
  SyncReconcilerSchedule,
  SyncScheduler,
} from './connection-sync';
import { RetentionProcessor, RetentionSchedule, RetiredQueues } from './retention';

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
        }),
    },
  ],
  exports: [MARKETPLACE_ADAPTERS],
})
export class MarketplaceAdaptersModule {}

/** What the API needs of the sync engine: connections and listings, and enqueueing their sync. */
@Module({
  imports: [MarketplaceAdaptersModule, ChannelsModule],
  providers: [SyncScheduler],
  exports: [SyncScheduler, ChannelsModule],
})
export class SyncModule {}

/** The sync context's processors; only the worker imports this module. */
@Module({
  imports: [SyncModule],
  providers: [
    RetentionProcessor,
    RetentionSchedule,
    RetiredQueues,
    ConnectionSyncProcessor,
    SyncReconciler,
    SyncReconcilerSchedule,
  ],
})
export class SyncWorkerModule {}
