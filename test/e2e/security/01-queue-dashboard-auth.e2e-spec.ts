import { Agent, request as httpRequest } from 'node:http';
import { ALL_QUEUES } from '@ocop/jobs';
import { type RunningApi, startApi } from '../../support/api';
import { newCooperative, newKey } from '../../support/factories';

/**
 * Issue 13, finding 1: the queue dashboard (Bull Board) must answer only admin keys, whatever
 * spelling of its URL the router accepts. The routes are read from the running API's router, so a
 * route that a Bull Board upgrade adds is covered without editing this file.
 */
const PREFIX = '/admin/queues';

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/** A request whose path goes out byte for byte: fetch would normalise some of the spellings tried. */
function raw(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<RawAnswer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Fastify's printRoutes draws the radix tree: each node's label continues its parent's path. Answers
 * every route (method, path pattern) under `prefix`.
 */
function routesUnder(tree: string, prefix: string): { method: string; path: string }[] {
  const stack: string[] = [];
  const routes: { method: string; path: string }[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[└├]── (.*?)(?: \(([A-Z, ]+)\))?$/u.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    stack.push(match[2]!);
    const path = stack.join('');
    if (!match[3] || !(path === prefix || path.startsWith(`${prefix}/`))) continue;
    for (const method of match[3].split(', ')) routes.push({ method, path });
  }
  return routes;
}

/** A concrete URL for a route pattern: real queue name, made-up job and scheduler ids. */
function concrete(pattern: string): string {
  return pattern
    .replace(':queueName', ALL_QUEUES[0]!)
    .replace(':jobId', 'job-1')
    .replace(':queueStatus', 'failed')
    .replace(':schedulerId', 'scheduler-1')
    .replace(/:[A-Za-z]+/g, 'x')
    .replace(/\*$/, 'static/main.js');
}

const encodeLetter = (segment: string, at = 0) =>
  segment.slice(0, at) + `%${segment.charCodeAt(at).toString(16)}` + segment.slice(at + 1);

/** Spellings of one path that a router might take for it while a raw-string check would not. */
function spellings(path: string): string[] {
  const rest = path.slice(PREFIX.length);
  const variants = [
    `/%61dmin/queues${rest}`,
    `/admin/%71ueues${rest}`,
    `/%41dmin/queues${rest}`,
    `/admin/queue%73${rest}`,
    '/' +
      path
        .slice(1)
        .split('/')
        .map((segment) => (segment ? encodeLetter(segment) : segment))
        .join('/'),
    path.replace(/[a-z]/g, (c) => `%${c.charCodeAt(0).toString(16)}`),
    `/admin%2Fqueues${rest}`,
    `/admin%2fqueues${rest}`,
    `//admin/queues${rest}`,
    `/admin//queues${rest}`,
    `${PREFIX}/${rest}`,
    path.replace(/\//g, '//'),
    `/Admin/queues${rest}`,
    `/ADMIN/QUEUES${rest.toUpperCase()}`,
    `/admin/Queues${rest}`,
    `/admin./queues${rest}`,
    `/admin/queues.${rest}`,
    `${path}.`,
    `${path}/`,
    `${path}//`,
    `${path}?x=1`,
    `${path};x=1`,
    `/admin/./queues${rest}`,
    `/x/../admin/queues${rest}`,
    path,
  ];
  return [...new Set(variants)];
}

describe('finding 1: the queue dashboard answers admin keys only, however its URL is spelled', () => {
  let api: RunningApi;
  let officer: string;
  let cooperative: string;
  let routes: { method: string; path: string }[];

  beforeAll(async () => {
    api = await startApi();
    officer = await newKey(api, 'officer');
    cooperative = (await newCooperative(api)).key;
    const tree = api.app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
    routes = routesUnder(tree, PREFIX);
  });
  afterAll(async () => {
    agent.destroy();
    await api.close();
  });

  it('reads every Bull Board route from the router, the write routes included', () => {
    const seen = routes.map((r) => `${r.method} ${r.path}`);
    expect(seen).toEqual(
      expect.arrayContaining([
        `GET ${PREFIX}`,
        `GET ${PREFIX}/api/queues`,
        `PUT ${PREFIX}/api/queues/pause`,
        `PUT ${PREFIX}/api/queues/resume`,
        `PUT ${PREFIX}/api/queues/:queueName/obliterate`,
        `PUT ${PREFIX}/api/queues/:queueName/:jobId/retry`,
        `POST ${PREFIX}/api/queues/:queueName/add`,
        `PUT ${PREFIX}/api/queues/:queueName/clean/:queueStatus`,
        `PUT ${PREFIX}/api/queues/:queueName/promote`,
      ]),
    );
    expect(routes.length).toBeGreaterThan(40);
  });

  it('refuses every route under every spelling without a key, with a wrong key and with non-admin keys', async () => {
    const credentials: [string, Record<string, string>][] = [
      ['no key', {}],
      ['unknown key', { authorization: 'Bearer ocop_not-a-key' }],
      ['officer key', { authorization: `Bearer ${officer}` }],
      [
        'cooperative key as Basic',
        { authorization: `Basic ${Buffer.from(`x:${cooperative}`).toString('base64')}` },
      ],
    ];
    const leaks: string[] = [];
    let tried = 0;
    for (const route of routes) {
      for (const path of spellings(concrete(route.path))) {
        for (const [who, headers] of credentials) {
          const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? '{}' : undefined;
          const answer = await raw(
            api.url,
            route.method,
            path,
            body ? { ...headers, 'content-type': 'application/json' } : headers,
            body,
          );
          tried += 1;
          const where = `${route.method} ${path} (${who}) → ${answer.status}`;
          if (![401, 403, 404].includes(answer.status)) {
            leaks.push(where);
            continue;
          }
          if (route.method === 'HEAD') continue;
          const parsed = (() => {
            try {
              return JSON.parse(answer.text);
            } catch {
              return undefined;
            }
          })();
          if (typeof parsed?.error?.code !== 'string' || typeof parsed?.error?.message !== 'string') {
            leaks.push(`${where} not in the error shape: ${answer.text.slice(0, 80)}`);
          }
        }
      }
    }
    expect(leaks).toEqual([]);
    expect(tried).toBeGreaterThan(routes.length * 4 * 20);
  }, 180_000);

  it('asks for credentials with 401 and www-authenticate, and tells a non-admin key 403', async () => {
    for (const path of [`${PREFIX}/api/queues`, `/%61dmin/queues/api/queues`, `/admin/%71ueues/api/queues`]) {
      const none = await raw(api.url, 'GET', path);
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toMatch(/^Basic realm=/);
      expect(JSON.parse(none.text).error.code).toBe('unauthorized');
      const officerAnswer = await raw(api.url, 'GET', path, { authorization: `Bearer ${officer}` });
      expect(officerAnswer.status).toBe(403);
      expect(JSON.parse(officerAnswer.text).error.code).toBe('forbidden');
    }
  });

  it('still serves the page and its API to an admin key, as Bearer or as a Basic password', async () => {
    const bearer = { authorization: `Bearer ${api.adminKey}` };
    const basic = { authorization: `Basic ${Buffer.from(`anyone:${api.adminKey}`).toString('base64')}` };
    for (const headers of [bearer, basic]) {
      const page = await raw(api.url, 'GET', PREFIX, headers);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      const queues = await raw(api.url, 'GET', `${PREFIX}/api/queues`, headers);
      expect(queues.status).toBe(200);
      expect(queues.headers['content-type']).toMatch(/application\/json/);
      const names = (JSON.parse(queues.text).queues as { name: string }[]).map((q) => q.name);
      expect(names).toEqual(expect.arrayContaining([...ALL_QUEUES]));
    }
    // an encoded spelling that the router maps to the page also works for the admin
    const encoded = await raw(api.url, 'GET', `/%61dmin/queues/api/queues`, bearer);
    expect(encoded.status).toBe(200);
  });
});
