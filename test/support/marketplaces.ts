import { randomInt, randomUUID } from 'node:crypto';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../apps/marketplace-sandbox/src/sandbox';
import type { RunningApi } from './api';

/** The first three styles, which most suites exercise (their checks were written for them). */
export type MarketplaceName = 'sendo' | 'voso' | 'postmart';
export const MARKETPLACE_NAMES: MarketplaceName[] = ['sendo', 'voso', 'postmart'];
/** Every style the connector speaks, for the suites that cover all six. */
export type AnyMarketplace = MarketplaceName | 'shopee' | 'tiktok' | 'lazada';
export const ALL_MARKETPLACES: AnyMarketplace[] = ['sendo', 'voso', 'postmart', 'shopee', 'tiktok', 'lazada'];
/** The app-based styles number their shops. */
const NUMBERED_SHOPS: AnyMarketplace[] = ['shopee', 'tiktok', 'lazada'];

/**
 * The three sandbox marketplaces in this process, on ephemeral ports, reached over HTTP. Their
 * origins join this test file's MARKETPLACE_ORIGINS (see `allowOrigins`), so the API and workers
 * started after them (startApi, startWorker, spawnWorker) may call them; `sandbox.origins` is the
 * same list for a process given its environment explicitly.
 */
export async function startMarketplaces(settings?: SandboxOptions['settings']): Promise<Sandbox> {
  const sandbox = await startSandbox({
    host: '127.0.0.1',
    ports: { sendo: 0, voso: 0, postmart: 0, shopee: 0, tiktok: 0, lazada: 0 },
    settings,
  });
  allowOrigins(sandbox.origins);
  return sandbox;
}

/**
 * Adds `marketplace=origin` pairs to MARKETPLACE_ORIGINS of this test file (Jest gives each file
 * its own copy of process.env), for the processes it starts afterwards: the connector calls only
 * the origins it was started with.
 */
export function allowOrigins(origins: string): void {
  process.env.MARKETPLACE_ORIGINS = [process.env.MARKETPLACE_ORIGINS, origins].filter(Boolean).join(',');
}

async function json(method: string, url: string, body?: unknown): Promise<any> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${url} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** The sandbox's control API (MARKETPLACES.md, last section), as a test drives it. */
export function sandboxControl(baseUrl: string) {
  const url = (path: string) => `${baseUrl}/_sandbox${path}`;
  return {
    createShop: (body: Record<string, unknown> = {}) =>
      json('POST', url('/shops'), body) as Promise<{
        shopId: string;
        credentials: Record<string, string>;
        webhookSecret: string;
      }>,
    listings: (shopId: string) => json('GET', url(`/shops/${shopId}/listings`)) as Promise<any[]>,
    faults: (shopId: string, body: Record<string, unknown>) =>
      json('PUT', url(`/shops/${shopId}/faults`), body),
    stats: async () => (await json('GET', url('/stats'))).calls as Record<string, number>,
    clearStats: () => json('DELETE', url('/stats')),
    advanceClock: (seconds: number) => json('POST', url('/clock'), { advanceSeconds: seconds }),
    updateShop: (shopId: string, body: { webhookUrl?: string; webhookSecret?: string }) =>
      json('PATCH', url(`/shops/${shopId}`), body),
    /** a buyer orders; answers the marketplace's own order id and status word */
    placeOrder: (
      shopId: string,
      lines: { sku: string; quantity: number }[],
      extra: Record<string, unknown> = {},
    ) =>
      json('POST', url(`/shops/${shopId}/orders`), { lines, ...extra }) as Promise<{
        orderId: string;
        status: string;
      }>,
    /** the marketplace moves an order (`status` in the connector's words) */
    moveOrder: (shopId: string, orderId: string, status: string) =>
      json('POST', url(`/shops/${shopId}/orders/${orderId}/status`), { status }),
    order: (shopId: string, orderId: string) => json('GET', url(`/shops/${shopId}/orders/${orderId}`)),
  };
}

/** A new shop on one sandbox marketplace, its id unique across suites (they share nothing else). */
export function openShop(
  sandbox: Sandbox,
  marketplace: AnyMarketplace,
  extra: { webhookUrl?: string } = {},
): Promise<{ shopId: string; credentials: Record<string, string>; webhookSecret: string }> {
  return sandboxControl(sandbox.urls[marketplace]).createShop({
    shopId: NUMBERED_SHOPS.includes(marketplace)
      ? String(1_000_000_000 + randomInt(0, 999_999_999))
      : `${marketplace}-${randomUUID().slice(0, 8)}`,
    ...(extra.webhookUrl ? { webhookUrl: extra.webhookUrl } : {}),
  });
}

export interface ConnectedShop {
  connectionId: string;
  shopId: string;
  /** what the marketplace signs its webhooks with */
  webhookSecret: string;
}

/** A shop on each marketplace (the first three unless told), connected to `cooperative` through the API. */
export async function connectAll<M extends AnyMarketplace = MarketplaceName>(
  api: RunningApi,
  sandbox: Sandbox,
  cooperative: { id: string; key: string },
  options: { webhooks?: boolean; autoConfirmOrders?: boolean; marketplaces?: M[] } = {},
): Promise<Record<M, ConnectedShop>> {
  const out = {} as Record<M, ConnectedShop>;
  for (const marketplace of options.marketplaces ?? (MARKETPLACE_NAMES as M[])) {
    const shop = await openShop(sandbox, marketplace, {
      webhookUrl: options.webhooks ? `${api.url}/v1/webhooks/${marketplace}` : undefined,
    });
    const res = await api.call('POST', `/v1/cooperatives/${cooperative.id}/connections`, {
      key: cooperative.key,
      body: {
        marketplace,
        shopId: shop.shopId,
        baseUrl: sandbox.urls[marketplace],
        credentials: { ...shop.credentials, webhookSecret: shop.webhookSecret },
        ...(options.autoConfirmOrders ? { autoConfirmOrders: true } : {}),
      },
    });
    if (res.status !== 201) throw new Error(`connection not created: ${res.status} ${res.text}`);
    out[marketplace] = { connectionId: res.body.id, shopId: shop.shopId, webhookSecret: shop.webhookSecret };
  }
  return out;
}

/**
 * Lists a product on each connected marketplace; answers the listings by marketplace as created
 * (`pending`, or already `synced` when a running worker published it before the API read it back).
 */
export async function listEverywhere<M extends AnyMarketplace>(
  api: RunningApi,
  cooperative: { key: string },
  productId: string,
  shops: Record<M, { connectionId: string }>,
): Promise<Record<M, any>> {
  const listings = {} as Record<M, any>;
  for (const marketplace of Object.keys(shops) as M[]) {
    const res = await api.call('POST', '/v1/listings', {
      key: cooperative.key,
      body: { productId, connectionId: shops[marketplace].connectionId },
    });
    if (res.status !== 202 || !['pending', 'synced'].includes(res.body.status)) {
      throw new Error(`listing not accepted: ${res.status} ${res.text}`);
    }
    listings[marketplace] = res.body;
  }
  return listings;
}
