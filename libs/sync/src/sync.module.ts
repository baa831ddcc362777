import { Module } from '@nestjs/common';
import { ChannelsModule } from '@ocop/channels';
import {
  ConnectionSyncProcessor,
  SyncReconciler,
  SyncReconcilerSchedule,
  SyncScheduler,
} from './connection-sync';

/** What the API needs of the sync engine: enqueueing the sync of the listings that lag. */
@Module({
  imports: [ChannelsModule],
  providers: [SyncScheduler],
  exports: [SyncScheduler],
})
export class SyncModule {}

/** The sync context's processors; only the worker imports this module. */
@Module({
  imports: [SyncModule, ChannelsModule],
  providers: [ConnectionSyncProcessor, SyncReconciler, SyncReconcilerSchedule],
})
export class SyncWorkerModule {}
