import { timingSafeEqual } from 'node:crypto';
import { parseMarketplaceJson } from '@ocop/common';
import { isRecord } from './adapter-support';
import {
  MalformedWebhookError,
  Marketplace,
  MarketplaceError,
  MarketplaceOrder,
  OrderChange,
  OrderHint,
  OrderStatus,
  WebhookDelivery,
  WebhookEvent,
} from './port';

/**
 * An order, search row or webhook body that does not read as the marketplace's documented shape.
 * The pure readers throw it; the adapter turns it into a MalformedWebhookError for a push (answered
 * 400, so the marketplace's own retries show the problem) or into a permanent MarketplaceError for a
 * search, where asking again would read the same row again.
 */
export class UnreadableOrder extends Error {
  constructor(
    message: string,
    readonly code: 'unknown_status' | 'unreadable_order' = 'unreadable_order',
  ) {
    super(message);
    this.name = 'UnreadableOrder';
  }
}

/** What a search answer's unreadable row becomes for the engine; anything else passes unchanged. */
export function searchError(error: unknown, marketplace: Marketplace): unknown {
  if (!(error instanceof UnreadableOrder)) return error;
  return new MarketplaceError('permanent', `${marketplace}: ${error.message}`, {
    code: error.code,
    marketplace,
  });
}

export function orderNotFound(marketplace: Marketplace, externalOrderId: string, why = ''): MarketplaceError {
  return new MarketplaceError('permanent', `${marketplace}: order ${externalOrderId} not found${why}`, {
    code: 'order_not_found',
    marketplace,
  });
}

/** The JSON of a webhook body, read by `read`; anything unreadable becomes MalformedWebhookError. */
export function readWebhookBody(
  delivery: WebhookDelivery,
  marketplace: Marketplace,
  read: (body: Record<string, unknown>) => WebhookEvent,
): WebhookEvent {
  let body: unknown;
  try {
    // well-formed: the event is stored in jsonb, which refuses a lone surrogate; the signature is
    // checked on delivery.rawBody, which this does not change
    body = parseMarketplaceJson(delivery.rawBody.toString('utf8'));
  } catch {
    throw new MalformedWebhookError(`${marketplace}: the webhook body is not JSON`);
  }
  if (!isRecord(body)) throw new MalformedWebhookError(`${marketplace}: the webhook body is not an object`);
  try {
    return read(body);
  } catch (error) {
    if (error instanceof UnreadableOrder) throw new MalformedWebhookError(`${marketplace}: ${error.message}`);
    throw error;
  }
}

/** One header of a delivery, trimmed; undefined when absent or blank. */
export function headerOf(delivery: WebhookDelivery, name: string): string | undefined {
  const value = delivery.headers[name];
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * Constant-time comparison of two digests. timingSafeEqual throws on unequal lengths, and a
 * signature check must answer false, never throw, whatever a sender puts in the header.
 */
export function sameDigest(expected: Buffer, given: Buffer): boolean {
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** A required identifier: a non-empty string, or a number some marketplaces send ids as. */
export function idField(record: Record<string, unknown>, field: string): string {
  const value = record[field];
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  throw new UnreadableOrder(`${field} is missing`);
}

/** A money figure in whole dong, never negative. */
export function amountField(record: Record<string, unknown>, field: string): number {
  const value = record[field];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new UnreadableOrder(`${field} is not an amount`);
  }
  return value;
}

/** A line's quantity: a whole number of units above zero. */
export function quantityField(record: Record<string, unknown>, field: string): number {
  const value = record[field];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new UnreadableOrder(`${field} is not a quantity`);
  }
  return value;
}

/** A unix-seconds timestamp (Sendo), as a number or a numeric string. */
export function unixSecondsField(record: Record<string, unknown>, field: string): Date {
  const value = record[field];
  const seconds = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof seconds !== 'number' || !Number.isSafeInteger(seconds) || seconds < 0) {
    throw new UnreadableOrder(`${field} is not a unix timestamp`);
  }
  return new Date(seconds * 1000);
}

/**
 * An ISO-8601 instant that names its zone (Z or ±hh:mm): a local time without a zone would be read
 * in the server's own zone, which is exactly the mistake the conversion to UTC must not make.
 */
export function isoField(record: Record<string, unknown>, field: string): Date {
  const value = record[field];
  if (
    typeof value !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.test(value)
  ) {
    throw new UnreadableOrder(`${field} is not an ISO-8601 instant with a zone`);
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new UnreadableOrder(`${field} is not a valid instant`);
  return new Date(ms);
}

export function recordField(record: Record<string, unknown>, field: string): Record<string, unknown> {
  const value = record[field];
  if (!isRecord(value)) throw new UnreadableOrder(`${field} is not an object`);
  return value;
}

export function listField(record: Record<string, unknown>, field: string): Record<string, unknown>[] {
  const value = record[field];
  if (!Array.isArray(value) || !value.every(isRecord)) throw new UnreadableOrder(`${field} is not a list`);
  return value as Record<string, unknown>[];
}

/** The connector status of a marketplace code, from that marketplace's own table. */
export function statusFrom<S extends string>(table: Readonly<Record<string, S>>, code: unknown): S {
  const key = typeof code === 'number' || typeof code === 'string' ? String(code) : undefined;
  const status = key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
  if (status === undefined)
    throw new UnreadableOrder(`unknown order status ${String(code)}`, 'unknown_status');
  return status;
}

/**
 * Confirms or cancels through `send`. A refusal may only mean the order is already where it was
 * sent — the repeat of a call whose answer was lost, or a second click — so a permanent refusal is
 * checked against the order as it stands before it is passed on.
 */
export async function moveOrder(
  target: OrderStatus,
  send: () => Promise<unknown>,
  current: () => Promise<OrderStatus>,
): Promise<void> {
  try {
    await send();
  } catch (error) {
    if (
      error instanceof MarketplaceError &&
      error.kind === 'permanent' &&
      error.options.code !== 'order_not_found'
    ) {
      const status = await current().catch(() => null);
      if (status === target) return;
    }
    throw error;
  }
}

/** The earliest time among hints: a search from there meets every genuine order they name. */
export function earliestHint(hints: readonly OrderHint[]): Date {
  return new Date(Math.min(...hints.map((hint) => hint.updatedAt.getTime())));
}

/**
 * The orders named by `hints` met in a search of changed orders (pages of full orders, oldest change
 * first), read only until each has been met: an order changes only forward in time, so a genuine
 * one turns up at or after the time its push gave, and whatever is not met by the end of the
 * search is unknown to the marketplace.
 */
export async function ordersMetInSearch(
  search: AsyncIterable<OrderChange[]>,
  hints: readonly OrderHint[],
): Promise<Map<string, MarketplaceOrder>> {
  const wanted = new Set(hints.map((hint) => hint.externalOrderId));
  const found = new Map<string, MarketplaceOrder>();
  if (wanted.size === 0) return found;
  for await (const page of search) {
    for (const change of page) {
      if (change.order && wanted.has(change.externalOrderId)) found.set(change.externalOrderId, change.order);
    }
    if (found.size === wanted.size) break;
  }
  return found;
}
