import {
  asMarketplaceError,
  categoryCode,
  checkContent,
  failedResult,
  isRecord,
  okResult,
} from '../adapter-support';
import { MarketplaceHttp, MarketplaceRequest } from '../http-client';
import {
  CategoryCodes,
  ListingContent,
  MarketplaceAdapter,
  MarketplaceError,
  OPEN_GATE,
  PublishedListing,
  ShopAccess,
  StockPush,
  StockPushResult,
} from '../port';
import type { AdapterOptions } from '../sendo/sendo-adapter';
import { callWithSessionToken, SessionTokens } from '../session-tokens';
import {
  VOSO_BULK_MAX_ITEMS,
  VOSO_TOKEN_LIFETIME_MS,
  vosoFailure,
  vosoProductBody,
  vosoStockCalls,
} from './voso-mapping';

/**
 * Voso-style: a 24-hour token from `POST /v2/user/Login` in a `Token` header, where the body and
 * not the HTTP code says the token went stale; REST products; bulk stock with partial success.
 */
export class VosoAdapter implements MarketplaceAdapter {
  readonly marketplace = 'voso' as const;
  readonly stockBatchSize = VOSO_BULK_MAX_ITEMS;
  private readonly http: MarketplaceHttp;
  private readonly tokens = new SessionTokens(VOSO_TOKEN_LIFETIME_MS);

  constructor(
    private readonly categories: CategoryCodes,
    options: AdapterOptions = {},
  ) {
    this.http = new MarketplaceHttp('voso', options.gate ?? OPEN_GATE, options.timeoutMs);
  }

  async verifyCredentials(shop: ShopAccess): Promise<void> {
    await this.login(shop);
  }

  async publish(shop: ShopAccess, content: ListingContent): Promise<PublishedListing> {
    return this.save(shop, { method: 'POST', path: '/v2/products' }, content);
  }

  async update(shop: ShopAccess, externalId: string, content: ListingContent): Promise<PublishedListing> {
    return this.save(
      shop,
      { method: 'PUT', path: `/v2/products/${encodeURIComponent(externalId)}` },
      content,
    );
  }

  async delist(shop: ShopAccess, externalId: string): Promise<void> {
    try {
      await this.call(shop, { method: 'DELETE', path: `/v2/products/${encodeURIComponent(externalId)}` });
    } catch (error) {
      // Gone already: the listing is down, which is all delist asks.
      if (error instanceof MarketplaceError && error.kind === 'permanent' && error.options.status === 404)
        return;
      throw error;
    }
  }

  async pushStock(shop: ShopAccess, items: StockPush[]): Promise<StockPushResult[]> {
    const results = new Map<StockPush, StockPushResult>();
    let stopped: MarketplaceError | null = null;
    for (const call of vosoStockCalls(items)) {
      if (stopped) {
        for (const push of call.pushes) results.set(push, failedResult(push, stopped));
        continue;
      }
      try {
        const data = await this.call(shop, {
          method: 'POST',
          path: '/v2/inventory/bulk',
          body: JSON.stringify({ ITEMS: call.items }),
        });
        const succeeded = new Set(
          isRecord(data) && Array.isArray(data.SUCCESS) ? data.SUCCESS.map(String) : [],
        );
        const failed = new Map<string, string>();
        if (isRecord(data) && Array.isArray(data.FAILED)) {
          for (const row of data.FAILED) {
            if (isRecord(row))
              failed.set(String(row.PRODUCT_SKU), typeof row.REASON === 'string' ? row.REASON : 'FAILED');
          }
        }
        for (const push of call.pushes) {
          const sku = push.variantId || push.skuCode;
          const reason = failed.get(sku);
          if (reason !== undefined)
            results.set(
              push,
              failedResult(
                push,
                new MarketplaceError('permanent', reason, { code: reason, marketplace: 'voso' }),
              ),
            );
          else if (succeeded.has(sku)) results.set(push, okResult(push));
          else
            results.set(
              push,
              failedResult(
                push,
                new MarketplaceError('retryable', 'voso: the bulk answer does not mention this SKU', {
                  code: 'unacknowledged',
                  marketplace: 'voso',
                }),
              ),
            );
        }
      } catch (error) {
        // A failed call fails its items; after refused credentials or throttling, the rest wait too.
        const failure = asMarketplaceError(error, 'voso');
        for (const push of call.pushes) results.set(push, failedResult(push, failure));
        if (failure.kind === 'auth' || failure.options.status === 429 || failure.options.status === 503)
          stopped = failure;
      }
    }
    return items.map((item) => results.get(item) as StockPushResult);
  }

  private async save(
    shop: ShopAccess,
    target: Pick<MarketplaceRequest, 'method' | 'path'>,
    content: ListingContent,
  ): Promise<PublishedListing> {
    checkContent(content, 'voso');
    const body = vosoProductBody(content, categoryCode(this.categories, content.category, 'voso'));
    const data = await this.call(shop, { ...target, body: JSON.stringify(body) });
    const productId = isRecord(data) ? data.PRODUCT_ID : undefined;
    if (typeof productId !== 'number' && typeof productId !== 'string') {
      throw new MarketplaceError('retryable', 'voso: the product answer carries no PRODUCT_ID', {
        code: 'unreadable',
        marketplace: 'voso',
      });
    }
    // Voso knows variants by PRODUCT_SKU: our SKU codes are the variant ids.
    const variantIds = Object.fromEntries(
      content.variants.map((variant) => [variant.skuCode, variant.skuCode]),
    );
    return { externalId: String(productId), variantIds };
  }

  private tokenKey(shop: ShopAccess): string {
    return `${shop.connectionId}\u0000${shop.credentials.USERNAME ?? ''}`;
  }

  private async login(shop: ShopAccess): Promise<string> {
    const answer = await this.http.send(shop, {
      method: 'POST',
      path: '/v2/user/Login',
      body: JSON.stringify({ USERNAME: shop.credentials.USERNAME, PASSWORD: shop.credentials.PASSWORD }),
    });
    const failure = vosoFailure(answer.status, answer.json);
    if (failure) throw failure;
    const data = (answer.json as { data?: unknown }).data;
    if (!isRecord(data) || typeof data.token !== 'string') {
      throw new MarketplaceError('retryable', 'voso: the login answer carries no token', {
        code: 'unreadable',
        marketplace: 'voso',
      });
    }
    return data.token;
  }

  /** One authenticated call; a stale token is renewed once (`callWithSessionToken`). */
  private async call(shop: ShopAccess, request: MarketplaceRequest): Promise<unknown> {
    return callWithSessionToken(
      this.tokens,
      this.tokenKey(shop),
      () => this.login(shop),
      async (token) => {
        const answer = await this.http.send(shop, {
          ...request,
          headers: { ...request.headers, Token: token },
        });
        const failure = vosoFailure(answer.status, answer.json);
        return failure ? { failure } : { value: (answer.json as { data?: unknown }).data };
      },
    );
  }
}
