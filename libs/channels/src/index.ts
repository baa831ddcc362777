export * from './adapters';
export * from './channels.module';
export * from './connections.service';
export * from './listings.service';
export * from './listing-versions';
export * from './listing-content';
export * from './entities';
export * from './channel-health';
