export * from './catalogue.module';
export * from './cooperatives.service';
export * from './products.service';
export * from './stock-ledger';
export * from './views';
export * from './dto';
export { PRODUCER_KINDS, PRODUCT_STATUSES } from './entities';
export type { ProducerKind, ProductStatus, MovementKind } from './entities';
export * from './events';
