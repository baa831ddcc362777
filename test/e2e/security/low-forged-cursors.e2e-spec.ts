import { randomUUID } from 'node:crypto';
import { type RunningApi, startApi } from '../../support/api';
import { newCooperative, newProduct } from '../../support/factories';
import { newPerson, signedIn } from '../../support/people';

/**
 * Issue 13, low-severity finding: cursors a client forged (a bare "1", a 30th of February, an id
 * made of dashes, random base64, a huge string) answered 500 on list routes. Every list of the
 * OpenAPI document must answer them 400 in the error shape.
 */
const cursor = (key: unknown) => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

/** Random bytes from a fixed seed, so a failure names the same cursor on every run. */
function seededBytes(seed: number, length: number): Buffer {
  let state = seed;
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i += 1) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

const instant = '2026-01-01T00:00:00.000Z';
const id = randomUUID();

const FORGED: [string, string][] = [
  ['"1"', '1'],
  ['"2020-02-30"', '2020-02-30'],
  ['a key of ["1", id]', cursor(['1', id])],
  ['a key of ["2020-02-30", id]', cursor(['2020-02-30', id])],
  ['a key of ["2020-02-30T00:00:00.000Z", id]', cursor(['2020-02-30T00:00:00.000Z', id])],
  ['a key of ["2020-13-01", id]', cursor(['2020-13-01', id])],
  ['a key of [year 0, id]', cursor(['0000-01-01T00:00:00.000Z', id])],
  ['a key of [year 275760, id]', cursor(['+275760-09-13T00:00:00.000Z', id])],
  ['a key of ["Tuesday", id]', cursor(['Tue, 01 Jan 2026 00:00:00 GMT', id])],
  ['a key of [instant, 36 dashes]', cursor([instant, '-'.repeat(36)])],
  ['a key of [instant, 36 zeros]', cursor([instant, '0'.repeat(36)])],
  ['a key of [instant, dashes where hex goes]', cursor([instant, '--------0000-0000-0000-000000000000'])],
  ['a key of [instant, an id with a null byte]', cursor([instant, `${id.slice(0, 35)}\u0000`])],
  ['a key of three values', cursor([instant, id, 'x'])],
  ['a key of numbers', cursor([1, 2])],
  ['a key that is an object', cursor({ at: instant, id })],
  ['a key that is null', cursor(null)],
  ['a key nested deep', cursor(JSON.parse('['.repeat(500) + ']'.repeat(500)))],
  ['an empty cursor', ''],
  ['not base64 at all', '%%%***'],
  ['unicode', 'Chè Tân Cương ☕'],
  ['a huge string', 'A'.repeat(10_000)],
  ...Array.from({ length: 12 }, (_, i): [string, string] => [
    `random base64 #${i}`,
    seededBytes(i + 1, 8 + i * 9).toString('base64url'),
  ]),
];

describe('low: forged cursors answer 400 on every list', () => {
  let api: RunningApi;
  let lists: string[];
  const ids: Record<string, string> = {};
  /** Notices are a person's: their list is read in an admin's cookie session, not with the key. */
  let adminSession: { cookie: string };
  const asCaller = (list: string) =>
    list.startsWith('/v1/notifications')
      ? { headers: { cookie: adminSession.cookie } }
      : { key: api.adminKey };

  beforeAll(async () => {
    api = await startApi();
    const coop = await newCooperative(api);
    const product = await newProduct(api, coop);
    ids.cooperatives = coop.id;
    ids.products = product.id;
    ids.skus = product.skus[0].id;
    adminSession = await signedIn(api, (await newPerson(api, 'admin')).email);
    const doc = await api.call('GET', '/docs-json');
    lists = Object.entries(
      doc.body.paths as Record<string, Record<string, { parameters?: { name: string }[] }>>,
    )
      .filter(([, operations]) => operations.get?.parameters?.some((p) => p.name === 'cursor'))
      .map(([path]) =>
        path.replace(/\/([a-z-]+)\/\{id\}/g, (_, resource: string) => {
          const value = ids[resource];
          if (!value) throw new Error(`no id for ${resource} in ${path}: add one to the test`);
          return `/${resource}/${value}`;
        }),
      );
  });
  afterAll(() => api.close());

  it('finds the lists in the OpenAPI document', () => {
    expect(lists).toEqual(
      expect.arrayContaining([
        '/v1/cooperatives',
        '/v1/products',
        '/v1/orders',
        '/v1/listings',
        '/v1/ocop-certificates',
        '/v1/notifications',
        `/v1/skus/${ids.skus}/stock-movements`,
        `/v1/products/${ids.products}/ocop-assessments`,
        `/v1/cooperatives/${ids.cooperatives}/connections`,
      ]),
    );
  });

  it('answers each forged cursor 400 in the error shape, on every list', async () => {
    const wrong: string[] = [];
    for (const list of lists) {
      for (const [name, value] of FORGED) {
        const res = await api.call('GET', `${list}?cursor=${encodeURIComponent(value)}`, asCaller(list));
        const shaped =
          typeof res.body?.error?.code === 'string' &&
          ['bad_request', 'validation_failed'].includes(res.body.error.code) &&
          typeof res.body.error.message === 'string';
        if (res.status !== 400 || !shaped)
          wrong.push(`${list} with ${name} → ${res.status} ${res.text.slice(0, 100)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("answers a cursor too long for Node's header limit 431 in the error shape", async () => {
    const res = await api.call('GET', `/v1/products?cursor=${'A'.repeat(100_000)}`, { key: api.adminKey });
    expect(res.status).toBe(431);
    expect(res.body.error).toMatchObject({ code: 'headers_too_large', message: expect.any(String) });
  });

  it('still pages with the cursors the API hands out', async () => {
    const coop = await newCooperative(api);
    for (let i = 0; i < 3; i += 1) await newProduct(api, coop);
    const seen: string[] = [];
    let next: string | null = null;
    do {
      const query: string = next ? `&cursor=${encodeURIComponent(next)}` : '';
      const page = await api.call('GET', `/v1/products?cooperativeId=${coop.id}&limit=1${query}`, {
        key: coop.key,
      });
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((p: { id: string }) => p.id));
      next = page.body.nextCursor;
    } while (next);
    expect(new Set(seen).size).toBe(3);
  });
});
