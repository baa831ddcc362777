import { UnreadableOrder } from '../order-support';
import {
  tiktokOrder,
  tiktokOrderPage,
  tiktokOrderStatus,
  tiktokSearchBody,
  tiktokWebhookEvent,
} from './tiktok-order-mapping';

const unit = (id: string, skuId: string, sellerSku: string, salePrice: string) => ({
  id,
  sku_id: skuId,
  seller_sku: sellerSku,
  product_id: '1729',
  sale_price: salePrice,
  currency: 'VND',
  package_id: '1153',
});

const order = {
  id: '576486316948490001',
  status: 'AWAITING_SHIPMENT',
  create_time: 1764553200,
  update_time: 1764553260,
  payment: { currency: 'VND', total_amount: '560000' },
  line_items: [
    unit('1', 'SKU-A', 'TRA-100', '85000'),
    unit('2', 'SKU-B', 'TRA-500', '305000'),
    unit('3', 'SKU-A', 'TRA-100', '85000'),
    unit('4', 'SKU-A', 'TRA-100', '85000.00'),
  ],
  packages: [{ id: '1153' }],
};

describe('tiktokOrderStatus', () => {
  it('maps every TikTok status, and CANCEL as pushes say it', () => {
    const table: [string, string][] = [
      ['UNPAID', 'pending'],
      ['ON_HOLD', 'pending'],
      ['AWAITING_SHIPMENT', 'pending'],
      ['AWAITING_COLLECTION', 'confirmed'],
      ['PARTIALLY_SHIPPING', 'shipped'],
      ['IN_TRANSIT', 'shipped'],
      ['DELIVERED', 'delivered'],
      ['COMPLETED', 'delivered'],
      ['CANCELLED', 'cancelled'],
      ['CANCEL', 'cancelled'],
    ];
    for (const [word, status] of table) expect(tiktokOrderStatus(word)).toBe(status);
    for (const word of ['awaiting_shipment', 'RETURNED', '', 1]) {
      expect(() => tiktokOrderStatus(word)).toThrow(expect.objectContaining({ code: 'unknown_status' }));
    }
  });
});

describe('tiktokOrder', () => {
  it('folds one-unit line items into quantities per SKU, in first-seen order', () => {
    expect(tiktokOrder(order)).toEqual({
      externalOrderId: '576486316948490001',
      status: 'pending',
      marketplaceStatus: 'AWAITING_SHIPMENT',
      placedAt: new Date(1764553200 * 1000),
      updatedAt: new Date(1764553260 * 1000),
      totalVnd: 560_000,
      lines: [
        { skuCode: 'TRA-100', variantId: 'SKU-A', quantity: 3, unitPriceVnd: 85_000 },
        { skuCode: 'TRA-500', variantId: 'SKU-B', quantity: 1, unitPriceVnd: 305_000 },
      ],
    });
  });

  it('keeps units of one SKU at two prices apart, so the total still adds up', () => {
    const discounted = {
      ...order,
      line_items: [...order.line_items, unit('5', 'SKU-A', 'TRA-100', '80000')],
    };
    expect(tiktokOrder(discounted).lines).toEqual([
      { skuCode: 'TRA-100', variantId: 'SKU-A', quantity: 3, unitPriceVnd: 85_000 },
      { skuCode: 'TRA-500', variantId: 'SKU-B', quantity: 1, unitPriceVnd: 305_000 },
      { skuCode: 'TRA-100', variantId: 'SKU-A', quantity: 1, unitPriceVnd: 80_000 },
    ]);
  });

  it('refuses an order it cannot read', () => {
    const broken = [
      null,
      { ...order, line_items: [] },
      { ...order, line_items: [{ ...order.line_items[0], sku_id: '' }] },
      { ...order, line_items: [{ ...order.line_items[0], sale_price: '-1' }] },
      { ...order, payment: { total_amount: 'lots' } },
      { ...order, update_time: '2026-12-01T00:00:00Z' },
      { ...order, status: 'LOST' },
    ];
    for (const raw of broken) expect(() => tiktokOrder(raw)).toThrow(UnreadableOrder);
  });
});

describe('tiktokOrderPage and tiktokSearchBody', () => {
  it('reads a page; the empty token ends the search', () => {
    expect(tiktokOrderPage({ orders: [order], next_page_token: 'abc', total_count: 2 })).toMatchObject({
      orders: [{ externalOrderId: order.id }],
      nextPageToken: 'abc',
    });
    expect(tiktokOrderPage({ orders: [], next_page_token: '', total_count: 0 }).nextPageToken).toBeNull();
    expect(() => tiktokOrderPage({ next_page_token: '' })).toThrow(UnreadableOrder);
  });

  it('asks from the whole second of since, inclusive', () => {
    expect(tiktokSearchBody(new Date('2026-12-01T00:00:05.900Z'))).toEqual({
      update_time_ge: Date.parse('2026-12-01T00:00:05Z') / 1000,
    });
  });
});

describe('tiktokWebhookEvent', () => {
  const push = (type: number, data: Record<string, unknown>) => ({
    type,
    tts_notification_id: '7327112393057371910',
    shop_id: '7494049642642441621',
    timestamp: 1644412885,
    data,
  });

  it('reads a status change, CANCEL included, keyed by tts_notification_id', () => {
    const event = tiktokWebhookEvent(
      push(1, { order_id: '5764', order_status: 'CANCEL', is_on_hold_order: false, update_time: 1644412880 }),
    );
    expect(event).toEqual({
      shopId: '7494049642642441621',
      eventId: '7327112393057371910',
      change: { externalOrderId: '5764', status: 'cancelled', updatedAt: new Date(1644412880 * 1000) },
    });
  });

  it('reads a finished return (type 12) as returned', () => {
    const event = tiktokWebhookEvent(
      push(12, {
        order_id: '5764',
        return_id: '4800',
        return_status: 'RETURN_OR_REFUND_REQUEST_COMPLETE',
        update_time: 1644412890,
      }),
    );
    expect(event.change).toEqual({
      externalOrderId: '5764',
      status: 'returned',
      updatedAt: new Date(1644412890 * 1000),
    });
  });

  it('refuses other types, return statuses and missing ids', () => {
    const data = { order_id: '5764', order_status: 'UNPAID', update_time: 1 };
    expect(() => tiktokWebhookEvent(push(2, data))).toThrow(UnreadableOrder);
    expect(() =>
      tiktokWebhookEvent(push(12, { ...data, return_status: 'RETURN_OR_REFUND_REQUEST_PENDING' })),
    ).toThrow(expect.objectContaining({ code: 'unknown_status' }));
    expect(() => tiktokWebhookEvent({ ...push(1, data), tts_notification_id: '' })).toThrow(UnreadableOrder);
    expect(() => tiktokWebhookEvent({ ...push(1, data), data: 'x' })).toThrow(UnreadableOrder);
  });
});
