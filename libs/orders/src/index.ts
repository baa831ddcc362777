export * from './orders.module';
export * from './orders.service';
export * from './order-import';
export * from './order-lifecycle';
export * from './webhook-inbox';
export * from './order-actions';
export * from './order-jobs';
export * from './entities';
