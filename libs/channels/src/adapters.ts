import type { Marketplace, MarketplaceAdapter } from '@ocop/marketplaces';

/** The adapters by marketplace, provided by the process that wires them (api and worker). */
export const MARKETPLACE_ADAPTERS = Symbol('MARKETPLACE_ADAPTERS');
export type MarketplaceAdapters = Record<Marketplace, MarketplaceAdapter>;
