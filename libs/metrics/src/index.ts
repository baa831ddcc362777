export * from './metrics.module';
export * from './sales-metrics';
export * from './sales-rollups';
export * from './calendar';
export * from './percentiles';
export * from './responses';
export * from './uplift';
