import { UnreadableOrder } from '../order-support';
import {
  lazadaItemsByOrder,
  lazadaItemStatus,
  lazadaOrder,
  lazadaOrderRows,
  lazadaOrderStatus,
  lazadaPushEvent,
  lazadaTimeField,
  lazadaUpdateAfter,
} from './lazada-order-mapping';

const item = (id: number, sku: string, skuId: number, status: string, price = 85_000) => ({
  order_item_id: id,
  order_id: 400000000000001,
  sku,
  sku_id: skuId,
  shop_sku: `2000000001_VNAMZ-${skuId}`,
  status,
  item_price: price,
  paid_price: price - 5000,
  currency: 'VND',
  package_id: '',
});

const row = {
  order_id: 400000000000001,
  order_number: 400000000000001,
  created_at: '2026-11-28 15:56:13 +0700',
  updated_at: '2026-11-28 16:00:00 +0700',
  price: '255000.00',
  statuses: ['pending'],
  items_count: 3,
};

describe('Lazada-style statuses', () => {
  it('maps every item status of the table', () => {
    const table: [string, string][] = [
      ['unpaid', 'pending'],
      ['pending', 'pending'],
      ['packed', 'confirmed'],
      ['repacked', 'confirmed'],
      ['ready_to_ship_pending', 'confirmed'],
      ['ready_to_ship', 'confirmed'],
      ['shipped', 'shipped'],
      ['failed_delivery', 'shipped'],
      ['shipped_back', 'shipped'],
      ['shipped_back_failed', 'shipped'],
      ['delivered', 'delivered'],
      ['canceled', 'cancelled'],
      ['lost_by_3pl', 'cancelled'],
      ['damaged_by_3pl', 'cancelled'],
      ['package_scrapped', 'cancelled'],
      ['returned', 'returned'],
      ['shipped_back_success', 'returned'],
    ];
    for (const [word, status] of table) expect(lazadaItemStatus(word)).toBe(status);
    expect(() => lazadaItemStatus('cancelled')).toThrow(UnreadableOrder);
    expect(() => lazadaItemStatus(undefined)).toThrow(UnreadableOrder);
  });

  it('takes the lowest live item for the order, the lowest item when none is live', () => {
    expect(lazadaOrderStatus(['ready_to_ship', 'pending', 'canceled'])).toEqual({
      status: 'pending',
      marketplaceStatus: 'pending',
    });
    expect(lazadaOrderStatus(['ready_to_ship', 'packed'])).toEqual({
      status: 'confirmed',
      marketplaceStatus: 'packed',
    });
    expect(lazadaOrderStatus(['canceled', 'delivered'])).toEqual({
      status: 'delivered',
      marketplaceStatus: 'delivered',
    });
    expect(lazadaOrderStatus(['returned', 'delivered'])).toEqual({
      status: 'delivered',
      marketplaceStatus: 'delivered',
    });
    expect(lazadaOrderStatus(['lost_by_3pl', 'canceled'])).toEqual({
      status: 'cancelled',
      marketplaceStatus: 'canceled',
    });
    expect(() => lazadaOrderStatus([])).toThrow(UnreadableOrder);
  });
});

