import ExcelJS from 'exceljs';
import { createHmac, randomUUID } from 'node:crypto';
import { type RunningApi, startApi } from '../../support/api';
import { newCooperative, newKey, newProduct } from '../../support/factories';
import { connectAll, startMarketplaces } from '../../support/marketplaces';
import type { Sandbox } from '../orders/support';

/**
 * Issue 13, acceptance: a fuzz pass over every operation of the OpenAPI document (GET /docs-json of
 * the running API), with an admin key and with a cooperative key. Path parameters get bad UUIDs,
 * query parameters wrong types, huge and forged values, bodies wrong types, huge strings, deep
 * nesting, unknown fields and bad content types. No answer may be a 5xx but one the operation's
 * document promises (503 from a route that asks a marketplace in the moment, e.g. checking a shop,
 * when the sandbox throttles the fuzz's calls), and every answer that is not a 2xx must be in
 * API.md's error shape {error: {code, message}}.
 *
 * Deterministic: every case is listed in a fixed order and the random strings come from a seeded
 * generator (FUZZ_SEED, 13 by default, to explore other ones). Bounded: about ten thousand
 * requests, four at a time, on one API.
 *
 * What is not fuzzed here, and why:
 * - GET bodies: fetch cannot send them, and no GET route reads one.
 * - The webhooks need the marketplace's signature. They are fuzzed unsigned (every marketplace
 *   name, bodies shaped like each marketplace's with each field spoiled, content types), and Voso's
 *   also signed with the shop's real secret, so the spoiled fields reach the inbox's insert.
 * - Routes outside the OpenAPI document: /metrics takes no input (fuzzed below with junk queries,
 *   as /health is, which the document has); /docs* and /dashboard/* are static files;
 *   /admin/queues/* is Bull Board, whose own answers keep its own shape and whose access is tested
 *   route by route in 01-queue-dashboard-auth.e2e-spec.ts.
 * - Orders have no real id here (importing one needs the worker), so order routes get unknown ids;
 *   their bodies are still validated before the lookup.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 13);

/** mulberry32: a small, well-known seeded generator. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const text = (length: number, alphabet: string) =>
    Array.from({ length }, () => alphabet[int(alphabet.length)]).join('');
  /** `k` of `items` drawn without repeats, in their listed order. */
  const sample = <T>(items: readonly T[], k: number): T[] => {
    const indexes = items.map((_, i) => i);
    for (let i = 0; i < Math.min(k, items.length); i += 1) {
      const j = i + int(indexes.length - i);
      [indexes[i], indexes[j]] = [indexes[j]!, indexes[i]!];
    }
    return indexes
      .slice(0, k)
      .sort((a, b) => a - b)
      .map((i) => items[i]!);
  };
  return { int, pick, text, sample };
}
const random = generator(SEED);
const PRINTABLE = 'abcXYZ019 -_.~!$&\'()*+,;=:@/?#[]%"<>\\^`{|}';
const UNICODE = 'Chè Tân Cương đặc biệt ☕🍵\u0301\u200b\u202e\ufeff';

const HUGE = 'A'.repeat(100 * 1024);
const deep = (depth: number): unknown => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i += 1) value = i % 2 ? [value] : { a: value };
  return value;
};
const forgedCursor = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');

/**
 * Values for a JSON property of any declared type. Each property gets the first four (the kinds
 * that found 500s: null for a NOT NULL column, a NUL character PostgreSQL refuses, a wrong type, a
 * huge string) and a seeded draw of the rest, so the pass stays near 5,000 requests while every
 * value is tried on many properties.
 */
