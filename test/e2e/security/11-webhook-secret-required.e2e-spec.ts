import type { INestApplicationContext } from '@nestjs/common';
import { RunningApi, startApi } from '../../support/api';
import { newCooperative, uniqueCode } from '../../support/factories';
import { MARKETPLACE_NAMES, openShop, sandboxControl, startMarketplaces } from '../../support/marketplaces';
import { eventually, startWorker } from '../../support/worker';
import { ordersOf, type Sandbox } from '../orders/support';

/**
 * Issue 13, finding 11: a connection without `credentials.webhookSecret` was accepted, and then
 * every webhook of its shop was refused. The secret is required for every style, and each answer
 * says where the marketplace must send its webhooks (`webhookUrl`, from PUBLIC_BASE_URL).
 */
describe('security 11: connections need a webhook secret and say where webhooks go', () => {
  const PUBLIC_BASE_URL = 'https://ket-noi.ocop.example.vn/';
  let api: RunningApi;
  let worker: INestApplicationContext;
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startMarketplaces();
    api = await startApi({ PUBLIC_BASE_URL });
    worker = await startWorker();
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await sandbox?.close();
  });

  it.each(MARKETPLACE_NAMES)(
    '%s: a connection without webhookSecret is refused, naming it',
    async (marketplace) => {
      const coop = await newCooperative(api);
      const shop = await openShop(sandbox, marketplace);
      const res = await api.call('POST', `/v1/cooperatives/${coop.id}/connections`, {
        key: coop.key,
        body: {
          marketplace,
          shopId: shop.shopId,
          baseUrl: sandbox.urls[marketplace],
          credentials: shop.credentials,
        },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'credentials.webhookSecret' })]),
      );
      const listed = await api.call('GET', `/v1/cooperatives/${coop.id}/connections`, { key: coop.key });
      expect(listed.body.items).toEqual([]);

      const blank = await api.call('POST', `/v1/cooperatives/${coop.id}/connections`, {
        key: coop.key,
        body: {
          marketplace,
          shopId: shop.shopId,
          baseUrl: sandbox.urls[marketplace],
          credentials: { ...shop.credentials, webhookSecret: '   ' },
        },
      });
      expect(blank.status).toBe(400);
      expect(blank.body.error.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'credentials.webhookSecret' })]),
      );
    },
  );

  it('answers webhookUrl on create, read and list; new credentials must keep a secret', async () => {
    const coop = await newCooperative(api);
    const shop = await openShop(sandbox, 'voso');
    const created = await api.call('POST', `/v1/cooperatives/${coop.id}/connections`, {
      key: coop.key,
      body: {
        marketplace: 'voso',
        shopId: shop.shopId,
        baseUrl: sandbox.urls.voso,
        credentials: { ...shop.credentials, webhookSecret: shop.webhookSecret },
      },
    });
    expect(created.status).toBe(201);
    const webhookUrl = 'https://ket-noi.ocop.example.vn/v1/webhooks/voso';
    expect(created.body.webhookUrl).toBe(webhookUrl);
    expect(JSON.stringify(created.body)).not.toContain(shop.webhookSecret);
    const read = await api.call('GET', `/v1/connections/${created.body.id}`, { key: coop.key });
    expect(read.body.webhookUrl).toBe(webhookUrl);
    const listed = await api.call('GET', `/v1/cooperatives/${coop.id}/connections`, { key: coop.key });
    expect(listed.body.items).toEqual([expect.objectContaining({ id: created.body.id, webhookUrl })]);

    const withoutSecret = await api.call('PATCH', `/v1/connections/${created.body.id}`, {
      key: coop.key,
      body: { credentials: shop.credentials },
    });
    expect(withoutSecret.status).toBe(400);
    expect(withoutSecret.body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'credentials.webhookSecret' })]),
    );
    const rotated = await api.call('PATCH', `/v1/connections/${created.body.id}`, {
      key: coop.key,
      body: { credentials: { ...shop.credentials, webhookSecret: 'a-new-secret-0123456789' } },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.webhookUrl).toBe(webhookUrl);
  });

  it('the secret given is the one webhooks are checked with: an order pushed by the marketplace is imported', async () => {
    const coop = await newCooperative(api);
    // the API in this test listens on an ephemeral port, not at PUBLIC_BASE_URL
    const shop = await openShop(sandbox, 'postmart', { webhookUrl: `${api.url}/v1/webhooks/postmart` });
    const connection = await api.call('POST', `/v1/cooperatives/${coop.id}/connections`, {
      key: coop.key,
      body: {
        marketplace: 'postmart',
        shopId: shop.shopId,
        baseUrl: sandbox.urls.postmart,
        credentials: { ...shop.credentials, webhookSecret: shop.webhookSecret },
      },
    });
    expect(connection.status).toBe(201);
    expect(connection.body.webhookUrl).toBe('https://ket-noi.ocop.example.vn/v1/webhooks/postmart');
    const code = uniqueCode('WH');
    const product = await api.call('POST', '/v1/products', {
      key: coop.key,
      body: {
        cooperativeId: coop.id,
        name: 'Chè búp Tân Cương',
        category: 'tea',
        skus: [{ code, name: 'Gói 100g', priceVnd: 90000, weightGrams: 100, onHand: 5 }],
      },
    });
    await api.call('POST', '/v1/listings', {
      key: coop.key,
      body: { productId: product.body.id, connectionId: connection.body.id },
    });
    const postmart = sandboxControl(sandbox.urls.postmart);
    await eventually(async () => {
      const held = await postmart.listings(shop.shopId);
      return held.length === 1 && held[0].variants[0].quantity === 5;
    });
    await postmart.placeOrder(shop.shopId, [{ sku: code, quantity: 1 }]);
    const orders = await eventually(async () => {
      const found = await ordersOf(api, coop.key, `&cooperativeId=${coop.id}`);
      return found.length === 1 && found;
    });
    expect(orders[0]).toMatchObject({ marketplace: 'postmart', connectionId: connection.body.id });
  });
});
