import { ShopFaults } from './faults';
import { UpdatedIndex } from './updated-index';

/** The connector's status words (MARKETPLACES.md, "Status mapping to the connector"). */
export const CONNECTOR_STATUSES = [
  'pending',
  'confirmed',
  'shipped',
  'delivered',
  'cancelled',
  'returned',
] as const;
export type ConnectorStatus = (typeof CONNECTOR_STATUSES)[number];

/** A marketplace's own order status: Sendo's number, Voso's or Postmart's word. */
export type StatusCode = string | number;

export interface Variant {
  /** The seller's SKU (Sendo sku / variant_sku, Voso PRODUCT_SKU, Postmart seller_sku). */
  sku: string;
  /** The marketplace's own id for the SKU (Postmart sku_id; Sendo and Voso have none, so the SKU). */
  variantId: string;
  price: number;
  quantity: number;
  weightGrams: number;
}

export interface Listing {
  productId: string;
  shopId: string;
  name: string;
  description: string;
  categoryId: string;
  images: string[];
  status: 'active' | 'delisted';
  /** Sendo's stock_availability; always true for the other styles. False: buyers cannot order. */
  available: boolean;
  variants: Variant[];
  /** Sendo only: product_status code and the fields it echoes back. */
  sendo?: { productStatus: number; isConfigVariant: boolean; sku: string };
  createdAt: number;
  updatedAt: number;
}

export interface OrderLine {
  sku: string;
  variantId: string;
  productId: string;
  quantity: number;
  price: number;
}

export interface Order {
  orderId: string;
  shopId: string;
  status: StatusCode;
  placedAt: number;
  updatedAt: number;
  /** When the sandbox received the order (virtual now); Voso's 24-hour auto-cancel counts from it. */
  receivedAt: number;
  seq: number;
  lines: OrderLine[];
  total: number;
  cancelReason?: string;
}

export interface WebhookAttemptLog {
  eventKey: string;
  attempt: number;
  at: string;
  httpStatus: number | null;
  ok: boolean;
  error?: string;
}

export interface SkuRef {
  listing: Listing;
  variant: Variant;
}

/** Everything the sandbox holds for one shop, with the indexes that keep requests off full scans. */
export class ShopState {
  readonly listings = new Map<string, Listing>();
  /** Seller SKU → the listing that currently holds it. */
  readonly skus = new Map<string, SkuRef>();
  /** Marketplace SKU id → listing and variant (Postmart's sku_id). */
  readonly variantIds = new Map<string, SkuRef>();
  readonly orders = new Map<string, Order>();
  readonly ordersByUpdate = new UpdatedIndex<Order>();
  readonly faults = new ShopFaults();
  /** Postmart idempotency keys → the first answer given. */
  readonly idempotency = new Map<string, { httpStatus: number; body: unknown }>();
  readonly webhookLog: WebhookAttemptLog[] = [];
  orderSeq = 0;

  constructor(
    readonly shopId: string,
    readonly credentials: Record<string, string>,
    public webhookSecret: string,
    public webhookUrl: string | undefined,
  ) {}
}

/** A listing that has no content yet; the style server fills it from the request. */
export function blankListing(productId: string, shopId: string, now: number): Listing {
  return {
    productId,
    shopId,
    name: '',
    description: '',
    categoryId: '',
    images: [],
    status: 'active',
    available: true,
    variants: [],
    createdAt: now,
    updatedAt: now,
  };
}
