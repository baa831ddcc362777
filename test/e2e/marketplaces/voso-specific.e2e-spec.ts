import { type OrderChange, VosoAdapter } from '@ocop/marketplaces';
import { Sandbox } from '../../../apps/marketplace-sandbox/src/sandbox';
import {
  CATEGORY_CODES,
  collect,
  control,
  newShop,
  placeOrders,
  rejection,
  startTestSandbox,
  stockedProduct,
  teaProduct,
} from './support';

/**
 * What only the Voso style has (MARKETPLACES.md, "Voso-style"); everything the port promises is
 * checked for Voso in adapter-contract.e2e-spec.ts.
 */
describe('VosoAdapter: what only Voso does', () => {
  let sandbox: Sandbox;
  const adapter = new VosoAdapter(CATEGORY_CODES);

  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(() => sandbox.close());
  beforeEach(() => control(sandbox.urls.voso).reset());

  async function shopWithProduct(tag: string) {
    const opened = await newShop(sandbox, 'voso', { rateLimitPerSecond: 0 });
    await adapter.publish(opened.shop, stockedProduct(tag));
    return opened;
  }

  it('the HTML maintenance page is retryable with its Retry-After, for a write and a stock push', async () => {
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
  });

  it('finds 250 orders although rows shift between pages while it reads', async () => {
    const { shop, ctl, shopId } = await shopWithProduct('V');
    const now = await ctl.now();
    const ids = await placeOrders(
      ctl,
      shopId,
      Array.from({ length: 250 }, (_, i) => ({
        lines: [{ sku: i % 2 ? 'V-250' : 'V-500', quantity: 1 }],
        placedAt: new Date(now - 300_000 + i * 1000).toISOString(),
      })),
    );
    const pages = adapter.ordersChangedSince(shop, new Date(now - 600_000))[Symbol.asyncIterator]();
    const first = await pages.next();
    expect(first.value).toHaveLength(100);
    // the oldest order changes: it moves to the end and every row after it shifts back a place,
    // so the 101st order now sits on the page already read
    expect((await ctl.moveOrder(shopId, ids[0], { status: 'confirmed' })).status).toBe(200);
    const changes = [...(first.value as OrderChange[])];
    for (let page = await pages.next(); !page.done; page = await pages.next()) changes.push(...page.value);

    expect(new Set(changes.map((change) => change.externalOrderId))).toEqual(new Set(ids));
    const moved = changes.filter((change) => change.externalOrderId === ids[0]);
    expect(moved[0].status).toBe('pending');
    expect(moved[moved.length - 1].status).toBe('confirmed');
    for (const change of changes) {
      expect(change.order?.externalOrderId).toBe(change.externalOrderId);
      expect(change.order?.lines).toHaveLength(1);
    }
  });

  it('reads more than a page of orders stamped in the same millisecond', async () => {
    const { shop, ctl, shopId } = await shopWithProduct('M');
    const placedAt = new Date((await ctl.now()) - 60_000).toISOString();
    const ids = await placeOrders(
      ctl,
      shopId,
      Array.from({ length: 230 }, () => ({ lines: [{ sku: 'M-250', quantity: 1 }], placedAt })),
    );
    const changes = await collect(adapter.ordersChangedSince(shop, new Date(placedAt)));
    expect(new Set(changes.map((change) => change.externalOrderId))).toEqual(new Set(ids));
  });

  it('fetches a recent order from the newest page first', async () => {
    const { shop, ctl, shopId } = await shopWithProduct('N');
    const now = await ctl.now();
    const ids = await placeOrders(
      ctl,
      shopId,
      Array.from({ length: 250 }, (_, i) => ({
        lines: [{ sku: 'N-500', quantity: 2 }],
        placedAt: new Date(now - 300_000 + i * 1000).toISOString(),
      })),
    );
    await ctl.clearStats();
    expect((await adapter.fetchOrder(shop, ids[249])).externalOrderId).toBe(ids[249]);
    // page 1 answers the total, then the last page holds it
    expect((await ctl.stats())['GET /v2/orders']).toBe(2);
    expect((await adapter.fetchOrder(shop, ids[150])).lines).toEqual([
      { skuCode: 'N-500', variantId: null, quantity: 2, unitPriceVnd: 170_000 },
    ]);
  });
});
