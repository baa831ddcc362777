import pino, { Logger } from 'pino';
import { Marketplace } from './shared/marketplace';
import { createLazadaServer, type LazadaSettings } from './lazada/lazada-server';
import { createShopeeServer, type ShopeeSettings } from './shopee/shopee-server';
import { createPostmartServer } from './postmart/postmart-server';
import { createSendoServer } from './sendo/sendo-server';
import { createTiktokServer } from './tiktok/tiktok-server';
import type { TiktokSettings } from './tiktok/tiktok-settings';
import { createVosoServer } from './voso/voso-server';

export type MarketplaceName = 'sendo' | 'voso' | 'postmart' | 'shopee' | 'tiktok' | 'lazada';

export interface SandboxOptions {
  host?: string;
  /** 0 = an ephemeral port (tests); defaults 4101 to 4106. */
  ports?: Partial<Record<MarketplaceName, number>>;
  logger?: Logger;
  /**
   * The app-based styles' own settings (limits, lifetimes, retry schedules), for tests that need a
   * shorter wait than the marketplace's (e.g. Shopee's push retries after 1, 5 and 15 minutes).
   */
  settings?: {
    shopee?: Partial<ShopeeSettings>;
    tiktok?: Partial<TiktokSettings>;
    lazada?: Partial<LazadaSettings>;
  };
  /** Used when no logger is given; default "silent". */
  logLevel?: string;
}

export interface Sandbox {
  /** Base URLs, e.g. { sendo: "http://127.0.0.1:4101", … }. */
  urls: Record<MarketplaceName, string>;
  /**
   * The connector's styles as its MARKETPLACE_ORIGINS wants them
   * (`sendo=http://127.0.0.1:4101,voso=…,postmart=…`), for a connector that is to reach this sandbox.
   */
  origins: string;
  /** In-process access to each marketplace (state, clock), for benchmarks and white-box checks. */
  marketplaces: Record<MarketplaceName, Marketplace>;
  close(): Promise<void>;
}

export const DEFAULT_PORTS: Record<MarketplaceName, number> = {
  sendo: 4101,
  voso: 4102,
  postmart: 4103,
  shopee: 4104,
  tiktok: 4105,
  lazada: 4106,
};

/** Starts the marketplaces, one Fastify server and port each, in this process. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? pino({ level: options.logLevel ?? 'silent' });
  const marketplaces: Record<MarketplaceName, Marketplace> = {
    sendo: createSendoServer(logger),
    voso: createVosoServer(logger),
    postmart: createPostmartServer(logger),
    shopee: createShopeeServer(logger, options.settings?.shopee),
    tiktok: createTiktokServer(logger, options.settings?.tiktok),
    lazada: createLazadaServer(logger, options.settings?.lazada),
  };
  const names = Object.keys(marketplaces) as MarketplaceName[];
  const urls = {} as Record<MarketplaceName, string>;
  try {
    for (const name of names) {
      const port = options.ports?.[name] ?? DEFAULT_PORTS[name];
      await marketplaces[name].app.listen({ host, port });
      const address = marketplaces[name].app.server.address();
      const actualPort = typeof address === 'object' && address ? address.port : port;
      urls[name] = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
    }
  } catch (error) {
    await Promise.allSettled(names.map((name) => marketplaces[name].close()));
    throw error;
  }
  return {
    urls,
    origins: names.map((name) => `${name}=${urls[name]}`).join(','),
    marketplaces,
    close: async () => {
      await Promise.all(names.map((name) => marketplaces[name].close()));
    },
  };
}
