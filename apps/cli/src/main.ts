import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { environmentSchema, EnvironmentError, loadEnvironment } from '../../../config/environment';
import { ReferenceDataError } from '../../../config/reference-data';
import { ensureDatabase, migrate } from '@ocop/database';
import { DEMO_SELLERS, demoShopId, listDemoSellers } from './demo-shops';
import { runProcesses } from './processes';
import { rebuildMetrics } from './rebuild-metrics';
import { seedDemo } from './seed/seed';

const ROOT = join(__dirname, '..', '..', '..', '..');
const ENV_FILE = join(ROOT, '.env');

const usage = `Usage: node dist/apps/cli/main.js <command>
  migrate   apply database migrations (creates the database if missing)
  seed      migrate, then seed the Thái Nguyên demo catalogue (re-runnable)
  demo      migrate, seed, then run api, worker and the sandbox marketplaces
  start     run api and worker
  rebuild-metrics
            recompute the daily sales roll-ups from the orders`;

function loadDotEnv(): void {
  if (existsSync(ENV_FILE)) process.loadEnvFile(ENV_FILE);
}

/**
 * The demo needs the two secrets; when they are unset it makes them once and keeps them in .env,
 * so that credentials encrypted on one run can still be read on the next.
 */
function ensureDemoSecrets(): string[] {
  const made: string[] = [];
  const add = (name: string, value: string) => {
    process.env[name] = value;
    if (!existsSync(ENV_FILE)) writeFileSync(ENV_FILE, '# written by `npm run demo`; see .env.example\n');
    appendFileSync(ENV_FILE, `${name}=${value}\n`);
    made.push(name);
  };
  if (!process.env.ADMIN_API_KEY) add('ADMIN_API_KEY', `demo-admin-${randomBytes(18).toString('base64url')}`);
  if (!process.env.CREDENTIALS_KEY) add('CREDENTIALS_KEY', randomBytes(32).toString('base64'));
  return made;
}

async function prepareDatabase(url: string): Promise<void> {
  await ensureDatabase(url);
  const applied = await migrate(url);
  console.log(
    applied.length ? `Migrations applied: ${applied.join(', ')}` : 'Database schema is up to date.',
  );
}

function printWelcome(
  env: ReturnType<typeof loadEnvironment<typeof environmentSchema>>,
  madeSecrets: string[],
): void {
  const base = `http://${env.HOST}:${env.PORT}`;
  const voso = `http://${env.SANDBOX_HOST}:${env.SANDBOX_VOSO_PORT}`;
  const vosoShop = demoShopId(DEMO_SELLERS[0], 'voso');
  console.log(`
────────────────────────────────────────────────────────────────────────
 OCOP marketplace connector — demo
   API              ${base}        (OpenAPI page: ${base}/docs)
   Health, metrics  ${base}/health  ${base}/metrics
   Dashboard        ${base}/dashboard/  (give the admin key, an officer key or a producer's key)
   Queue dashboard  ${base}/admin/queues  (any user name, the admin key as password)
   Sandbox          Sendo ${env.SANDBOX_HOST}:${env.SANDBOX_SENDO_PORT} · Voso ${env.SANDBOX_HOST}:${env.SANDBOX_VOSO_PORT} · Postmart ${env.SANDBOX_HOST}:${env.SANDBOX_POSTMART_PORT}
   Admin key        ${env.ADMIN_API_KEY}${madeSecrets.length ? `\n   (generated ${madeSecrets.join(' and ')} and saved them in .env)` : ''}

 Try:
   curl -s -H "Authorization: Bearer ${env.ADMIN_API_KEY}" "${base}/v1/products?q=che%20tan%20cuong&limit=3"
   curl -s -H "Authorization: Bearer ${env.ADMIN_API_KEY}" -H "content-type: application/json" \\
        -d '{"role":"officer","label":"Sở Công Thương Thái Nguyên"}' ${base}/v1/api-keys
 A buyer orders on the Voso sandbox; the order reaches the connector by webhook and every
 marketplace is then offered what is left:
   curl -s ${voso}/_sandbox/shops/${vosoShop}/listings        # the seller's SKUs
   curl -s -XPOST -H "content-type: application/json" ${voso}/_sandbox/shops/${vosoShop}/orders \\
        -d '{"lines":[{"sku":"<a SKU above>","quantity":1}]}'
   curl -s -H "Authorization: Bearer ${env.ADMIN_API_KEY}" ${base}/v1/orders
 Stop with Ctrl-C.
────────────────────────────────────────────────────────────────────────`);
}

async function main(command: string | undefined): Promise<number> {
  loadDotEnv();
  switch (command) {
    case 'migrate': {
      const { DATABASE_URL } = loadEnvironment(environmentSchema.pick({ DATABASE_URL: true }));
      await prepareDatabase(DATABASE_URL);
      return 0;
    }
    case 'seed': {
      const env = loadEnvironment(environmentSchema);
      await prepareDatabase(env.DATABASE_URL);
      console.log(JSON.stringify(await seedDemo(env)));
      return 0;
    }
    case 'demo': {
      const made = ensureDemoSecrets();
      const env = loadEnvironment(environmentSchema);
      await prepareDatabase(env.DATABASE_URL);
      const report = await seedDemo(env);
      console.log(
        `Seeded Thái Nguyên: ${report.cooperatives} producers, ${report.products} products ` +
          `(${report.cooperativesCreated} producers, ${report.productsCreated} products and ` +
          `${report.assessmentsCreated} OCOP assessments new this run).`,
      );
      const running = runProcesses(['marketplace-sandbox', 'api', 'worker'], process.env);
      const host = env.SANDBOX_HOST;
      const shown = await listDemoSellers({
        api: `http://${env.HOST}:${env.PORT}`,
        adminKey: env.ADMIN_API_KEY,
        sandbox: {
          sendo: `http://${host}:${env.SANDBOX_SENDO_PORT}`,
          voso: `http://${host}:${env.SANDBOX_VOSO_PORT}`,
          postmart: `http://${host}:${env.SANDBOX_POSTMART_PORT}`,
        },
      }).catch((error: unknown) => {
        console.error(
          `Could not list the demo sellers on the sandbox: ${error instanceof Error ? error.message : error}`,
        );
        return undefined;
      });
      if (shown) {
        console.log(
          `Connected ${shown.connections} sandbox shops of ${DEMO_SELLERS.join(', ')} and listed ${shown.listings} ` +
            'products on them; the worker is publishing (GET /v1/listings).',
        );
      }
      printWelcome(env, made);
      return running;
    }
    case 'rebuild-metrics': {
      const env = loadEnvironment(environmentSchema);
      await prepareDatabase(env.DATABASE_URL);
      const rebuilt = await rebuildMetrics(env);
      console.log(
        `Sales roll-ups rebuilt from the orders: ${rebuilt.producerDays} producer-days, ${rebuilt.productDays} product-days.`,
      );
      return 0;
    }
    case 'start': {
      loadEnvironment(environmentSchema);
      return runProcesses(['api', 'worker'], process.env);
    }
    default:
      console.error(usage);
      return 2;
  }
}

main(process.argv[2])
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    if (error instanceof EnvironmentError || error instanceof ReferenceDataError)
      console.error(error.message);
    else console.error(error);
    process.exit(1);
  });
