import { MarketplaceError, SendoAdapter } from '@ocop/marketplaces';
import { Sandbox } from '../../../apps/marketplace-sandbox/src/sandbox';
import {
  byStatus,
  CATEGORY_CODES,
  control,
  http,
  countingGate,
  heldListing,
  honeyProduct,
  newShop,
  rejection,
  startTestSandbox,
  teaProduct,
} from './support';

/** The Sendo-style adapter against the sandbox over real HTTP (MARKETPLACES.md, "Sendo-style"). */
describe('SendoAdapter against the sandbox', () => {
  let sandbox: Sandbox;
  const adapter = new SendoAdapter(CATEGORY_CODES);

  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(() => sandbox.close());
  beforeEach(() => control(sandbox.urls.sendo).reset());

  it('publishes a 3-SKU product with the OCOP badge, lowest price, category, weight and stock per variant', async () => {
    const { shop, ctl, shopId } = await newShop(sandbox, 'sendo');
    const content = teaProduct('A');
    const published = await adapter.publish(shop, content);
    expect(published.externalId).toMatch(/^\d+$/);
    expect(published.variantIds).toEqual({ 'A-100G': 'A-100G', 'A-200G': 'A-200G', 'A-500G': 'A-500G' });
    const held = await heldListing(ctl, shopId, published.externalId);
    expect(held).toMatchObject({
      name: 'Chè tôm nõn Hảo Đạt · OCOP 5★',
      status: 'active',
      available: true,
      categoryId: '2318',
      description: 'Chè đặc sản Tân Cương, Thái Nguyên',
    });
    // Sendo holds one weight per product: the heaviest SKU's.
    expect(byStatus(held.variants)).toEqual({
      'A-100G': { sku: 'A-100G', variantId: 'A-100G', price: 120_000, quantity: 10, weightGrams: 500 },
      'A-200G': { sku: 'A-200G', variantId: 'A-200G', price: 230_000, quantity: 0, weightGrams: 500 },
      'A-500G': { sku: 'A-500G', variantId: 'A-500G', price: 550_000, quantity: 7, weightGrams: 500 },
    });
  });

  it('updates price and drops the badge when the certificate stops being active, keeping the product id', async () => {
    const { shop, ctl, shopId } = await newShop(sandbox, 'sendo');
    const content = teaProduct('B');
    const { externalId } = await adapter.publish(shop, content);
    content.ocopStars = null;
    content.variants[0].priceVnd = 125_000;
    const updated = await adapter.update(shop, externalId, content);
    expect(updated.externalId).toBe(externalId);
    const held = await heldListing(ctl, shopId, externalId);
    expect(held.name).toBe('Chè tôm nõn Hảo Đạt');
    expect(byStatus(held.variants)['B-100G'].price).toBe(125_000);
    expect(await ctl.listings(shopId)).toHaveLength(1);
  });

  it('pushes stock for 120 SKUs of 60 products in two field-mask calls (50 products a call), plus one for the product that sold out', async () => {
    const { shop, ctl, shopId } = await newShop(sandbox, 'sendo');
    const products = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const content = honeyProduct(`H${i}`, 2);
        return { content, published: await adapter.publish(shop, content) };
      }),
    );
    await ctl.clearStats();
    const items = products.flatMap(({ content, published }, p) =>
      content.variants.map((variant, v) => ({
        externalId: published.externalId,
        skuCode: variant.skuCode,
        variantId: published.variantIds[variant.skuCode],
        // product 0 goes to zero everywhere: it must turn unavailable, not be refused
        quantity: p === 0 ? 0 : 100 + p * 2 + v,
        idempotencyKey: `${variant.skuCode}:1`,
      })),
    );
    const results = await adapter.pushStock(shop, items);
    expect(results.every((result) => result.ok)).toBe(true);
    expect(results.map((result) => result.skuCode)).toEqual(items.map((item) => item.skuCode));
    // 2 calls for 60 products, and 1 more marking the sold-out product 0 unavailable
    expect((await ctl.stats())['POST /api/partner/product/update-by-field-mask']).toBe(3);
    const held = (await ctl.listings(shopId)) as any[];
    const quantities = Object.fromEntries(
      held.flatMap((l) => l.variants.map((v: any) => [v.sku, v.quantity])),
    );
    for (const item of items) expect(quantities[item.skuCode]).toBe(item.quantity);
    expect(held.find((l) => l.productId === products[0].published.externalId).available).toBe(false);
    expect(held.find((l) => l.productId === products[1].published.externalId).available).toBe(true);
  });

  it('a SKU at 0 keeps the product available while another SKU has stock; the last SKU at 0 takes it off sale', async () => {
    const { shop, ctl, shopId } = await newShop(sandbox, 'sendo');
    const { externalId } = await adapter.publish(shop, teaProduct('Q'));
    const stock = (skuCode: string, quantity: number) => ({
      externalId,
      skuCode,
      variantId: skuCode,
      quantity,
      idempotencyKey: `${skuCode}:${quantity}`,
    });
    await ctl.clearStats();
    expect((await adapter.pushStock(shop, [stock('Q-500G', 0)]))[0].ok).toBe(true);
    expect(await heldListing(ctl, shopId, externalId)).toMatchObject({ available: true });
    expect((await ctl.stats())['POST /api/partner/product/update-by-field-mask']).toBe(1);
    // Q-100G was the last SKU with stock (Q-200G was published at 0)
    expect((await adapter.pushStock(shop, [stock('Q-100G', 0)]))[0].ok).toBe(true);
    const held = await heldListing(ctl, shopId, externalId);
    expect(held.available).toBe(false);
    expect(held.variants.map((v: any) => v.quantity)).toEqual([0, 0, 0]);
    expect((await ctl.stats())['POST /api/partner/product/update-by-field-mask']).toBe(3);
    // restocking one SKU makes it available again
    expect((await adapter.pushStock(shop, [stock('Q-200G', 4)]))[0].ok).toBe(true);
    expect(await heldListing(ctl, shopId, externalId)).toMatchObject({ available: true });
  });

  it('fails stock items alone: an unknown product or variant is permanent, the rest apply', async () => {
    const { shop, ctl, shopId } = await newShop(sandbox, 'sendo');
    const content = teaProduct('C');
    const { externalId } = await adapter.publish(shop, content);
    const results = await adapter.pushStock(shop, [
      { externalId, skuCode: 'C-100G', variantId: 'C-100G', quantity: 3, idempotencyKey: 'k1' },
      { externalId: '99999999', skuCode: 'X-1', variantId: 'X-1', quantity: 3, idempotencyKey: 'k2' },
      { externalId: 'not-a-number', skuCode: 'X-2', variantId: 'X-2', quantity: 3, idempotencyKey: 'k3' },
    ]);
    expect(results[0]).toEqual({ skuCode: 'C-100G', externalId, ok: true });
    expect(results[1]).toMatchObject({
      ok: false,
      error: { kind: 'permanent', message: 'product 99999999 not found' },
    });
    expect(results[2]).toMatchObject({ ok: false, error: { kind: 'permanent' } });
    expect(byStatus((await heldListing(ctl, shopId, externalId)).variants)['C-100G'].quantity).toBe(3);
  });

  it('delists with product status 5; delisting again is harmless; a deleted product refuses updates', async () => {
    const { shop, ctl, shopId } = await newShop(sandbox, 'sendo');
    const content = teaProduct('D');
    const { externalId } = await adapter.publish(shop, content);
    await adapter.delist(shop, externalId);
    expect(await heldListing(ctl, shopId, externalId)).toMatchObject({
      status: 'delisted',
      available: false,
    });
    await expect(adapter.delist(shop, externalId)).resolves.toBeUndefined();
    await expect(adapter.delist(shop, '99999999')).resolves.toBeUndefined();
    const refused = await rejection(adapter.update(shop, externalId, content));
    expect(refused).toMatchObject({
      kind: 'permanent',
      message: `product ${externalId} is in status 5 and cannot be updated`,
    });
  });

  it('a product awaiting Sendo approval is retried later; a cancelled one is permanent', async () => {
    const { shop, ctl, shopId } = await newShop(sandbox, 'sendo');
    const content = teaProduct('R');
    const { externalId } = await adapter.publish(shop, content);
    const review = (productStatus: number) =>
      http('POST', `${sandbox.urls.sendo}/_sandbox/shops/${shopId}/listings/${externalId}/product-status`, {
        body: { productStatus },
      });
    expect((await review(1)).status).toBe(200);
    expect(await rejection(adapter.update(shop, externalId, content))).toMatchObject({
      kind: 'retryable',
      options: { code: 'awaiting_approval' },
    });
    const [stock] = await adapter.pushStock(shop, [
      { externalId, skuCode: 'R-100G', variantId: 'R-100G', quantity: 1, idempotencyKey: 'k' },
    ]);
    expect(stock).toMatchObject({
      ok: false,
      error: { kind: 'retryable', options: { code: 'awaiting_approval' } },
    });
    expect((await review(4)).status).toBe(200);
    expect((await rejection(adapter.update(shop, externalId, content))).kind).toBe('permanent');
    expect(await ctl.listings(shopId)).toHaveLength(1);
  });

  it('a token refused right after a fresh login is retryable, not an auth failure', async () => {
    const { shop, ctl, shopId } = await newShop(sandbox, 'sendo');
    const { externalId } = await adapter.publish(shop, teaProduct('S'));
    await ctl.faults(shopId, { tokenTtlSeconds: 1 });
    await ctl.advance(8 * 3600 + 1);
    // every new token lives 1 s on the sandbox clock: advance it between login and call
    const slow = new SendoAdapter(CATEGORY_CODES, {
      gate: {
        beforeCall: async () => {
          await ctl.advance(2);
        },
      },
    });
    const refused = await rejection(slow.delist(shop, externalId));
    expect(refused).toMatchObject({ kind: 'retryable', options: { code: 'token_refused', status: 401 } });
  });

  it('wrong keys are an auth error, at verification and on any call', async () => {
    const { shop } = await newShop(sandbox, 'sendo');
    const wrong = { ...shop, credentials: { ...shop.credentials, secret_key: 'nope' } };
    const refused = await rejection(adapter.verifyCredentials(wrong));
    expect(refused).toBeInstanceOf(MarketplaceError);
    expect(refused).toMatchObject({ kind: 'auth', options: { status: 401, marketplace: 'sendo' } });
    expect((await rejection(adapter.publish(wrong, teaProduct('E')))).kind).toBe('auth');
    // the token names the shop it was issued to
    await expect(adapter.verifyCredentials(shop)).resolves.toEqual({ shopId: shop.shopId });
  });

  it('logs in again transparently once the 8-hour token expires, and once only for concurrent calls', async () => {
    const { shop, ctl, shopId } = await newShop(sandbox, 'sendo');
    const content = teaProduct('F');
    const { externalId } = await adapter.publish(shop, content);
    expect((await ctl.stats())['POST /login']).toBe(1);
    await ctl.advance(8 * 3600 + 1);
    content.variants[1].priceVnd = 240_000;
    await Promise.all([
      adapter.update(shop, externalId, content),
      adapter.pushStock(shop, [
        { externalId, skuCode: 'F-500G', variantId: 'F-500G', quantity: 4, idempotencyKey: 'k' },
      ]),
    ]);
    const stats = await ctl.stats();
    expect(stats['POST /login']).toBe(2);
    const held = byStatus((await heldListing(ctl, shopId, externalId)).variants);
    expect(held['F-200G'].price).toBe(240_000);
    expect(held['F-500G'].quantity).toBe(4);
  });

  it('a login burst over 5 a second is retryable with the Retry-After it names', async () => {
    const { shop } = await newShop(sandbox, 'sendo');
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, () => adapter.verifyCredentials(shop)),
    );
    const refused = outcomes
      .filter((o): o is PromiseRejectedResult => o.status === 'rejected')
      .map((o) => o.reason);
    expect(refused.length).toBeGreaterThan(0);
    for (const error of refused)
      expect(error).toMatchObject({ kind: 'retryable', options: { status: 429, retryAfterMs: 1000 } });
  });

  it('5xx answers are retryable, for a write and for a stock push', async () => {
    const { shop, ctl, shopId } = await newShop(sandbox, 'sendo');
    const content = teaProduct('G');
    const { externalId } = await adapter.publish(shop, content);
    await ctl.faults(shopId, { errorRate: 1 });
    const refused = await rejection(adapter.update(shop, externalId, content));
    expect(refused.kind).toBe('retryable');
    expect([500, 502]).toContain(refused.options.status);
    const [result] = await adapter.pushStock(shop, [
      { externalId, skuCode: 'G-100G', variantId: 'G-100G', quantity: 1, idempotencyKey: 'k' },
    ]);
    expect(result).toMatchObject({ ok: false, error: { kind: 'retryable' } });
  });

  it('a name the marketplace refuses, or a SKU another product holds, is permanent with its message', async () => {
    const { shop } = await newShop(sandbox, 'sendo');
    const empty = await rejection(adapter.publish(shop, teaProduct('H', { name: '   ', ocopStars: 4 })));
    expect(empty.kind).toBe('permanent');
    expect(empty.message).toMatch(/^name: /);
    const { externalId } = await adapter.publish(shop, teaProduct('I'));
    const clash = await rejection(adapter.publish(shop, teaProduct('I')));
    expect(clash).toMatchObject({
      kind: 'permanent',
      message: `SKU I-100G already belongs to product ${externalId}`,
    });
    const unknownCategory = await rejection(adapter.publish(shop, teaProduct('J', { category: 'wine' })));
    expect(unknownCategory).toMatchObject({ kind: 'permanent', options: { code: 'unknown_category' } });
    const negative = teaProduct('K');
    negative.variants[0].priceVnd = -1;
    expect((await rejection(adapter.publish(shop, negative))).kind).toBe('permanent');
  });

  it('asks the call gate before every request, logins included', async () => {
    const { shop, ctl } = await newShop(sandbox, 'sendo');
    const gate = countingGate();
    const gated = new SendoAdapter(CATEGORY_CODES, { gate });
    const { externalId } = await gated.publish(shop, teaProduct('L'));
    await gated.delist(shop, externalId);
    const stats = await ctl.stats();
    const total = Object.values(stats).reduce((sum, n) => sum + n, 0);
    expect(gate.calls).toBe(total);
    expect(gate.calls).toBe(3);
  });
});
