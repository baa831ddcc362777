import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { escapeLike, Page, PageQuery, searchWords } from '@ocop/common';
import { byCreation, fetchPage } from '@ocop/database';
import type { Actor } from '@ocop/auth';
import { Product, Sku } from './entities';

/** The columns that say who created a row and who last changed it. */
type CreatedBy = 'createdByKind' | 'createdById' | 'createdByName';
type UpdatedBy = 'updatedByKind' | 'updatedById' | 'updatedByName';

/** Who writes, in the columns of a product or SKU (the creator is its first updater too). */
export function createdByColumns(actor: Actor | null): Pick<Product, CreatedBy | UpdatedBy> {
  return {
    ...updatedByColumns(actor),
    createdByKind: actor?.kind ?? null,
    createdById: actor?.id ?? null,
    createdByName: actor?.name ?? null,
  };
}
export function updatedByColumns(actor: Actor | null): Pick<Product, UpdatedBy> {
  return {
    updatedByKind: actor?.kind ?? null,
    updatedById: actor?.id ?? null,
    updatedByName: actor?.name ?? null,
  };
}

/** A product as it is created, with the folded name its search matches. */
export type NewProduct = Pick<
  Product,
  | 'cooperativeId'
  | 'name'
  | 'category'
  | 'description'
  | 'imageUrls'
  | 'status'
  | 'searchText'
  | CreatedBy
  | UpdatedBy
>;

/** What a change of a product may write, with who writes it. */
export type ProductChanges = Partial<
  Pick<Product, 'name' | 'category' | 'description' | 'imageUrls' | 'status' | 'searchText'>
> &
  Pick<Product, UpdatedBy>;

/** A SKU as it is created: on-hand and reserved come only through the ledger, so they start at zero. */
export type NewSku = Pick<
  Sku,
  | 'productId'
  | 'cooperativeId'
  | 'code'
  | 'name'
  | 'priceVnd'
  | 'weightGrams'
  | 'onHand'
  | 'reserved'
  | 'safetyStock'
  | CreatedBy
  | UpdatedBy
>;

/** What a change of a SKU may write (never its stock: that is the ledger's). */
export type SkuChanges = Partial<Pick<Sku, 'name' | 'priceVnd' | 'weightGrams' | 'safetyStock'>> &
  Pick<Sku, UpdatedBy>;

/**
 * The products a list shows: those of `cooperativeId` when given, of this category and status,
 * showing `stars` on `today`, matching every word of `q`.
 */
export interface ProductFilter {
  cooperativeId?: string;
  category?: string;
  status?: Product['status'];
  stars?: number;
  today: string;
  q?: string;
}

/** The OCOP badge columns of a product: its active certificate, or all null. */
export type OcopBadgeColumns = Pick<Product, 'ocopCertificateId' | 'ocopStars' | 'ocopValidUntil'>;

/** Products and their SKUs, as ProductsService reads and writes them (stock aside: StockLedger). */
@Injectable()
export class ProductStore {
  constructor(
    @InjectRepository(Product) private readonly products: Repository<Product>,
    @InjectRepository(Sku) private readonly skus: Repository<Sku>,
  ) {}

  async add(manager: EntityManager, product: NewProduct): Promise<Product> {
    return manager.save(this.products.create(product));
  }

  /** Stores a new SKU; a code the cooperative already uses fails `skus_code_per_cooperative`. */
  async addSku(manager: EntityManager, sku: NewSku): Promise<Sku> {
    return manager.save(this.skus.create(sku));
  }

  /** The product, only if it is `cooperativeId`'s when that is given. */
  async byId(id: string, cooperativeId?: string): Promise<Product | null> {
    return this.products.findOne({
      where: cooperativeId ? { id, cooperativeId } : { id },
    });
  }

  /** The first product created with this exact name in the cooperative. */
  async firstByName(cooperativeId: string, name: string): Promise<Product | null> {
    return this.products.findOne({
      where: { cooperativeId, name },
      order: { createdAt: 'ASC' },
    });
  }

  /** A page of the products the filter lets through, newest first. */
  async page(filter: ProductFilter, query: PageQuery): Promise<Page<Product>> {
    const qb = this.products.createQueryBuilder('p');
    const { cooperativeId, category, status, stars, today } = filter;
    if (cooperativeId) qb.andWhere('p.cooperative_id = :cooperativeId', { cooperativeId });
    if (category) qb.andWhere('p.category = :category', { category });
    if (status) qb.andWhere('p.status = :status', { status });
    if (stars !== undefined) {
      qb.andWhere('p.ocop_stars = :stars AND p.ocop_valid_until >= :today', { stars, today });
    }
    searchWords(filter.q).forEach((word, i) =>
      qb.andWhere(`p.search_text LIKE :word${i}`, { [`word${i}`]: `%${escapeLike(word)}%` }),
    );
    const { rows, nextCursor } = await fetchPage(qb, query, byCreation);
    return { items: rows, nextCursor };
  }

