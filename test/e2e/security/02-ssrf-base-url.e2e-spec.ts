import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RunningApi, startApi } from '../../support/api';
import { newCooperative, newProduct } from '../../support/factories';
import { allowOrigins, openShop, startMarketplaces, type MarketplaceName } from '../../support/marketplaces';
import { spawnWorker } from '../../support/worker-process';
import { eventually, startWorker } from '../../support/worker';
import type { Sandbox } from '../orders/support';

interface Seen {
  method: string;
  url: string;
  body: string;
}

/** An HTTP server that records every request it gets and answers `answer`. */
async function recordingServer(
  answer: (req: IncomingMessage) => { status: number; type: string; body: string },
): Promise<{ origin: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const { status, type, body } = answer(req);
      res.writeHead(status, { 'content-type': type }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs a compiled process (dist/) with `env` until it exits; answers its exit code and output. */
function runToExit(
  main: string,
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, '..', '..', '..', 'dist', main)], {
      env: env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${main} did not exit:\n${output}`));
    }, 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/**
 * Issue 13, finding 2: a cooperative key could point a connection's `baseUrl` anywhere (the
 * database's port, the API itself, the sandbox's control API) and the API and the worker then sent
 * the shop's credentials there; error messages made a port scanner. The origins a connection may
 * use are configuration (MARKETPLACE_ORIGINS), and network trouble reads "marketplace unreachable".
 */
describe('security 02: a connection reaches only the marketplace origins configured', () => {
  let api: RunningApi;
  let worker: INestApplicationContext;
  let sandbox: Sandbox;
  /** stands for anything inside the network: nothing may ever reach it */
  let internal: Awaited<ReturnType<typeof recordingServer>>;
  /** an allowed Postmart origin that answers a web page instead of the API */
  let htmlSite: Awaited<ReturnType<typeof recordingServer>>;
  let refusingOrigin: string;

  beforeAll(async () => {
    sandbox = await startMarketplaces();
    internal = await recordingServer(() => ({ status: 200, type: 'application/json', body: '{"ok":true}' }));
    htmlSite = await recordingServer(() => ({
      status: 200,
      type: 'text/html',
      body: '<html>Trang chủ</html>',
    }));
    refusingOrigin = `http://127.0.0.1:${await closedPort()}`;
    allowOrigins(`postmart=${refusingOrigin},postmart=${htmlSite.origin}`);
    const internalPort = new URL(internal.origin).port;
    // the built-in sandbox defaults point at the internal server: an API that still used them would show it
    const defaults = {
      SANDBOX_HOST: '127.0.0.1',
      SANDBOX_SENDO_PORT: internalPort,
      SANDBOX_VOSO_PORT: internalPort,
      SANDBOX_POSTMART_PORT: internalPort,
    };
    api = await startApi(defaults);
    worker = await startWorker(defaults);
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await sandbox?.close();
    await internal?.close();
    await htmlSite?.close();
  });

  function connect(
    coop: { id: string; key: string },
    marketplace: MarketplaceName,
    shop: { shopId: string; credentials: Record<string, string>; webhookSecret: string },
    baseUrl?: string,
  ) {
    return api.call('POST', `/v1/cooperatives/${coop.id}/connections`, {
      key: coop.key,
      body: {
        marketplace,
        shopId: shop.shopId,
        ...(baseUrl === undefined ? {} : { baseUrl }),
        credentials: { ...shop.credentials, webhookSecret: shop.webhookSecret },
      },
    });
  }

  function expectRefusedBaseUrl(res: { status: number; body: any }) {
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'baseUrl' })]),
    );
  }

  it('refuses every baseUrl that is not one of the marketplace’s origins, and calls none of them', async () => {
    const coop = await newCooperative(api);
    const shop = await openShop(sandbox, 'sendo');
    const sendo = new URL(sandbox.urls.sendo);
    const refused = [
      internal.origin, // anything inside the network (the issue tried 127.0.0.1:5432)
      'http://127.0.0.1:5432',
      api.url, // the API's own routes
      `${api.url}/v1/api-keys`,
      sandbox.urls.voso, // another marketplace's origin
      `${sandbox.urls.sendo}/_sandbox/shops`, // a path below an allowed origin (the sandbox control API)
      `${sandbox.urls.sendo}?x=`, // a query that would rewrite the path
      `${sandbox.urls.sendo}/?`,
      `${sandbox.urls.sendo}#x`,
      `http://user:pass@${sendo.host}`, // userinfo
      `https://${sendo.host}`, // the scheme is part of the origin
      `http://localhost:${sendo.port}`, // the same socket under another name
      `http://${sendo.hostname}:${Number(sendo.port) + 1}`,
      `${internal.origin}@${sendo.host}`,
      `http://${sendo.host}\\@${new URL(internal.origin).host}`,
      'file:///etc/passwd',
      'gopher://127.0.0.1:6379/_FLUSHALL',
      '//127.0.0.1:5432',
      '',
    ];
    for (const baseUrl of refused) {
      const res = await connect(coop, 'sendo', shop, baseUrl);
      try {
        expectRefusedBaseUrl(res);
      } catch (error) {
        throw new Error(`baseUrl ${JSON.stringify(baseUrl)}: ${res.status} ${JSON.stringify(res.body)}`, {
          cause: error,
        });
      }
    }
    expect(internal.seen).toEqual([]);
    const listed = await api.call('GET', `/v1/cooperatives/${coop.id}/connections`, { key: coop.key });
    expect(listed.body.items).toEqual([]);
  });

  it('takes the marketplace’s first origin when baseUrl is omitted, and the same origin written differently', async () => {
    const coop = await newCooperative(api);
    const omitted = await connect(coop, 'voso', await openShop(sandbox, 'voso'));
    expect(omitted.status).toBe(201);
    expect(omitted.body.baseUrl).toBe(sandbox.urls.voso);
    const shouted = await connect(
      coop,
      'sendo',
      await openShop(sandbox, 'sendo'),
      `${sandbox.urls.sendo.toUpperCase()}/`,
    );
    expect(shouted.status).toBe(201);
    expect(shouted.body.baseUrl).toBe(sandbox.urls.sendo);
    expect(internal.seen).toEqual([]);
  });

  it('tells a marketplace’s own refusal, and network trouble only as "marketplace unreachable"', async () => {
    const coop = await newCooperative(api);
    const shop = await openShop(sandbox, 'voso');
    const wrong = await api.call('POST', `/v1/cooperatives/${coop.id}/connections`, {
      key: coop.key,
      body: {
        marketplace: 'voso',
        shopId: shop.shopId,
        credentials: {
          USERNAME: shop.credentials.USERNAME,
          PASSWORD: 'wrong',
          webhookSecret: 's3cret-s3cret',
        },
      },
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.message).toMatch(/voso/i);

    const postmart = await openShop(sandbox, 'postmart');
    const port = new URL(refusingOrigin).port;
    for (const baseUrl of [refusingOrigin, htmlSite.origin]) {
      const res = await connect(coop, 'postmart', postmart, baseUrl);
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('service_unavailable');
      expect(res.body.error.message).toMatch(/marketplace unreachable/i);
      for (const leak of [
        '127.0.0.1',
        port,
        new URL(htmlSite.origin).port,
        'ECONNREFUSED',
        'HTTP 200',
        'html',
      ]) {
        expect(res.text).not.toContain(leak);
      }
    }
  });

  it('the worker does not call a stored connection whose baseUrl is not allowed (any more): it marks it', async () => {
    const coop = await newCooperative(api);
    const shop = await openShop(sandbox, 'sendo');
    const connection = await connect(coop, 'sendo', shop, sandbox.urls.sendo);
    expect(connection.status).toBe(201);
    // as a connection stored before origins were configuration, or whose origin was since removed
    const db = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL });
    await db.initialize();
    try {
      await db.query(`UPDATE connections SET base_url = $2 WHERE id = $1`, [
        connection.body.id,
        internal.origin,
      ]);
    } finally {
      await db.destroy();
    }
    const product = await newProduct(api, coop);
    const listing = await api.call('POST', '/v1/listings', {
      key: coop.key,
      body: { productId: product.id, connectionId: connection.body.id },
    });
    expect(listing.status).toBe(202);
    const marked = await eventually(async () => {
      const res = await api.call('GET', `/v1/connections/${connection.body.id}`, { key: coop.key });
      return res.body.status !== 'active' && res.body;
    });
    expect(marked.status).toBe('auth_failed');
    expect(marked.statusReason).toMatch(/MARKETPLACE_ORIGINS/);
    expect(internal.seen).toEqual([]);
    const stillPending = await api.call('GET', `/v1/listings/${listing.body.id}`, { key: coop.key });
    expect(stillPending.body).toMatchObject({ status: 'pending', externalId: null });
  });

  it('in production, the API and the worker refuse to start without MARKETPLACE_ORIGINS, naming it', async () => {
    const env: Record<string, string | undefined> = {
      ...process.env,
      NODE_ENV: 'production',
      MARKETPLACE_ORIGINS: '',
      // production's password cost (the tests' own is lower, and production refuses it)
      PASSWORD_SCRYPT_LN: '15',
      PORT: '0',
      WORKER_METRICS_PORT: '0',
      LOG_LEVEL: 'warn',
    };
    for (const main of ['apps/api/src/main.js', 'apps/worker/src/main.js']) {
      const { code, output } = await runToExit(main, env);
      expect({ main, code }).toEqual({ main, code: 1 });
      expect(output).toContain('MARKETPLACE_ORIGINS');
    }
    // the same processes start when it is set
    const worker = await spawnWorker({
      NODE_ENV: 'production',
      MARKETPLACE_ORIGINS: sandbox.origins,
      PASSWORD_SCRYPT_LN: '15',
    });
    await worker.kill();
  }, 120_000);
});