const BODY_VALUES: [string, unknown][] = [
  ['null', null],
  ['NUL', '\u0000'],
  ['object', { a: 1 }],
  ['100 KB string', HUGE],
  ['true', true],
  ['0', 0],
  ['-1', -1],
  ['1.5', 1.5],
  ['1e308', 1e308],
  ['-1e308', -1e308],
  ['2^53+1', 2 ** 53 + 1],
  ['empty string', ''],
  ['space', ' '],
  ['"x"', 'x'],
  ['"1"', '1'],
  ['"NaN"', 'NaN'],
  ['unicode', UNICODE],
  ['emoji ×2000', '🍵'.repeat(2000)],
  ['SQL', "' OR '1'='1'; --"],
  ['markup', '<script>alert(1)</script>'],
  ['formula', '=HYPERLINK("http://x","y")'],
  ['30 February', '2020-02-30'],
  ['dashes for a UUID', '-'.repeat(36)],
  ['nil UUID', '00000000-0000-0000-0000-000000000000'],
  ['unknown UUID', randomUUID()],
  ['empty array', []],
  ['[null]', [null]],
  ['array of 2,000', Array.from({ length: 2000 }, (_, i) => i)],
  ['empty object', {}],
  ['operator object', { $gt: '' }],
  ['nested 20 deep', deep(20)],
  ['nested 40 deep', deep(40)],
  ...Array.from({ length: 4 }, (_, i): [string, unknown] => [
    `random printable #${i}`,
    random.text(1 + random.int(60), PRINTABLE),
  ]),
  ...Array.from({ length: 2 }, (_, i): [string, unknown] => [
    `random unicode #${i}`,
    random.text(1 + random.int(40), UNICODE),
  ]),
];

/** Values for a path parameter (already URL-encoded where needed): the first four always, a draw of the rest. */
const PATH_VALUES: [string, string][] = [
  ['not a UUID', 'not-a-uuid'],
  ['encoded NUL', '%00'],
  ['bad percent escape', '%E0%A4%A'],
  ['5 KB', 'a'.repeat(5000)],
  ['dashes', '-'.repeat(36)],
  ['nil UUID', '00000000-0000-0000-0000-000000000000'],
  ['unknown UUID', randomUUID()],
  ['upper-case unknown UUID', randomUUID().toUpperCase()],
  ['UUID with braces', `%7B${randomUUID()}%7D`],
  ['UUID and more', `${randomUUID()}x`],
  ['number', '1'],
  ['negative', '-1'],
  ['huge number', '99999999999999999999999'],
  ['SQL', "'%20OR%20'1'='1"],
  ['encoded slash', '..%2F..%2Fetc%2Fpasswd'],
  ['unicode', encodeURIComponent(UNICODE)],
  ['100 KB', 'a'.repeat(100 * 1024)],
];

/** Values for a query parameter (already URL-encoded): the first four always, a draw of the rest. */
const QUERY_VALUES: [string, string][] = [
  ['x', 'x'],
  ['encoded NUL', '%00'],
  ['100 KB', 'a'.repeat(100 * 1024)],
  ['forged cursor', forgedCursor(['2020-02-30', '-'.repeat(36)])],
  ['empty', ''],
  ['-1', '-1'],
  ['0', '0'],
  ['1.5', '1.5'],
  ['1e309', '1e309'],
  ['huge integer', '99999999999999999999'],
  ['NaN', 'NaN'],
  ['true', 'true'],
  ['30 February', '2020-02-30'],
  ['year 0', '0000-01-01'],
  ['nil UUID', '00000000-0000-0000-0000-000000000000'],
  ['dashes', '-'.repeat(36)],
  ['SQL', encodeURIComponent("' OR 1=1 --")],
  ['bad percent escape', '%E0%A4%A'],
  ['unicode', encodeURIComponent(UNICODE)],
  ['JSON', encodeURIComponent('{"$gt":""}')],
  ['random base64', Buffer.from(random.text(24, PRINTABLE)).toString('base64url')],
  ['5 KB', 'a'.repeat(5000)],
];

/** The first `always` values, and `drawn` more from the rest. */
const valuesFor = <T>(values: readonly T[], always: number, drawn: number): T[] => [
  ...values.slice(0, always),
  ...random.sample(values.slice(always), drawn),
];

interface Operation {
  method: string;
  path: string;
  parameters: { name: string; in: 'path' | 'query' | 'header'; schema?: Schema }[];
  body?: Schema;
  promised5xx: number[];
}
interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  minimum?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
}

interface Case {
  who: string;
  key?: string;
  method: string;
  url: string;
  what: string;
  headers?: Record<string, string>;
  body?: string;
  /** 5xx statuses the operation's document promises (a marketplace that cannot answer now: 503) */
  promised5xx?: number[];
}

