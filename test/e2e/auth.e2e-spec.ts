import { RunningApi, startApi } from '../support/api';
import { newCooperative, newKey, newProduct } from '../support/factories';

describe('API keys, roles and tenancy', () => {
  let api: RunningApi;
  let officer: string;
  let a: Awaited<ReturnType<typeof newCooperative>>;
  let b: Awaited<ReturnType<typeof newCooperative>>;
  let productOfB: any;

  beforeAll(async () => {
    api = await startApi();
    officer = await newKey(api, 'officer');
    a = await newCooperative(api);
    b = await newCooperative(api);
    productOfB = await newProduct(api, b);
  });
  afterAll(() => api.close());

  it('refuses calls without a key or with an unknown key', async () => {
    const none = await api.call('GET', '/v1/products');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    const wrong = await api.call('GET', '/v1/products', { key: 'ocop_not-a-real-key' });
    expect(wrong.status).toBe(401);
    const malformed = await api.call('GET', '/v1/products', { headers: { authorization: 'Basic abc' } });
    expect(malformed.status).toBe(401);
  });

  it('shows a new key once and never stores it in the clear', async () => {
    const issued = await api.call('POST', '/v1/api-keys', {
      key: api.adminKey,
      body: { role: 'officer', label: 'Sở Công Thương' },
    });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ role: 'officer', cooperativeId: null, label: 'Sở Công Thương' });
    expect(issued.body.key).toMatch(/^ocop_/);
    const listed = await api.call('GET', '/v1/api-keys', { key: api.adminKey });
    const mine = listed.body.items.find((k: any) => k.id === issued.body.id);
    expect(mine).toBeDefined();
    expect(JSON.stringify(listed.body)).not.toContain(issued.body.key);
  });

  it('validates key requests', async () => {
    const missingCoop = await api.call('POST', '/v1/api-keys', {
      key: api.adminKey,
      body: { role: 'cooperative' },
    });
    expect(missingCoop.status).toBe(400);
    expect(missingCoop.body.error.code).toBe('validation_failed');
    expect(missingCoop.body.error.details[0].field).toBe('cooperativeId');
    const coopOnOfficer = await api.call('POST', '/v1/api-keys', {
      key: api.adminKey,
      body: { role: 'officer', cooperativeId: a.id },
    });
    expect(coopOnOfficer.status).toBe(400);
    const unknownCoop = await api.call('POST', '/v1/api-keys', {
      key: api.adminKey,
      body: { role: 'cooperative', cooperativeId: '00000000-0000-4000-8000-000000000000' },
    });
    expect(unknownCoop.status).toBe(404);
    const badRole = await api.call('POST', '/v1/api-keys', { key: api.adminKey, body: { role: 'root' } });
    expect(badRole.status).toBe(400);
    expect(badRole.body.error.details[0].field).toBe('role');
  });

  it('only admins manage keys and cooperatives', async () => {
    for (const key of [officer, a.key]) {
      const issue = await api.call('POST', '/v1/api-keys', { key, body: { role: 'admin' } });
      expect(issue.status).toBe(403);
      expect(issue.body.error.code).toBe('forbidden');
      const coop = await api.call('POST', '/v1/cooperatives', {
        key,
        body: { name: 'x', kind: 'cooperative', province: 'Thái Nguyên', commune: 'x' },
      });
      expect(coop.status).toBe(403);
    }
  });

  it("answers 404 for another cooperative's resources and never lists them", async () => {
    const sku = productOfB.skus[0];
    const calls: [string, string, unknown?][] = [
      ['GET', `/v1/products/${productOfB.id}`],
      ['PATCH', `/v1/products/${productOfB.id}`, { name: 'Chè giả mạo' }],
      [
        'POST',
        `/v1/products/${productOfB.id}/skus`,
        { code: 'X-1', name: 'x', priceVnd: 1000, weightGrams: 10 },
      ],
      ['PATCH', `/v1/skus/${sku.id}`, { priceVnd: 1 }],
      ['POST', `/v1/skus/${sku.id}/stock-adjustments`, { delta: 5, reason: 'steal' }],
      ['PUT', `/v1/skus/${sku.id}/stock`, { onHand: 0, reason: 'steal' }],
      ['GET', `/v1/skus/${sku.id}/stock-movements`],
      ['GET', `/v1/cooperatives/${b.id}`],
      ['PATCH', `/v1/cooperatives/${b.id}`, { phone: '0900000000' }],
    ];
    for (const [method, path, body] of calls) {
      const res = await api.call(method, path, { key: a.key, body });
      expect({ method, path, status: res.status, code: res.body?.error?.code }).toEqual({
        method,
        path,
        status: 404,
        code: 'not_found',
      });
    }
    const createForB = await api.call('POST', '/v1/products', {
      key: a.key,
      body: {
        cooperativeId: b.id,
        name: 'x',
        category: 'tea',
        skus: [{ code: 'Z', name: 'z', priceVnd: 1, weightGrams: 1 }],
      },
    });
    expect(createForB.status).toBe(404);

    const products = await api.call('GET', '/v1/products?limit=200', { key: a.key });
    expect(products.body.items.every((p: any) => p.cooperativeId === a.id)).toBe(true);
    const filtered = await api.call('GET', `/v1/products?cooperativeId=${b.id}`, { key: a.key });
    expect(filtered.body.items).toEqual([]);
    const coops = await api.call('GET', '/v1/cooperatives?limit=200', { key: a.key });
    expect(coops.body.items.map((c: any) => c.id)).toEqual([a.id]);

    // and nothing changed on B's side
    const after = await api.call('GET', `/v1/products/${productOfB.id}`, { key: b.key });
    expect(after.body.name).toBe(productOfB.name);
    expect(after.body.skus[0].onHand).toBe(sku.onHand);
  });

  it('lets an officer read everything and refuses its writes with 403', async () => {
    const read = await api.call('GET', `/v1/products/${productOfB.id}`, { key: officer });
    expect(read.status).toBe(200);
    const coops = await api.call('GET', '/v1/cooperatives?limit=200', { key: officer });
    expect(coops.body.items.length).toBeGreaterThanOrEqual(2);
    const movements = await api.call('GET', `/v1/skus/${productOfB.skus[0].id}/stock-movements`, {
      key: officer,
    });
    expect(movements.status).toBe(200);
    const writes: [string, string, unknown][] = [
      ['POST', '/v1/products', { cooperativeId: b.id, name: 'x', category: 'tea', skus: [] }],
      ['PATCH', `/v1/products/${productOfB.id}`, { name: 'x' }],
      ['POST', `/v1/skus/${productOfB.skus[0].id}/stock-adjustments`, { delta: 1, reason: 'x' }],
      ['PUT', `/v1/skus/${productOfB.skus[0].id}/stock`, { onHand: 1, reason: 'x' }],
      ['PATCH', `/v1/cooperatives/${b.id}`, { phone: '1' }],
    ];
    for (const [method, path, body] of writes) {
      const res = await api.call(method, path, { key: officer, body });
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }
  });

  it('lets a cooperative edit its own profile', async () => {
    const res = await api.call('PATCH', `/v1/cooperatives/${a.id}`, {
      key: a.key,
      body: { phone: '0208 3855 123' },
    });
    expect(res.status).toBe(200);
    expect(res.body.phone).toBe('0208 3855 123');
  });

  it('stops a revoked key on its very next call', async () => {
    const c = await newCooperative(api);
    expect((await api.call('GET', '/v1/products', { key: c.key })).status).toBe(200);
    const revoked = await api.call('DELETE', `/v1/api-keys/${c.keyId}`, { key: api.adminKey });
    expect(revoked.status).toBe(204);
    const after = await api.call('GET', '/v1/products', { key: c.key });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthorized');
    const again = await api.call('DELETE', `/v1/api-keys/${c.keyId}`, { key: api.adminKey });
    expect(again.status).toBe(404);
  });
});
