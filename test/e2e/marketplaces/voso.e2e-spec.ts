import { MarketplaceError, VosoAdapter } from '@ocop/marketplaces';
import { Sandbox } from '../../../apps/marketplace-sandbox/src/sandbox';
import {
  byStatus,
  CATEGORY_CODES,
  control,
  countingGate,
  heldListing,
  honeyProduct,
  newShop,
  rejection,
  startTestSandbox,
  teaProduct,
} from './support';

/** The Voso-style adapter against the sandbox over real HTTP (MARKETPLACES.md, "Voso-style"). */
describe('VosoAdapter against the sandbox', () => {
  let sandbox: Sandbox;
  const adapter = new VosoAdapter(CATEGORY_CODES);
  // Voso throttles at 20 calls a second by default; suites that publish many products lift it.
  const unthrottled = { rateLimitPerSecond: 0 };

  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(() => sandbox.close());
  beforeEach(() => control(sandbox.urls.voso).reset());

  it('publishes a 3-SKU product with the OCOP badge, category, and price, weight and stock per variant', async () => {
    const { shop, ctl, shopId } = await newShop(sandbox, 'voso');
    const published = await adapter.publish(shop, teaProduct('A'));
    expect(published.externalId).toMatch(/^\d+$/);
    expect(published.variantIds).toEqual({ 'A-100G': 'A-100G', 'A-200G': 'A-200G', 'A-500G': 'A-500G' });
    const held = await heldListing(ctl, shopId, published.externalId);
    expect(held).toMatchObject({
      name: 'Chè tôm nõn Hảo Đạt · OCOP 5★',
      status: 'active',
      categoryId: 'THUC_PHAM_CHE',
      description: 'Chè đặc sản Tân Cương, Thái Nguyên',
    });
    expect(byStatus(held.variants)).toEqual({
      'A-100G': { sku: 'A-100G', variantId: 'A-100G', price: 120_000, quantity: 10, weightGrams: 100 },
      'A-200G': { sku: 'A-200G', variantId: 'A-200G', price: 230_000, quantity: 0, weightGrams: 200 },
      'A-500G': { sku: 'A-500G', variantId: 'A-500G', price: 550_000, quantity: 7, weightGrams: 500 },
    });
  });

  it('updates price and drops the badge with PUT, keeping the product id', async () => {
    const { shop, ctl, shopId } = await newShop(sandbox, 'voso');
    const content = teaProduct('B');
    const { externalId } = await adapter.publish(shop, content);
    content.ocopStars = null;
    content.variants[2].priceVnd = 560_000;
    expect((await adapter.update(shop, externalId, content)).externalId).toBe(externalId);
    const held = await heldListing(ctl, shopId, externalId);
    expect(held.name).toBe('Chè tôm nõn Hảo Đạt');
    expect(byStatus(held.variants)['B-500G'].price).toBe(560_000);
    expect((await ctl.stats())['PUT /v2/products/:productId']).toBe(1);
  });

  it('pushes stock for 250 SKUs in three bulk calls (100 a call)', async () => {
    const { shop, ctl, shopId } = await newShop(sandbox, 'voso', unthrottled);
    const products = await Promise.all(
      Array.from({ length: 25 }, async (_, i) => {
        const content = honeyProduct(`H${i}`, 10);
        return { content, published: await adapter.publish(shop, content) };
      }),
    );
    await ctl.clearStats();
    const items = products.flatMap(({ content, published }, p) =>
      content.variants.map((variant, v) => ({
        externalId: published.externalId,
        skuCode: variant.skuCode,
        variantId: published.variantIds[variant.skuCode],
        quantity: p * 10 + v,
        idempotencyKey: `${variant.skuCode}:1`,
      })),
    );
    const results = await adapter.pushStock(shop, items);
    expect(results.every((result) => result.ok)).toBe(true);
    expect((await ctl.stats())['POST /v2/inventory/bulk']).toBe(3);
    const held = (await ctl.listings(shopId)) as any[];
    const quantities = Object.fromEntries(
      held.flatMap((l) => l.variants.map((v: any) => [v.sku, v.quantity])),
    );
    for (const item of items) expect(quantities[item.skuCode]).toBe(item.quantity);
  });

  it('reads partial success: an unknown SKU and a delisted product fail alone with the reason', async () => {
    const { shop, ctl, shopId } = await newShop(sandbox, 'voso');
    const live = await adapter.publish(shop, teaProduct('C'));
    const gone = await adapter.publish(shop, teaProduct('D'));
    await adapter.delist(shop, gone.externalId);
    const results = await adapter.pushStock(shop, [
      {
        externalId: live.externalId,
        skuCode: 'C-200G',
        variantId: 'C-200G',
        quantity: 9,
        idempotencyKey: 'k1',
      },
      { externalId: live.externalId, skuCode: 'Z-1', variantId: 'Z-1', quantity: 9, idempotencyKey: 'k2' },
      {
        externalId: gone.externalId,
        skuCode: 'D-100G',
        variantId: 'D-100G',
        quantity: 9,
        idempotencyKey: 'k3',
      },
    ]);
    expect(results.map((result) => result.ok)).toEqual([true, false, false]);
    expect(results[1].error).toMatchObject({ kind: 'permanent', message: 'SKU_NOT_FOUND' });
    expect(results[2].error).toMatchObject({ kind: 'permanent', message: 'PRODUCT_DELISTED' });
    expect(byStatus((await heldListing(ctl, shopId, live.externalId)).variants)['C-200G'].quantity).toBe(9);
  });

  it('delists with DELETE; delisting again or an unknown product is harmless; a delisted product refuses updates', async () => {
    const { shop, ctl, shopId } = await newShop(sandbox, 'voso');
    const content = teaProduct('E');
    const { externalId } = await adapter.publish(shop, content);
    await adapter.delist(shop, externalId);
    expect((await heldListing(ctl, shopId, externalId)).status).toBe('delisted');
    await expect(adapter.delist(shop, externalId)).resolves.toBeUndefined();
    await expect(adapter.delist(shop, '123')).resolves.toBeUndefined();
    expect(await rejection(adapter.update(shop, externalId, content))).toMatchObject({
      kind: 'permanent',
      message: `PRODUCT_ID ${externalId} is delisted`,
    });
  });

  it('wrong USERNAME or PASSWORD (a 200 with status 401 at login) is an auth error', async () => {
    const { shop } = await newShop(sandbox, 'voso');
    const wrong = { ...shop, credentials: { ...shop.credentials, PASSWORD: 'nope' } };
    const refused = await rejection(adapter.verifyCredentials(wrong));
    expect(refused).toBeInstanceOf(MarketplaceError);
    expect(refused).toMatchObject({ kind: 'auth', options: { status: 401, marketplace: 'voso' } });
    expect((await rejection(adapter.publish(wrong, teaProduct('F')))).kind).toBe('auth');
    await expect(adapter.verifyCredentials(shop)).resolves.toEqual({ shopId: null });
  });

  it('a stale token answered inside an HTTP 200 logs in again and repeats the call once', async () => {
    const { shop, ctl, shopId } = await newShop(sandbox, 'voso');
    const content = teaProduct('G');
    const { externalId } = await adapter.publish(shop, content);
    await ctl.advance(24 * 3600 + 1);
    content.variants[0].priceVnd = 130_000;
    await adapter.update(shop, externalId, content);
    const stats = await ctl.stats();
    expect(stats['POST /v2/user/Login']).toBe(2);
    // the refused PUT and its repeat
    expect(stats['PUT /v2/products/:productId']).toBe(2);
    expect(byStatus((await heldListing(ctl, shopId, externalId)).variants)['G-100G'].price).toBe(130_000);
  });

  it('a token refused right after a fresh login is retryable, not an auth failure', async () => {
    const { shop, ctl, shopId } = await newShop(sandbox, 'voso');
    const { externalId } = await adapter.publish(shop, teaProduct('H'));
    await ctl.faults(shopId, { tokenTtlSeconds: 1 });
    await ctl.advance(24 * 3600 + 1);
    // every new token lives 1 s on the sandbox clock: advance it between login and call
    const slow = new VosoAdapter(CATEGORY_CODES, {
      gate: {
        beforeCall: async () => {
          await ctl.advance(2);
        },
      },
    });
    const refused = await rejection(slow.delist(shop, externalId));
    expect(refused).toMatchObject({ kind: 'retryable', options: { code: 'token_refused', status: 401 } });
  });

  it('the HTML maintenance page and random 5xx are retryable, the page with its Retry-After', async () => {
    const { shop, ctl, shopId } = await newShop(sandbox, 'voso');
    const content = teaProduct('I');
    const { externalId } = await adapter.publish(shop, content);
    await ctl.faults(shopId, { maintenance: true });
    expect(await rejection(adapter.update(shop, externalId, content))).toMatchObject({
      kind: 'retryable',
      options: { status: 503, retryAfterMs: 60_000 },
    });
    const [result] = await adapter.pushStock(shop, [
      { externalId, skuCode: 'I-100G', variantId: 'I-100G', quantity: 1, idempotencyKey: 'k' },
    ]);
    expect(result).toMatchObject({ ok: false, error: { kind: 'retryable', options: { status: 503 } } });
    await ctl.faults(shopId, { maintenance: false, errorRate: 1 });
    const failed = await rejection(adapter.update(shop, externalId, content));
    expect(failed.kind).toBe('retryable');
    expect([500, 502]).toContain(failed.options.status);
  });

  it('throttling (HTTP 429) is retryable with the Retry-After it names', async () => {
    const { shop, ctl, shopId } = await newShop(sandbox, 'voso');
    const content = teaProduct('J');
    const { externalId } = await adapter.publish(shop, content);
    await ctl.faults(shopId, { rateLimitPerSecond: 1 });
    const outcomes = await Promise.allSettled([1, 2, 3].map(() => adapter.update(shop, externalId, content)));
    const refused = outcomes
      .filter((o): o is PromiseRejectedResult => o.status === 'rejected')
      .map((o) => o.reason);
    expect(refused.length).toBeGreaterThan(0);
    for (const error of refused) expect(error).toMatchObject({ kind: 'retryable', options: { status: 429 } });
    expect(refused[0].options.retryAfterMs).toBeGreaterThan(0);
  });

  it('an empty name, no SKU, or a SKU another product holds is permanent with the marketplace message', async () => {
    const { shop } = await newShop(sandbox, 'voso');
    const empty = await rejection(adapter.publish(shop, teaProduct('K', { name: '', ocopStars: 3 })));
    expect(empty.kind).toBe('permanent');
    expect(empty.message).toMatch(/^PRODUCT_NAME: /);
    expect((await rejection(adapter.publish(shop, teaProduct('L', { variants: [] })))).kind).toBe(
      'permanent',
    );
    const { externalId } = await adapter.publish(shop, teaProduct('M'));
    expect(await rejection(adapter.publish(shop, teaProduct('M')))).toMatchObject({
      kind: 'permanent',
      message: `SKU M-100G already belongs to product ${externalId}`,
    });
    expect((await rejection(adapter.update(shop, '987654', teaProduct('N')))).options.status).toBe(404);
  });

  it('asks the call gate before every request, logins included', async () => {
    const { shop, ctl } = await newShop(sandbox, 'voso');
    const gate = countingGate();
    const gated = new VosoAdapter(CATEGORY_CODES, { gate });
    const { externalId } = await gated.publish(shop, teaProduct('O'));
    await gated.delist(shop, externalId);
    const total = Object.values(await ctl.stats()).reduce((sum, n) => sum + n, 0);
    expect(gate.calls).toBe(total);
    expect(gate.calls).toBe(3);
  });
});
