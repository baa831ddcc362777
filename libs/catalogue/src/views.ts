import { recordedActor } from '@ocop/auth';
import { Cooperative, Product, Sku, StockMovement } from './entities';

/** API.md shapes. `ocop` is filled from the OCOP context's active certificate, when it has one. */
export interface OcopBadgeView {
  certificateId: string;
  stars: number;
  validUntil: string;
}

export function cooperativeView(c: Cooperative) {
  return {
    id: c.id,
    name: c.name,
    kind: c.kind,
    province: c.province,
    district: c.district,
    commune: c.commune,
    address: c.address,
    taxCode: c.taxCode,
    phone: c.phone,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function skuView(s: Sku) {
  return {
    id: s.id,
    productId: s.productId,
    code: s.code,
    name: s.name,
    priceVnd: s.priceVnd,
    weightGrams: s.weightGrams,
    onHand: s.onHand,
    reserved: s.reserved,
    safetyStock: s.safetyStock,
    available: Math.max(0, s.onHand - s.reserved - s.safetyStock),
    createdBy: recordedActor(s.createdByKind, s.createdById, s.createdByName),
    updatedBy: recordedActor(s.updatedByKind, s.updatedById, s.updatedByName),
  };
}
export type SkuView = ReturnType<typeof skuView>;

/** The badge a product may show now: its certificate, unless that has passed its last day. */
export function ocopBadge(p: Product, today: string): OcopBadgeView | null {
  if (!p.ocopCertificateId || p.ocopStars === null || p.ocopValidUntil === null || p.ocopValidUntil < today) {
    return null;
  }
  return { certificateId: p.ocopCertificateId, stars: p.ocopStars, validUntil: p.ocopValidUntil };
}

export function productView(p: Product, skus: Sku[], today: string) {
  return {
    id: p.id,
    cooperativeId: p.cooperativeId,
    name: p.name,
    category: p.category,
    description: p.description,
    imageUrls: p.imageUrls,
    status: p.status,
    skus: skus.map(skuView),
    ocop: ocopBadge(p, today),
    createdBy: recordedActor(p.createdByKind, p.createdById, p.createdByName),
    updatedBy: recordedActor(p.updatedByKind, p.updatedById, p.updatedByName),
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
export type ProductView = ReturnType<typeof productView>;

export function movementView(m: StockMovement) {
  return {
    id: m.id,
    skuId: m.skuId,
    onHandDelta: m.onHandDelta,
    reservedDelta: m.reservedDelta,
    kind: m.kind,
    reason: m.reason,
    orderId: m.orderId,
    onHandAfter: m.onHandAfter,
    reservedAfter: m.reservedAfter,
    // who made it: a key or a person as named then; null when the connector did (orders, seed)
    actor: recordedActor(m.actorKind, m.actorId, m.actorName),
    createdAt: m.createdAt.toISOString(),
  };
}
