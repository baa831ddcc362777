import { UnreadableOrder } from '../order-support';
import {
  POSTMART_CANCEL_REASONS,
  postmartOrder,
  postmartOrderPage,
  postmartOrderStatus,
  postmartUpdatedAfter,
  postmartWebhookEvent,
} from './postmart-order-mapping';

const order = {
  order_id: '0b8f6a52-4a43-4f57-9d0e-2f1f3c1f2a10',
  shop_id: 'PM000001',
  status: 'confirmed',
  placed_at: '2026-11-28T01:56:13.123Z',
  updated_at: '2026-11-28T02:00:00.000Z',
  total: 790_000,
  cancel_reason_code: null,
  lines: [
    { product_id: 'p', seller_sku: 'CHE-100', sku_id: 'a1d5…-uuid', quantity: 2, unit_price: 120_000 },
    { product_id: 'p', seller_sku: 'CHE-500', sku_id: 'b2e6…-uuid', quantity: 1, unit_price: 550_000 },
  ],
};

describe('postmartOrderStatus', () => {
  it('knows its six words and nothing else', () => {
    const words = ['pending', 'confirmed', 'shipped', 'delivered', 'cancelled', 'returned'];
    expect(words.map(postmartOrderStatus)).toEqual(words);
    for (const word of ['refunded', 'CONFIRMED', '', 3]) {
      expect(() => postmartOrderStatus(word)).toThrow(expect.objectContaining({ code: 'unknown_status' }));
    }
  });
});

describe('postmartUpdatedAfter', () => {
  const now = new Date('2026-11-28T00:00:00.000Z');

  it('asks strictly after 1 ms before since, so a change at since itself comes back', () => {
    expect(postmartUpdatedAfter(new Date('2026-11-27T10:00:00.000Z'), now)).toEqual({
      updatedAfter: '2026-11-27T09:59:59.999Z',
      clamped: false,
    });
  });

  it('clamps to 15 days back plus a 10-minute margin', () => {
    expect(postmartUpdatedAfter(new Date('2026-10-01T00:00:00Z'), now)).toEqual({
      updatedAfter: '2026-11-13T00:10:00.000Z',
      clamped: true,
    });
    expect(postmartUpdatedAfter(new Date(0), now).clamped).toBe(true);
    expect(postmartUpdatedAfter(new Date('2026-11-13T00:10:00.001Z'), now).clamped).toBe(false);
  });
});

describe('postmartOrder and postmartOrderPage', () => {
  it('reads lines with seller_sku as the SKU code and sku_id as the variant id', () => {
    expect(postmartOrder(order)).toEqual({
      externalOrderId: order.order_id,
      status: 'confirmed',
      marketplaceStatus: 'confirmed',
      placedAt: new Date('2026-11-28T01:56:13.123Z'),
      updatedAt: new Date('2026-11-28T02:00:00.000Z'),
      totalVnd: 790_000,
      lines: [
        { skuCode: 'CHE-100', variantId: 'a1d5…-uuid', quantity: 2, unitPriceVnd: 120_000 },
        { skuCode: 'CHE-500', variantId: 'b2e6…-uuid', quantity: 1, unitPriceVnd: 550_000 },
      ],
    });
  });

  it('reads a page and its cursor; null on the last page', () => {
    expect(postmartOrderPage({ orders: [order], next_cursor: 'c1' })).toMatchObject({ nextCursor: 'c1' });
    expect(postmartOrderPage({ orders: [], next_cursor: null })).toEqual({ orders: [], nextCursor: null });
    expect(() => postmartOrderPage({ next_cursor: null })).toThrow(UnreadableOrder);
    expect(() => postmartOrderPage({ orders: [{ ...order, status: 'lost' }] })).toThrow(
      expect.objectContaining({ code: 'unknown_status' }),
    );
  });
});

describe('postmartWebhookEvent', () => {
  const body = { event: 'order.updated', shop_id: 'PM000001', occurred_at: order.updated_at, order };

  it('takes order id, status and update time as the event id (the transaction is per delivery)', () => {
    const event = postmartWebhookEvent(body);
    expect(event).toMatchObject({
      shopId: 'PM000001',
      eventId: `${order.order_id}:confirmed:2026-11-28T02:00:00.000Z`,
      change: { externalOrderId: order.order_id, status: 'confirmed' },
    });
    expect(event.change.order?.lines).toHaveLength(2);
    const later = postmartWebhookEvent({
      ...body,
      order: { ...order, updated_at: '2026-11-28T03:00:00.000Z' },
    });
    expect(later.eventId).not.toBe(event.eventId);
  });

  it('refuses other events, a missing order or shop, and unknown statuses', () => {
    expect(() => postmartWebhookEvent({ ...body, event: 'product.updated' })).toThrow(UnreadableOrder);
    expect(() => postmartWebhookEvent({ ...body, order: undefined })).toThrow(UnreadableOrder);
    expect(() => postmartWebhookEvent({ ...body, shop_id: undefined })).toThrow(UnreadableOrder);
    expect(() => postmartWebhookEvent({ ...body, order: { ...order, status: 'refunded' } })).toThrow(
      expect.objectContaining({ code: 'unknown_status' }),
    );
  });

  it('has a reason code for every cancel reason', () => {
    expect(POSTMART_CANCEL_REASONS).toEqual({
      out_of_stock: 'out_of_stock',
      seller_request: 'seller_request',
      buyer_request: 'buyer_request',
    });
  });
});
