import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { categoryCodesFrom } from '@ocop/marketplaces';
import type {
  AccessGrant,
  CallGate,
  CategoryCodes,
  CredentialsCheck,
  GrantKeeper,
  ListingContent,
  Marketplace,
  MarketplaceAdapter,
  MarketplaceError,
  OrderChange,
  ShopAccess,
  WebhookDelivery,
} from '@ocop/marketplaces';
import { Sandbox } from '../../../apps/marketplace-sandbox/src/sandbox';
import { control } from '../sandbox/helpers';

export { startTestSandbox, control, http } from '../sandbox/helpers';

/**
 * The marketplaces' category codes as the connector reads them from config/reference/categories.json,
 * so a marketplace added there needs nothing here.
 */
export const CATEGORY_CODES: CategoryCodes = categoryCodesFrom(
  JSON.parse(readFileSync(join(__dirname, '../../../config/reference/categories.json'), 'utf8')).categories,
);

export type Control = ReturnType<typeof control>;

export interface SandboxShop {
  shop: ShopAccess;
  ctl: Control;
  shopId: string;
}

/** A fresh sandbox shop and the ShopAccess the connector would hold for it. */
export async function newShop(
  sandbox: Sandbox,
  marketplace: Marketplace,
  faults: Record<string, unknown> = {},
): Promise<SandboxShop> {
  return openShop(marketplace, sandbox.urls[marketplace], control(sandbox.urls[marketplace]), faults);
}

/** A fresh shop at one marketplace's address, opened through its control API. */
export async function openShop(
  marketplace: Marketplace,
  baseUrl: string,
  ctl: Control,
  faults: Record<string, unknown> = {},
): Promise<SandboxShop> {
  const created = await ctl.createShop();
  if (Object.keys(faults).length > 0) expect((await ctl.faults(created.shopId, faults)).status).toBe(200);
  return {
    ctl,
    shopId: created.shopId,
    shop: {
      connectionId: randomUUID(),
      marketplace,
      shopId: created.shopId,
      baseUrl,
      credentials: created.credentials,
      grant: new GrantHeldInMemory(),
    },
  };
}

/**
 * A shop's grant held in this process, renewed as the connector's database keeps it (ADR 24): a
 * refresh whose stale token was replaced meanwhile takes the new grant without calling, and
 * concurrent refreshes wait for one another.
 */
export class GrantHeldInMemory implements GrantKeeper {
  private held: AccessGrant | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** every refresh token spent, in order */
  readonly exchanges: string[] = [];

  hold(grant: AccessGrant): void {
    this.held = grant;
  }

  async current(): Promise<AccessGrant> {
    if (!this.held) throw new Error('no grant held: authorize the shop first (authorize())');
    return this.held;
  }

