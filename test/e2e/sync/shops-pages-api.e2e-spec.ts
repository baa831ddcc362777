import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { RunningApi, startApi } from '../../support/api';
import { newCooperative, newKey, newProduct, uniqueCode } from '../../support/factories';
import { openShop, sandboxControl, startMarketplaces } from '../../support/marketplaces';

type Sandbox = Awaited<ReturnType<typeof startMarketplaces>>;

/**
 * What the web app's shops and listings pages need of the API: "Kiểm tra kết nối" (POST
 * /v1/connections/:id/check) asks the marketplace about the stored credentials now; the listings
 * page reads one producer's listings (GET /v1/listings?cooperativeId=) and lists the selected
 * products on a shop in one call (POST /v1/listings/bulk); a refused connect names the field the
 * form shows it beside. No worker: none of this waits for a push.
 */
describe('the shops and listings pages’ API: check a connection, a producer’s listings, bulk listing', () => {
  let api: RunningApi;
  let sandbox: Sandbox;
  // a marketplace of its own, to make it forget its shops
  let forgetful: Sandbox;
  let db: Pool;
  let officer: string;

  beforeAll(async () => {
    sandbox = await startMarketplaces();
    forgetful = await startMarketplaces();
    api = await startApi();
    db = new Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
    officer = await newKey(api, 'officer');
  });
  afterAll(async () => {
    await db?.end();
    await api?.close();
    await sandbox?.close();
    await forgetful?.close();
  });

  async function connect(
    coop: { id: string; key: string },
    marketplace: 'sendo' | 'voso' | 'postmart',
    where: Sandbox = sandbox,
  ) {
    const shop = await openShop(where, marketplace);
    const res = await api.call('POST', `/v1/cooperatives/${coop.id}/connections`, {
      key: coop.key,
      body: {
        marketplace,
        shopId: shop.shopId,
        baseUrl: where.urls[marketplace],
        credentials: { ...shop.credentials, webhookSecret: shop.webhookSecret },
      },
    });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, shop };
  }
  const check = (id: string, key: string) => api.call('POST', `/v1/connections/${id}/check`, { key });
  const status = async (id: string, key: string) =>
    (await api.call('GET', `/v1/connections/${id}`, { key })).body;

  it('answers what each marketplace says of working credentials, and changes nothing', async () => {
    const coop = await newCooperative(api);
    for (const marketplace of ['sendo', 'voso', 'postmart'] as const) {
      const { id } = await connect(coop, marketplace);
      const res = await check(id, coop.key);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id, status: 'active', statusReason: null, marketplace });
      expect(res.body.check).toMatchObject({ accepted: true, message: null });
      expect(new Date(res.body.check.checkedAt).getTime()).not.toBeNaN();
      expect(JSON.stringify(res.body)).not.toMatch(/secret|PASSWORD/i);
    }
  });

  it('turns a connection whose login the marketplace no longer accepts auth_failed, with its reason', async () => {
    const coop = await newCooperative(api);
    const { id } = await connect(coop, 'voso', forgetful);
    await fetch(`${forgetful.urls.voso}/_sandbox/reset`, { method: 'POST' }); // the shop is gone
    const res = await check(id, api.adminKey);
    expect(res.status).toBe(200);
    expect(res.body.check.accepted).toBe(false);
    expect(res.body.check.message).toEqual(expect.any(String));
    expect(res.body.status).toBe('auth_failed');
    expect(res.body.statusReason).toMatch(/refused the credentials/);
    // the check that found it out is its last change
    expect(res.body.updatedBy).toEqual({
      kind: 'key',
      id: '00000000-0000-0000-0000-000000000000',
      name: 'ADMIN_API_KEY',
    });
    expect((await status(id, coop.key)).status).toBe('auth_failed');
  });

  it('lifts an auth failure once the marketplace accepts the credentials again', async () => {
    const coop = await newCooperative(api);
    const { id } = await connect(coop, 'postmart');
    // as the sync engine leaves it after a refusal the marketplace has since taken back
    await db.query(
      `UPDATE connections SET status = 'auth_failed', status_reason = 'The marketplace refused the credentials: x' WHERE id = $1`,
      [id],
    );
    const res = await check(id, coop.key);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'active', statusReason: null, check: { accepted: true } });
  });

  it('records who connected a shop and who last changed it, and who listed and delisted a product', async () => {
    const coop = await newCooperative(api);
    const byKey = { kind: 'key', id: coop.keyId, name: 'test' };
    const byAdmin = { kind: 'key', id: '00000000-0000-0000-0000-000000000000', name: 'ADMIN_API_KEY' };
    const { id } = await connect(coop, 'sendo');
    expect(await status(id, coop.key)).toMatchObject({ createdBy: byKey, updatedBy: byKey });

    const paused = await api.call('PATCH', `/v1/connections/${id}`, {
      key: api.adminKey,
      body: { status: 'paused' },
    });
    expect(paused.body).toMatchObject({ createdBy: byKey, updatedBy: byAdmin });
    await api.call('PATCH', `/v1/connections/${id}`, { key: api.adminKey, body: { status: 'active' } });

    // the sync engine's own finding names nobody: the last changer stays
    await db.query(
      `UPDATE connections SET status = 'auth_failed', status_reason = 'The marketplace refused the credentials: x' WHERE id = $1`,
      [id],
    );
    expect((await status(id, coop.key)).updatedBy).toEqual(byAdmin);
    // a check that lifts the failure is the checker's change
    expect((await check(id, coop.key)).body).toMatchObject({ status: 'active', updatedBy: byKey });
    // a check that changes nothing leaves it
    expect((await check(id, api.adminKey)).body).toMatchObject({ status: 'active', updatedBy: byKey });

    const product = await newProduct(api, coop);
    const listed = await api.call('POST', '/v1/listings', {
      key: coop.key,
      body: { productId: product.id, connectionId: id },
    });
    expect(listed.status).toBe(202);
    expect(listed.body).toMatchObject({ listedBy: byKey, delistedBy: null });
    const delisted = await api.call('DELETE', `/v1/listings/${listed.body.id}`, { key: api.adminKey });
    expect(delisted.body).toMatchObject({ listedBy: byKey, delistedBy: byAdmin });
    // listing it again is the new lister's, and it is no longer delisted by anyone
    await db.query(`UPDATE listings SET status = 'delisted' WHERE id = $1`, [listed.body.id]);
    const relisted = await api.call('POST', '/v1/listings', {
      key: api.adminKey,
      body: { productId: product.id, connectionId: id },
    });
    expect(relisted.body).toMatchObject({ id: listed.body.id, listedBy: byAdmin, delistedBy: null });

    const other = await newCooperative(api);
    await api.call('DELETE', `/v1/listings/${listed.body.id}`, { key: api.adminKey });
    await db.query(`UPDATE listings SET status = 'delisted' WHERE id = $1`, [listed.body.id]);
    const moved = await api.call('POST', `/v1/connections/${id}/transfer`, {
      key: api.adminKey,
      body: { cooperativeId: other.id },
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ cooperativeId: other.id, createdBy: byKey, updatedBy: byAdmin });
  });

  it('keeps a paused connection paused whatever the marketplace says', async () => {
    const coop = await newCooperative(api);
    const { id } = await connect(coop, 'sendo');
    expect(
      (await api.call('PATCH', `/v1/connections/${id}`, { key: coop.key, body: { status: 'paused' } }))
        .status,
    ).toBe(200);
    const res = await check(id, coop.key);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'paused', check: { accepted: true } });
  });

  it('is a 503 that changes nothing when the marketplace cannot answer', async () => {
    const coop = await newCooperative(api);
    const { id, shop } = await connect(coop, 'voso');
    await sandboxControl(sandbox.urls.voso).faults(shop.shopId, { maintenance: true });
    try {
      const res = await check(id, coop.key);
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('service_unavailable');
      expect((await status(id, coop.key)).status).toBe('active');
    } finally {
      await sandboxControl(sandbox.urls.voso).faults(shop.shopId, { maintenance: false });
    }
  });

  it('is for the connection’s own cooperative and admins only', async () => {
    const coop = await newCooperative(api);
    const other = await newCooperative(api);
    const { id } = await connect(coop, 'postmart');
    expect((await check(id, officer)).status).toBe(403);
    expect((await check(id, other.key)).status).toBe(404);
    expect((await check('00000000-0000-4000-8000-000000000000', coop.key)).status).toBe(404);
    expect((await check('not-a-uuid', coop.key)).status).toBe(404);
    expect((await check(id, api.adminKey)).status).toBe(200);
  });

  it('names the field a refused connect is about', async () => {
    const coop = await newCooperative(api);
    const shop = await openShop(sandbox, 'voso');
    const refused = await api.call('POST', `/v1/cooperatives/${coop.id}/connections`, {
      key: coop.key,
      body: {
        marketplace: 'voso',
        shopId: shop.shopId,
        baseUrl: sandbox.urls.voso,
        credentials: { USERNAME: shop.credentials.USERNAME, PASSWORD: 'wrong', webhookSecret: 'w' },
      },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toEqual([{ field: 'credentials', message: expect.any(String) }]);
    // Sendo's login names its shop: credentials of another shop are about the shop id
    const sendo = await openShop(sandbox, 'sendo');
    const otherShop = await api.call('POST', `/v1/cooperatives/${coop.id}/connections`, {
      key: coop.key,
      body: {
        marketplace: 'sendo',
        shopId: `sendo-${uniqueCode('X')}`,
        baseUrl: sandbox.urls.sendo,
        credentials: { ...sendo.credentials, webhookSecret: sendo.webhookSecret },
      },
    });
    expect(otherShop.status).toBe(422);
    expect(otherShop.body.error.details).toEqual([
      { field: 'shopId', message: expect.stringContaining(sendo.shopId) },
    ]);
  });

  it('lists one producer’s listings, and never another’s to a cooperative', async () => {
    const coop = await newCooperative(api);
    const other = await newCooperative(api);
    const mine = await connect(coop, 'sendo');
    const theirs = await connect(other, 'sendo');
    const product = await newProduct(api, coop);
    const theirProduct = await newProduct(api, other);
    const listed = await api.call('POST', '/v1/listings', {
      key: coop.key,
      body: { productId: product.id, connectionId: mine.id },
    });
    expect(listed.status).toBe(202);
    expect(
      (
        await api.call('POST', '/v1/listings', {
          key: other.key,
          body: { productId: theirProduct.id, connectionId: theirs.id },
        })
      ).status,
    ).toBe(202);

    const forOfficer = await api.call('GET', `/v1/listings?cooperativeId=${coop.id}&limit=200`, {
      key: officer,
    });
    expect(forOfficer.status).toBe(200);
    expect(forOfficer.body.items.map((l: { id: string }) => l.id)).toEqual([listed.body.id]);
    const own = await api.call('GET', `/v1/listings?cooperativeId=${coop.id}`, { key: coop.key });
    expect(own.body.items.map((l: { id: string }) => l.id)).toEqual([listed.body.id]);
    const snooping = await api.call('GET', `/v1/listings?cooperativeId=${other.id}`, { key: coop.key });
    expect(snooping.status).toBe(200);
    expect(snooping.body).toEqual({ items: [], nextCursor: null });
    const bad = await api.call('GET', '/v1/listings?cooperativeId=nope', { key: officer });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
  });

  describe('listing many products on one shop (POST /v1/listings/bulk)', () => {
    const bulk = (key: string, body: unknown) => api.call('POST', '/v1/listings/bulk', { key, body });

    it('lists each product alone, and says of each refused one what POST /v1/listings would have', async () => {
      const coop = await newCooperative(api);
      const other = await newCooperative(api);
      const shop = await connect(coop, 'postmart');
      const [first, second, already] = [
        await newProduct(api, coop),
        await newProduct(api, coop),
        await newProduct(api, coop),
      ];
      const theirs = await newProduct(api, other);
      expect(
        (
          await api.call('POST', '/v1/listings', {
            key: coop.key,
            body: { productId: already.id, connectionId: shop.id },
          })
        ).status,
      ).toBe(202);
      const unknown = '00000000-0000-4000-8000-000000000000';
      const res = await bulk(coop.key, {
        connectionId: shop.id,
        productIds: [first.id, already.id, theirs.id, unknown, second.id],
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ connectionId: shop.id, listed: 2, refused: 3 });
      expect(
        res.body.items.map((i: { productId: string; status: number }) => [i.productId, i.status]),
      ).toEqual([
        [first.id, 202],
        [already.id, 409],
        [theirs.id, 404],
        [unknown, 404],
        [second.id, 202],
      ]);
      expect(res.body.items[0]).toMatchObject({
        listing: { productId: first.id, connectionId: shop.id, status: 'pending' },
        error: null,
      });
      expect(res.body.items[1]).toMatchObject({ listing: null, error: { code: 'conflict' } });
      const listed = await api.call('GET', `/v1/listings?connectionId=${shop.id}&limit=200`, {
        key: coop.key,
      });
      expect(listed.body.items.map((l: { productId: string }) => l.productId).sort()).toEqual(
        [first.id, second.id, already.id].sort(),
      );
      // an admin naming another cooperative's product: the rule POST /v1/listings applies
      const mixed = await bulk(api.adminKey, { connectionId: shop.id, productIds: [theirs.id] });
      expect(mixed.status).toBe(200);
      expect(mixed.body.items[0]).toMatchObject({ status: 422, error: { code: 'rule_violation' } });
    });

    it('refuses the whole call for a shop not the caller’s, a role that may not list, or a bad list', async () => {
      const coop = await newCooperative(api);
      const other = await newCooperative(api);
      const shop = await connect(coop, 'sendo');
      const product = await newProduct(api, coop);
      expect((await bulk(other.key, { connectionId: shop.id, productIds: [product.id] })).status).toBe(404);
      expect((await bulk(officer, { connectionId: shop.id, productIds: [product.id] })).status).toBe(403);
      const refused = [
        { connectionId: shop.id, productIds: [] },
        { connectionId: shop.id, productIds: [product.id, product.id] },
        { connectionId: shop.id, productIds: ['nope'] },
        { connectionId: shop.id, productIds: product.id },
        { connectionId: shop.id, productIds: Array.from({ length: 201 }, () => randomUUID()) },
        { connectionId: 'nope', productIds: [product.id] },
        { productIds: [product.id] },
      ];
      for (const body of refused) {
        const res = await bulk(coop.key, body);
        expect([res.status, res.body.error.code]).toEqual([400, 'validation_failed']);
      }
      // nothing was listed by any of them
      const listed = await api.call('GET', `/v1/listings?productId=${product.id}`, { key: coop.key });
      expect(listed.body.items).toEqual([]);
    });
  });
});
