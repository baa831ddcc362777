import type { OrderStatus } from '@ocop/marketplaces';

/**
 * What an order holds of the stock. `reserved`: its lines hold units reserved (new or confirmed);
 * `fulfilled`: the units left the warehouse (shipped or delivered); `released`: a reservation
 * was given back (cancelled before shipping); `returned`: shipped units came back.
 */
export const STOCK_PHASES = ['none', 'reserved', 'fulfilled', 'released', 'returned'] as const;
export type StockPhase = (typeof STOCK_PHASES)[number];

/**
 * One ledger step over every line of an order. `reserve`: reserve what a line still lacks, as far
 * as on-hand allows (the rest is oversold); `fulfil`: reserved units leave on-hand and reserved;
 * `release`: reserved units go back to available; `restock`: fulfilled units come back on hand.
 */
export type StockStep = 'reserve' | 'fulfil' | 'release' | 'restock';

export interface StockPlan {
  steps: StockStep[];
  phase: StockPhase;
}

/**
 * The ledger steps that take an order from the phase it is in to the one its new status calls
 * for. Applied under the order's row lock with the new phase written in the same transaction, so
 * each transition's effect happens once however often the event arrives. A cancellation after
 * shipping moves no stock (the goods are out; if they come back the marketplace says `returned`).
 */
export function stockPlan(current: StockPhase, status: OrderStatus): StockPlan {
  switch (status) {
    case 'pending':
    case 'confirmed':
      if (current === 'fulfilled' || current === 'returned') return { steps: [], phase: current };
      // from `reserved` too: a line short of stock gets another try at each step of the order
      return { steps: ['reserve'], phase: 'reserved' };
    case 'shipped':
    case 'delivered':
      if (current === 'fulfilled' || current === 'returned') return { steps: [], phase: current };
      return { steps: ['reserve', 'fulfil'], phase: 'fulfilled' };
    case 'cancelled':
      if (current === 'reserved') return { steps: ['release'], phase: 'released' };
      if (current === 'none') return { steps: [], phase: 'released' };
      return { steps: [], phase: current };
    case 'returned':
      if (current === 'fulfilled') return { steps: ['restock'], phase: 'returned' };
      // returned before we saw it shipped: the units went and came back, the reservation ends
      if (current === 'reserved') return { steps: ['release'], phase: 'released' };
      if (current === 'none') return { steps: [], phase: 'released' };
      return { steps: [], phase: current };
  }
}

/**
 * Whether the marketplace moved its own held stock of the order's SKUs between the state the
 * connector knew (`previous`, null for an order it sees for the first time, whatever its status)
 * and the incoming one. Every style takes the units from its listing when the buyer orders and
 * gives them back when the order is cancelled (apps/marketplace-sandbox, "Orders"). Whether a
 * marketplace puts returned units back on sale is not documented: a return counts too, since
 * forgetting what a listing holds costs at most one push of the same figure.
 */
export function marketplaceMovedStock(previous: OrderStatus | null, next: OrderStatus): boolean {
  if (previous === null) return true;
  if (previous === next) return false;
  return next === 'cancelled' || next === 'returned';
}

/** Forward order of the lifecycle, for events that carry the same marketplace time. */
const RANK: Record<OrderStatus, number> = {
  pending: 0,
  confirmed: 1,
  shipped: 2,
  delivered: 3,
  cancelled: 4,
  returned: 5,
};

/**
 * Whether an incoming state of an order is newer than the stored one. Marketplaces deliver events
 * out of order and twice (Postmart): the newest `updatedAt` wins, and an event with the same time
 * wins only if it is further along the lifecycle, so an older event never moves an order back.
 */
export function isNewer(
  stored: { status: OrderStatus; updatedAt: Date },
  incoming: { status: OrderStatus; updatedAt: Date },
): boolean {
  const delta = incoming.updatedAt.getTime() - stored.updatedAt.getTime();
  if (delta !== 0) return delta > 0;
  return RANK[incoming.status] > RANK[stored.status];
}

/** API.md's `stockStatus`, read off the phase and whether any line went short. */
export function stockStatus(
  phase: StockPhase,
  oversold: boolean,
): 'reserved' | 'released' | 'fulfilled' | 'oversold' {
  if (phase === 'fulfilled') return 'fulfilled';
  if (phase === 'released' || phase === 'returned') return 'released';
  return oversold ? 'oversold' : 'reserved';
}

/** Which actions the seller may still push for an order in this status. */
export function allowedActions(status: OrderStatus): ('confirm' | 'cancel')[] {
  if (status === 'pending') return ['confirm', 'cancel'];
  if (status === 'confirmed') return ['cancel'];
  return [];
}
