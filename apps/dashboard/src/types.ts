/** The API's answers the dashboard reads (API.md and the extensions it names). */
export type ByMarketplace = Record<string, number>;

export interface Me {
  role: 'admin' | 'officer' | 'cooperative';
  cooperativeId: string | null;
}

export interface SalesSeries {
  from: string;
  to: string;
  granularity: string;
  series: {
    period: string;
    revenueVnd: number;
    units: number;
    orders: number;
    byMarketplace: ByMarketplace;
  }[];
  totals: { revenueVnd: number; units: number; orders: number };
}

export interface Growth {
  current: { from: string; to: string; revenueVnd: number; units: number; orders: number };
  previous: { from: string; to: string; revenueVnd: number; units: number; orders: number };
  growthPct: number | null;
}

export interface Province {
  asOf: string;
  revenueWindow: { from: string; to: string };
  products: {
    certified: number;
    byStars: Record<string, number>;
    byCategory: Record<string, number>;
    teaSharePct: number | null;
  };
  cooperatives: { total: number; withCertifiedProducts: number };
  byDistrict: { district: string | null; cooperatives: number; certified: number; revenueVnd: number }[];
  channelMix: ByMarketplace;
}

export interface Spread {
  n: number;
  medianPct: number | null;
  p25Pct: number | null;
  p75Pct: number | null;
}

export interface Uplift {
  windowDays: number;
  summary: { byStars: Record<string, Spread> };
}

export interface ProducersByGrowth {
  current: { from: string; to: string };
  previous: { from: string; to: string };
  items: {
    cooperativeId: string;
    name: string;
    district: string | null;
    currentRevenueVnd: number;
    previousRevenueVnd: number;
    growthPct: number | null;
  }[];
}

export interface Certificate {
  id: string;
  productId: string;
  cooperativeId: string;
  stars: number | null;
  decidedAt: string;
  validUntil: string | null;
  status: string;
}

export interface Cooperative {
  id: string;
  name: string;
  district: string | null;
  commune: string | null;
}

export interface Product {
  id: string;
  cooperativeId: string;
  name: string;
  category: string;
  status: string;
  ocop: { certificateId: string; stars: number; validUntil: string } | null;
}

export interface Category {
  slug: string;
  nameVi: string;
  nameEn: string;
}

export type HealthCounts = Record<'synced' | 'lagging' | 'pending' | 'error', number>;

export interface ListingHealthItem {
  listingId: string;
  productId: string;
  connectionId: string;
  marketplace: string;
  health: 'synced' | 'lagging' | 'pending' | 'error';
  lag: number;
  lastError: string | null;
  lastSyncedAt: string | null;
}

export interface ChannelHealth {
  cooperativeId: string;
  listings: { counts: HealthCounts; items: ListingHealthItem[] };
  connections: {
    id: string;
    marketplace: string;
    shopId: string;
    status: string;
    statusReason: string | null;
    lastOrderSyncAt: string | null;
    listings: HealthCounts;
  }[];
}

export interface SyncHealth {
  windowHours: number;
  marketplaces: {
    marketplace: string;
    counts: HealthCounts;
    oldestLagSeconds: number;
    connections: { active: number; paused: number; auth_failed: number };
    webhooks: {
      received: number;
      processed: number;
      failed: number;
      dead: number;
      waiting: number;
      lastReceivedAt: string | null;
    };
    polling: { connections: number; failing: number; lastPolledAt: string | null; lastError: string | null };
    deadWebhooks: number;
  }[];
  errors: (ListingHealthItem & { cooperativeId: string; cooperativeName: string | null })[];
  deadWebhooks: { total: number; items: DeadWebhook[] };
  queueDashboard: string;
}

/** A stored webhook that failed too often and waits for an admin (POST /v1/operations/inbox/:id/retry). */
export interface DeadWebhook {
  id: string;
  marketplace: string;
  connectionId: string;
  externalOrderId: string;
  status: 'dead' | 'waiting' | 'processed';
  attempts: number;
  lastError: string | null;
  receivedAt: string;
  deadAt: string | null;
}
