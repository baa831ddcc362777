import { MarketplaceError, PostmartAdapter } from '@ocop/marketplaces';
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The Postmart-style adapter against the sandbox over real HTTP (MARKETPLACES.md, "Postmart-style"). */
describe('PostmartAdapter against the sandbox', () => {
  let sandbox: Sandbox;
  const adapter = new PostmartAdapter(CATEGORY_CODES);
  const unthrottled = { rateLimitPerSecond: 0 };

  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(() => sandbox.close());
  beforeEach(() => control(sandbox.urls.postmart).reset());

  it('publishes a 3-SKU product with signed calls: badge, category, price, weight and stock per SKU', async () => {
    const { shop, ctl, shopId } = await newShop(sandbox, 'postmart');
    const published = await adapter.publish(shop, teaProduct('A'));
    expect(published.externalId).toMatch(UUID);
    expect(Object.keys(published.variantIds).sort()).toEqual(['A-100G', 'A-200G', 'A-500G']);
    const held = await heldListing(ctl, shopId, published.externalId);
    expect(held).toMatchObject({
      name: 'Chè tôm nõn Hảo Đạt · OCOP 5★',
      status: 'active',
      categoryId: 'food-tea',
      description: 'Chè đặc sản Tân Cương, Thái Nguyên',
    });
    expect(byStatus(held.variants)).toEqual({
      'A-100G': {
        sku: 'A-100G',
        variantId: published.variantIds['A-100G'],
        price: 120_000,
        quantity: 10,
        weightGrams: 100,
      },
      'A-200G': {
        sku: 'A-200G',
        variantId: published.variantIds['A-200G'],
        price: 230_000,
        quantity: 0,
        weightGrams: 200,
      },
      'A-500G': {
        sku: 'A-500G',
        variantId: published.variantIds['A-500G'],
        price: 550_000,
        quantity: 7,
        weightGrams: 500,
      },
    });
  });

  it('updates price and drops the badge with PUT; SKU ids stay', async () => {
    const { shop, ctl, shopId } = await newShop(sandbox, 'postmart');
    const content = teaProduct('B');
    const first = await adapter.publish(shop, content);
    content.ocopStars = null;
    content.variants[1].priceVnd = 235_000;
    const updated = await adapter.update(shop, first.externalId, content);
    expect(updated).toEqual(first);
    const held = await heldListing(ctl, shopId, first.externalId);
    expect(held.name).toBe('Chè tôm nõn Hảo Đạt');
    expect(byStatus(held.variants)['B-200G'].price).toBe(235_000);
  });

  it('pushes stock one SKU per call with its Idempotency-Key, for 40 SKUs', async () => {
    const { shop, ctl, shopId } = await newShop(sandbox, 'postmart', unthrottled);
    const products = await Promise.all(
      Array.from({ length: 4 }, async (_, i) => {
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
        idempotencyKey: `${variant.skuCode}:${p * 10 + v}`,
      })),
    );
    const results = await adapter.pushStock(shop, items);
    expect(results.every((result) => result.ok)).toBe(true);
    expect(results.map((result) => result.skuCode)).toEqual(items.map((item) => item.skuCode));
    expect((await ctl.stats())['PUT /api/v1/skus/:skuId/stock']).toBe(40);
    const held = (await ctl.listings(shopId)) as any[];
    const quantities = Object.fromEntries(
      held.flatMap((l) => l.variants.map((v: any) => [v.sku, v.quantity])),
    );
    for (const item of items) expect(quantities[item.skuCode]).toBe(item.quantity);
  });

  it('a 504 after the write is retryable; the retry with the same key applies nothing twice', async () => {
    const { shop, ctl, shopId } = await newShop(sandbox, 'postmart');
    const published = await adapter.publish(shop, teaProduct('C'));
    const item = {
      externalId: published.externalId,
      skuCode: 'C-100G',
      variantId: published.variantIds['C-100G'],
      quantity: 20,
      idempotencyKey: 'listing-1:C-100G:20:v7',
    };
    await ctl.faults(shopId, { writeThen504Rate: 1 });
    const [first] = await adapter.pushStock(shop, [item]);
    expect(first).toMatchObject({ ok: false, error: { kind: 'retryable', options: { status: 504 } } });
    expect(byStatus((await heldListing(ctl, shopId, published.externalId)).variants)['C-100G'].quantity).toBe(
      20,
    );
    // a sale lowers the held stock between the ambiguous answer and the retry
    expect((await ctl.placeOrder(shopId, { lines: [{ sku: 'C-100G', quantity: 3 }] })).status).toBe(201);
    await ctl.faults(shopId, { writeThen504Rate: 0 });
    const [retry] = await adapter.pushStock(shop, [item]);
    expect(retry).toEqual({ skuCode: 'C-100G', externalId: published.externalId, ok: true });
    expect(byStatus((await heldListing(ctl, shopId, published.externalId)).variants)['C-100G'].quantity).toBe(
      17,
    );
  });

  it('fails SKUs alone: an unknown sku_id is NotFound, a delisted product refuses, the rest apply', async () => {
    const { shop, ctl, shopId } = await newShop(sandbox, 'postmart');
    const live = await adapter.publish(shop, teaProduct('D'));
    const gone = await adapter.publish(shop, teaProduct('E'));
    await adapter.delist(shop, gone.externalId);
    const results = await adapter.pushStock(shop, [
      {
        externalId: live.externalId,
        skuCode: 'D-100G',
        variantId: live.variantIds['D-100G'],
        quantity: 2,
        idempotencyKey: 'a',
      },
      {
        externalId: live.externalId,
        skuCode: 'D-X',
        variantId: '00000000-0000-4000-8000-000000000000',
        quantity: 2,
        idempotencyKey: 'b',
      },
      {
        externalId: gone.externalId,
        skuCode: 'E-100G',
        variantId: gone.variantIds['E-100G'],
        quantity: 2,
        idempotencyKey: 'c',
      },
    ]);
    expect(results.map((result) => result.ok)).toEqual([true, false, false]);
    expect(results[1].error).toMatchObject({ kind: 'permanent', options: { code: 'NotFound' } });
    expect(results[2].error).toMatchObject({
      kind: 'permanent',
      message: `product ${gone.externalId} is delisted`,
      options: { code: 'InvalidParameter' },
    });
    expect(byStatus((await heldListing(ctl, shopId, live.externalId)).variants)['D-100G'].quantity).toBe(2);
  });

  it('delists with DELETE; delisting again or an unknown product is harmless; a delisted product refuses updates', async () => {
    const { shop, ctl, shopId } = await newShop(sandbox, 'postmart');
    const content = teaProduct('F');
    const { externalId } = await adapter.publish(shop, content);
    await adapter.delist(shop, externalId);
    expect((await heldListing(ctl, shopId, externalId)).status).toBe('delisted');
    await expect(adapter.delist(shop, externalId)).resolves.toBeUndefined();
    await expect(adapter.delist(shop, '00000000-0000-4000-8000-000000000000')).resolves.toBeUndefined();
    expect(await rejection(adapter.update(shop, externalId, content))).toMatchObject({
      kind: 'permanent',
      message: `product ${externalId} is delisted`,
    });
  });

  it('a wrong app_secret or an unknown app_key is an auth error', async () => {
    const { shop } = await newShop(sandbox, 'postmart');
    await expect(adapter.verifyCredentials(shop)).resolves.toEqual({ shopId: null });
    const badSecret = { ...shop, credentials: { ...shop.credentials, app_secret: 'nope' } };
    const refused = await rejection(adapter.verifyCredentials(badSecret));
    expect(refused).toBeInstanceOf(MarketplaceError);
    expect(refused).toMatchObject({
      kind: 'auth',
      options: { code: 'IncompleteSignature', marketplace: 'postmart' },
    });
    const badKey = { ...shop, credentials: { ...shop.credentials, app_key: 'pm_unknown' } };
    expect((await rejection(adapter.publish(badKey, teaProduct('G')))).kind).toBe('auth');
  });

  it('a clock more than 5 minutes off is retryable (InvalidTimestamp), neither auth nor permanent', async () => {
    const { shop } = await newShop(sandbox, 'postmart');
    const skewed = new PostmartAdapter(CATEGORY_CODES, { now: () => Date.now() - 10 * 60_000 });
    expect(await rejection(skewed.publish(shop, teaProduct('H')))).toMatchObject({
      kind: 'retryable',
      options: { code: 'InvalidTimestamp' },
    });
  });

  it('ApiCallLimit inside an HTTP 200 is retryable with the wait it names; 5xx is retryable', async () => {
    const { shop, ctl, shopId } = await newShop(sandbox, 'postmart');
    const content = teaProduct('I');
    const { externalId } = await adapter.publish(shop, content);
    await ctl.faults(shopId, { rateLimitPerSecond: 1 });
    const outcomes = await Promise.allSettled([1, 2, 3].map(() => adapter.update(shop, externalId, content)));
    const refused = outcomes
      .filter((o): o is PromiseRejectedResult => o.status === 'rejected')
      .map((o) => o.reason);
    expect(refused.length).toBeGreaterThan(0);
    for (const error of refused) {
      expect(error).toMatchObject({ kind: 'retryable', options: { code: 'ApiCallLimit', status: 200 } });
      expect(error.options.retryAfterMs).toBeGreaterThan(0);
    }
    await ctl.faults(shopId, { rateLimitPerSecond: 0, errorRate: 1 });
    const failed = await rejection(adapter.update(shop, externalId, content));
    expect(failed.kind).toBe('retryable');
    expect([500, 502]).toContain(failed.options.status);
  });

  it('an empty name, no SKU, or a SKU another product holds is permanent with the marketplace message', async () => {
    const { shop } = await newShop(sandbox, 'postmart');
    const empty = await rejection(adapter.publish(shop, teaProduct('J', { name: ' ', ocopStars: 5 })));
    expect(empty).toMatchObject({ kind: 'permanent', options: { code: 'InvalidParameter' } });
    expect(empty.message).toMatch(/^name: /);
    expect((await rejection(adapter.publish(shop, teaProduct('K', { variants: [] })))).kind).toBe(
      'permanent',
    );
    const { externalId } = await adapter.publish(shop, teaProduct('L'));
    expect(await rejection(adapter.publish(shop, teaProduct('L')))).toMatchObject({
      kind: 'permanent',
      message: `SKU L-100G already belongs to product ${externalId}`,
    });
    expect(
      await rejection(adapter.update(shop, '00000000-0000-4000-8000-000000000000', teaProduct('M'))),
    ).toMatchObject({
      kind: 'permanent',
      options: { code: 'NotFound' },
    });
  });

  it('asks the call gate before every request; the stock calls of one push overlap', async () => {
    const { shop, ctl } = await newShop(sandbox, 'postmart', { ...unthrottled, latencyMs: 20 });
    // calls that passed the gate in the last 15 ms (each takes at least 20 ms): a lower bound of those in flight
    let inFlight = 0;
    let peak = 0;
    const gate = countingGate();
    const gated = new PostmartAdapter(CATEGORY_CODES, {
      gate: {
        beforeCall: async (access) => {
          await gate.beforeCall(access);
          inFlight++;
          peak = Math.max(peak, inFlight);
          setTimeout(() => inFlight--, 15);
        },
      },
    });
    const content = honeyProduct('P', 20);
    const published = await gated.publish(shop, content);
    const results = await gated.pushStock(
      shop,
      content.variants.map((variant) => ({
        externalId: published.externalId,
        skuCode: variant.skuCode,
        variantId: published.variantIds[variant.skuCode],
        quantity: 5,
        idempotencyKey: `${variant.skuCode}:5`,
      })),
    );
    expect(results.every((result) => result.ok)).toBe(true);
    const total = Object.values(await ctl.stats()).reduce((sum, n) => sum + n, 0);
    expect(gate.calls).toBe(total);
    expect(gate.calls).toBe(21);
    // concurrent, and never over the bound of 8 (the bound itself is unit-tested in batching.spec.ts)
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(8);
  });
});
