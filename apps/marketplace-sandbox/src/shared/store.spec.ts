import { VirtualClock } from './clock';
import { ConnectorStatus, Listing } from './model';
import { MarketStore, StoreError, StyleRules } from './store';

const rules: StyleRules = {
  name: 'postmart',
  newShopId: () => 'shop',
  newCredentials: () => ({ key: 'k' }),
  credentialKey: (credentials) => credentials.key,
  newOrderId: (() => {
    let n = 0;
    return () => `o${++n}`;
  })(),
  codeFor: (status) => status,
  statusOf: (code) => code as ConnectorStatus,
  codes: ['pending', 'confirmed', 'shipped', 'delivered', 'cancelled', 'returned'],
};

function setup() {
  const store = new MarketStore(rules, new VirtualClock());
  const events: string[] = [];
  store.onOrderEvent((_shop, order, kind) => events.push(`${kind}:${order.orderId}:${String(order.status)}`));
  const shop = store.createShop({});
  const listing: Listing = {
    productId: 'p1',
    shopId: shop.shopId,
    name: 'n',
    description: '',
    categoryId: 'c',
    images: [],
    status: 'active',
    available: true,
    variants: [{ sku: 'A', variantId: 'va', price: 1000, quantity: 5, weightGrams: 1 }],
    createdAt: 0,
    updatedAt: 0,
  };
  store.indexListing(shop, listing);
  return { store, shop, listing, events };
}

describe('MarketStore', () => {
  it('refuses orders above the held stock and decrements it otherwise', () => {
    const { store, shop, listing, events } = setup();
    expect(() => store.placeOrder(shop, [{ sku: 'A', quantity: 6 }])).toThrow(StoreError);
    const order = store.placeOrder(shop, [{ sku: 'A', quantity: 2 }]);
    expect(order.lines).toEqual([{ sku: 'A', variantId: 'va', productId: 'p1', quantity: 2, price: 1000 }]);
    expect(order.total).toBe(2000);
    expect(listing.variants[0].quantity).toBe(3);
    expect(events).toEqual([`created:${order.orderId}:pending`]);
    listing.status = 'delisted';
    expect(() => store.placeOrder(shop, [{ sku: 'A', quantity: 1 }])).toThrow(/not for sale/);
  });

  it('moves forward only, gives stock back on cancel, and keeps the update index in step', () => {
    const { store, shop, listing } = setup();
    const order = store.placeOrder(shop, [{ sku: 'A', quantity: 2 }], 1000);
    expect(store.canMove(order, 'confirmed')).toBe(true);
    store.setStatus(shop, order, 'confirmed', { at: 5000 });
    expect(store.canMove(order, 'pending' as ConnectorStatus)).toBe(false);
    expect(shop.ordersByUpdate.firstAtOrAfterTime(5000)).toBe(0);
    store.setStatus(shop, order, 'cancelled');
    expect(listing.variants[0].quantity).toBe(5);
    expect(store.canMove(order, 'delivered')).toBe(false);
  });

  it('places many orders at once, each accepted or refused alone', () => {
    const { store, shop } = setup();
    const results = store.placeOrders(shop, [
      { lines: [{ sku: 'A', quantity: 4 }], placedAt: 2000 },
      { lines: [{ sku: 'A', quantity: 4 }] },
      { lines: [{ sku: 'A', quantity: 1 }], placedAt: 1000 },
    ]);
    expect(results.map((result) => result instanceof StoreError)).toEqual([false, true, false]);
    expect(shop.ordersByUpdate.length).toBe(2);
    expect(shop.ordersByUpdate.at(0)?.placedAt).toBe(1000);
  });
});
