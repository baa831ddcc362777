import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { foldVietnamese } from '@ocop/common';
import { actorParams, type Actor } from '@ocop/auth';
import type {
  CurrentCatalogue,
  CurrentProduct,
  CurrentSku,
  ImportPlan,
  PreviewRow,
  ProductFields,
  ImportCounts,
} from './import-rows';

/** A stored preview, as the apply step reads it. */
export interface StoredImport {
  id: string;
  cooperativeId: string;
  expiresAt: Date;
  appliedAt: Date | null;
  preview: { counts: ImportCounts; rows: PreviewRow[] };
  plan: ImportPlan;
}

interface ProductRow {
  id: string;
  name: string;
  category: string;
  description: string | null;
  image_urls: string[];
  status: 'active' | 'archived';
}
interface SkuRow {
  id: string;
  product_id: string;
  code: string;
  name: string;
  price_vnd: string;
  weight_grams: number;
  on_hand: number;
  reserved: number;
  safety_stock: number;
}

const productOf = (r: ProductRow): CurrentProduct => ({
  id: r.id,
  name: r.name,
  category: r.category,
  description: r.description,
  imageUrls: r.image_urls,
  status: r.status,
});
const skuOf = (r: SkuRow): CurrentSku => ({
  id: r.id,
  productId: r.product_id,
  code: r.code,
  name: r.name,
  priceVnd: Number(r.price_vnd),
  weightGrams: r.weight_grams,
  onHand: r.on_hand,
  reserved: r.reserved,
  safetyStock: r.safety_stock,
});

const PRODUCT_COLUMNS = 'id, name, category, description, image_urls, status';
const SKU_COLUMNS = 'id, product_id, code, name, price_vnd, weight_grams, on_hand, reserved, safety_stock';

