import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync, appendFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  environmentSchema,
  EnvironmentError,
  loadEnvironment,
  marketplaceOrigins,
} from '../../../config/environment';
import { ReferenceDataError } from '../../../config/reference-data';
import { ensureDatabase, migrate } from '@ocop/database';
import { type CommandName, runCommandLine } from './command-line';
import { DEMO_PEOPLE, type DemoSignIn, ensureDemoPeople } from './demo-people';
import { call, DEMO_SELLERS, demoShopId, type Endpoints, listDemoSellers } from './demo-shops';
import { placeHistory } from './history/place-history';
import { runProcesses } from './processes';
import { rebuildMetrics } from './rebuild-metrics';
import { seedDemo } from './seed/seed';

const ROOT = join(__dirname, '..', '..', '..', '..');
const ENV_FILE = join(ROOT, '.env');

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
  if (!process.env.DEMO_PASSWORD) add('DEMO_PASSWORD', `demo-${randomBytes(9).toString('base64url')}`);
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
  signIns: DemoSignIn[],
): void {
  const base = `http://${env.HOST}:${env.PORT}`;
  const voso = `http://${env.SANDBOX_HOST}:${env.SANDBOX_VOSO_PORT}`;
  const vosoShop = demoShopId(DEMO_SELLERS[0], 'voso');
  console.log(`
────────────────────────────────────────────────────────────────────────
 OCOP marketplace connector — demo
   API              ${base}        (OpenAPI page: ${base}/docs)
   Health, metrics  ${base}/health  ${base}/metrics
   Web app          ${base}/app/  (sign in with one of the sign-ins below)
   Queue dashboard  ${base}/admin/queues  (any user name, the admin key as password)
   Sandbox          Sendo ${env.SANDBOX_HOST}:${env.SANDBOX_SENDO_PORT} · Voso :${env.SANDBOX_VOSO_PORT} · Postmart :${env.SANDBOX_POSTMART_PORT} · Shopee :${env.SANDBOX_SHOPEE_PORT} · TikTok Shop :${env.SANDBOX_TIKTOK_PORT} · Lazada :${env.SANDBOX_LAZADA_PORT}
   Admin key        ${env.ADMIN_API_KEY}${madeSecrets.length ? `\n   (generated ${madeSecrets.join(', ')} and saved them in .env)` : ''}
${
  signIns.length
    ? ` Sign-ins (${base}/app/ or POST ${base}/v1/sessions), password ${process.env.DEMO_PASSWORD} (DEMO_PASSWORD in .env):
${signIns.map((s) => `   ${s.role.padEnd(12)} ${s.email.padEnd(40)} ${s.name}`).join('\n')}
`
    : ''
}
 Try:
   curl -s -H "Authorization: Bearer ${env.ADMIN_API_KEY}" "${base}/v1/products?q=che%20tan%20cuong&limit=3"
   curl -s -H "Authorization: Bearer ${env.ADMIN_API_KEY}" -H "content-type: application/json" \\
        -d '{"role":"officer","label":"Sở Công Thương Thái Nguyên"}' ${base}/v1/api-keys
   curl -s -c cookies.txt -H "content-type: application/json" \\
        -d '{"email":"${DEMO_PEOPLE[2].email}","password":"${process.env.DEMO_PASSWORD}"}' ${base}/v1/sessions
   curl -s -b cookies.txt ${base}/v1/me
 A buyer orders on the Voso sandbox; the order reaches the connector by webhook and every
 marketplace is then offered what is left:
   curl -s ${voso}/_sandbox/shops/${vosoShop}/listings        # the seller's SKUs
   curl -s -XPOST -H "content-type: application/json" ${voso}/_sandbox/shops/${vosoShop}/orders \\
        -d '{"lines":[{"sku":"<a SKU above>","quantity":1}]}'
   curl -s -H "Authorization: Bearer ${env.ADMIN_API_KEY}" ${base}/v1/orders
 Stop with Ctrl-C.
────────────────────────────────────────────────────────────────────────`);
}

