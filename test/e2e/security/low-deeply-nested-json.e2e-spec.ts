import { randomUUID } from 'node:crypto';
import { type RunningApi, startApi } from '../../support/api';
import { newCooperative } from '../../support/factories';

/**
 * Issue 13, low-severity finding: a JSON body nested 5,000 levels deep (10 KB) answered 500 (a
 * stack overflow in class-transformer). Every route that takes a body, with every key, must answer
 * 400 in the error shape, and ordinary bodies must go on working.
 */
const nested = (depth: number, leaf = '1') => '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);
const nestedArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

const DEEP_BODIES: [string, string][] = [
  ['an unknown field 5,000 levels deep', `{"name":"x","deep":${nested(5000)}}`],
  ['a known field 5,000 levels deep', `{"name":${nested(5000)}}`],
  ['a body that is 5,000 nested objects', nested(5000)],
  ['a body that is 5,000 nested arrays', nestedArray(5000)],
  [
    'an array of 100 objects each 1,000 deep',
    `[${Array.from({ length: 100 }, () => nested(1000)).join(',')}]`,
  ],
  ['400,000 nested arrays (800 KB)', nestedArray(400_000)],
];

describe('low: deeply nested JSON answers 400', () => {
  let api: RunningApi;
  let coop: Awaited<ReturnType<typeof newCooperative>>;
  let operations: { method: string; path: string }[];

  beforeAll(async () => {
    api = await startApi();
    coop = await newCooperative(api);
    const doc = await api.call('GET', '/docs-json');
    operations = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, byMethod]) =>
        Object.keys(byMethod)
          .filter((method) => ['post', 'put', 'patch'].includes(method))
          .map((method) => ({
            method: method.toUpperCase(),
            path: path.replace('{id}', randomUUID()).replace('{marketplace}', 'sendo'),
          })),
    );
    // the queue dashboard's write routes parse JSON bodies too
    operations.push({ method: 'POST', path: '/admin/queues/api/queues/order-inbox/add' });
  });
  afterAll(() => api.close());

  it('answers every body route 400 in the error shape, for every key', async () => {
    expect(operations.length).toBeGreaterThan(15);
    const keys = [api.adminKey, coop.key];
    const wrong: string[] = [];
    for (const { method, path } of operations) {
      for (const key of keys) {
        for (const [name, raw] of DEEP_BODIES) {
          const res = await api.call(method, path, { key, raw });
          const shaped =
            typeof res.body?.error?.code === 'string' && typeof res.body?.error?.message === 'string';
          // a cooperative key may be refused before its body is read; never with a 500
          const fine = res.status === 400 || (key === coop.key && [403, 404].includes(res.status));
          if (!fine || !shaped)
            wrong.push(`${method} ${path} with ${name} → ${res.status} ${res.text.slice(0, 80)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it('says why', async () => {
    const res = await api.call('POST', '/v1/cooperatives', { key: api.adminKey, raw: nested(5000) });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/nests more than \d+ levels/);
  });

  it('still takes ordinary nested bodies', async () => {
    const product = await api.call('POST', '/v1/products', {
      key: coop.key,
      body: {
        cooperativeId: coop.id,
        name: 'Chè Tân Cương',
        category: 'tea',
        skus: [{ code: `T-${randomUUID().slice(0, 8)}`, name: 'Hộp', priceVnd: 1000, weightGrams: 100 }],
      },
    });
    expect(product.status).toBe(201);
    // moderately deep unknown fields are still plain validation failures
    const unknown = await api.call('POST', '/v1/cooperatives', {
      key: api.adminKey,
      raw: `{"name":"x","kind":"cooperative","province":"x","commune":"x","extra":${nested(10)}}`,
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('validation_failed');
  });
});
