import { Injectable } from '@nestjs/common';
import { EntityManager, QueryFailedError } from 'typeorm';
import {
  Clock,
  Conflict,
  ConnectorConfig,
  foldVietnamese,
  NotFound,
  Page,
  Scope,
  ValidationFailed,
  vietnamDate,
} from '@ocop/common';
import type { Actor } from '@ocop/auth';
import { EventBus, IdempotencyStore, requestFingerprint, StoredAnswer, Transactions } from '@ocop/database';
import { CooperativesService } from './cooperatives.service';
import { CatalogueChanged } from './events';
import {
  CreateProductBody,
  MovementListQuery,
  ProductListQuery,
  SkuInput,
  StockAdjustmentBody,
  StockTakeBody,
  UpdateProductBody,
  UpdateSkuBody,
} from './dto';
import type { Product, Sku } from './entities';
import { createdByColumns, ProductStore, updatedByColumns } from './products.repository';
import { StockLedger } from './stock-ledger';
import { StockLedgerStore } from './stock-ledger.repository';
import {
  movementView,
  type OcopBadgeView,
  type ProductView,
  productView,
  type SkuView,
  skuView,
} from './views';

function isUniqueViolation(error: unknown, constraint: string): boolean {
  return (
    error instanceof QueryFailedError &&
    (error.driverError as { code?: string; constraint?: string }).code === '23505' &&
    (error.driverError as { constraint?: string }).constraint === constraint
  );
}

/** A SKU as a person names it: "Chè móc câu Tân Cương", "Hộp 200g". */
export interface SkuLabel {
  productName: string;
  skuName: string;
}

/** A product as an officer's lists name it: its name, and its producer's name and district. */
export interface ProductLabel {
  productName: string;
  producerName: string;
  district: string | null;
}

/** What a report names a product by. */
export interface NamedProduct {
  name: string;
  cooperativeId: string;
  category: string;
}

@Injectable()
export class ProductsService {
  constructor(
    private readonly products: ProductStore,
    private readonly ledgerRows: StockLedgerStore,
    private readonly cooperatives: CooperativesService,
    private readonly transactions: Transactions,
    private readonly ledger: StockLedger,
    private readonly idempotency: IdempotencyStore,
    private readonly config: ConnectorConfig,
    private readonly clock: Clock,
    private readonly events: EventBus,
  ) {}

  /** `actor`: who creates it, recorded on the opening stock's ledger rows (null: the connector). */
  async create(scope: Scope, body: CreateProductBody, actor: Actor | null): Promise<ProductView> {
    await this.cooperatives.find(scope, body.cooperativeId);
    this.assertCategory(body.category);
    const codes = body.skus.map((s) => s.code);
    const repeated = codes.find((code, i) => codes.indexOf(code) !== i);
    if (repeated) throw new Conflict(`SKU code ${repeated} appears twice in this product`);
    const id = await this.transactions.run(async (manager) => {
      const product = await this.products.add(manager, {
        cooperativeId: body.cooperativeId,
        name: body.name,
        category: body.category,
        description: body.description ?? null,
        imageUrls: body.imageUrls ?? [],
        status: 'active',
        searchText: foldVietnamese(body.name),
        ...createdByColumns(actor),
      });
      for (const input of body.skus) await this.insertSku(manager, product, input, actor);
      return product.id;
    });
    return this.get(scope, id);
  }

  async get(scope: Scope, id: string): Promise<ProductView> {
    const product = await this.findProduct(scope, id);
    const skus = await this.products.skusOf(id);
    return productView(product, skus, this.today());
  }

  /** For importers and the demo seed, which match products by name within a cooperative. */
  async findByName(cooperativeId: string, name: string): Promise<ProductView | undefined> {
    const found = await this.products.firstByName(cooperativeId, name);
    return found ? this.get({ cooperativeId }, found.id) : undefined;
  }

  async list(scope: Scope, query: ProductListQuery): Promise<Page<ProductView>> {
    const cooperativeId = scope.cooperativeId ?? query.cooperativeId;
    if (
      scope.cooperativeId !== undefined &&
      query.cooperativeId &&
      query.cooperativeId !== scope.cooperativeId
    ) {
      return { items: [], nextCursor: null };
    }
    const today = this.today();
    const { items: page, nextCursor } = await this.products.page(
      {
        cooperativeId,
        category: query.category,
        status: query.status,
        stars: query.stars,
        today,
        q: query.q,
      },
      query,
    );
    const skus = page.length ? await this.products.skusOfProducts(page.map((p) => p.id)) : [];
    const byProduct = new Map<string, Sku[]>();
    for (const sku of skus) byProduct.set(sku.productId, [...(byProduct.get(sku.productId) ?? []), sku]);
    return { items: page.map((p) => productView(p, byProduct.get(p.id) ?? [], today)), nextCursor };
  }