describe('Lazada-style orders', () => {
  it('folds one item per unit into lines with quantities', () => {
    const entry = {
      order_id: 400000000000001,
      order_items: [
        item(1, 'TEA-100', 11, 'pending'),
        item(2, 'TEA-100', 11, 'pending'),
        item(3, 'TEA-500', 12, 'pending', 320_000),
      ],
    };
    expect(lazadaOrder(row, entry)).toEqual({
      externalOrderId: '400000000000001',
      status: 'pending',
      marketplaceStatus: 'pending',
      placedAt: new Date('2026-11-28T08:56:13Z'),
      updatedAt: new Date('2026-11-28T09:00:00Z'),
      totalVnd: 490_000,
      lines: [
        { skuCode: 'TEA-100', variantId: '11', quantity: 2, unitPriceVnd: 85_000 },
        { skuCode: 'TEA-500', variantId: '12', quantity: 1, unitPriceVnd: 320_000 },
      ],
    });
  });

  it('counts only live units of a partly cancelled order, and every unit of one cancelled whole', () => {
    const partly = {
      order_id: '400000000000001',
      order_items: [item(1, 'TEA-100', 11, 'canceled'), item(2, 'TEA-100', 11, 'packed')],
    };
    expect(lazadaOrder(row, partly)).toMatchObject({
      status: 'confirmed',
      totalVnd: 85_000,
      lines: [{ skuCode: 'TEA-100', quantity: 1 }],
    });
    const whole = {
      order_id: 400000000000001,
      order_items: [item(1, 'TEA-100', 11, 'canceled'), item(2, 'TEA-100', 11, 'canceled')],
    };
    expect(lazadaOrder(row, whole)).toMatchObject({
      status: 'cancelled',
      lines: [{ quantity: 2 }],
      totalVnd: 170_000,
    });
  });

  it('keeps units of one SKU at different prices apart', () => {
    const entry = {
      order_id: 400000000000001,
      order_items: [item(1, 'TEA-100', 11, 'pending', 85_000), item(2, 'TEA-100', 11, 'pending', 80_000)],
    };
    expect(lazadaOrder(row, entry).lines.map((line) => [line.quantity, line.unitPriceVnd])).toEqual([
      [1, 85_000],
      [1, 80_000],
    ]);
  });

  it('refuses items of another order, times without a zone and unreadable prices', () => {
    expect(() => lazadaOrder(row, { order_id: 1, order_items: [item(1, 'A', 1, 'pending')] })).toThrow(
      UnreadableOrder,
    );
    expect(() =>
      lazadaOrder(
        { ...row, created_at: '2026-11-28 15:56:13' },
        { order_id: row.order_id, order_items: [item(1, 'A', 1, 'pending')] },
      ),
    ).toThrow(UnreadableOrder);
    const bad = { ...item(1, 'A', 1, 'pending'), item_price: '-1' };
    expect(() => lazadaOrder(row, { order_id: row.order_id, order_items: [bad] })).toThrow(UnreadableOrder);
  });

  it('reads times as Lazada writes them, or as ISO instants', () => {
    expect(lazadaTimeField({ t: '2026-01-01 00:30:00 +0700' }, 't')).toEqual(
      new Date('2025-12-31T17:30:00Z'),
    );
    expect(lazadaTimeField({ t: '2026-01-01T00:30:00+07:00' }, 't')).toEqual(
      new Date('2025-12-31T17:30:00Z'),
    );
  });

  it('asks for changes from the second of `since`, in Vietnam time', () => {
    expect(lazadaUpdateAfter(new Date('2026-11-28T08:56:13.987Z'))).toBe('2026-11-28T15:56:13+07:00');
    expect(lazadaUpdateAfter(new Date('2026-12-31T20:00:00Z'))).toBe('2027-01-01T03:00:00+07:00');
  });

  it('reads the list and the items answers', () => {
    expect(lazadaOrderRows({ count: 1, countTotal: 7, orders: [row] })).toEqual({
      rows: [row],
      countTotal: 7,
    });
    expect(lazadaOrderRows({ count: 0, countTotal: 0, orders: [] }).rows).toEqual([]);
    const byOrder = lazadaItemsByOrder([{ order_id: 5, order_items: [] }]);
    expect([...byOrder.keys()]).toEqual(['5']);
    expect(() => lazadaItemsByOrder({})).toThrow(UnreadableOrder);
  });
});

describe('Lazada-style pushes', () => {
  const push = {
    seller_id: '1234567',
    message_type: 0,
    data: {
      order_status: 'packed',
      status_update_time: 1603698638,
      trade_order_id: '260422900198363',
      trade_order_line_id: '260422900298363',
    },
    timestamp: 1603766859530,
    site: 'lazada_vn',
  };

  it('names the shop, the order and the event (line, status, time)', () => {
    expect(lazadaPushEvent(push)).toEqual({
      shopId: '1234567',
      eventId: '260422900298363:packed:1603698638',
      change: {
        externalOrderId: '260422900198363',
        status: 'confirmed',
        updatedAt: new Date(1603698638 * 1000),
      },
    });
  });

  it('refuses other messages and unknown statuses', () => {
    expect(() => lazadaPushEvent({ ...push, message_type: 10 })).toThrow(UnreadableOrder);
    expect(() => lazadaPushEvent({ ...push, data: { ...push.data, order_status: 'lost' } })).toThrow(
      UnreadableOrder,
    );
    expect(() => lazadaPushEvent({ ...push, data: null })).toThrow(UnreadableOrder);
  });
});
