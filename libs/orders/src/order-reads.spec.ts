import type { MarketplaceAdapters } from '@ocop/channels';
import type { MarketplaceOrder, OrderHint, ShopAccess } from '@ocop/marketplaces';
import { OrderReads } from './order-reads';

const shop = (connectionId: string): ShopAccess => ({
  connectionId,
  marketplace: 'voso',
  shopId: `shop-${connectionId}`,
  baseUrl: 'http://voso.invalid',
  credentials: {},
});
const order = (id: string): MarketplaceOrder => ({
  externalOrderId: id,
  status: 'pending',
  marketplaceStatus: 'CHO_DUYET',
  placedAt: new Date(0),
  updatedAt: new Date(0),
  totalVnd: 180_000,
  lines: [],
});
const hint = (id: string): OrderHint => ({ externalOrderId: id, updatedAt: new Date(0) });

/** An adapter whose readOrders records each call and answers the orders `known` holds. */
function recordingAdapters(known: string[], failWith?: Error) {
  const calls: { connectionId: string; ids: string[] }[] = [];
  const adapters = {
    voso: {
      readOrders: async (s: ShopAccess, hints: OrderHint[]) => {
        calls.push({ connectionId: s.connectionId, ids: hints.map((h) => h.externalOrderId) });
        if (failWith) throw failWith;
        return new Map(
          hints
            .filter((h) => known.includes(h.externalOrderId))
            .map((h) => [h.externalOrderId, order(h.externalOrderId)]),
        );
      },
    },
  } as unknown as MarketplaceAdapters;
  return { adapters, calls };
}

describe('OrderReads', () => {
  it('makes the reads of one connection that arrive together one call, and answers each its own order', async () => {
    const { adapters, calls } = recordingAdapters(['a', 'b']);
    const reads = new OrderReads(adapters);
    const [a, b, ghost, other] = await Promise.all([
      reads.read(shop('c1'), hint('a')),
      reads.read(shop('c1'), hint('b')),
      reads.read(shop('c1'), hint('ghost')),
      reads.read(shop('c2'), hint('a')),
    ]);
    expect(a?.externalOrderId).toBe('a');
    expect(b?.externalOrderId).toBe('b');
    expect(ghost).toBeUndefined();
    expect(other?.externalOrderId).toBe('a');
    expect(calls).toEqual([
      { connectionId: 'c1', ids: ['a', 'b', 'ghost'] },
      { connectionId: 'c2', ids: ['a'] },
    ]);
  });

  it('starts a new batch for reads after the last one was sent', async () => {
    const { adapters, calls } = recordingAdapters(['a', 'b']);
    const reads = new OrderReads(adapters);
    await reads.read(shop('c1'), hint('a'));
    await reads.read(shop('c1'), hint('b'));
    expect(calls.map((c) => c.ids)).toEqual([['a'], ['b']]);
  });

  it('fails every read of a batch whose call failed', async () => {
    const { adapters } = recordingAdapters([], new Error('voso: 503'));
    const reads = new OrderReads(adapters);
    const results = await Promise.allSettled([
      reads.read(shop('c1'), hint('a')),
      reads.read(shop('c1'), hint('b')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
