import { UnreadableOrder } from '../order-support';
import {
  SHOPEE_CANCEL_REASONS,
  shopeeOrder,
  shopeeOrderListPage,
  shopeeOrderStatus,
  shopeeCancelReason,
  shopeeWebhookEvent,
  shopeeUpdateWindows,
} from './shopee-order-mapping';

const order = {
  order_sn: '261201000A1B2C',
  region: 'VN',
  currency: 'VND',
  order_status: 'READY_TO_SHIP',
  create_time: 1764580000,
  update_time: 1764580100,
  total_amount: 300_000,
  item_list: [
    {
      item_id: 7,
      item_sku: 'BUN',
      model_id: 11,
      model_sku: 'BUN-500',
      model_quantity_purchased: 2,
      model_discounted_price: 60_000,
    },
    {
      item_id: 8,
      item_sku: 'TRA-500',
      model_id: 0,
      model_sku: '',
      model_quantity_purchased: 1,
      model_discounted_price: 120_000,
    },
    {
      item_id: 7,
      item_sku: 'BUN',
      model_id: 11,
      model_sku: 'BUN-500',
      model_quantity_purchased: 1,
      model_discounted_price: 45_000,
    },
  ],
};

describe('shopeeOrderStatus', () => {
  it('maps the table of docs/marketplace-shopee.md, IN_CANCEL to unchanged', () => {
    const table: [string, string][] = [
      ['UNPAID', 'pending'],
      ['READY_TO_SHIP', 'pending'],
      ['PROCESSED', 'confirmed'],
      ['RETRY_SHIP', 'confirmed'],
      ['SHIPPED', 'shipped'],
      ['TO_CONFIRM_RECEIVE', 'delivered'],
      ['COMPLETED', 'delivered'],
      ['CANCELLED', 'cancelled'],
      ['TO_RETURN', 'returned'],
      ['IN_CANCEL', 'unchanged'],
    ];
    for (const [word, status] of table) expect(shopeeOrderStatus(word)).toBe(status);
    for (const word of ['CANCEL', 'ready_to_ship', '', 3, null]) {
      expect(() => shopeeOrderStatus(word)).toThrow(expect.objectContaining({ code: 'unknown_status' }));
    }
  });

  it('has no Shopee reason for a seller’s own cancel', () => {
    expect(SHOPEE_CANCEL_REASONS).toEqual({
      out_of_stock: 'OUT_OF_STOCK',
      buyer_request: 'CUSTOMER_REQUEST',
      seller_request: null,
    });
  });
});

describe('shopeeOrder', () => {
  it('reads Unix seconds and folds rows of one model into one line at the average price', () => {
    expect(shopeeOrder(order)).toEqual({
      externalOrderId: '261201000A1B2C',
      status: 'pending',
      marketplaceStatus: 'READY_TO_SHIP',
      placedAt: new Date(1764580000 * 1000),
      updatedAt: new Date(1764580100 * 1000),
      totalVnd: 300_000,
      lines: [
        { skuCode: 'BUN-500', variantId: '7:11', quantity: 3, unitPriceVnd: 55_000 },
        { skuCode: 'TRA-500', variantId: '8:0', quantity: 1, unitPriceVnd: 120_000 },
      ],
    });
  });

  it('keeps the held status of an IN_CANCEL order', () => {
    expect(shopeeOrder({ ...order, order_status: 'IN_CANCEL' }).status).toBe('pending');
    expect(shopeeOrder({ ...order, order_status: 'IN_CANCEL' }, 'confirmed')).toMatchObject({
      status: 'confirmed',
      marketplaceStatus: 'IN_CANCEL',
    });
  });

  it('refuses an order read without its optional fields, and garbled rows', () => {
    const { item_list: _lines, total_amount: _total, ...bare } = order;
    expect(() => shopeeOrder(bare)).toThrow(/total_amount,item_list/);
    expect(() => shopeeOrder({ ...order, create_time: '2026-12-01' })).toThrow(UnreadableOrder);
    expect(() =>
      shopeeOrder({ ...order, item_list: [{ ...order.item_list[0], model_quantity_purchased: 0 }] }),
    ).toThrow(UnreadableOrder);
    expect(() => shopeeOrder({ ...order, item_list: [{ ...order.item_list[0], model_id: -1 }] })).toThrow(
      UnreadableOrder,
    );
    expect(() => shopeeOrder('order')).toThrow(UnreadableOrder);
  });
});

