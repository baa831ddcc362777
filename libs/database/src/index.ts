export * from './data-source';
export * from './database.module';
export * from './idempotency';
export * from './transactions';
export { migrations } from './migrations';
export * from './outbox';
export * from './events';
export * from './keyset-page';
