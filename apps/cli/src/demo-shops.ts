import { createHash } from 'node:crypto';
import { foldVietnamese } from '@ocop/common';
import { MARKETPLACES, type Marketplace } from '../../../config/marketplace-origins';

/** Producers the welcome text shows as examples (every seeded producer gets shops). */
export const DEMO_SELLERS = ['HTX chè Hảo Đạt', 'HTX miến Việt Cường', 'HTX chè sạch Đạt Phát'];

/** The app-based styles number their shops (Shopee's shop_id, TikTok Shop's, Lazada's seller_id). */
const NUMBERED_SHOPS: readonly Marketplace[] = ['shopee', 'tiktok', 'lazada'];

/**
 * The sandbox shop a demo seller has on a marketplace: the same on every run, so a re-run finds
 * its connection. A number where the marketplace numbers its shops, drawn from the seller's name.
 */
export function demoShopId(seller: string, marketplace: Marketplace): string {
  if (NUMBERED_SHOPS.includes(marketplace)) {
    const digest = createHash('sha256').update(`${seller}|${marketplace}`).digest();
    return String(1_000_000_000 + (digest.readUInt32BE(0) % 900_000_000));
  }
  return `demo-${foldVietnamese(seller).replace(/[^a-z0-9]+/g, '-')}-${marketplace}`;
}
export { MARKETPLACES };
export type DemoMarketplace = Marketplace;

export interface Endpoints {
  api: string;
  adminKey: string;
  sandbox: Record<(typeof MARKETPLACES)[number], string>;
}

export async function call(
  method: string,
  url: string,
  key?: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  let res: Response;
  for (let attempt = 1; ; attempt += 1) {
    res = await fetch(url, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // over the API's rate limit (API_RATE_LIMIT_PER_MINUTE): wait as told, as any client should
    if (res.status !== 429 || attempt >= 5) break;
    await res.text();
    await new Promise((resolve) => setTimeout(resolve, Number(res.headers.get('retry-after') ?? 1) * 1000));
  }
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export async function waitUntilUp(url: string, seconds = 60): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Every item of a paged API list (API.md: `limit`, `cursor`, `nextCursor`). */
export async function allPages<T>(
  endpoints: Pick<Endpoints, 'api' | 'adminKey'>,
  path: string,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await call(
      'GET',
      `${endpoints.api}${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      endpoints.adminKey,
    );
    if (page.status !== 200) throw new Error(`GET ${path}: ${page.status} ${JSON.stringify(page.body)}`);
    items.push(...(page.body.items as T[]));
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

/** A producer with its sandbox shops, as connected. */
export interface ConnectedProducer {
  cooperativeId: string;
  name: string;
  shops: Record<DemoMarketplace, string>;
}

/**
 * Opens a shop for every seeded producer on each sandbox marketplace, connects it through the API
 * and lists the producer's products, as a cooperative would. The sandbox keeps nothing between
 * runs, so on a re-run the connection gets the new shop's credentials and its listings are
 * published again.
 */
export async function listDemoSellers(
  endpoints: Endpoints,
): Promise<{ connections: number; listings: number; producers: ConnectedProducer[] }> {
  await waitUntilUp(`${endpoints.api}/health`);
  for (const url of Object.values(endpoints.sandbox)) await waitUntilUp(`${url}/_sandbox/stats`);
  let connections = 0;
  let listings = 0;
  const producers: ConnectedProducer[] = [];
  const cooperatives = await allPages<{ id: string; name: string }>(endpoints, '/v1/cooperatives');
  const products = await allPages<{ id: string; cooperativeId: string }>(
    endpoints,
    '/v1/products?status=active',
  );
  for (const cooperative of cooperatives) {
    const name = cooperative.name;
    const own = products.filter((product) => product.cooperativeId === cooperative.id);
    const shops = {} as Record<DemoMarketplace, string>;
    for (const marketplace of MARKETPLACES) {
      const shopId = demoShopId(name, marketplace);
      shops[marketplace] = shopId;
      const shop = await call('POST', `${endpoints.sandbox[marketplace]}/_sandbox/shops`, undefined, {
        shopId,
        // the marketplace pushes its orders to the connector's webhook
        webhookUrl: `${endpoints.api}/v1/webhooks/${marketplace}`,
      });
      if (shop.status !== 201) continue; // a sandbox that kept its shops (run separately) keeps its listings too
      const credentials = { ...shop.body.credentials, webhookSecret: shop.body.webhookSecret };
      const existing = await call(
        'GET',
        `${endpoints.api}/v1/cooperatives/${cooperative.id}/connections?marketplace=${marketplace}`,
        endpoints.adminKey,
      );
      const current = existing.body?.items?.find((c: { shopId: string }) => c.shopId === shopId);
      let connectionId: string;
      if (current) {
        await call('PATCH', `${endpoints.api}/v1/connections/${current.id}`, endpoints.adminKey, {
          credentials,
          status: 'active',
        });
        await call('POST', `${endpoints.api}/v1/connections/${current.id}/republish`, endpoints.adminKey);
        connectionId = current.id;
      } else {
        const created = await call(
          'POST',
          `${endpoints.api}/v1/cooperatives/${cooperative.id}/connections`,
          endpoints.adminKey,
          {
            marketplace,
            shopId,
            baseUrl: endpoints.sandbox[marketplace],
            credentials,
          },
        );
        if (created.status !== 201)
          throw new Error(`could not connect ${shopId}: ${JSON.stringify(created.body)}`);
        connectionId = created.body.id;
      }
      connections += 1;
      for (const product of own) {
        const listed = await call('POST', `${endpoints.api}/v1/listings`, endpoints.adminKey, {
          productId: product.id,
          connectionId,
        });
        if (listed.status === 202 || listed.status === 409) listings += 1;
      }
    }
    producers.push({ cooperativeId: cooperative.id, name, shops });
  }
  return { connections, listings, producers };
}