/** The SQL of spreadsheet imports and exports: the catalogue read whole, written in bulk. */
@Injectable()
export class CatalogueImportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A cooperative's whole catalogue: products oldest first, each product's SKUs in their order. */
  async catalogue(cooperativeId: string): Promise<CurrentCatalogue> {
    const [products, skus] = await Promise.all([
      this.dataSource.query<ProductRow[]>(
        `SELECT ${PRODUCT_COLUMNS} FROM products WHERE cooperative_id = $1 ORDER BY created_at, id`,
        [cooperativeId],
      ),
      this.dataSource.query<SkuRow[]>(
        `SELECT ${SKU_COLUMNS} FROM skus WHERE cooperative_id = $1 ORDER BY seq`,
        [cooperativeId],
      ),
    ]);
    return { products: products.map(productOf), skus: skus.map(skuOf) };
  }

  /**
   * Stores a preview. Previews a day past their expiry are deleted on the way: they can no longer
   * be applied, and the table stays as small as a day's uploads.
   */
  async savePreview(
    cooperativeId: string,
    actor: Actor | null,
    preview: StoredImport['preview'],
    plan: ImportPlan,
    expiresAt: Date,
  ): Promise<{ id: string }> {
    await this.dataSource.query(`DELETE FROM catalogue_imports WHERE expires_at < now() - interval '1 day'`);
    const [row] = await this.dataSource.query<{ id: string }[]>(
      `INSERT INTO catalogue_imports (cooperative_id, actor_kind, actor_id, actor_name, preview, plan, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       RETURNING id`,
      [
        cooperativeId,
        actor?.kind ?? null,
        actor?.id ?? null,
        actor?.name ?? null,
        JSON.stringify(preview),
        JSON.stringify(plan),
        expiresAt,
      ],
    );
    return { id: row!.id };
  }

  /** The import, locked for the caller's transaction; undefined when there is none of that id. */
  async lockImport(manager: EntityManager, id: string): Promise<StoredImport | undefined> {
    const [row] = await manager.query<
      {
        id: string;
        cooperative_id: string;
        expires_at: Date;
        applied_at: Date | null;
        preview: StoredImport['preview'];
        plan: ImportPlan;
      }[]
    >(
      `SELECT id, cooperative_id, expires_at, applied_at, preview, plan FROM catalogue_imports WHERE id = $1 FOR UPDATE`,
      [id],
    );
    if (!row) return undefined;
    return {
      id: row.id,
      cooperativeId: row.cooperative_id,
      expiresAt: row.expires_at,
      appliedAt: row.applied_at,
      preview: row.preview,
      plan: row.plan,
    };
  }

  async markApplied(manager: EntityManager, id: string): Promise<Date> {
    // TypeORM answers an UPDATE … RETURNING as [rows, affected]
    const [rows] = await manager.query<[{ applied_at: Date }[], number]>(
      `UPDATE catalogue_imports SET applied_at = now() WHERE id = $1 RETURNING applied_at`,
      [id],
    );
    return rows[0]!.applied_at;
  }

  /**
   * The products and SKUs a preview read, locked until the transaction ends (products then SKUs,
   * each by id, the order the stock ledger's lock uses), so nothing changes them between the
   * comparison with the preview and the writes.
   */
  async lockCurrent(
    manager: EntityManager,
    productIds: string[],
    skuIds: string[],
  ): Promise<{ products: CurrentProduct[]; skus: CurrentSku[] }> {
    const products = await manager.query<ProductRow[]>(
      `SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [[...new Set(productIds)]],
    );
    const skus = await manager.query<SkuRow[]>(
      `SELECT ${SKU_COLUMNS} FROM skus WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [[...new Set(skuIds)]],
    );
    return { products: products.map(productOf), skus: skus.map(skuOf) };
  }

  async takenCodes(manager: EntityManager, cooperativeId: string, codes: string[]): Promise<string[]> {
    if (codes.length === 0) return [];
    const rows = await manager.query<{ code: string }[]>(
      `SELECT code FROM skus WHERE cooperative_id = $1 AND code = ANY($2::text[])`,
      [cooperativeId, codes],
    );
    return rows.map((r) => r.code);
  }

  async takenNames(manager: EntityManager, cooperativeId: string, names: string[]): Promise<string[]> {
    if (names.length === 0) return [];
    const rows = await manager.query<{ name: string }[]>(
      `SELECT DISTINCT name FROM products WHERE cooperative_id = $1 AND name = ANY($2::text[])`,
      [cooperativeId, names],
    );
    return rows.map((r) => r.name);
  }

  /** Inserts products (of distinct names) in one statement; their ids by name. */
  async insertProducts(
    manager: EntityManager,
    cooperativeId: string,
    products: ProductFields[],
    actor: Actor | null,
  ): Promise<Map<string, string>> {
    if (products.length === 0) return new Map();
    const rows = await manager.query<{ id: string; name: string }[]>(
      `INSERT INTO products (cooperative_id, name, category, description, image_urls, status, search_text,
                             created_by_kind, created_by_id, created_by_name,
                             updated_by_kind, updated_by_id, updated_by_name)
       SELECT $1, p.item->>'name', p.item->>'category', p.item->>'description', p.item->'image_urls',
              p.item->>'status', p.item->>'search_text', $3, $4::uuid, $5, $3, $4::uuid, $5
       FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS p(item, ord)
       ORDER BY p.ord
       RETURNING id, name`,
      [
        cooperativeId,
        JSON.stringify(
          products.map((p) => ({
            name: p.name,
            category: p.category,
            description: p.description,
            image_urls: p.imageUrls,
            status: p.status,
            search_text: foldVietnamese(p.name),
          })),
        ),
        ...actorParams(actor),
      ],
    );
    return new Map(rows.map((r) => [r.name, r.id]));
  }

  async updateProduct(
    manager: EntityManager,
    productId: string,
    set: Partial<ProductFields>,
    actor: Actor | null,
  ): Promise<void> {
    await manager.query(
      `UPDATE products SET
         name = COALESCE($2, name),
         search_text = COALESCE($3, search_text),
         category = COALESCE($4, category),
         description = CASE WHEN $5::boolean THEN $6 ELSE description END,
         image_urls = COALESCE($7::jsonb, image_urls),
         status = COALESCE($8, status),
         updated_by_kind = $9, updated_by_id = $10, updated_by_name = $11,
         updated_at = now()
       WHERE id = $1`,
      [
        productId,
        set.name ?? null,
        set.name === undefined ? null : foldVietnamese(set.name),
        set.category ?? null,
        'description' in set,
        set.description ?? null,
        set.imageUrls === undefined ? null : JSON.stringify(set.imageUrls),
        set.status ?? null,
        ...actorParams(actor),
      ],
    );
  }

  /** Inserts SKUs with nothing on hand (stock enters through the ledger); their ids by code. */
  async insertSkus(
    manager: EntityManager,
    cooperativeId: string,
    skus: {
      productId: string;
      code: string;
      name: string;
      priceVnd: number;
      weightGrams: number;
      safetyStock: number;
    }[],
    actor: Actor | null,
  ): Promise<Map<string, string>> {
    if (skus.length === 0) return new Map();
    // one statement, rows inserted (and so numbered by seq) in the sheet's order
    const rows = await manager.query<{ id: string; code: string }[]>(
      `INSERT INTO skus (product_id, cooperative_id, code, name, price_vnd, weight_grams, safety_stock,
                         created_by_kind, created_by_id, created_by_name,
                         updated_by_kind, updated_by_id, updated_by_name)
       SELECT (s.item->>'product_id')::uuid, $1, s.item->>'code', s.item->>'name', (s.item->>'price_vnd')::bigint,
              (s.item->>'weight_grams')::int, (s.item->>'safety_stock')::int, $3, $4::uuid, $5, $3, $4::uuid, $5
       FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS s(item, ord)
       ORDER BY s.ord
       RETURNING id, code`,
      [
        cooperativeId,
        JSON.stringify(
          skus.map((s) => ({
            product_id: s.productId,
            code: s.code,
            name: s.name,
            price_vnd: s.priceVnd,
            weight_grams: s.weightGrams,
            safety_stock: s.safetyStock,
          })),
        ),
        ...actorParams(actor),
      ],
    );
    return new Map(rows.map((r) => [r.code, r.id]));
  }

  async updateSku(
    manager: EntityManager,
    skuId: string,
    set: Partial<Pick<CurrentSku, 'name' | 'priceVnd' | 'weightGrams' | 'safetyStock'>>,
    actor: Actor | null,
  ): Promise<void> {
    await manager.query(
      `UPDATE skus SET
         name = COALESCE($2, name),
         price_vnd = COALESCE($3, price_vnd),
         weight_grams = COALESCE($4, weight_grams),
         safety_stock = COALESCE($5, safety_stock),
         updated_by_kind = $6, updated_by_id = $7, updated_by_name = $8,
         updated_at = now()
       WHERE id = $1`,
      [
        skuId,
        set.name ?? null,
        set.priceVnd ?? null,
        set.weightGrams ?? null,
        set.safetyStock ?? null,
        ...actorParams(actor),
      ],
    );
  }
}
