import { UnreadableOrder } from '../order-support';
import {
  VosoCursor,
  vosoFirstCursor,
  vosoInstant,
  vosoNextCursor,
  vosoOrder,
  vosoOrderPage,
  vosoOrderStatus,
  vosoWebhookEvent,
} from './voso-order-mapping';

const order = (number: number, updatedAtMs: number, status = 'CHO_DUYET') => ({
  ORDER_NUMBER: `VOSO${String(number).padStart(10, '0')}`,
  SHOP_ID: '700001',
  STATUS: status,
  CREATED_AT: vosoInstant(new Date(updatedAtMs)),
  UPDATED_AT: vosoInstant(new Date(updatedAtMs)),
  TOTAL_AMOUNT: 240_000,
  ITEMS: [{ PRODUCT_ID: 50000001, PRODUCT_SKU: 'CHE-100', QUANTITY: 2, PRICE: 120_000 }],
});

describe('vosoOrderStatus', () => {
  it('maps every word of the table', () => {
    expect(
      ['CHO_DUYET', 'DA_DUYET', 'CHO_XUAT_KHO', 'DANG_GIAO', 'DA_GIAO', 'HUY', 'TRA_HANG'].map(
        vosoOrderStatus,
      ),
    ).toEqual(['pending', 'confirmed', 'confirmed', 'shipped', 'delivered', 'cancelled', 'returned']);
  });

  it('refuses words it does not know, whatever their case', () => {
    for (const word of ['cho_duyet', 'DA_HUY', 'pending', 2]) {
      expect(() => vosoOrderStatus(word)).toThrow(expect.objectContaining({ code: 'unknown_status' }));
    }
  });
});

describe('vosoOrder', () => {
  it('converts +07:00 times to UTC and reads lines by PRODUCT_SKU', () => {
    const raw = {
      ...order(7, 0),
      CREATED_AT: '2026-11-28T08:56:13.123+07:00',
      UPDATED_AT: '2026-11-28T09:00:00.000+07:00',
      STATUS: 'CHO_XUAT_KHO',
    };
    expect(vosoOrder(raw)).toEqual({
      externalOrderId: 'VOSO0000000007',
      status: 'confirmed',
      marketplaceStatus: 'CHO_XUAT_KHO',
      placedAt: new Date('2026-11-28T01:56:13.123Z'),
      updatedAt: new Date('2026-11-28T02:00:00.000Z'),
      totalVnd: 240_000,
      lines: [{ skuCode: 'CHE-100', variantId: null, quantity: 2, unitPriceVnd: 120_000 }],
    });
  });

  it('refuses an order without a zone on its times, without items, or with a bad price', () => {
    expect(() => vosoOrder({ ...order(1, 0), UPDATED_AT: '2026-11-28T09:00:00' })).toThrow(UnreadableOrder);
    expect(() => vosoOrder({ ...order(1, 0), ITEMS: undefined })).toThrow(UnreadableOrder);
    expect(() => vosoOrder({ ...order(1, 0), TOTAL_AMOUNT: '240000' })).toThrow(UnreadableOrder);
    expect(() => vosoOrder('VOSO1')).toThrow(UnreadableOrder);
  });

  it('writes instants the way Voso does', () => {
    expect(vosoInstant(new Date('2026-11-28T01:56:13.123Z'))).toBe('2026-11-28T08:56:13.123+07:00');
  });
});

describe('vosoWebhookEvent', () => {
  const body = {
    EVENT_ID: 'evt-1',
    EVENT_TYPE: 'ORDER_STATUS_CHANGED',
    SHOP_ID: '700001',
    DATA: order(3, 0, 'HUY'),
  };

  it('takes EVENT_ID as the event id and carries the whole order', () => {
    const event = vosoWebhookEvent(body);
    expect(event).toMatchObject({
      shopId: '700001',
      eventId: 'evt-1',
      change: { externalOrderId: 'VOSO0000000003', status: 'cancelled', updatedAt: new Date(0) },
    });
    expect(event.change.order?.lines).toHaveLength(1);
  });

  it('refuses another EVENT_TYPE, a missing EVENT_ID and an unknown STATUS', () => {
    expect(() => vosoWebhookEvent({ ...body, EVENT_TYPE: 'PRODUCT_UPDATED' })).toThrow(UnreadableOrder);
    expect(() => vosoWebhookEvent({ ...body, EVENT_ID: undefined })).toThrow(UnreadableOrder);
    expect(() => vosoWebhookEvent({ ...body, DATA: { ...body.DATA, STATUS: 'LOST' } })).toThrow(
      expect.objectContaining({ code: 'unknown_status' }),
    );
  });
});

