import { UnreadableOrder } from '../order-support';
import {
  sendoChangedSince,
  sendoDay,
  sendoOrder,
  sendoOrderAction,
  sendoOrderStatus,
  sendoSearchBody,
  sendoSearchPage,
  sendoStatusWindows,
  sendoWebhookEvent,
} from './sendo-order-mapping';

const at = (iso: string) => new Date(iso);

describe('sendoOrderStatus', () => {
  it('maps every code of the table', () => {
    const expected = {
      2: 'pending',
      3: 'confirmed',
      6: 'shipped',
      21: 'shipped',
      7: 'delivered',
      8: 'delivered',
      10: 'delivered',
      13: 'cancelled',
      22: 'returned',
    };
    for (const [code, status] of Object.entries(expected))
      expect(sendoOrderStatus(Number(code))).toBe(status);
  });

  it('refuses codes it does not know', () => {
    for (const code of [0, 1, 4, 99, 'DA_DUYET', null]) {
      expect(() => sendoOrderStatus(code)).toThrow(
        expect.objectContaining({ name: 'UnreadableOrder', code: 'unknown_status' }),
      );
    }
  });
});

describe('sendoDay and sendoStatusWindows', () => {
  it('dates by the calendar day in Vietnam (UTC+07:00)', () => {
    expect(sendoDay(at('2026-11-01T16:59:59.999Z'))).toBe('2026/11/01');
    expect(sendoDay(at('2026-11-01T17:00:00.000Z'))).toBe('2026/11/02');
    expect(sendoDay(at('2026-12-31T18:00:00Z'))).toBe('2027/01/01');
  });

  it('covers every day from since to today in windows of 3 days, both ends inclusive', () => {
    const windows = sendoStatusWindows(at('2026-11-01T03:00:00Z'), at('2026-11-10T12:00:00Z'));
    expect(windows).toEqual([
      { from: '2026/11/01', to: '2026/11/03' },
      { from: '2026/11/04', to: '2026/11/06' },
      { from: '2026/11/07', to: '2026/11/09' },
      { from: '2026/11/10', to: '2026/11/12' },
    ]);
  });

  it("starts at since's Vietnam day, even when it is still the day before in UTC", () => {
    // 2026-10-31T18:00Z is 01:00 on November 1st in Hanoi
    expect(sendoStatusWindows(at('2026-10-31T18:00:00Z'), at('2026-11-01T05:00:00Z'))).toEqual([
      { from: '2026/11/01', to: '2026/11/03' },
    ]);
  });

  it('asks one window when since is today or ahead of our clock', () => {
    const now = at('2026-11-10T12:00:00Z');
    expect(sendoStatusWindows(now, now)).toHaveLength(1);
    expect(sendoStatusWindows(at('2026-11-12T12:00:00Z'), now)).toEqual([
      { from: '2026/11/12', to: '2026/11/14' },
    ]);
  });

  it('builds the search body with a token only when paging', () => {
    const window = { from: '2026/11/01', to: '2026/11/03' };
    expect(sendoSearchBody(window, null)).toEqual({
      page_size: 50,
      order_status_date_from: '2026/11/01',
      order_status_date_to: '2026/11/03',
    });
    expect(sendoSearchBody(window, 'abc').token).toBe('abc');
  });
});

describe('sendoSearchPage and sendoChangedSince', () => {
  const result = {
    data: [
      { order_number: '2600000001', order_status: 2, updated_at: 1_793_000_000 },
      { order_number: 2_600_000_002, order_status: 13, updated_at: 1_793_000_060 },
    ],
    next_token: 'tok',
  };

  it('reads rows as changes without an order, times from unix seconds to UTC', () => {
    expect(sendoSearchPage(result)).toEqual({
      changes: [
        { externalOrderId: '2600000001', status: 'pending', updatedAt: at('2026-10-26T07:33:20Z') },
        { externalOrderId: '2600000002', status: 'cancelled', updatedAt: at('2026-10-26T07:34:20Z') },
      ],
      nextToken: 'tok',
    });
    expect(sendoSearchPage({ data: [], next_token: null })).toEqual({ changes: [], nextToken: null });
  });

  it('refuses a row with an unknown status or without a number', () => {
    expect(() => sendoSearchPage({ data: [{ order_number: '1', order_status: 5, updated_at: 1 }] })).toThrow(
      expect.objectContaining({ code: 'unknown_status' }),
    );
    expect(() => sendoSearchPage({ data: [{ order_status: 2, updated_at: 1 }] })).toThrow(UnreadableOrder);
    expect(() => sendoSearchPage({ next_token: null })).toThrow(UnreadableOrder);
    expect(() => sendoSearchPage(null)).toThrow(UnreadableOrder);
  });

  it('keeps changes at or after since, compared to the second Sendo stamps', () => {
    const change = {
      externalOrderId: '1',
      status: 'pending' as const,
      updatedAt: at('2026-11-01T05:00:00Z'),
    };
    expect(sendoChangedSince(change, at('2026-11-01T05:00:00.000Z'))).toBe(true);
    // the change happened at 05:00:00.400 and Sendo wrote 05:00:00
    expect(sendoChangedSince(change, at('2026-11-01T05:00:00.300Z'))).toBe(true);
    expect(sendoChangedSince(change, at('2026-11-01T05:00:01.000Z'))).toBe(false);
    expect(sendoChangedSince(change, at('2026-11-01T04:59:59.999Z'))).toBe(true);
  });
});

