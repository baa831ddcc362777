import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Environment } from '../../../../config/environment';
import { CatalogueModule, CooperativesService, ProductsService } from '@ocop/catalogue';
import { CommonModule, ConnectorConfig, EVERYTHING, foldVietnamese, SeededRandom } from '@ocop/common';
import { DatabaseModule } from '@ocop/database';
import { CertificatesService, OcopModule } from '@ocop/ocop';
import { decisionsFor } from './ocop-history';
import { PROVINCE, thaiNguyenCatalogue } from './thai-nguyen-catalogue';

export interface SeedReport {
  cooperativesCreated: number;
  productsCreated: number;
  assessmentsCreated: number;
  cooperatives: number;
  products: number;
}

@Module({})
class SeedModule {}

async function seedContext(env: Environment): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(
    {
      module: SeedModule,
      imports: [CommonModule.forRoot(env, 'seed'), DatabaseModule, CatalogueModule, OcopModule],
    },
    { logger: ['error', 'warn'] },
  );
}

/** A progress line every this many producers (and after the last). */
const PROGRESS_EVERY = 10;

/**
 * Seeds the Thái Nguyên demo catalogue through the same services the API uses. Producers and
 * products are matched by name, so running it again adds nothing. `progress` hears a line before
 * the first producer and after every few, since a first run takes a while.
 */
export async function seedDemo(env: Environment, progress?: (line: string) => void): Promise<SeedReport> {
  const catalogue = thaiNguyenCatalogue();
  const productCount = catalogue.reduce((sum, producer) => sum + producer.products.length, 0);
  progress?.(`Seeding the Thái Nguyên catalogue: ${catalogue.length} producers, ${productCount} products…`);
  const app = await seedContext(env);
  try {
    const cooperatives = app.get(CooperativesService);
    const products = app.get(ProductsService);
    const certificates = app.get(CertificatesService);
    const reference = app.get(ConnectorConfig).reference.ocop;
    const today = certificates.today();
    const random = new SeededRandom(2020);
    // Shopee, TikTok Shop and Lazada list nothing without a photo: each product's photo lives on
    // "the seller's web server", which in the demo is the local sandbox (photoUrl)
    const photoUrl = (name: string) =>
      `http://${env.SANDBOX_HOST}:${env.SANDBOX_VOSO_PORT}/_sandbox/images/` +
      `${foldVietnamese(name).replace(/[^a-z0-9]+/g, '-')}.png`;
    const report: SeedReport = {
      cooperativesCreated: 0,
      productsCreated: 0,
      assessmentsCreated: 0,
      cooperatives: 0,
      products: 0,
    };
    for (const producer of catalogue) {
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
        let product = await products.findByName(coop.id, item.name);
        if (!product) {
          product = await products.create(
            EVERYTHING,
            {
              cooperativeId: coop.id,
              name: item.name,
              category: item.category,
              description: item.description,
              imageUrls: [photoUrl(item.name)],
              skus: item.skus,
            },
            // the seed is the connector's own doing: its opening stock has no author
            null,
          );
          report.productsCreated += 1;
        } else if (product.imageUrls.length === 0) {
          // seeded before the demo gave its products photos
          product = await products.update(EVERYTHING, product.id, { imageUrls: [photoUrl(item.name)] }, null);
        }
        report.products += 1;
        // The rating history is laid once, with the product; a re-run leaves it as it is.
        const decisions = decisionsFor(item.rating, today, reference, random);
        const recorded = await certificates.listForProduct(EVERYTHING, product.id, { limit: 1 });
        if (recorded.items.length > 0) continue;
        for (const { revokeReason, ...decision } of decisions) {
          const assessment = await certificates.record(EVERYTHING, product.id, decision, null);
          if (revokeReason) await certificates.revoke(EVERYTHING, assessment.id, revokeReason, null);
          report.assessmentsCreated += 1;
        }
      }
      if (report.cooperatives % PROGRESS_EVERY === 0 || report.cooperatives === catalogue.length) {
        progress?.(
          `  ${report.cooperatives} of ${catalogue.length} producers, ${report.products} of ${productCount} products ` +
            `(new this run: ${report.cooperativesCreated} producers, ${report.productsCreated} products, ` +
            `${report.assessmentsCreated} OCOP assessments)`,
        );
      }
    }
    return report;
  } finally {
    await app.close();
  }
}
