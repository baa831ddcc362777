export * from './ocop.module';
export * from './certificates.service';
export * from './events';
export * from './certificate-expiry';
export * from './rules';
export { LEVELS, STATUSES } from './dto';
export * from './responses';