describe('sendoOrder', () => {
  const detail = {
    sales_order: {
      order_number: '2600000007',
      order_status: 3,
      order_date_time_stamp: 1_793_000_000,
      updated_at: 1_793_000_600,
      total_amount: 790_000,
      shop_id: '300001',
    },
    sku_details: [
      { sku: 'CHE-100', product_id: 10000001, quantity: 2, price: 120_000 },
      { sku: 'CHE-500', product_id: 10000001, quantity: 1, price: 550_000 },
    ],
  };

  it('reads the order with its lines by SKU code; Sendo has no variant ids', () => {
    expect(sendoOrder(detail)).toEqual({
      externalOrderId: '2600000007',
      status: 'confirmed',
      marketplaceStatus: '3',
      placedAt: at('2026-10-26T07:33:20Z'),
      updatedAt: at('2026-10-26T07:43:20Z'),
      totalVnd: 790_000,
      lines: [
        { skuCode: 'CHE-100', variantId: null, quantity: 2, unitPriceVnd: 120_000 },
        { skuCode: 'CHE-500', variantId: null, quantity: 1, unitPriceVnd: 550_000 },
      ],
    });
  });

  it('refuses a detail without lines, with a bad quantity or an unknown status', () => {
    expect(() => sendoOrder({ sales_order: detail.sales_order })).toThrow(UnreadableOrder);
    expect(() => sendoOrder({ ...detail, sku_details: [{ sku: 'A', quantity: 0, price: 1 }] })).toThrow(
      UnreadableOrder,
    );
    expect(() => sendoOrder({ ...detail, sales_order: { ...detail.sales_order, order_status: 4 } })).toThrow(
      expect.objectContaining({ code: 'unknown_status' }),
    );
  });
});

describe('sendoWebhookEvent', () => {
  const body = {
    type: 'SALESORDER.UPDATE',
    shop_id: '300001',
    data: { order_number: '2600000001', order_status: 6, updated_at: 1_793_000_000 },
  };

  it('takes number, status and time together as the event id, and carries no order', () => {
    expect(sendoWebhookEvent(body)).toEqual({
      shopId: '300001',
      eventId: '2600000001:6:1793000000',
      change: { externalOrderId: '2600000001', status: 'shipped', updatedAt: at('2026-10-26T07:33:20Z') },
    });
  });

  it('refuses other types, missing data, a missing shop and unknown statuses', () => {
    expect(() => sendoWebhookEvent({ ...body, type: 'PRODUCT.UPDATE' })).toThrow(UnreadableOrder);
    expect(() => sendoWebhookEvent({ type: body.type, shop_id: '1' })).toThrow(UnreadableOrder);
    expect(() => sendoWebhookEvent({ ...body, shop_id: '' })).toThrow(UnreadableOrder);
    expect(() => sendoWebhookEvent({ ...body, data: { ...body.data, order_status: 99 } })).toThrow(
      expect.objectContaining({ code: 'unknown_status' }),
    );
  });
});

describe('sendoOrderAction', () => {
  it('confirms with 3 and cancels with 13 and the reason text', () => {
    expect(sendoOrderAction('26', { confirm: true })).toEqual({ order_number: '26', order_status: 3 });
    expect(sendoOrderAction('26', { cancel: 'out_of_stock' })).toEqual({
      order_number: '26',
      order_status: 13,
      cancel_order_reason: 'Hết hàng',
    });
    const reasons = (['out_of_stock', 'seller_request', 'buyer_request'] as const).map(
      (reason) => sendoOrderAction('26', { cancel: reason }).cancel_order_reason,
    );
    expect(new Set(reasons).size).toBe(3);
  });
});
