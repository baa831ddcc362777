import {
  allowedActions,
  filtersOf,
  lineName,
  lowAfterPicking,
  type Order,
  pickRows,
  streamsOf,
  urlOf,
} from '../../apps/web/src/pages/orders-rules';

/** The orders pages' decisions (apps/web/src/pages/orders-rules.ts), without a browser. */
const line = (over: Partial<Order['lines'][number]> = {}): Order['lines'][number] => ({
  skuId: 'sku-1',
  skuCode: 'TN-1',
  productName: 'Chè móc câu Tân Cương',
  skuName: 'Hộp 200g',
  quantity: 2,
  unitPriceVnd: 180_000,
  reservedQuantity: 2,
  fulfilledQuantity: 0,
  unknownSku: false,
  ...over,
});
const order = (over: Partial<Order> = {}): Order => ({
  id: 'o-1',
  cooperativeId: 'c-1',
  connectionId: 'k-1',
  marketplace: 'sendo',
  externalOrderId: '100',
  status: 'pending',
  marketplaceStatus: '2',
  placedAt: '2026-11-30T01:00:00.000Z',
  marketplaceUpdatedAt: '2026-11-30T01:00:00.000Z',
  totalVnd: 360_000,
  lines: [line()],
  stockStatus: 'reserved',
  flags: [],
  requestedAction: null,
  actionError: null,
  createdAt: '2026-11-30T01:00:00.000Z',
  updatedAt: '2026-11-30T01:00:00.000Z',
  ...over,
});

describe('the orders page', () => {
  it('opens on the orders waiting for confirmation, and a URL keeps every other filter', () => {
    expect(filtersOf(new URLSearchParams(''))).toEqual({
      status: 'pending',
      marketplace: '',
      from: '',
      to: '',
      oversold: false,
    });
    const all = filtersOf(
      new URLSearchParams('status=all&marketplace=voso&from=2026-11-01&to=2026-11-30&oversold=1'),
    );
    expect(all).toEqual({
      status: 'all',
      marketplace: 'voso',
      from: '2026-11-01',
      to: '2026-11-30',
      oversold: true,
    });
    expect(urlOf(all)).toMatchObject({ status: 'all', marketplace: 'voso', oversold: 1 });
    // the morning view is the bare #/orders
    expect(urlOf(filtersOf(new URLSearchParams(''))).status).toBeUndefined();
    // a made-up status or day falls back instead of being sent to be refused
    expect(filtersOf(new URLSearchParams('status=lost&from=yesterday'))).toMatchObject({
      status: 'pending',
      from: '',
    });
  });

  it('reads waiting and confirmed orders oversold first, in streams that together cover every stock state', () => {
    const covering = streamsOf(filtersOf(new URLSearchParams('')));
    expect(covering[0]).toEqual({ stockStatus: 'oversold' });
    expect(covering.map((s) => s.stockStatus).sort()).toEqual([
      'fulfilled',
      'oversold',
      'released',
      'reserved',
    ]);
    expect(streamsOf(filtersOf(new URLSearchParams('status=confirmed')))).toHaveLength(4);
    // one stream where the filter already narrows stock, or where orders no longer hold any
    expect(streamsOf(filtersOf(new URLSearchParams('oversold=1')))).toEqual([{}]);
    expect(streamsOf(filtersOf(new URLSearchParams('status=all')))).toEqual([{}]);
    expect(streamsOf(filtersOf(new URLSearchParams('status=delivered')))).toEqual([{}]);
  });

  it('offers confirm and cancel only where the API takes them, and nothing while one is being pushed', () => {
    expect(allowedActions(order({ status: 'pending' }))).toEqual(['confirm', 'cancel']);
    expect(allowedActions(order({ status: 'confirmed' }))).toEqual(['cancel']);
    for (const status of ['shipped', 'delivered', 'cancelled', 'returned'] as const) {
      expect(allowedActions(order({ status }))).toEqual([]);
    }
    expect(allowedActions(order({ status: 'pending', requestedAction: 'confirm' }))).toEqual([]);
  });

  it('names a line by product and pack, else by its code', () => {
    expect(lineName(line())).toBe('Chè móc câu Tân Cương · Hộp 200g');
    expect(lineName(line({ skuName: null }))).toBe('Chè móc câu Tân Cương');
    expect(lineName(line({ productName: null, skuName: null, skuId: null }))).toBe('TN-1');
    expect(lineName(line({ productName: null, skuCode: null, skuId: null }))).toContain('unknown SKU');
  });
});

describe('the picking list', () => {
  const orders = [
    order({
      id: 'a',
      lines: [
        line({ quantity: 2 }),
        line({ skuId: 'sku-2', skuCode: 'TN-2', skuName: 'Gói 100g', quantity: 1 }),
      ],
    }),
    // shipped already: its 3 units are off on-hand
    order({ id: 'b', status: 'shipped', lines: [line({ quantity: 3, fulfilledQuantity: 3 })] }),
    // two lines of one SKU in one order: one order
    order({ id: 'c', lines: [line({ quantity: 1 }), line({ quantity: 1 })] }),
    order({
      id: 'd',
      lines: [line({ skuId: null, skuCode: 'LẠ-1', productName: null, skuName: null, quantity: 4 })],
    }),
  ];

  it('adds up each SKU over the orders, an unknown code on its own row, named products first by name and code', () => {
    const rows = pickRows(orders);
    // one product, by code; the line the catalogue does not know last
    expect(rows.map((r) => [r.skuCode, r.quantity, r.orders])).toEqual([
      ['TN-1', 7, 3],
      ['TN-2', 1, 1],
      ['LẠ-1', 4, 1],
    ]);
    expect(rows.find((r) => r.skuCode === 'TN-1')?.toLeave).toBe(4);
  });

  it('flags a SKU the orders leave at or below its safety stock, not counting units already shipped', () => {
    const rows = pickRows(orders);
    const stock: Record<string, { onHand: number; safetyStock: number }> = {
      // 4 still to leave: 6 − 4 = 2, at the safety stock
      'sku-1': { onHand: 6, safetyStock: 2 },
      // 1 to leave: 5 − 1 = 4, above it
      'sku-2': { onHand: 5, safetyStock: 3 },
    };
    const low = lowAfterPicking(rows, (id) => stock[id]);
    expect(low.map((l) => [l.row.skuCode, l.left])).toEqual([['TN-1', 2]]);
    expect(
      lowAfterPicking(rows, (id) => (id === 'sku-1' ? { onHand: 7, safetyStock: 2 } : undefined)),
    ).toEqual([]);
  });
});
