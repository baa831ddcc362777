import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { RunningApi, startApi } from '../../support/api';
import { newCooperative, newKey, newProduct } from '../../support/factories';
import { openShop, startMarketplaces, type MarketplaceName } from '../../support/marketplaces';
import { startWorker } from '../../support/worker';
import { signedVosoWebhook, type Sandbox, vietnamIso, vosoOrderNumber } from '../orders/support';

/**
 * Issue 13, finding 6: a cooperative could claim another seller's shop id (the first to connect
 * won; the real owner got 409 and its webhooks were refused). A shop id is proven by the
 * marketplace where its login names the shop (Sendo's token does), the 409 says how to get the shop
 * back, and an admin hands a shop to another cooperative (`POST /v1/connections/:id/transfer`).
 */
describe('security 06: shop ids are proven, and an admin hands a shop to its owner', () => {
  let api: RunningApi;
  let worker: INestApplicationContext;
  let sandbox: Sandbox;
  let officer: string;

  beforeAll(async () => {
    sandbox = await startMarketplaces();
    api = await startApi();
    worker = await startWorker();
    officer = await newKey(api, 'officer');
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await sandbox?.close();
  });

  function connect(
    coop: { id: string; key: string },
    marketplace: MarketplaceName,
    shopId: string,
    shop: { credentials: Record<string, string>; webhookSecret: string },
  ) {
    return api.call('POST', `/v1/cooperatives/${coop.id}/connections`, {
      key: coop.key,
      body: {
        marketplace,
        shopId,
        baseUrl: sandbox.urls[marketplace],
        credentials: { ...shop.credentials, webhookSecret: shop.webhookSecret },
      },
    });
  }

  /** An order of the shop, pushed as Voso signs it with `secret`. */
  function vosoPush(shopId: string, secret: string) {
    const now = vietnamIso(new Date());
    const signed = signedVosoWebhook(shopId, secret, {
      number: vosoOrderNumber(),
      status: 'CHO_DUYET',
      updatedAt: now,
      lines: [{ sku: 'NOT-LISTED', quantity: 1, price: 1000 }],
    });
    return api.call('POST', '/v1/webhooks/voso', { raw: signed.body, headers: signed.headers });
  }

  it('Sendo: the credentials of one shop cannot claim another shop id', async () => {
    const squatter = await newCooperative(api);
    const owner = await newCooperative(api);
    const victim = await openShop(sandbox, 'sendo');
    const own = await openShop(sandbox, 'sendo');

    const claim = await connect(squatter, 'sendo', victim.shopId, own);
    expect(claim.status).toBe(422);
    expect(claim.body.error.code).toBe('rule_violation');
    expect(claim.body.error.message).toMatch(/shop/i);
    // nothing was stored, so the owner connects its shop
    const real = await connect(owner, 'sendo', victim.shopId, victim);
    expect(real.status).toBe(201);
    expect(real.body).toMatchObject({ cooperativeId: owner.id, shopId: victim.shopId, status: 'active' });
  });

  it('a shop connected by another cooperative answers 409 saying to ask for a transfer; the admin transfers it', async () => {
    const squatter = await newCooperative(api);
    const owner = await newCooperative(api);
    const victim = await openShop(sandbox, 'voso');
    const own = await openShop(sandbox, 'voso');

    // Voso's login does not name the shop: the first claim goes through
    const claimed = await connect(squatter, 'voso', victim.shopId, own);
    expect(claimed.status).toBe(201);

    const refused = await connect(owner, 'voso', victim.shopId, victim);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('conflict');
    expect(refused.body.error.message).toMatch(
      /this shop is connected by another cooperative; ask an administrator to transfer it/i,
    );
    // the cooperative that holds it is not named to the other
    expect(refused.text).not.toContain(squatter.id);
    const again = await connect(squatter, 'voso', victim.shopId, own);
    expect(again.status).toBe(409);
    expect(again.body.error.message).not.toMatch(/another cooperative/);

    // the owner's marketplace signs with the owner's secret, which the squatter's connection lacks
    expect((await vosoPush(victim.shopId, victim.webhookSecret)).status).toBe(401);

    const transferred = await api.call('POST', `/v1/connections/${claimed.body.id}/transfer`, {
      key: api.adminKey,
      body: { cooperativeId: owner.id },
    });
    expect(transferred.status).toBe(200);
    expect(transferred.body).toMatchObject({
      id: claimed.body.id,
      cooperativeId: owner.id,
      shopId: victim.shopId,
      // the squatter's credentials stay sealed and unused until the owner gives its own
      status: 'auth_failed',
      statusReason: expect.stringMatching(/transferred/i),
    });
    expect((await api.call('GET', `/v1/connections/${claimed.body.id}`, { key: squatter.key })).status).toBe(
      404,
    );
    const mine = await api.call('GET', `/v1/cooperatives/${owner.id}/connections`, { key: owner.key });
    expect(mine.body.items.map((c: { id: string }) => c.id)).toEqual([claimed.body.id]);

    const credentials = await api.call('PATCH', `/v1/connections/${claimed.body.id}`, {
      key: owner.key,
      body: { credentials: { ...victim.credentials, webhookSecret: victim.webhookSecret } },
    });
    expect(credentials.status).toBe(200);
    expect(credentials.body.status).toBe('active');
    // webhooks of the shop are now checked with the owner's secret (a target is cached ≤ 10 s)
    const deadline = Date.now() + 15_000;
    let push = await vosoPush(victim.shopId, victim.webhookSecret);
    while (push.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      push = await vosoPush(victim.shopId, victim.webhookSecret);
    }
    expect(push.status).toBe(200);
    expect(push.body).toMatchObject({ received: true });
  });

  it('only admins transfer; unknown ids answer 404 and bad bodies 400', async () => {
    const coop = await newCooperative(api);
    const other = await newCooperative(api);
    const shop = await openShop(sandbox, 'postmart');
    const connection = await connect(coop, 'postmart', shop.shopId, shop);
    expect(connection.status).toBe(201);
    const path = `/v1/connections/${connection.body.id}/transfer`;

    const byOwner = await api.call('POST', path, { key: coop.key, body: { cooperativeId: other.id } });
    expect(byOwner.status).toBe(403);
    expect(byOwner.body.error.code).toBe('forbidden');
    const byOther = await api.call('POST', path, { key: other.key, body: { cooperativeId: other.id } });
    expect(byOther.status).toBe(403);
    expect((await api.call('POST', path, { key: officer, body: { cooperativeId: other.id } })).status).toBe(
      403,
    );
    expect((await api.call('POST', path, { body: { cooperativeId: other.id } })).status).toBe(401);

    const unknownConnection = await api.call('POST', `/v1/connections/${randomUUID()}/transfer`, {
      key: api.adminKey,
      body: { cooperativeId: other.id },
    });
    expect(unknownConnection.status).toBe(404);
    expect(unknownConnection.body.error.code).toBe('not_found');
    const unknownCooperative = await api.call('POST', path, {
      key: api.adminKey,
      body: { cooperativeId: randomUUID() },
    });
    expect(unknownCooperative.status).toBe(404);
    expect(unknownCooperative.body.error.code).toBe('not_found');

    for (const body of [
      {},
      { cooperativeId: 'not-a-uuid' },
      { cooperativeId: 42 },
      { cooperativeId: other.id, shopId: 'x' },
    ]) {
      const bad = await api.call('POST', path, { key: api.adminKey, body });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('validation_failed');
    }
    const notJson = await api.call('POST', path, { key: api.adminKey, raw: '{"cooperativeId":' });
    expect(notJson.status).toBe(400);

    // nothing above moved it
    const still = await api.call('GET', `/v1/connections/${connection.body.id}`, { key: coop.key });
    expect(still.body).toMatchObject({ cooperativeId: coop.id, status: 'active' });
  });

  it('a shop whose listings are still on the marketplace is not transferred', async () => {
    const coop = await newCooperative(api);
    const other = await newCooperative(api);
    const shop = await openShop(sandbox, 'voso');
    const connection = await connect(coop, 'voso', shop.shopId, shop);
    const product = await newProduct(api, coop);
    const listing = await api.call('POST', '/v1/listings', {
      key: coop.key,
      body: { productId: product.id, connectionId: connection.body.id },
    });
    expect(listing.status).toBe(202);
    const refused = await api.call('POST', `/v1/connections/${connection.body.id}/transfer`, {
      key: api.adminKey,
      body: { cooperativeId: other.id },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/listing/i);
    const still = await api.call('GET', `/v1/connections/${connection.body.id}`, { key: coop.key });
    expect(still.body.cooperativeId).toBe(coop.id);
  });
});
