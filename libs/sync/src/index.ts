export * from './queue.module';
export * from './queues';
export * from './redis';
export * from './outbox-relay';
export * from './sync-worker.module';