/** MARKETPLACE_ORIGINS for the sandbox the demo runs (SANDBOX_HOST, SANDBOX_*_PORT). */
function demoOrigins(env: ReturnType<typeof loadEnvironment<typeof environmentSchema>>): string {
  const origins = marketplaceOrigins({ ...env, NODE_ENV: 'development', MARKETPLACE_ORIGINS: undefined });
  return Object.entries(origins)
    .flatMap(([marketplace, list]) => list.map((origin) => `${marketplace}=${origin}`))
    .join(',');
}

const pct = (value: number | null) => (value === null ? '–' : `${value}%`);

/** The province report and the OCOP uplift summary, as the API computes them from the orders. */
async function printSalesReports(endpoints: Endpoints): Promise<void> {
  const [province, uplift] = await Promise.all([
    call('GET', `${endpoints.api}/v1/metrics/province`, endpoints.adminKey),
    call('GET', `${endpoints.api}/v1/metrics/ocop-uplift`, endpoints.adminKey),
  ]);
  if (province.status !== 200 || uplift.status !== 200) {
    console.error(`Could not read the sales reports: ${province.status} / ${uplift.status}`);
    return;
  }
  const p = province.body;
  const vnd = (n: number) => `${(n / 1e6).toFixed(1)} M₫`;
  const channels = Object.entries(p.channelMix as Record<string, number>)
    .map(([marketplace, revenue]) => `${marketplace} ${vnd(revenue)}`)
    .join(', ');
  console.log(`
 Province report (GET /v1/metrics/province, ${p.asOf}):
   certified products ${p.products.certified} (3★ ${p.products.byStars['3']}, 4★ ${p.products.byStars['4']}, 5★ ${p.products.byStars['5']}), tea ${p.products.byCategory.tea ?? 0} = ${pct(p.products.teaSharePct)}
   producers ${p.cooperatives.total}, ${p.cooperatives.withCertifiedProducts} with certified products
   revenue ${p.revenueWindow.from} … ${p.revenueWindow.to}: ${channels}
 OCOP uplift (GET /v1/metrics/ocop-uplift, ${uplift.body.windowDays} days before vs after the decision;
   adjusted: net of uncertified products of the same category, with the 95% interval of its median):`);
  for (const [stars, s] of Object.entries(
    uplift.body.summary.byStars as Record<
      string,
      {
        n: number;
        medianPct: number | null;
        p25Pct: number | null;
        p75Pct: number | null;
        adjustedN: number;
        adjustedMedian: number | null;
        ci95: { low: number; high: number } | null;
      }
    >,
  )) {
    const interval = s.ci95 ? `  95% CI ${pct(s.ci95.low)} … ${pct(s.ci95.high)}` : '';
    console.log(
      `   ${stars}★  raw n=${s.n}  median ${pct(s.medianPct)}  p25 ${pct(s.p25Pct)}  p75 ${pct(s.p75Pct)}` +
        `   adjusted n=${s.adjustedN}  median ${pct(s.adjustedMedian)}${interval}`,
    );
  }
}

