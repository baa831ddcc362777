import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Environment } from '../../../../config/environment';
import { CatalogueModule, CooperativesService, ProductsService } from '@ocop/catalogue';
import { CommonModule, EVERYTHING } from '@ocop/common';
import { DatabaseModule } from '@ocop/database';
import { PROVINCE, thaiNguyenCatalogue } from './thai-nguyen-catalogue';

export interface SeedReport {
  cooperativesCreated: number;
  productsCreated: number;
  cooperatives: number;
  products: number;
}

@Module({})
class SeedModule {}

async function seedContext(env: Environment): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(
    {
      module: SeedModule,
      imports: [CommonModule.forRoot(env, 'seed'), DatabaseModule, CatalogueModule],
    },
    { logger: ['error', 'warn'] },
  );
}

/**
 * Seeds the Thái Nguyên demo catalogue through the same services the API uses. Producers and
 * products are matched by name, so running it again adds nothing.
 */
export async function seedDemo(env: Environment): Promise<SeedReport> {
  const app = await seedContext(env);
  try {
    const cooperatives = app.get(CooperativesService);
    const products = app.get(ProductsService);
    const report: SeedReport = { cooperativesCreated: 0, productsCreated: 0, cooperatives: 0, products: 0 };
    for (const producer of thaiNguyenCatalogue()) {
      let coop = await cooperatives.findByName(producer.name);
      if (!coop) {
        coop = await cooperatives.create({
          name: producer.name,
          kind: producer.kind,
          province: PROVINCE,
          district: producer.district,
          commune: producer.commune,
        });
        report.cooperativesCreated += 1;
      }
      report.cooperatives += 1;
      for (const item of producer.products) {
        const existing = await products.findByName(coop.id, item.name);
        if (!existing) {
          await products.create(EVERYTHING, {
            cooperativeId: coop.id,
            name: item.name,
            category: item.category,
            description: item.description,
            skus: item.skus,
          });
          report.productsCreated += 1;
        }
        report.products += 1;
      }
    }
    return report;
  } finally {
    await app.close();
  }
}
