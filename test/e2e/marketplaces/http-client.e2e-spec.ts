import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { MarketplaceError, MarketplaceHttp, ShopAccess } from '@ocop/marketplaces';
import { rejection } from './support';

/** The shared HTTP client over real sockets: what every adapter gets for free. */
describe('MarketplaceHttp', () => {
  let server: Server;
  let baseUrl: string;
  let answer: (path: string, res: import('node:http').ServerResponse) => void;
  const seen: { method: string; url: string; body: string; headers: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          body: Buffer.concat(chunks).toString('utf8'),
          headers: req.headers,
        });
        answer(req.url ?? '', res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  beforeEach(() => (seen.length = 0));

  const shop = (url = baseUrl): ShopAccess => ({
    connectionId: 'c1',
    marketplace: 'voso',
    shopId: 's1',
    baseUrl: url,
    credentials: {},
  });

  it('sends JSON with the query and hands back status, headers and parsed body', async () => {
    answer = (_path, res) => {
      res.writeHead(400, { 'content-type': 'application/json', 'x-trace': 't1' });
      res.end('{"status":400,"message":"bad"}');
    };
    const client = new MarketplaceHttp('voso');
    const result = await client.send(shop(), {
      method: 'POST',
      path: '/v2/products',
      query: { a: '1 2' },
      body: '{"PRODUCT_NAME":"Chè"}',
      headers: { Token: 'x' },
    });
    expect(result).toMatchObject({ status: 400, json: { status: 400, message: 'bad' } });
    expect(result.headers['x-trace']).toBe('t1');
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/v2/products?a=1+2',
      body: '{"PRODUCT_NAME":"Chè"}',
    });
    expect(seen[0].headers['content-type']).toMatch(/^application\/json/);
    expect(seen[0].headers.token).toBe('x');
  });

  it('a 429 is retryable with Retry-After in seconds or as an HTTP date', async () => {
    answer = (path, res) => {
      const retryAfter = path.includes('date') ? new Date(Date.now() + 30_000).toUTCString() : '7';
      res.writeHead(429, { 'retry-after': retryAfter });
      res.end('{}');
    };
    const client = new MarketplaceHttp('voso');
    const seconds = await rejection(client.send(shop(), { method: 'GET', path: '/s' }));
    expect(seconds).toBeInstanceOf(MarketplaceError);
    expect(seconds).toMatchObject({ kind: 'retryable', options: { status: 429, retryAfterMs: 7000 } });
    const date = await rejection(client.send(shop(), { method: 'GET', path: '/date' }));
    expect(date.options.retryAfterMs).toBeGreaterThan(25_000);
    expect(date.options.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('a 5xx with an HTML body is retryable', async () => {
    answer = (_path, res) => {
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end('<html>Bảo trì</html>');
    };
    const error = await rejection(new MarketplaceHttp('voso').send(shop(), { method: 'GET', path: '/' }));
    expect(error).toMatchObject({ kind: 'retryable', options: { status: 503, marketplace: 'voso' } });
  });

  it('a marketplace that does not answer in time is retryable (timeout)', async () => {
    answer = () => undefined; // never answers
    const started = Date.now();
    const error = await rejection(
      new MarketplaceHttp('sendo', undefined, { deadlineMs: 150 }).send(shop(), { method: 'GET', path: '/' }),
    );
    expect(error).toMatchObject({ kind: 'retryable', options: { code: 'timeout' } });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a refused connection is retryable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await rejection(
      new MarketplaceHttp('postmart').send(shop(`http://127.0.0.1:${port}`), { method: 'GET', path: '/' }),
    );
    expect(error).toMatchObject({ kind: 'retryable', options: { code: 'ECONNREFUSED' } });
  });

  it('asks the gate first, and a gate that refuses stops the call', async () => {
    answer = (_path, res) => res.end('{}');
    const order: string[] = [];
    const client = new MarketplaceHttp('voso', {
      beforeCall: async (access) => {
        order.push(`gate ${access.connectionId}`);
        if (access.connectionId === 'blocked') throw new Error('over the limit');
      },
    });
    await client.send(shop(), { method: 'GET', path: '/' });
    expect(order).toEqual(['gate c1']);
    expect(seen).toHaveLength(1);
    await expect(
      client.send({ ...shop(), connectionId: 'blocked' }, { method: 'GET', path: '/' }),
    ).rejects.toThrow('over the limit');
    expect(seen).toHaveLength(1);
  });
  it('tells the gate how long each answer took to come, whatever its status, and nothing when none came', async () => {
    answer = (_path, res) => setTimeout(() => res.writeHead(503).end('busy'), 120);
    const answers: { connectionId: string; seconds: number }[] = [];
    const client = new MarketplaceHttp('voso', {
      beforeCall: () => new Promise((resolve) => setTimeout(resolve, 1000)),
      answered: (access, seconds) => answers.push({ connectionId: access.connectionId, seconds }),
    });
    await expect(client.send(shop(), { method: 'GET', path: '/' })).rejects.toMatchObject({
      kind: 'retryable',
    });
    expect(answers).toHaveLength(1);
    // the server's 120 ms count, the gate's second does not
    expect(answers[0].connectionId).toBe('c1');
    expect(answers[0].seconds).toBeGreaterThanOrEqual(0.12);
    expect(answers[0].seconds).toBeLessThan(1);
    await expect(client.send(shop('http://127.0.0.1:1'), { method: 'GET', path: '/' })).rejects.toMatchObject(
      {
        kind: 'retryable',
      },
    );
    expect(answers).toHaveLength(1);
  });
});
