/**
 * The orders pages' decisions, free of the DOM and the API client so they are unit-tested under
 * Node (test/unit/web-orders.spec.ts): which filters a URL holds, how the list is read, which
 * actions an order still takes, and how a picking list adds up its lines.
 */
import type { Schemas } from '../api';
import { ORDER_STATUSES } from '../labels';
import type { OrderStatus } from '../labels';

export type Order = Schemas['OrderResponse'];
type StockStatus = Order['stockStatus'];

export interface Filters {
  /** "all" for every status; the morning view ("pending") when the URL names none */
  status: OrderStatus | 'all';
  marketplace: string;
  from: string;
  to: string;
  oversold: boolean;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The filters a URL holds; what it holds wrongly is dropped rather than sent to be refused. */
export function filtersOf(query: URLSearchParams): Filters {
  const status = query.get('status');
  const day = (name: string) => {
    const value = query.get(name) ?? '';
    return DAY.test(value) ? value : '';
  };
  return {
    status:
      status === 'all' || ORDER_STATUSES.includes(status as OrderStatus)
        ? (status as Filters['status'])
        : 'pending',
    marketplace: query.get('marketplace') ?? '',
    from: day('from'),
    to: day('to'),
    oversold: query.get('oversold') === '1',
  };
}

/** The URL's query for the filters: the morning view is the bare `#/orders`. */
export function urlOf(filters: Filters) {
  return {
    status: filters.status === 'pending' ? undefined : filters.status,
    marketplace: filters.marketplace,
    from: filters.from,
    to: filters.to,
    oversold: filters.oversold ? 1 : undefined,
  };
}

/**
 * The list is read as keyset streams, one after the other. While orders still hold stock (waiting
 * or confirmed) the oversold ones come first, then those holding their stock, then any other
 * (an order the marketplace moved back after shipping), each newest first. Together the streams
 * select exactly what the filters do, so the list and its total agree.
 */
export function streamsOf(filters: Filters): { stockStatus?: StockStatus }[] {
  if (!filters.oversold && (filters.status === 'pending' || filters.status === 'confirmed')) {
    return [
      { stockStatus: 'oversold' },
      { stockStatus: 'reserved' },
      { stockStatus: 'fulfilled' },
      { stockStatus: 'released' },
    ];
  }
  return [{}];
}

/** Stock ran short for it while it still holds stock: someone must decide (WORKSPACE journey 1). */
export function isOversold(order: Order): boolean {
  return order.stockStatus === 'oversold';
}

/** The actions the API still takes for the order's status (libs/orders allowedActions). */
export function allowedActions(order: Order): ('confirm' | 'cancel')[] {
  // one request at a time: the worker is pushing the last one
  if (order.requestedAction) return [];
  if (order.status === 'pending') return ['confirm', 'cancel'];
  if (order.status === 'confirmed') return ['cancel'];
  return [];
}

/** "Chè móc câu Tân Cương · Hộp 200g": a line's product as the catalogue names it, else its code. */
export function lineName(line: Pick<Order['lines'][number], 'productName' | 'skuName' | 'skuCode'>): string {
  if (line.productName) return line.skuName ? `${line.productName} · ${line.skuName}` : line.productName;
  return line.skuCode ?? 'Mã SKU không rõ (unknown SKU)';
}

export interface PickRow {
  key: string;
  productName: string | null;
  skuName: string | null;
  skuCode: string | null;
  skuId: string | null;
  quantity: number;
  /** units of the orders still on the shelf (not yet shipped): what picking takes off on hand */
  toLeave: number;
  orders: number;
}

/** Every line of the orders added up per SKU (per code for a line the catalogue does not know). */
export function pickRows(orders: Order[]): PickRow[] {
  const rows = new Map<string, PickRow>();
  for (const order of orders) {
    const counted = new Set<string>();
    for (const line of order.lines) {
      const key = line.skuId ?? `code:${line.skuCode ?? '?'}`;
      const row = rows.get(key) ?? {
        key,
        productName: line.productName,
        skuName: line.skuName,
        skuCode: line.skuCode,
        skuId: line.skuId,
        quantity: 0,
        toLeave: 0,
        orders: 0,
      };
      row.quantity += line.quantity;
      row.toLeave += line.quantity - line.fulfilledQuantity;
      // an order with two lines of one SKU is still one order
      if (!counted.has(key)) row.orders += 1;
      counted.add(key);
      rows.set(key, row);
    }
  }
  return [...rows.values()].sort(
    (a, b) =>
      (a.productName ?? '\uffff').localeCompare(b.productName ?? '\uffff', 'vi') ||
      (a.skuCode ?? '').localeCompare(b.skuCode ?? '', 'vi'),
  );
}

/** The SKUs the orders leave at or below their safety stock: on hand less what is still to leave. */
export function lowAfterPicking<S extends { onHand: number; safetyStock: number }>(
  rows: PickRow[],
  stockOf: (skuId: string) => S | undefined,
): { row: PickRow; sku: S; left: number }[] {
  return rows.flatMap((row) => {
    const sku = row.skuId ? stockOf(row.skuId) : undefined;
    if (!sku) return [];
    const left = sku.onHand - row.toLeave;
    return left <= sku.safetyStock ? [{ row, sku, left }] : [];
  });
}