  /** `actor`: who changes it, recorded as its last changer. */
  async update(scope: Scope, id: string, body: UpdateProductBody, actor: Actor | null): Promise<ProductView> {
    await this.findProduct(scope, id);
    if (body.category !== undefined) this.assertCategory(body.category);
    // nothing to change is no change, and names nobody as its last changer (as for a SKU)
    if (Object.values(body).every((value) => value === undefined)) return this.get(scope, id);
    await this.transactions.run(async (manager) => {
      await this.products.saveChanges(manager, id, {
        ...body,
        ...(body.name !== undefined ? { searchText: foldVietnamese(body.name) } : {}),
        ...updatedByColumns(actor),
      });
      await this.events.publish(manager, new CatalogueChanged({ kind: 'product', productId: id }));
    });
    return this.get(scope, id);
  }

  async addSku(scope: Scope, productId: string, input: SkuInput, actor: Actor | null): Promise<SkuView> {
    const product = await this.findProduct(scope, productId);
    const sku = await this.transactions.run(async (manager) => {
      const added = await this.insertSku(manager, product, input, actor);
      await this.events.publish(manager, new CatalogueChanged({ kind: 'product', productId: product.id }));
      return added;
    });
    return skuView(sku);
  }

  async updateSku(scope: Scope, skuId: string, body: UpdateSkuBody, actor: Actor | null): Promise<SkuView> {
    const sku = await this.findSku(scope, skuId);
    if (Object.values(body).some((value) => value !== undefined)) {
      await this.transactions.run(async (manager) => {
        await this.products.saveSkuChanges(manager, skuId, { ...body, ...updatedByColumns(actor) });
        await this.events.publish(
          manager,
          new CatalogueChanged({ kind: 'product', productId: sku.productId }),
        );
      });
    }
    return skuView(await this.findSku(scope, skuId));
  }

  /** A manual stock adjustment; with an Idempotency-Key a repeat replays the first answer. */
  async adjustStock(
    scope: Scope,
    skuId: string,
    body: StockAdjustmentBody,
    actor: Actor | null,
    idempotencyKey?: string,
  ): Promise<StoredAnswer<SkuView>> {
    const sku = await this.findSku(scope, skuId);
    const adjust = async (manager: EntityManager): Promise<StoredAnswer<SkuView>> => {
      const moved = await this.ledger.apply(
        manager,
        skuId,
        { onHandDelta: body.delta },
        { kind: 'adjustment', reason: body.reason, idempotencyKey, actor },
      );
      if (!moved) throw this.belowReserved(sku);
      return { status: 201, body: skuView(moved) };
    };
    return this.transactions.run((manager) =>
      idempotencyKey === undefined
        ? adjust(manager)
        : this.idempotency.once(
            manager,
            {
              scope: `stock-adjustment:${sku.cooperativeId}`,
              key: idempotencyKey,
              fingerprint: requestFingerprint({ skuId, ...body }),
            },
            () => adjust(manager),
          ),
    );
  }

  /** A stock take: on-hand becomes the counted figure, the difference goes into the ledger. */
  async takeStock(scope: Scope, skuId: string, body: StockTakeBody, actor: Actor | null): Promise<SkuView> {
    const sku = await this.findSku(scope, skuId);
    const moved = await this.transactions.run((manager) =>
      this.ledger.apply(
        manager,
        skuId,
        { setOnHand: body.onHand },
        { kind: 'stock_take', reason: body.reason, actor },
      ),
    );
    if (!moved) throw this.belowReserved(sku);
    return skuView(moved);
  }

  async movements(scope: Scope, skuId: string, query: MovementListQuery) {
    await this.findSku(scope, skuId);
    const { items, nextCursor } = await this.ledgerRows.movements(skuId, query);
    return { items: items.map(movementView), nextCursor };
  }

  /** The product if the scope may see it; otherwise 404. */
  async findProduct(scope: Scope, id: string): Promise<Product> {
    const found = await this.products.byId(id, scope.cooperativeId);
    if (!found) throw new NotFound('No such product');
    return found;
  }

  /**
   * Every product's name, producer and category, by id: what reports name a product by (archived
   * products included, since their sales and certificates stay in the reports).
   */
  async directory(): Promise<Map<string, NamedProduct>> {
    const rows = await this.products.directory();
    return new Map(
      rows.map((row) => [
        row.id,
        { name: row.name, cooperativeId: row.cooperativeId, category: row.category },
      ]),
    );
  }