  async saveChanges(manager: EntityManager, id: string, changes: ProductChanges): Promise<void> {
    await manager.update(Product, { id }, changes);
  }

  /** Every product's name, producer and category (a province holds a few thousand products at most). */
  async directory(): Promise<Pick<Product, 'id' | 'name' | 'cooperativeId' | 'category'>[]> {
    return this.products.find({ select: { id: true, name: true, cooperativeId: true, category: true } });
  }

  /**
   * Locks the product's row until the caller's transaction ends, so changes that must happen one
   * at a time per product wait for each other.
   */
  async lock(manager: EntityManager, productId: string): Promise<void> {
    await manager.query(`SELECT id FROM products WHERE id = $1 FOR UPDATE`, [productId]);
  }

  async saveOcopBadge(manager: EntityManager, productId: string, badge: OcopBadgeColumns): Promise<void> {
    await manager.update(Product, { id: productId }, badge);
  }

  /** Clears the badge if it is still this certificate's; false when it was not. */
  async clearOcopBadge(manager: EntityManager, productId: string, certificateId: string): Promise<boolean> {
    const cleared = await manager.update(
      Product,
      { id: productId, ocopCertificateId: certificateId },
      { ocopCertificateId: null, ocopStars: null, ocopValidUntil: null },
    );
    return Boolean(cleared.affected);
  }

  /** The SKU, only if it is `cooperativeId`'s when that is given. */
  async skuById(id: string, cooperativeId?: string): Promise<Sku | null> {
    return this.skus.findOne({
      where: cooperativeId ? { id, cooperativeId } : { id },
    });
  }

  /** The product's SKUs in the order they were added. */
  async skusOf(productId: string): Promise<Sku[]> {
    return this.skus.find({ where: { productId }, order: { seq: 'ASC' } });
  }

  /** The SKUs of these products, each product's in the order they were added. */
  async skusOfProducts(productIds: string[]): Promise<Sku[]> {
    // one statement text whatever the number of products (a sync run's read, prepared)
    return this.skus
      .createQueryBuilder('s')
      .where('s.product_id = ANY(CAST(:productIds AS uuid[]))', { productIds })
      .orderBy('s.seq', 'ASC')
      .getMany();
  }

  /** The cooperative's SKUs of these codes (codes are unique per cooperative). */
  async skusByCode(cooperativeId: string, codes: string[]): Promise<Sku[]> {
    // one statement text whatever the number of codes (prepared; `In` writes a parameter per code)
    return this.skus
      .createQueryBuilder('s')
      .where('s.cooperative_id = :cooperativeId AND s.code = ANY(CAST(:codes AS text[]))', {
        cooperativeId,
        codes: [...new Set(codes)],
      })
      .getMany();
  }

  /** Each product's name with its producer's name and district (unknown ids are absent). */
  async productNames(
    ids: string[],
  ): Promise<{ id: string; productName: string; producerName: string; district: string | null }[]> {
    const rows: { id: string; product_name: string; producer_name: string; district: string | null }[] =
      await this.products.query(
        `SELECT p.id, p.name AS product_name, c.name AS producer_name, c.district
         FROM products p JOIN cooperatives c ON c.id = p.cooperative_id
         WHERE p.id = ANY($1::uuid[])`,
        [[...new Set(ids)]],
      );
    return rows.map((row) => ({
      id: row.id,
      productName: row.product_name,
      producerName: row.producer_name,
      district: row.district,
    }));
  }

  /** Each SKU's name and its product's, by SKU id; unknown ids are absent. */
  async skuNames(ids: string[]): Promise<{ id: string; productName: string; skuName: string }[]> {
    const rows: { id: string; product_name: string; sku_name: string }[] = await this.skus.query(
      `SELECT s.id, p.name AS product_name, s.name AS sku_name
       FROM skus s JOIN products p ON p.id = s.product_id
       WHERE s.id = ANY($1::uuid[])`,
      [[...new Set(ids)]],
    );
    return rows.map((row) => ({ id: row.id, productName: row.product_name, skuName: row.sku_name }));
  }

  async saveSkuChanges(manager: EntityManager, skuId: string, changes: SkuChanges): Promise<void> {
    await manager.update(Sku, { id: skuId }, changes);
  }
}