describe('fuzz: every route of the OpenAPI document', () => {
  let sandbox: Sandbox;
  let api: RunningApi;
  let doc: { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, Schema> } };
  let operations: Operation[];
  const ids: Record<string, string> = {};
  let shops: Awaited<ReturnType<typeof connectAll>>;

  beforeAll(async () => {
    sandbox = await startMarketplaces();
    // a later rate limit must not turn the pass into a run of 429s
    api = await startApi({ API_RATE_LIMIT_PER_MINUTE: '1000000' });
    const coop = await newCooperative(api);
    const product = await newProduct(api, coop);
    shops = await connectAll(api, sandbox, coop);
    const listing = await api.call('POST', '/v1/listings', {
      key: coop.key,
      body: { productId: product.id, connectionId: shops.sendo.connectionId },
    });
    const certificate = await api.call('POST', `/v1/products/${product.id}/ocop-assessments`, {
      key: api.adminKey,
      body: {
        partA: 32,
        partB: 20,
        partC: 28,
        mandatoryCriteriaMet: true,
        level: 'province',
        decisionNo: '1/QĐ-UBND',
        decidedAt: '2026-01-05',
      },
    });
    const throwaway = await api.call('POST', '/v1/api-keys', {
      key: api.adminKey,
      body: { role: 'officer' },
    });
    const person = await api.call('POST', '/v1/users', {
      key: api.adminKey,
      body: { email: `fuzz-${randomUUID()}@haodat.example`, name: 'Fuzz', role: 'officer' },
    });
    // a spreadsheet import's preview (one new SKU), for the apply route
    const book = new ExcelJS.Workbook();
    book
      .addWorksheet('x')
      .addRow(['Mã SKU', 'Tên sản phẩm', 'Danh mục', 'Quy cách', 'Giá bán', 'Khối lượng']);
    book.worksheets[0]!.addRow([`FUZZ-${randomUUID().slice(0, 8)}`, 'Chè fuzz', 'tea', 'Hộp', 1000, 100]);
    const preview = await api.call('POST', '/v1/catalogue/imports', {
      key: coop.key,
      raw: Buffer.from(await book.xlsx.writeBuffer()),
      headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
    });
    expect([listing.status, certificate.status, throwaway.status, person.status, preview.status]).toEqual([
      202, 201, 201, 201, 201,
    ]);
    Object.assign(ids, {
      coopKey: coop.key,
      cooperatives: coop.id,
      products: product.id,
      skus: product.skus[0].id,
      connections: shops.sendo.connectionId,
      listings: listing.body.id,
      'ocop-certificates': certificate.body.id,
      imports: preview.body.id,
      'api-keys': throwaway.body.id,
      users: person.body.id,
      orders: randomUUID(),
      // no webhook has died here: an unknown row (404) still walks the route's parsing and checks
      inbox: randomUUID(),
      // notices are a person's and the fuzz calls with keys: each call walks the route's parsing to its 403
      notifications: randomUUID(),
    });
    await newKey(api, 'officer');
    doc = (await api.call('GET', '/docs-json')).body;
    operations = Object.entries(doc.paths).flatMap(([path, byMethod]) =>
      Object.entries(byMethod).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        body: op.requestBody?.content?.['application/json']?.schema,
        promised5xx: Object.keys(op.responses ?? {})
          .map(Number)
          .filter((status) => status >= 500),
      })),
    );
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await sandbox?.close();
  });

  const resolve = (schema: Schema | undefined): Schema | undefined =>
    schema?.$ref ? doc.components.schemas[schema.$ref.split('/').pop()!] : schema;

  /** A plausible value for a schema: the one each case then spoils in one place. */
  function plausible(schema: Schema | undefined, name = ''): unknown {
    const s = resolve(schema) ?? {};
    if (s.enum) return s.enum[0];
    if (s.example !== undefined) return s.example;
    if (s.default !== undefined) return s.default;
    switch (s.type) {
      case 'string':
        if (s.format === 'uuid') return ids[`${name.replace(/Id$/, '')}s`] ?? ids.cooperatives;
        return 'Chè Tân Cương';
      case 'number':
      case 'integer':
        return s.minimum ?? 1;
      case 'boolean':
        return true;
      case 'array':
        return [plausible(s.items, name)];
      case 'object':
        return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, plausible(v, k)]));
      default:
        return 'x';
    }
  }

  /** Every property path of a plausible body, two levels down (e.g. skus, skus.0, skus.0.code). */
  function propertyPaths(value: unknown, prefix: (string | number)[] = [], depth = 0): (string | number)[][] {
    if (depth > 2 || typeof value !== 'object' || value === null) return [];
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
    return entries.flatMap(([k, v]) => [[...prefix, k], ...propertyPaths(v, [...prefix, k], depth + 1)]);
  }

  function replaced(value: unknown, path: (string | number)[], replacement: unknown): unknown {
    const copy = structuredClone(value) as Record<string | number, unknown>;
    let node = copy;
    for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
    node[path[path.length - 1]!] = replacement;
    return copy;
  }

  function pathOf(op: Operation, overrides: Record<string, string> = {}): string {
    return op.path.replace(/\/([a-z-]+)\/\{(\w+)\}/g, (_, resource: string, param: string) => {
      const value = overrides[param] ?? (param === 'marketplace' ? 'sendo' : ids[resource]);
      if (value === undefined)
        throw new Error(`no id for {${param}} of ${op.path}: add one to the fuzz set-up`);
      return `/${resource}/${value}`;
    });
  }

  function casesOf(op: Operation, who: string, key: string | undefined): Case[] {
    const cases: Case[] = [];
    const add = (what: string, url: string, extra: Partial<Case> = {}) =>
      cases.push({ who, key, method: op.method, url, what, promised5xx: op.promised5xx, ...extra });
    const base = pathOf(op);
    const json = (body: unknown) => ({
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const plausibleBody = op.body ? plausible(op.body) : undefined;
    const withBody = op.method !== 'GET' && op.method !== 'DELETE';
    const plain: Pick<Case, 'headers' | 'body'> =
      withBody && plausibleBody !== undefined ? json(plausibleBody) : {};

    add('as documented', base, plain);
    for (const param of op.parameters.filter((p) => p.in === 'path')) {
      for (const [name, value] of valuesFor(PATH_VALUES, 4, 4))
        add(`path ${param.name} = ${name}`, pathOf(op, { [param.name]: value }), plain);
    }
    for (const param of op.parameters.filter((p) => p.in === 'query')) {
      for (const [name, value] of valuesFor(QUERY_VALUES, 4, 4))
        add(`query ${param.name} = ${name}`, `${base}?${param.name}=${value}`, plain);
      add(`query ${param.name} twice`, `${base}?${param.name}=1&${param.name}=2`, plain);
      add(`query ${param.name}[] form`, `${base}?${param.name}[a]=1&${param.name}[]=2`, plain);
    }
    add('unknown query parameter', `${base}?zzz=1&__proto__[x]=1&constructor[prototype][x]=1`, plain);
    for (const param of op.parameters.filter((p) => p.in === 'header')) {
      for (const [name, value] of [
        ['empty', ''],
        ['8 KB', 'k'.repeat(8 * 1024)],
        ['latin-1', 'chè tân cýõng ÿ'],
        ['spaces', '   '],
      ]) {
        add(`header ${param.name} = ${name}`, base, {
          ...plain,
          headers: { ...plain.headers, [param.name]: value! },
        });
      }
    }
    if (!withBody) return cases;

    if (plausibleBody !== undefined) {
      for (const path of propertyPaths(plausibleBody)) {
        for (const [name, value] of valuesFor(BODY_VALUES, 4, 6)) {
          add(`body ${path.join('.')} = ${name}`, base, json(replaced(plausibleBody, path, value)));
        }
      }
      add('unknown field', base, json({ ...(plausibleBody as object), zzz: 1 }));
      add('__proto__ field', base, {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(plausibleBody).replace(/^\{/, '{"__proto__":{"isAdmin":true},'),
      });
      add(
        'constructor field',
        base,
        json({ ...(plausibleBody as object), constructor: { prototype: { x: 1 } } }),
      );
    }
    for (const [name, value] of valuesFor(BODY_VALUES, 4, 6)) {
      add(`whole body = ${name}`, base, json(value));
    }
    const text = plain.body ?? '{}';
    for (const [name, headers, body] of [
      ['no body, JSON content type', { 'content-type': 'application/json' }, ''],
      ['no body, no content type', {}, undefined],
      ['text/plain', { 'content-type': 'text/plain' }, text],
      ['form', { 'content-type': 'application/x-www-form-urlencoded' }, 'name=x&skus[0][code]=y'],
      [
        'multipart',
        { 'content-type': 'multipart/form-data; boundary=zz' },
        '--zz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--zz--\r\n',
      ],
      [
        'XML',
        { 'content-type': 'application/xml' },
        '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
      ],
      ['invalid JSON', { 'content-type': 'application/json' }, '{"name": '],
      ['JSON with trailing garbage', { 'content-type': 'application/json' }, `${text}}}`],
      ['JSON with a BOM', { 'content-type': 'application/json' }, `\ufeff${text}`],
      ['JSON in latin-1', { 'content-type': 'application/json; charset=latin1' }, text],
      ['JSON as application/*+json', { 'content-type': 'application/vnd.api+json' }, text],
      ['bad content type', { 'content-type': ';;;' }, text],
      [
        'spreadsheet bytes that are no workbook',
        { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
        `PK\u0003\u0004${text}`,
      ],
      ['gzip claimed', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, text],
      [
        'body deeper than any limit',
        { 'content-type': 'application/json' },
        '['.repeat(5000) + ']'.repeat(5000),
      ],
    ] as [string, Record<string, string>, string | undefined][]) {
      add(`content: ${name}`, base, { headers, body });
    }
    return cases;
  }

  async function send(c: Case): Promise<string | undefined> {
    const headers: Record<string, string> = { ...c.headers };
    if (c.key) headers.authorization = `Bearer ${c.key}`;
    let res: Response;
    try {
      res = await fetch(api.url + c.url, { method: c.method, headers, body: c.body });
    } catch (error) {
      return `${c.who} ${c.method} ${c.url.slice(0, 120)} [${c.what}] → no answer (${String(error)})`;
    }
    const text = await res.text();
    if (res.status < 300) return undefined;
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const shaped = typeof body?.error?.code === 'string' && typeof body?.error?.message === 'string';
    // a documented 503 (the route asks a marketplace in the moment, and the sandbox is throttling
    // the fuzz's hundreds of calls) is an answer; any other 5xx is a crash
    const crash = res.status >= 500 && !((c.promised5xx ?? []).includes(res.status) && shaped);
    if (crash || !shaped) {
      return `${c.who} ${c.method} ${c.url.slice(0, 120)} [${c.what}] → ${res.status} ${text.slice(0, 160)}`;
    }
    return undefined;
  }

  async function run(cases: Case[]): Promise<string[]> {
    const failures: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < cases.length) {
          const failure = await send(cases[next++]!);
          if (failure) failures.push(failure);
        }
      }),
    );
    return failures.sort();
  }

  it('covers every route the router serves under /v1', () => {
    const tree = api.app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
    const served = new Set<string>();
    const stack: string[] = [];
    for (const line of tree.split('\n')) {
      const match = /^([│ ]*)[└├]── (.*?)(?: \(([A-Z, ]+)\))?$/u.exec(line);
      if (!match) continue;
      stack.length = match[1]!.length / 4;
      stack.push(match[2]!);
      const path = stack.join('');
      if (!match[3] || !path.startsWith('/v1/')) continue;
      for (const method of match[3].split(', ').filter((m) => m !== 'HEAD')) served.add(`${method} ${path}`);
    }
    const documented = new Set(
      operations.map((op) => `${op.method} ${op.path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect([...served].filter((route) => !documented.has(route))).toEqual([]);
    expect(operations.length).toBeGreaterThan(40);
  });

  it('answers no fuzzed request with a 5xx, and every refusal in the error shape', async () => {
    const cases = operations.flatMap((op) =>
      op.path.startsWith('/v1/webhooks/')
        ? casesOf(op, 'no key', undefined)
        : [...casesOf(op, 'admin', api.adminKey), ...casesOf(op, 'cooperative', ids.coopKey)],
    );
    // the webhooks: every marketplace's route, and one that does not exist
    const webhook = operations.find((op) => op.path.startsWith('/v1/webhooks/'))!;
    for (const marketplace of ['voso', 'postmart', 'amazon']) {
      cases.push(
        ...casesOf(
          { ...webhook, path: `/v1/webhooks/${marketplace}`, parameters: [] },
          `webhook ${marketplace}`,
          undefined,
        ),
      );
    }
    // bodies shaped like each marketplace's (MARKETPLACES.md), for a real shop, one field spoiled at a time
    const orderAt = '2026-11-28T02:00:00.000Z';
    const shaped: Record<string, Record<string, unknown>> = {
      sendo: {
        type: 'SALESORDER.UPDATE',
        shop_id: shops.sendo.shopId,
        data: { order_number: '2600000001', order_status: 6, updated_at: 1_793_000_000 },
      },
      voso: {
        EVENT_ID: 'evt-1',
        EVENT_TYPE: 'ORDER_CREATED',
        SHOP_ID: shops.voso.shopId,
        DATA: {
          ORDER_NUMBER: 'VOSO0000000001',
          SHOP_ID: shops.voso.shopId,
          STATUS: 'CHO_DUYET',
          CREATED_AT: orderAt,
          UPDATED_AT: orderAt,
          TOTAL_AMOUNT: 240_000,
          CANCEL_REASON: null,
          ITEMS: [{ PRODUCT_ID: 1, PRODUCT_SKU: 'CHE-100', QUANTITY: 2, PRICE: 120_000 }],
        },
      },
      postmart: {
        event: 'order.updated',
        shop_id: shops.postmart.shopId,
        occurred_at: orderAt,
        order: {
          order_id: randomUUID(),
          shop_id: shops.postmart.shopId,
          status: 'confirmed',
          placed_at: orderAt,
          updated_at: orderAt,
          total: 240_000,
          cancel_reason_code: null,
          lines: [{ product_id: 'p', seller_sku: 'CHE-100', sku_id: 's', quantity: 2, unit_price: 120_000 }],
        },
      },
    };
    const signedByVoso = (body: string): Record<string, string> => {
      const t = Math.floor(Date.now() / 1000);
      const v1 = createHmac('sha256', shops.voso.webhookSecret).update(`${t}.${body}`).digest('hex');
      return { 'content-type': 'application/json', 'x-voso-signature': `t=${t},v1=${v1}` };
    };
    // the plausible signed body is taken, so the spoiled ones below get as far as the inbox
    const taken = await fetch(`${api.url}/v1/webhooks/voso`, {
      method: 'POST',
      headers: signedByVoso(JSON.stringify(shaped.voso)),
      body: JSON.stringify(shaped.voso),
    });
    expect(taken.status).toBe(200);
    for (const [marketplace, body] of Object.entries(shaped)) {
      for (const path of propertyPaths(body)) {
        for (const [name, value] of valuesFor(BODY_VALUES, 4, 6)) {
          const text = JSON.stringify(replaced(body, path, value));
          const webhookCase = {
            who: 'no key',
            method: 'POST',
            url: `/v1/webhooks/${marketplace}`,
            body: text,
          };
          cases.push({
            ...webhookCase,
            what: `${marketplace}-shaped body ${path.join('.')} = ${name}`,
            headers: { 'content-type': 'application/json' },
          });
          if (marketplace === 'voso') {
            cases.push({
              ...webhookCase,
              what: `signed voso body ${path.join('.')} = ${name}`,
              headers: signedByVoso(text),
            });
          }
        }
      }
    }
    // outside the document, with junk in the query
    for (const path of ['/health', '/metrics']) {
      for (const [name, value] of QUERY_VALUES) {
        cases.push({ who: 'no key', method: 'GET', url: `${path}?x=${value}`, what: `query x = ${name}` });
      }
    }
    expect(cases.length).toBeGreaterThan(4000);
    expect(await run(cases)).toEqual([]);
  }, 240_000);
});
