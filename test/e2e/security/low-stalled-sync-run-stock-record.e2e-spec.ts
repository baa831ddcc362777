import type { Job } from 'bullmq';
import { MARKETPLACE_ADAPTERS, type MarketplaceAdapters } from '@ocop/channels';
import { ConnectionSyncProcessor } from '@ocop/sync';
import { sandboxControl } from '../../support/marketplaces';
import { eventually } from '../../support/worker';
import { sellerOnAllThree, skuOf } from '../orders/support';
import { type OrdersWorld, startOrdersWorld } from './orders-world';

/**
 * Issue 13, the second "Low" item: a stalled sync run taken over by another could write an older
 * `syncedStock` over a newer one (`synced_stock = synced_stock || $2`). Two runs of one
 * connection's sync are driven here by hand with the queue paused: the first is held around its
 * stock push until the second has pushed and recorded a newer figure, then let go.
 */
describe('issue 13, low: a late sync run cannot record an older stock figure over a newer one', () => {
  let world: OrdersWorld;
  let sync: ConnectionSyncProcessor;
  let adapters: MarketplaceAdapters;

  beforeAll(async () => {
    world = await startOrdersWorld('stalled');
  });
  afterEach(async () => {
    await world?.resumeSync();
  });
  afterAll(async () => {
    await world?.close();
  });

  const job = (connectionId: string) =>
    ({ data: { connectionId }, updateData: async () => undefined }) as unknown as Job<{
      connectionId: string;
    }>;

  /** Runs one sync of the connection as the worker would; a "come back later" answer is not a failure here. */
  const run = (connectionId: string) =>
    sync.process(job(connectionId)).catch((error: Error) => `retry later: ${error.message}`);

  async function adjust(seller: Awaited<ReturnType<typeof sellerOnAllThree>>, delta: number) {
    const res = await world.api.call('POST', `/v1/skus/${seller.skuId}/stock-adjustments`, {
      key: seller.coop.key,
      body: { delta, reason: 'kiểm kho' },
    });
    expect(res.status).toBe(201);
  }

  const heldOnVoso = async (seller: Awaited<ReturnType<typeof sellerOnAllThree>>) =>
    (await sandboxControl(world.sandbox.urls.voso).listings(seller.shops.voso.shopId))
      .flatMap((l) => l.variants)
      .find((v) => v.sku === seller.code)?.quantity;

  const vosoListing = async (seller: Awaited<ReturnType<typeof sellerOnAllThree>>) => {
    const res = await world.api.call(
      'GET',
      `/v1/listings?productId=${seller.productId}&connectionId=${seller.shops.voso.connectionId}`,
      { key: seller.coop.key },
    );
    return res.body.items[0] as { syncedStock: Record<string, number>; lag: number; status: string };
  };

  /**
   * Holds the first Voso stock push of the next run `where` (before or after the HTTP call), until
   * `release` is called; `reached` resolves when it is held.
   */
  function holdFirstVosoPush(where: 'before' | 'after') {
    const adapter = adapters.voso;
    const original = adapter.pushStock;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let reachedResolve!: () => void;
    const reached = new Promise<void>((resolve) => (reachedResolve = resolve));
    let first = true;
    adapter.pushStock = async (...args: Parameters<typeof original>) => {
      const held = first;
      first = false;
      if (held && where === 'before') {
        reachedResolve();
        await released;
      }
      const result = await original.apply(adapter, args);
      if (held && where === 'after') {
        reachedResolve();
        await released;
      }
      return result;
    };
    return {
      reached,
      release,
      restore: () => {
        adapter.pushStock = original;
      },
    };
  }

  async function stalledRunScenario(where: 'before' | 'after') {
    const seller = await sellerOnAllThree(world.api, world.sandbox, 10);
    sync = world.worker.get(ConnectionSyncProcessor);
    adapters = world.worker.get<MarketplaceAdapters>(MARKETPLACE_ADAPTERS);
    const connectionId = seller.shops.voso.connectionId;
    await world.pauseSync();
    const hold = holdFirstVosoPush(where);
    try {
      await adjust(seller, -2); // 8 available
      const stalled = run(connectionId); // reads 8, then stalls around its push
      await hold.reached;
      await adjust(seller, -3); // 5 available
      await run(connectionId); // the run that took over: pushes and records 5
      expect(await heldOnVoso(seller)).toBe(5);
      hold.release();
      await stalled; // the late run now records what it pushed
    } finally {
      hold.restore();
    }
    const record = await vosoListing(seller);
    // Voso holds 5 when the late push landed first: a record of 8 would be false
    if (where === 'after') expect(record.syncedStock[seller.code]).not.toBe(8);
    // and whichever push landed last, the listing may not claim to be in step on the late run's 8
    expect({ lag: record.lag > 0, recorded: record.syncedStock[seller.code] }).not.toEqual({
      lag: false,
      recorded: 8,
    });
    return seller;
  }

  async function expectVosoFollowsAvailable(seller: Awaited<ReturnType<typeof sellerOnAllThree>>) {
    await world.resumeSync();
    const expectHeld = async (available: number) => {
      expect((await skuOf(world.api, seller.coop.key, seller.productId)).available).toBe(available);
      await eventually(async () => {
        const listing = await vosoListing(seller);
        return (
          listing.lag === 0 &&
          listing.syncedStock[seller.code] === available &&
          (await heldOnVoso(seller)) === available
        );
      }, 20_000).catch(async () => {
        throw new Error(
          `Voso holds ${await heldOnVoso(seller)}, the record says ${JSON.stringify((await vosoListing(seller)).syncedStock)}, available is ${available}`,
        );
      });
    };
    await expectHeld(5);
    // back to the figure the late run pushed: the record must not make the engine skip it
    await adjust(seller, +3);
    await expectHeld(8);
  }

  it('when the late run stalled after its push reached the marketplace', async () => {
    const seller = await stalledRunScenario('after');
    await expectVosoFollowsAvailable(seller);
  });

  it('when the late run stalled before its push, which lands after the newer one', async () => {
    const seller = await stalledRunScenario('before');
    // Voso now holds the late run's 8 while 5 are available: the engine must push again
    expect(await heldOnVoso(seller)).toBe(8);
    await expectVosoFollowsAvailable(seller);
  });
});
