import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogueImportsRepository } from './catalogue-imports.repository';
import { CatalogueSpreadsheets } from './catalogue-spreadsheets.service';
import { CooperativesController, ProductsController, ReferenceController } from './controllers';
import { CooperativeStore } from './cooperatives.repository';
import { CooperativesService } from './cooperatives.service';
import { catalogueEntities } from './entities';
import { ProductStore } from './products.repository';
import { ProductsService } from './products.service';
import { SpreadsheetsController } from './spreadsheets.controller';
import { StockLedger } from './stock-ledger';
import { StockLedgerStore } from './stock-ledger.repository';

@Module({
  imports: [TypeOrmModule.forFeature(catalogueEntities)],
  controllers: [CooperativesController, ProductsController, ReferenceController, SpreadsheetsController],
  providers: [
    CooperativesService,
    ProductsService,
    StockLedger,
    CooperativeStore,
    ProductStore,
    StockLedgerStore,
    CatalogueImportsRepository,
    CatalogueSpreadsheets,
  ],
  exports: [CooperativesService, ProductsService, StockLedger],
})
export class CatalogueModule {}