describe('shopeeUpdateWindows and shopeeOrderListPage', () => {
  it('covers a long stretch with consecutive windows of at most 15 days', () => {
    const since = new Date(1_000_000 * 1000);
    const windows = shopeeUpdateWindows(since, new Date((1_000_000 + 40 * 86_400) * 1000));
    expect(windows).toEqual([
      { timeFrom: 1_000_000, timeTo: 1_000_000 + 15 * 86_400 },
      { timeFrom: 1_000_000 + 15 * 86_400 + 1, timeTo: 1_000_000 + 30 * 86_400 + 1 },
      { timeFrom: 1_000_000 + 30 * 86_400 + 2, timeTo: 1_000_000 + 40 * 86_400 },
    ]);
    expect(shopeeUpdateWindows(since, since)).toEqual([{ timeFrom: 1_000_000, timeTo: 1_000_000 }]);
  });

  it('reads a page, its cursor only while more are said to come', () => {
    expect(shopeeOrderListPage({ more: true, next_cursor: 'c1', order_list: [{ order_sn: 'A' }] })).toEqual({
      orderSns: ['A'],
      nextCursor: 'c1',
    });
    expect(shopeeOrderListPage({ more: false, next_cursor: '', order_list: [] })).toEqual({
      orderSns: [],
      nextCursor: null,
    });
    expect(() => shopeeOrderListPage({ more: true, next_cursor: '', order_list: [] })).toThrow(
      UnreadableOrder,
    );
    expect(() => shopeeOrderListPage({ more: false })).toThrow(UnreadableOrder);
  });
});

describe('shopeeWebhookEvent', () => {
  const push = {
    shop_id: 147000001,
    code: 3,
    timestamp: 1764580200,
    data: { ordersn: '261201000A1B2C', status: 'PROCESSED', update_time: 1764580100, items: [] },
  };

  it('names the shop, order, status and time, which together are the event', () => {
    expect(shopeeWebhookEvent(push)).toEqual({
      shopId: '147000001',
      eventId: '147000001:261201000A1B2C:PROCESSED:1764580100',
      change: {
        externalOrderId: '261201000A1B2C',
        status: 'confirmed',
        updatedAt: new Date(1764580100 * 1000),
      },
    });
  });

  it('reads an IN_CANCEL push as a hint of its own, which the adapter’s reads then leave out', () => {
    const event = shopeeWebhookEvent({ ...push, data: { ...push.data, status: 'IN_CANCEL' } });
    expect(event.eventId).toBe('147000001:261201000A1B2C:IN_CANCEL:1764580100');
    expect(event.change.status).toBe('pending');
  });

  it('refuses other push codes, unknown statuses and order_sn in place of ordersn', () => {
    expect(() => shopeeWebhookEvent({ ...push, code: 4 })).toThrow(UnreadableOrder);
    expect(() => shopeeWebhookEvent({ ...push, data: { ...push.data, status: 'LOST' } })).toThrow(
      UnreadableOrder,
    );
    const { ordersn, ...rest } = push.data;
    expect(() => shopeeWebhookEvent({ ...push, data: { ...rest, order_sn: ordersn } })).toThrow(
      UnreadableOrder,
    );
  });
});

describe('shopeeCancelReason', () => {
  it("sends Shopee's words for stock and the buyer, and refuses a seller's own cancel as permanent", () => {
    expect(shopeeCancelReason('out_of_stock')).toBe('OUT_OF_STOCK');
    expect(shopeeCancelReason('buyer_request')).toBe('CUSTOMER_REQUEST');
    expect(() => shopeeCancelReason('seller_request')).toThrow(
      expect.objectContaining({
        kind: 'permanent',
        options: expect.objectContaining({ code: 'cancel_reason_unsupported' }),
      }),
    );
  });
});