  /**
   * Each product's SKUs with what is available of them, in the order they were added: what a stock
   * push needs of many products, in one query. Products without SKUs, or unknown, are absent.
   */
  async stockOf(productIds: string[]): Promise<Map<string, { code: string; available: number }[]>> {
    const stock = new Map<string, { code: string; available: number }[]>();
    if (productIds.length === 0) return stock;
    for (const sku of await this.products.skusOfProducts([...new Set(productIds)])) {
      const { code, available } = skuView(sku);
      const held = stock.get(sku.productId);
      if (held) held.push({ code, available });
      else stock.set(sku.productId, [{ code, available }]);
    }
    return stock;
  }

  /** A cooperative's SKUs by code (codes are unique per cooperative); codes it lacks are absent. */
  async skusByCode(cooperativeId: string, codes: string[]): Promise<Map<string, Sku>> {
    if (codes.length === 0) return new Map();
    const found = await this.products.skusByCode(cooperativeId, codes);
    return new Map(found.map((sku) => [sku.code, sku]));
  }

  /**
   * What an officer reads a product by — its name, its producer's name and district — for other
   * contexts that list products by id (certificates); one query for any number of ids, unknown ids
   * are absent.
   */
  async productLabels(ids: string[]): Promise<Map<string, ProductLabel>> {
    if (ids.length === 0) return new Map();
    const rows = await this.products.productNames(ids);
    return new Map(
      rows.map((row) => [
        row.id,
        { productName: row.productName, producerName: row.producerName, district: row.district },
      ]),
    );
  }

  /**
   * What a person calls each SKU (its product's name and its pack), for other contexts that show
   * SKUs by id (an order's lines); one query for any number of ids, unknown ids are absent.
   */
  async skuLabels(ids: string[]): Promise<Map<string, SkuLabel>> {
    if (ids.length === 0) return new Map();
    const rows = await this.products.skuNames(ids);
    return new Map(rows.map((row) => [row.id, { productName: row.productName, skuName: row.skuName }]));
  }

  async findSku(scope: Scope, id: string): Promise<Sku> {
    const found = await this.products.skuById(id, scope.cooperativeId);
    if (!found) throw new NotFound('No such SKU');
    return found;
  }

  /**
   * Locks the product's row until the caller's transaction ends, so changes that must happen one
   * at a time per product (the OCOP certificates, which write its badge) wait for each other.
   */
  async lockProduct(manager: EntityManager, productId: string): Promise<void> {
    await this.products.lock(manager, productId);
  }

  /**
   * Records the product's active OCOP certificate (or none). Called by the OCOP context inside the
   * transaction that changes the certificate, so the badge never disagrees with it.
   */
  async recordOcopBadge(
    manager: EntityManager,
    productId: string,
    badge: OcopBadgeView | null,
  ): Promise<void> {
    await this.products.saveOcopBadge(manager, productId, {
      ocopCertificateId: badge?.certificateId ?? null,
      ocopStars: badge?.stars ?? null,
      ocopValidUntil: badge?.validUntil ?? null,
    });
    await this.events.publish(manager, new CatalogueChanged({ kind: 'product', productId }));
  }

  /** Removes the badge if it is still this certificate's (the nightly expiry of certificates). */
  async clearOcopBadge(manager: EntityManager, productId: string, certificateId: string): Promise<void> {
    if (await this.products.clearOcopBadge(manager, productId, certificateId))
      await this.events.publish(manager, new CatalogueChanged({ kind: 'product', productId }));
  }

  private today(): string {
    return vietnamDate(this.clock.now());
  }

  private belowReserved(sku: Sku): Conflict {
    return new Conflict(
      `On-hand stock of ${sku.code} may not go below the ${sku.reserved} reserved for orders`,
    );
  }

  private assertCategory(category: string): void {
    const known = this.config.reference.categories.map((c) => c.slug);
    if (!known.includes(category)) {
      throw new ValidationFailed([
        { field: 'category', message: `must be one of GET /v1/reference/categories: ${known.join(', ')}` },
      ]);
    }
  }

  private async insertSku(
    manager: EntityManager,
    product: Product,
    input: SkuInput,
    actor: Actor | null,
  ): Promise<Sku> {
    let sku: Sku;
    try {
      sku = await this.products.addSku(manager, {
        productId: product.id,
        cooperativeId: product.cooperativeId,
        code: input.code,
        name: input.name,
        priceVnd: input.priceVnd,
        weightGrams: input.weightGrams,
        onHand: 0,
        reserved: 0,
        safetyStock: input.safetyStock ?? 0,
        ...createdByColumns(actor),
      });
    } catch (error) {
      if (isUniqueViolation(error, 'skus_code_per_cooperative')) {
        throw new Conflict(`SKU code ${input.code} already exists in this cooperative`);
      }
      throw error;
    }
    if (!input.onHand) return sku;
    const stocked = await this.ledger.apply(
      manager,
      sku.id,
      { onHandDelta: input.onHand },
      { kind: 'initial', reason: 'opening stock', actor },
    );
    return stocked ?? sku;
  }
}
