export * from './queue.module';
export * from './queues';
export * from './redis';
export * from './outbox-relay';
export * from './connection-sync';
export * from './call-gate';
export * from './backoff';
export * from './sync.module';
