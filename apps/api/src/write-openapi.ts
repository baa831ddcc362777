import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { environmentSchema, loadEnvironment } from '../../../config/environment';
import { ApiModule } from './api.module';
import { openApiDocument } from './openapi';

/**
 * Writes the OpenAPI document to the file named on the command line, without a database, Redis or
 * a listening server: Nest's preview mode builds the module graph (which the document is read
 * from) and instantiates no provider, so nothing connects anywhere. `npm run lint:openapi` lints
 * it and checks the dashboard's generated types against it; `npm run openapi:types` regenerates them.
 */
async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('Usage: write-openapi <file.json>');
  // settings the modules are declared with; in preview mode none is used to reach anything
  const env = loadEnvironment(environmentSchema, {
    ADMIN_API_KEY: 'openapi-document-only-never-served',
    CREDENTIALS_KEY: Buffer.alloc(32).toString('base64'),
    LOG_LEVEL: 'silent',
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(env), new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  const document = openApiDocument(app);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  await app.close();
}

main().catch((error: unknown) => {
  console.error('The OpenAPI document could not be written:', error instanceof Error ? error.message : error);
  process.exit(1);
});
