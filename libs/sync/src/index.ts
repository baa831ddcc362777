export { SyncModule, SyncWorkerModule } from './sync.module';
export { SyncScheduler, ConnectionSyncProcessor, marketplaceCalls } from './connection-sync';
