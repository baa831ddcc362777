import { allowedActions, isNewer, marketplaceMovedStock, stockPlan, stockStatus } from './order-lifecycle';

const at = (iso: string) => new Date(iso);

describe('stockPlan', () => {
  it('reserves a new or confirmed order, and tops up a short one on its next step', () => {
    expect(stockPlan('none', 'pending')).toEqual({ steps: ['reserve'], phase: 'reserved' });
    expect(stockPlan('reserved', 'confirmed')).toEqual({ steps: ['reserve'], phase: 'reserved' });
  });

  it('fulfils on shipping, reserving first when the order was never seen before', () => {
    expect(stockPlan('reserved', 'shipped')).toEqual({ steps: ['reserve', 'fulfil'], phase: 'fulfilled' });
    expect(stockPlan('none', 'delivered')).toEqual({ steps: ['reserve', 'fulfil'], phase: 'fulfilled' });
    expect(stockPlan('fulfilled', 'delivered')).toEqual({ steps: [], phase: 'fulfilled' });
  });

  it('releases a reservation on cancellation, once', () => {
    expect(stockPlan('reserved', 'cancelled')).toEqual({ steps: ['release'], phase: 'released' });
    expect(stockPlan('released', 'cancelled')).toEqual({ steps: [], phase: 'released' });
    expect(stockPlan('none', 'cancelled')).toEqual({ steps: [], phase: 'released' });
  });

  it('moves no stock when an order is cancelled after it shipped', () => {
    expect(stockPlan('fulfilled', 'cancelled')).toEqual({ steps: [], phase: 'fulfilled' });
  });

  it('puts returned units back on hand, once', () => {
    expect(stockPlan('fulfilled', 'returned')).toEqual({ steps: ['restock'], phase: 'returned' });
    expect(stockPlan('returned', 'returned')).toEqual({ steps: [], phase: 'returned' });
    expect(stockPlan('reserved', 'returned')).toEqual({ steps: ['release'], phase: 'released' });
  });

  it('never takes stock again for an order whose goods already left or came back', () => {
    expect(stockPlan('fulfilled', 'confirmed').steps).toEqual([]);
    expect(stockPlan('returned', 'shipped').steps).toEqual([]);
  });
});

describe('marketplaceMovedStock', () => {
  it('is true the first time the connector sees an order, whatever its status: it was placed', () => {
    for (const status of ['pending', 'confirmed', 'shipped', 'delivered', 'cancelled', 'returned'] as const) {
      expect(marketplaceMovedStock(null, status)).toBe(true);
    }
  });

  it('is true when an order becomes cancelled or returned: the marketplace may put its units back', () => {
    expect(marketplaceMovedStock('pending', 'cancelled')).toBe(true);
    expect(marketplaceMovedStock('confirmed', 'cancelled')).toBe(true);
    expect(marketplaceMovedStock('delivered', 'returned')).toBe(true);
  });

  it('is false for the steps in between and for a repeat', () => {
    expect(marketplaceMovedStock('pending', 'confirmed')).toBe(false);
    expect(marketplaceMovedStock('confirmed', 'shipped')).toBe(false);
    expect(marketplaceMovedStock('shipped', 'delivered')).toBe(false);
    expect(marketplaceMovedStock('cancelled', 'cancelled')).toBe(false);
    expect(marketplaceMovedStock('returned', 'returned')).toBe(false);
  });
});

describe('isNewer', () => {
  const stored = { status: 'confirmed' as const, updatedAt: at('2026-11-28T03:00:00Z') };

  it('takes a later marketplace time and refuses an earlier one', () => {
    expect(isNewer(stored, { status: 'shipped', updatedAt: at('2026-11-28T03:00:01Z') })).toBe(true);
    expect(isNewer(stored, { status: 'pending', updatedAt: at('2026-11-28T02:59:59Z') })).toBe(false);
    // even a later status word does not win with an older time
    expect(isNewer(stored, { status: 'delivered', updatedAt: at('2026-11-28T02:00:00Z') })).toBe(false);
  });

  it('breaks a tie on time by the lifecycle, so a redelivery changes nothing', () => {
    expect(isNewer(stored, { status: 'confirmed', updatedAt: stored.updatedAt })).toBe(false);
    expect(isNewer(stored, { status: 'pending', updatedAt: stored.updatedAt })).toBe(false);
    expect(isNewer(stored, { status: 'shipped', updatedAt: stored.updatedAt })).toBe(true);
  });
});

describe('stockStatus', () => {
  it('reads the phase, and oversold only while the order holds a short reservation', () => {
    expect(stockStatus('reserved', false)).toBe('reserved');
    expect(stockStatus('reserved', true)).toBe('oversold');
    expect(stockStatus('none', true)).toBe('oversold');
    expect(stockStatus('fulfilled', true)).toBe('fulfilled');
    expect(stockStatus('released', false)).toBe('released');
    expect(stockStatus('returned', false)).toBe('released');
  });
});

describe('allowedActions', () => {
  it('lets a pending order be confirmed or cancelled, a confirmed one only cancelled', () => {
    expect(allowedActions('pending')).toEqual(['confirm', 'cancel']);
    expect(allowedActions('confirmed')).toEqual(['cancel']);
    expect(allowedActions('shipped')).toEqual([]);
    expect(allowedActions('cancelled')).toEqual([]);
  });
});