async function main(command: CommandName): Promise<number> {
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
      console.log(JSON.stringify(await seedDemo(env, (line) => console.log(line))));
      return 0;
    }
    case 'demo': {
      const made = ensureDemoSecrets();
      // the history sends some 16,000 webhooks: a line for each would bury what the demo prints
      process.env.LOG_LEVEL ??= 'warn';
      const env = loadEnvironment(environmentSchema);
      // the sandbox it starts is the only marketplace the demo's API and worker may call
      process.env.MARKETPLACE_ORIGINS ||= demoOrigins(env);
      // the demo's product photos are served by the local sandbox, on loopback
      process.env.IMAGE_FETCH_ALLOW_PRIVATE ||= 'true';
      await prepareDatabase(env.DATABASE_URL);
      const report = await seedDemo(env);
      console.log(
        `Seeded Thái Nguyên: ${report.cooperatives} producers, ${report.products} products ` +
          `(${report.cooperativesCreated} producers, ${report.productsCreated} products and ` +
          `${report.assessmentsCreated} OCOP assessments new this run).`,
      );
      // the worker starts once the shops are connected: on a re-run the fresh sandbox does not know
      // the credentials the connections still hold, and every poll would fail and flag its
      // connection until the connection is given the new shop's
      const running = runProcesses(['marketplace-sandbox', 'api'], process.env);
      const host = env.SANDBOX_HOST;
      const endpoints: Endpoints = {
        api: `http://${env.HOST}:${env.PORT}`,
        adminKey: env.ADMIN_API_KEY,
        sandbox: {
          sendo: `http://${host}:${env.SANDBOX_SENDO_PORT}`,
          voso: `http://${host}:${env.SANDBOX_VOSO_PORT}`,
          postmart: `http://${host}:${env.SANDBOX_POSTMART_PORT}`,
          shopee: `http://${host}:${env.SANDBOX_SHOPEE_PORT}`,
          tiktok: `http://${host}:${env.SANDBOX_TIKTOK_PORT}`,
          lazada: `http://${host}:${env.SANDBOX_LAZADA_PORT}`,
        },
      };
      const shown = await listDemoSellers(endpoints).catch((error: unknown) => {
        console.error(
          `Could not list the demo sellers on the sandbox: ${error instanceof Error ? error.message : error}`,
        );
        return undefined;
      });
      running.start('worker');
      const signIns = shown
        ? await ensureDemoPeople(endpoints, process.env.DEMO_PASSWORD as string).catch((error: unknown) => {
            console.error(
              `Could not create the demo sign-ins: ${error instanceof Error ? error.message : error}`,
            );
            return [];
          })
        : [];
      if (signIns.length) console.log(`Demo sign-ins ready: ${signIns.map((s) => s.email).join(', ')}.`);
      if (shown) {
        console.log(
          `Connected ${shown.connections} sandbox shops of ${shown.producers.length} producers and listed ` +
            `${shown.listings} products on them; the worker is publishing (GET /v1/listings).`,
        );
        const history = await placeHistory(
          endpoints,
          shown.producers,
          `http://${env.HOST}:${env.WORKER_METRICS_PORT}/metrics`,
          (line) => console.log(line),
        ).catch((error: unknown) => {
          console.error(
            `Could not place the order history: ${error instanceof Error ? error.message : error}`,
          );
          return undefined;
        });
        if (history) {
          console.log(
            history.placed === 0
              ? `History: all ${history.planned} orders of the last two years were already held; nothing placed.`
              : `History: ${history.placed} orders placed through the sandbox (${history.held} already held, ` +
                  `${history.refused} refused) and ${history.events} webhooks ${history.imported ? 'imported' : 'sent, not all imported yet,'}, ${history.seconds} s from the first order placed.`,
          );
          await printSalesReports(endpoints);
        }
      }
      printWelcome(env, made, signIns);
      return running.exited;
    }
    case 'rebuild-metrics': {
      const env = loadEnvironment(environmentSchema);
      await prepareDatabase(env.DATABASE_URL);
      const rebuilt = await rebuildMetrics(env, (line) => console.log(line));
      console.log(
        `Sales roll-ups rebuilt from the orders: ${rebuilt.producerDays} producer-days, ` +
          `${rebuilt.producerMonths} producer-months, ${rebuilt.productDays} product-days.`,
      );
      return 0;
    }
    case 'start': {
      // what the api and worker would refuse (e.g. production without MARKETPLACE_ORIGINS), refused before starting them
      marketplaceOrigins(loadEnvironment(environmentSchema));
      return runProcesses(['api', 'worker'], process.env).exited;
    }
  }
}

runCommandLine(process.argv, main, { invocation: `node ${relative(process.cwd(), __filename)}` })
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    if (error instanceof EnvironmentError || error instanceof ReferenceDataError)
      console.error(error.message);
    else console.error(error);
    process.exit(1);
  });
