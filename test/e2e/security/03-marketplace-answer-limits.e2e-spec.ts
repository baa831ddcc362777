import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { RunningApi, startApi } from '../../support/api';
import { newCooperative, newProduct } from '../../support/factories';
import { allowOrigins, sandboxControl, startMarketplaces } from '../../support/marketplaces';
import { eventually, startWorker } from '../../support/worker';
import { ordersOf, type Sandbox } from '../orders/support';

const MiB = 1024 * 1024;
const HUGE_BYTES = 50 * MiB;
const DRIP_EVERY_MS = 2000;
/** a dripping login ends with a good answer after this many bytes: a client without a deadline gets it */
const LOGIN_DRIPS = 12;
const DEADLINE_MS = 3000;

/**
 * A hostile Voso-style marketplace on loopback. Logins of `huge…` users answer 50 MB of valid
 * JSON; logins of `drip-login…` users drip a byte every 2 s before their token; every other user
 * logs in at once, but their order searches and product writes drip a byte every 2 s for ever.
 */
async function hostileMarketplace() {
  const state = {
    hugeBytesWritten: 0,
    hugeClosedEarly: false,
    loginDrips: 0,
    loginClosedEarly: false,
    /** dripping answers begun, by path */
    dripped: new Map<string, number>(),
  };
  const timers = new Set<NodeJS.Timeout>();
  const drip = (res: ServerResponse, path: string) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    state.dripped.set(path, (state.dripped.get(path) ?? 0) + 1);
    const timer = setInterval(() => res.write(' '), DRIP_EVERY_MS);
    timers.add(timer);
    res.on('close', () => {
      clearInterval(timer);
      timers.delete(timer);
    });
  };
  const login = (user: string, res: ServerResponse) => {
    const answer = JSON.stringify({
      status: 200,
      error: false,
      message: 'OK',
      data: { token: `tok-${user}` },
    });
    if (user.startsWith('huge')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      const head = answer.slice(0, -2) + ',"pad":"';
      const tail = '"}}';
      const chunk = Buffer.alloc(64 * 1024, 'x');
      let left = HUGE_BYTES - head.length - tail.length;
      res.write(head);
      state.hugeBytesWritten += head.length;
      const pump = () => {
        while (left > 0) {
          const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
          left -= piece.length;
          state.hugeBytesWritten += piece.length;
          if (!res.write(piece)) return void res.once('drain', pump);
        }
        res.end(tail);
      };
      res.on('close', () => {
        if (left > 0) state.hugeClosedEarly = true;
      });
      pump();
      return;
    }
    if (user.startsWith('drip-login')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      let sent = 0;
      const timer = setInterval(() => {
        if (sent === LOGIN_DRIPS) {
          clearInterval(timer);
          res.end(answer);
          return;
        }
        sent += 1;
        state.loginDrips += 1;
        res.write(' ');
      }, DRIP_EVERY_MS);
      timers.add(timer);
      res.on('close', () => {
        if (sent < LOGIN_DRIPS) state.loginClosedEarly = true;
        clearInterval(timer);
      });
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(answer);
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0];
      if (req.method === 'POST' && path === '/v2/user/Login') {
        let user = '';
        try {
          user = String(JSON.parse(Buffer.concat(chunks).toString('utf8')).USERNAME ?? '');
        } catch {
          // not JSON: an anonymous login
        }
        return login(user, res);
      }
      drip(res, path);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearInterval(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The most this process's heap and buffers grew above their level at the start, while `work` ran. */
async function peakGrowth(work: () => Promise<unknown>): Promise<number> {
  const used = () => {
    const memory = process.memoryUsage();
    return memory.heapUsed + memory.arrayBuffers;
  };
  const start = used();
  let peak = start;
  const sampler = setInterval(() => (peak = Math.max(peak, used())), 5);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  return Math.max(peak, used()) - start;
}

/**
 * Issue 13, finding 3: a 419 MB answer was read whole, and a server dripping a byte every 2 s held
 * a call with a 3 s timeout for 12 s, so four such connections stalled every tenant's order polling.
 * Answers are cut at MARKETPLACE_MAX_RESPONSE_BYTES, each call ends by MARKETPLACE_CALL_DEADLINE_MS,
 * and one connection cannot take the slots of the others.
 */
describe('security 03: marketplace answers are bounded in size and time, and slow shops starve no one', () => {
  const limits = {
    MARKETPLACE_MAX_RESPONSE_BYTES: String(MiB),
    MARKETPLACE_CALL_DEADLINE_MS: String(DEADLINE_MS),
  };
  let api: RunningApi;
  let worker: INestApplicationContext;
  let sandbox: Sandbox;
  let hostile: Awaited<ReturnType<typeof hostileMarketplace>>;

  beforeAll(async () => {
    sandbox = await startMarketplaces();
    hostile = await hostileMarketplace();
    allowOrigins(`voso=${hostile.origin}`);
    api = await startApi(limits);
    worker = await startWorker({ ...limits, ORDER_POLL_INTERVAL_MS: '1000' });
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await hostile?.close();
    await sandbox?.close();
  });

  function connectHostile(coop: { id: string; key: string }, user: string) {
    return api.call('POST', `/v1/cooperatives/${coop.id}/connections`, {
      key: coop.key,
      body: {
        marketplace: 'voso',
        shopId: `hostile-${user}`,
        baseUrl: hostile.origin,
        credentials: { USERNAME: user, PASSWORD: 'p', webhookSecret: 'hostile-secret-0123' },
      },
    });
  }

  it('stops reading a 50 MB answer at the size limit: the call fails and memory stays bounded', async () => {
    const coop = await newCooperative(api);
    let res: Awaited<ReturnType<typeof connectHostile>> | undefined;
    const growth = await peakGrowth(async () => {
      res = await connectHostile(coop, `huge-${randomUUID().slice(0, 8)}`);
    });
    expect(res?.status).toBe(503);
    expect(res?.body.error.message).toMatch(/marketplace unreachable/i);
    expect(res?.text).not.toContain(hostile.origin);
    // the connector hung up long before the end: at most the limit and what the sockets buffer
    await eventually(async () => hostile.state.hugeClosedEarly);
    expect(hostile.state.hugeBytesWritten).toBeLessThan(HUGE_BYTES / 2);
    expect(growth).toBeLessThan(40 * MiB);
  });

  it('ends a dripping answer at the deadline instead of waiting for its end', async () => {
    const coop = await newCooperative(api);
    const res = await connectHostile(coop, `drip-login-${randomUUID().slice(0, 8)}`);
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(/marketplace unreachable/i);
    await eventually(async () => hostile.state.loginClosedEarly);
    // a byte every 2 s against a 3 s deadline: the connector left after the first one or two
    expect(hostile.state.loginDrips).toBeLessThanOrEqual(2);
  });

  it('four dripping connections do not stall a healthy connection’s order polling and sync', async () => {
    const squatters: string[] = [];
    for (let i = 0; i < 4; i++) {
      const coop = await newCooperative(api);
      const connection = await connectHostile(coop, `slow-${i}-${randomUUID().slice(0, 8)}`);
      expect(connection.status).toBe(201);
      const product = await newProduct(api, coop);
      await api.call('POST', '/v1/listings', {
        key: coop.key,
        body: { productId: product.id, connectionId: connection.body.id },
      });
      squatters.push(connection.body.id);
    }
    // the slow connections' polls hang on their marketplace before the healthy one arrives
    await eventually(async () => (hostile.state.dripped.get('/v2/orders') ?? 0) >= 4, 30_000);

    const coop = await newCooperative(api);
    // no webhook: only polling brings the order in
    const shop = await sandboxControl(sandbox.urls.voso).createShop({
      shopId: `voso-${randomUUID().slice(0, 8)}`,
    });
    const connection = await api.call('POST', `/v1/cooperatives/${coop.id}/connections`, {
      key: coop.key,
      body: {
        marketplace: 'voso',
        shopId: shop.shopId,
        baseUrl: sandbox.urls.voso,
        credentials: { ...shop.credentials, webhookSecret: shop.webhookSecret },
      },
    });
    expect(connection.status).toBe(201);
    const product = await newProduct(api, coop);
    const code = product.skus[0].code as string;
    const listing = await api.call('POST', '/v1/listings', {
      key: coop.key,
      body: { productId: product.id, connectionId: connection.body.id },
    });
    await eventually(async () => {
      const res = await api.call('GET', `/v1/listings/${listing.body.id}`, { key: coop.key });
      return res.body.status === 'synced';
    }, 20_000);
    await sandboxControl(sandbox.urls.voso).placeOrder(shop.shopId, [{ sku: code, quantity: 1 }]);
    const orders = await eventually(async () => {
      const found = await ordersOf(api, coop.key, `&cooperativeId=${coop.id}`);
      return found.length === 1 && found;
    }, 20_000);
    expect(orders[0]).toMatchObject({ marketplace: 'voso', connectionId: connection.body.id });

    // the slow ones were cut at the deadline, and say so without naming where they point
    const slow = await eventually(async () => {
      const res = await api.call('GET', `/v1/listings?connectionId=${squatters[0]}`, { key: api.adminKey });
      return res.body.items[0]?.lastError && res.body.items[0];
    });
    expect(slow.status).not.toBe('synced');
    expect(slow.lastError).toMatch(/marketplace unreachable/i);
    expect(slow.lastError).not.toContain(new URL(hostile.origin).port);
  }, 90_000);
});