describe('vosoOrderPage and vosoNextCursor', () => {
  it('reads ITEMS and the latest UPDATED_AT exactly as written', () => {
    const page = vosoOrderPage({ ITEMS: [order(1, 5000), order(2, 9000), order(3, 7000)], TOTAL: 3 });
    expect(page.orders.map((o) => o.externalOrderId)).toHaveLength(3);
    expect(page.latest).toEqual({ text: vosoInstant(new Date(9000)), ms: 9000 });
    expect(page.total).toBe(3);
    expect(() => vosoOrderPage({ TOTAL: 3 })).toThrow(UnreadableOrder);
  });

  it('stops after a short page', () => {
    const cursor = vosoFirstCursor(new Date(0));
    expect(vosoNextCursor(cursor, vosoOrderPage({ ITEMS: [order(1, 5)], TOTAL: 1 }), 2)).toBeNull();
    expect(vosoNextCursor(cursor, vosoOrderPage({ ITEMS: [], TOTAL: 0 }), 2)).toBeNull();
  });

  it('re-reads from the latest time seen, and steps page numbers only within one instant', () => {
    const first = vosoFirstCursor(new Date(1000));
    const moved = vosoNextCursor(first, vosoOrderPage({ ITEMS: [order(1, 1000), order(2, 2000)] }), 2);
    expect(moved).toEqual({ updatedFrom: vosoInstant(new Date(2000)), updatedFromMs: 2000, page: 1 });
    const stepped = vosoNextCursor(
      moved as VosoCursor,
      vosoOrderPage({ ITEMS: [order(2, 2000), order(3, 2000)] }),
      2,
    );
    expect(stepped).toEqual({ ...moved, page: 2 });
  });

  /**
   * A model of Voso's list: offset pages over orders sorted by update time, where a changed order
   * moves to the end. Between two reads the first order changes, as an importer would meet it.
   */
  function shiftingList(count: number, sameInstant = false) {
    const rows = Array.from({ length: count }, (_, i) => ({
      id: i + 1,
      at: sameInstant ? 10_000 : 10_000 + i * 1000,
      seq: i + 1,
    }));
    let clock = 10_000_000;
    let seq = count;
    const sort = () => rows.sort((a, b) => a.at - b.at || a.seq - b.seq);
    return {
      read(updatedFromMs: number, page: number, size: number) {
        const matching = rows.filter((row) => row.at >= updatedFromMs);
        const slice = matching.slice((page - 1) * size, page * size);
        return vosoOrderPage({
          ITEMS: slice.map((row) => order(row.id, row.at)),
          TOTAL: matching.length,
        });
      },
      changeOldest() {
        const oldest = rows[0];
        oldest.at = clock += 1000;
        oldest.seq = ++seq;
        sort();
      },
    };
  }

  function walk(list: ReturnType<typeof shiftingList>, size: number): Set<string> {
    const seen = new Set<string>();
    let cursor: VosoCursor | null = vosoFirstCursor(new Date(0));
    for (let calls = 0; cursor !== null && calls < 100; calls++) {
      const page = list.read(cursor.updatedFromMs, cursor.page, size);
      page.orders.forEach((o) => seen.add(o.externalOrderId));
      if (calls < 3) list.changeOldest();
      cursor = vosoNextCursor(cursor, page, size);
    }
    return seen;
  }

  it('misses no order while rows shift between pages (page numbers alone would)', () => {
    expect(walk(shiftingList(250), 100).size).toBe(250);

    const naive = shiftingList(250);
    const seen = new Set<string>();
    for (let page = 1; page <= 3; page++) {
      naive.read(0, page, 100).orders.forEach((o) => seen.add(o.externalOrderId));
      naive.changeOldest();
    }
    expect(seen.size).toBeLessThan(250);
  });

  it('gets through more than a page of orders stamped in one millisecond', () => {
    const list = shiftingList(250, true);
    const seen = new Set<string>();
    let cursor: VosoCursor | null = vosoFirstCursor(new Date(0));
    let calls = 0;
    while (cursor !== null && calls++ < 10) {
      const page = list.read(cursor.updatedFromMs, cursor.page, 100);
      page.orders.forEach((o) => seen.add(o.externalOrderId));
      cursor = vosoNextCursor(cursor, page, 100);
    }
    expect(seen.size).toBe(250);
    expect(cursor).toBeNull();
  });
});
