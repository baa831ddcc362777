import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CooperativesController, ProductsController, ReferenceController } from './controllers';
import { CooperativesService } from './cooperatives.service';
import { catalogueEntities } from './entities';
import { ProductsService } from './products.service';
import { StockLedger } from './stock-ledger';

@Module({
  imports: [TypeOrmModule.forFeature(catalogueEntities)],
  controllers: [CooperativesController, ProductsController, ReferenceController],
  providers: [CooperativesService, ProductsService, StockLedger],
  exports: [CooperativesService, ProductsService, StockLedger],
})
export class CatalogueModule {}
