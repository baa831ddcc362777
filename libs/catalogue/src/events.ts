/** What changed in the catalogue, as other contexts need to hear it. */
export type CatalogueChange =
  /** the stock of these products moved (a batch of orders moves many at once) */
  { kind: 'product'; productId: string } | { kind: 'stock'; productIds: string[] };

/**
 * A product or its stock changed. Published inside the change's transaction, so a context that
 * must move with it (channels bumps the listings' desired versions) does so atomically, without
 * the catalogue knowing who listens. Not `mustBeHandled`: the seed command loads the catalogue
 * alone, before any listing exists.
 */
export class CatalogueChanged {
  constructor(readonly change: CatalogueChange) {}
}
