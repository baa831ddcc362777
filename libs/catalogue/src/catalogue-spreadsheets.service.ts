import { Injectable } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import {
  BadRequest,
  Clock,
  Conflict,
  ConnectorConfig,
  NotFound,
  type Scope,
  UnsupportedMediaType,
  ValidationFailed,
  vietnamDate,
} from '@ocop/common';
import type { Actor } from '@ocop/auth';
import { EventBus, Transactions } from '@ocop/database';
import { CatalogueImportsRepository } from './catalogue-imports.repository';
import {
  catalogueWorkbook,
  type ExportRow,
  readCatalogueWorkbook,
  SPREADSHEET_MEDIA_TYPE,
  templateWorkbook,
} from './catalogue-workbook';
import { CooperativesService } from './cooperatives.service';
import { CatalogueChanged } from './events';
import { catalogueMoved, type ImportCounts, type PreviewRow, previewImport } from './import-rows';
import { STATUS_WORDS } from './spreadsheet-columns';
import { StockLedger } from './stock-ledger';

/** How long a preview may be applied: long enough to read it, short enough to stay true. */
export const IMPORT_VALID_SECONDS = 3600;
/** The reason the stock ledger shows for on-hand figures an import sets. */
export const IMPORT_STOCK_REASON = 'Nhập từ Excel';

export interface ImportPreviewView {
  id: string;
  expiresAt: string;
  counts: ImportCounts;
  rows: PreviewRow[];
}

export interface ImportAppliedView {
  id: string;
  appliedAt: string;
  counts: ImportCounts;
}

/**
 * The catalogue as a spreadsheet (issue 14): export, the blank template, and an import previewed
 * (every row new, changed, unchanged or refused, nothing written) and then applied whole in one
 * transaction, or refused whole when the catalogue moved since the preview.
 */