  refresh(stale: string, exchange: (refreshToken: string) => Promise<AccessGrant>): Promise<AccessGrant> {
    const next = this.queue.then(async () => {
      const held = await this.current();
      if (held.accessToken !== stale) return held;
      this.exchanges.push(held.refreshToken);
      this.held = await exchange(held.refreshToken);
      return this.held;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/**
 * Connects an app-based shop as the connector does: the credentials check spends the authorization
 * code and its grant is held for the shop's calls. Other styles: the check alone.
 */
export async function authorize(adapter: MarketplaceAdapter, opened: SandboxShop): Promise<CredentialsCheck> {
  const check = await adapter.verifyCredentials({ ...opened.shop, grant: undefined });
  if (check.grant) (opened.shop.grant as GrantHeldInMemory).hold(check.grant);
  return check;
}

/** Chè tôm nõn with three SKUs; `tag` keeps SKU codes unique within a shop. */
export function teaProduct(tag = 'T', overrides: Partial<ListingContent> = {}): ListingContent {
  return {
    productId: randomUUID(),
    name: 'Chè tôm nõn Hảo Đạt',
    description: 'Chè đặc sản Tân Cương, Thái Nguyên',
    category: 'tea',
    imageUrls: ['https://img.example/che-1.jpg', 'https://img.example/che-2.jpg'],
    ocopStars: 5,
    variants: [
      { skuCode: `${tag}-100G`, name: 'Gói 100 g', priceVnd: 120_000, weightGrams: 100, quantity: 10 },
      { skuCode: `${tag}-200G`, name: 'Gói 200 g', priceVnd: 230_000, weightGrams: 200, quantity: 0 },
      { skuCode: `${tag}-500G`, name: 'Hộp 500 g', priceVnd: 550_000, weightGrams: 500, quantity: 7 },
    ],
    ...overrides,
  };
}

/** A product with `count` SKUs, for the batching checks. */
export function honeyProduct(tag: string, count: number): ListingContent {
  return {
    productId: randomUUID(),
    name: `Mật ong hoa nhãn ${tag}`,
    description: 'Mật ong Đại Từ',
    category: 'honey',
    imageUrls: [],
    ocopStars: null,
    variants: Array.from({ length: count }, (_, i) => ({
      skuCode: `${tag}-${i}`,
      name: `${i}`,
      priceVnd: 150_000 + i,
      weightGrams: 500,
      quantity: 1,
    })),
  };
}

/** The listing as the sandbox holds it. */
export async function heldListing(ctl: Control, shopId: string, productId: string): Promise<any> {
  const listings = (await ctl.listings(shopId)) as any[];
  return listings.find((listing) => listing.productId === productId);
}

export async function rejection(promise: Promise<unknown>): Promise<MarketplaceError> {
  try {
    await promise;
  } catch (error) {
    return error as MarketplaceError;
  }
  throw new Error('expected a MarketplaceError, the call succeeded');
}

/** A gate that counts the calls it lets through. */
export function countingGate(): CallGate & { calls: number } {
  const gate = {
    calls: 0,
    beforeCall: async () => {
      gate.calls++;
    },
  };
  return gate;
}

export function byStatus(variants: { sku: string }[]): Record<string, any> {
  return Object.fromEntries(variants.map((variant) => [variant.sku, variant]));
}

/** Two SKUs with stock for hundreds of orders. */
export function stockedProduct(tag: string): ListingContent {
  return {
    productId: randomUUID(),
    name: 'Mật ong hoa nhãn Hưng Yên',
    description: 'Mật ong nguyên chất',
    category: 'honey',
    imageUrls: [],
    ocopStars: 4,
    variants: [
      { skuCode: `${tag}-250`, name: 'Chai 250 ml', priceVnd: 95_000, weightGrams: 300, quantity: 5_000 },
      { skuCode: `${tag}-500`, name: 'Chai 500 ml', priceVnd: 170_000, weightGrams: 600, quantity: 5_000 },
    ],
  };
}

export async function collect(pages: AsyncIterable<OrderChange[]>): Promise<OrderChange[]> {
  const changes: OrderChange[] = [];
  for await (const page of pages) changes.push(...page);
  return changes;
}

/** Places orders in one bulk call (the sandbox's extension); answers their ids in the order given. */
export async function placeOrders(
  ctl: Control,
  shopId: string,
  orders: { lines: { sku: string; quantity: number }[]; placedAt?: string }[],
): Promise<string[]> {
  const response = await ctl.placeOrder(shopId, {
    orders: orders.map((order) => ({ ...order, notify: false })),
  });
  expect(response.status).toBe(201);
  return response.body.orders.map((placed: { orderId?: string; error?: string }) => {
    if (!placed.orderId) throw new Error(`order refused: ${placed.error}`);
    return placed.orderId;
  });
}

export async function placeOrder(
  ctl: Control,
  shopId: string,
  lines: { sku: string; quantity: number }[],
): Promise<string> {
  const response = await ctl.placeOrder(shopId, { lines });
  expect(response.status).toBe(201);
  return response.body.orderId as string;
}

/** A webhook receiver that keeps the raw bytes and answers as the connector would. */
export async function startDeliveryReceiver(adapter: MarketplaceAdapter) {
  const received: WebhookDelivery[] = [];
  // the URL registered with the marketplace, which Shopee signs with the body
  let url = '';
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        headers[name] = Array.isArray(value) ? value.join(',') : value;
      }
      const delivery = { rawBody: Buffer.concat(chunks), headers, url };
      received.push(delivery);
      const acknowledgement = adapter.webhookAcknowledgement(delivery);
      // null: an empty body, as the connector answers Shopee and TikTok Shop (a body fails the delivery)
      if (acknowledgement === null) {
        response.writeHead(200).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ received: true, ...acknowledgement }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  url = `http://127.0.0.1:${port}/webhooks`;
  return {
    url,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