@Injectable()
export class CatalogueSpreadsheets {
  constructor(
    private readonly imports: CatalogueImportsRepository,
    private readonly cooperatives: CooperativesService,
    private readonly ledger: StockLedger,
    private readonly transactions: Transactions,
    private readonly events: EventBus,
    private readonly config: ConnectorConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * The cooperative a spreadsheet route works on: a cooperative's own (naming another is a 404,
   * as every other tenant's thing is); admins and officers must name one.
   */
  async cooperativeFor(scope: Scope, cooperativeId: string | undefined): Promise<string> {
    const id = cooperativeId ?? scope.cooperativeId;
    if (id === undefined) {
      throw new ValidationFailed([
        { field: 'cooperativeId', message: 'must name the cooperative (admins and officers see every one)' },
      ]);
    }
    return (await this.cooperatives.find(scope, id)).id;
  }

  async exportCatalogue(
    scope: Scope,
    cooperativeId: string | undefined,
  ): Promise<{ filename: string; bytes: Buffer }> {
    const id = await this.cooperativeFor(scope, cooperativeId);
    const catalogue = await this.imports.catalogue(id);
    const skusOf = new Map<string, typeof catalogue.skus>();
    for (const sku of catalogue.skus) skusOf.set(sku.productId, [...(skusOf.get(sku.productId) ?? []), sku]);
    const rows: ExportRow[] = catalogue.products.flatMap((p) =>
      (skusOf.get(p.id) ?? []).map((s) => ({
        productName: p.name,
        category: p.category,
        description: p.description,
        imageUrls: p.imageUrls.length > 0 ? p.imageUrls.join('\n') : null,
        skuCode: s.code,
        packName: s.name,
        priceVnd: s.priceVnd,
        weightGrams: s.weightGrams,
        onHand: s.onHand,
        safetyStock: s.safetyStock,
        status: STATUS_WORDS[p.status],
      })),
    );
    const day = vietnamDate(this.clock.now());
    return { filename: `san-pham-${id.slice(0, 8)}-${day}.xlsx`, bytes: await catalogueWorkbook(rows) };
  }

  template(): Promise<Buffer> {
    return templateWorkbook(
      this.config.reference.categories.map((c) => ({ slug: c.slug, nameVi: c.nameVi, nameEn: c.name })),
    );
  }

  /** Reads the uploaded workbook and stores what applying it would do; writes nothing else. */
  async preview(
    scope: Scope,
    cooperativeId: string | undefined,
    body: unknown,
    actor: Actor | null,
  ): Promise<ImportPreviewView> {
    if (body === undefined || body === null || (Buffer.isBuffer(body) && body.length === 0)) {
      throw new BadRequest('The body is empty: send the .xlsx file itself as the body');
    }
    if (!Buffer.isBuffer(body)) {
      throw new UnsupportedMediaType(
        `Send the .xlsx file itself as the body, with Content-Type ${SPREADSHEET_MEDIA_TYPE}`,
      );
    }
    const id = await this.cooperativeFor(scope, cooperativeId);
    const sheet = await readCatalogueWorkbook(body);
    const current = await this.imports.catalogue(id);
    const { rows, counts, plan } = previewImport(
      sheet.rows,
      sheet.present,
      current,
      this.config.reference.categories,
    );
    const expiresAt = new Date(this.clock.now().getTime() + IMPORT_VALID_SECONDS * 1000);
    const stored = await this.imports.savePreview(id, actor, { counts, rows }, plan, expiresAt);
    return { id: stored.id, expiresAt: expiresAt.toISOString(), counts, rows };
  }

  /**
   * Applies every row of the preview that was not refused, in one transaction. Refused (409, with
   * nothing written) when the preview was applied already, has expired, or when any product or SKU
   * it read changed since (another import, an edit, an order reserving stock is not a change).
   */
  async apply(scope: Scope, importId: string, actor: Actor | null): Promise<ImportAppliedView> {
    return this.transactions.run(async (manager) => {
      const stored = await this.imports.lockImport(manager, importId);
      if (!stored || (scope.cooperativeId !== undefined && stored.cooperativeId !== scope.cooperativeId)) {
        throw new NotFound('No such import');
      }
      if (stored.appliedAt) throw new Conflict('This import was applied already');
      if (stored.expiresAt.getTime() <= this.clock.now().getTime()) {
        throw new Conflict('This preview has expired: upload the file again for a new preview');
      }
      const { plan } = stored;
      const cooperativeId = stored.cooperativeId;
      const current = await this.imports.lockCurrent(
        manager,
        plan.seen.products.map((p) => p.id),
        plan.seen.skus.map((s) => s.id),
      );
      const moved = catalogueMoved(plan.seen, {
        ...current,
        takenCodes: await this.imports.takenCodes(manager, cooperativeId, plan.seen.newCodes),
        takenNames: await this.imports.takenNames(manager, cooperativeId, plan.seen.newProductNames),
      });
      if (moved) {
        throw new Conflict(
          `The catalogue changed since the preview (${moved}); nothing was written: upload the file again`,
        );
      }

      const created = await this.imports.insertProducts(manager, cooperativeId, plan.newProducts, actor);
      // a new SKU names its product by id, or by the ref of a product created just now
      const createdByRef = new Map(plan.newProducts.map((p) => [p.ref, created.get(p.name)!]));
      const productIdOf = (ref: string) => createdByRef.get(ref) ?? ref;
      const touched = new Set<string>(created.values());
      for (const update of plan.productUpdates) {
        await this.imports.updateProduct(manager, update.productId, update.set, actor);
        touched.add(update.productId);
      }
      let skuIds: Map<string, string>;
      try {
        skuIds = await this.imports.insertSkus(
          manager,
          cooperativeId,
          plan.newSkus.map((s) => ({ ...s, productId: productIdOf(s.product) })),
          actor,
        );
      } catch (error) {
        const code = (error as QueryFailedError & { driverError?: { code?: string } }).driverError?.code;
        if (code === '23505') throw new Conflict('A SKU code of the import was created since the preview');
        throw error;
      }
      const productOfSku = new Map(current.skus.map((s) => [s.id, s.productId]));
      const stock: { skuId: string; onHand: number }[] = [];
      for (const sku of plan.newSkus) {
        touched.add(productIdOf(sku.product));
        if (sku.onHand > 0) stock.push({ skuId: skuIds.get(sku.code)!, onHand: sku.onHand });
      }
      for (const update of plan.skuUpdates) {
        if (Object.keys(update.set).length > 0) {
          await this.imports.updateSku(manager, update.skuId, update.set, actor);
          touched.add(productOfSku.get(update.skuId)!);
        }
        if (update.onHand !== undefined) stock.push({ skuId: update.skuId, onHand: update.onHand });
      }
      // on-hand enters through the ledger, as a stock take made by the person who applies
      for (const { skuId, onHand } of stock) {
        const moved = await this.ledger.apply(
          manager,
          skuId,
          { setOnHand: onHand },
          { kind: 'stock_take', reason: IMPORT_STOCK_REASON, actor },
        );
        if (!moved)
          throw new Conflict('Orders reserved more stock since the preview than a row sets on hand');
      }
      for (const productId of touched) {
        await this.events.publish(manager, new CatalogueChanged({ kind: 'product', productId }));
      }
      const appliedAt = await this.imports.markApplied(manager, importId);
      return { id: importId, appliedAt: appliedAt.toISOString(), counts: stored.preview.counts };
    });
  }
}
