import { ListingSyncState } from '@ocop/channels';
import { EVERYTHING } from '@ocop/common';
import { MarketplaceError, type Marketplace, type StockPushResult } from '@ocop/marketplaces';
import { eventually } from '../../support/eventually';
import { answers, type Call, type Sync, startSync } from './support';

/**
 * The sync engine's guards and batching, each as a table, on the real services and database with
 * a fake marketplace. Expected results come from docs/architecture.md ("Invariants": one
 * marketplace listing per connector listing, level-triggered sync; "The stock record follows the
 * marketplace"), ADR 4 (stock settle window) and docs/marketplaces.md (a SKU another product holds
 * is refused naming that product), not from what the processor returns.
 */
const MARKETPLACES: Marketplace[] = ['sendo', 'voso', 'postmart'];

describe('sync decisions: races, guards and batches, on the real database', () => {
  let sync: Sync;

  beforeAll(async () => {
    sync = await startSync();
  });
  afterAll(async () => {
    await sync?.close();
  });

  const pushed = (calls: Call[]) =>
    calls.flatMap((c) => (c.op === 'pushStock' ? c.items.map((i) => [i.skuCode, i.quantity]) : []));

  describe('a publish claim held by another run', () => {
    it.each([
      // claimed until later: another worker is publishing it; this run must not publish a second copy
      { claim: 'held', marketplace: 'sendo', calls: 0, lagging: true },
      { claim: 'held', marketplace: 'voso', calls: 0, lagging: true },
      { claim: 'held', marketplace: 'postmart', calls: 0, lagging: true },
      // a claim that ran out belongs to a run that died: publishing is this run's to do
      { claim: 'expired', marketplace: 'sendo', calls: 1, lagging: false },
      { claim: 'expired', marketplace: 'voso', calls: 1, lagging: false },
      { claim: 'expired', marketplace: 'postmart', calls: 1, lagging: false },
    ] as const)(
      '$marketplace: claim $claim → $calls publish call(s)',
      async ({ claim, marketplace, calls, lagging }) => {
        const connectionId = await sync.connect(marketplace);
        const product = await sync.newProduct([{ onHand: 4 }]);
        const listingId = await sync.listNew(product.productId, connectionId);
        await sync.dataSource.query(
          `UPDATE listings SET publish_claimed_until = now() + $2::interval WHERE id = $1`,
          [listingId, claim === 'held' ? '30 seconds' : '-1 second'],
        );
        const end = await sync.run(connectionId);
        expect(sync.fakes[marketplace].callsOf(connectionId).filter((c) => c.op === 'publish')).toHaveLength(
          calls,
        );
        const after = await sync.listing(listingId);
        expect(after.lagging).toBe(lagging);
        if (claim === 'held') {
          // left alone, neither error nor published, and tried again soon
          expect(after).toMatchObject({ status: 'pending', external_id: null, last_error: null });
          expect(after.publish_claimed_until).not.toBeNull();
          expect(end.ended).toBe('retry');
        } else {
          expect(after).toMatchObject({ status: 'synced', external_id: `MP-${product.productId}` });
          expect(end.ended).toBe('returned');
        }
      },
    );
  });

  describe('the catalogue changes while the push is in flight', () => {
    type During = 'price' | 'stock' | 'forget held stock';
    const cases: {
      state: 'new' | 'synced content' | 'synced stock';
      during: During;
      marketplace: Marketplace;
    }[] = [];
    for (const state of ['new', 'synced content', 'synced stock'] as const) {
      for (const during of ['price', 'stock', 'forget held stock'] as const) {
        if (state === 'new' && during === 'forget held stock') continue;
        cases.push({ state, during, marketplace: MARKETPLACES[cases.length % 3] });
      }
    }
    it.each(cases)(
      '$marketplace: $state listing, $during during the call → stays lagging, never recorded over',
      async ({ state, during, marketplace }) => {
        const connectionId = await sync.connect(marketplace);
        const product = await sync.newProduct([{ onHand: 10 }, { onHand: 5 }]);
        const [a, b] = product.skus;
        const listingId =
          state === 'new'
            ? await sync.listNew(product.productId, connectionId)
            : await sync.listSynced(product.productId, connectionId, { [a.code]: 10, [b.code]: 5 });
        if (state === 'synced content')
          await sync.products.updateSku(EVERYTHING, a.id, { priceVnd: 99_000 }, null);
        if (state === 'synced stock')
          await sync.products.adjustStock(EVERYTHING, a.id, { delta: -2, reason: 'x' }, null);
        const op = state === 'new' ? 'publish' : state === 'synced content' ? 'update' : 'pushStock';
        const before = await sync.listing(listingId);
        sync.fakes[marketplace].script(
          connectionId,
          op,
          answers.meanwhile(async () => {
            if (during === 'price')
              await sync.products.updateSku(EVERYTHING, b.id, { priceVnd: 140_000 }, null);
            if (during === 'stock')
              await sync.products.adjustStock(EVERYTHING, b.id, { delta: -1, reason: 'bán lẻ' }, null);
            if (during === 'forget held stock')
              // an imported order: the marketplace moved its own held stock of SKU a
              await sync.dataSource.transaction((m) =>
                sync.versions.forgetHeldStock(m, connectionId, [product.productId], [a.code]),
              );
          }),
        );

        const end = await sync.run(connectionId);
        const after = await sync.listing(listingId);

        expect(sync.fakes[marketplace].callsOf(connectionId).map((c) => c.op)).toEqual([op]);
        // what was pushed is recorded as synced at the version read, not the newer one
        expect(after.synced_version).toBe(before.desired_version);
        expect(after.desired_version).toBeGreaterThan(after.synced_version);
        expect(after.lagging).toBe(true);
        // the next run is asked for, without counting a stall
        expect(end).toMatchObject({ ended: 'retry', stalls: 0 });
        if (during === 'forget held stock') {
          // the record was written meanwhile: the SKUs this run pushed are forgotten, not recorded
          const pushedSkus = op === 'pushStock' ? [a.code] : [a.code, b.code];
          for (const sku of pushedSkus) expect(after.synced_stock).not.toHaveProperty(sku);
        }
        if (during === 'stock' && op !== 'publish') {
          // no write of the record came between: the figures pushed are recorded
          expect(after.synced_stock[a.code]).toBe(op === 'pushStock' ? 8 : 10);
        }

        // the next run pushes the newest state and settles
        const next = await sync.run(connectionId);
        expect(next.ended).toBe('returned');
        const settled = await sync.listing(listingId);
        expect(settled.lagging).toBe(false);
        const offeredB = during === 'stock' ? 4 : 5;
        const offeredA = state === 'synced stock' ? 8 : 10;
        expect(settled.synced_stock).toEqual({ [a.code]: offeredA, [b.code]: offeredB });
      },
    );
  });

  describe('one push of several listings, recorded in one statement', () => {
    it.each(MARKETPLACES)(
      '%s: each listing is recorded by its own read — the one whose record moved lags, the republished one is left alone',
      async (marketplace) => {
        const connectionId = await sync.connect(marketplace);
        const made = await Promise.all(
          ['kept', 'moved', 'republished'].map(async (name) => {
            const product = await sync.newProduct([{ onHand: 9 }, { onHand: 4 }], `Chè ${name}`);
            const [a, b] = product.skus;
            const id = await sync.listSynced(product.productId, connectionId, { [a.code]: 9, [b.code]: 4 });
            await sync.products.adjustStock(EVERYTHING, a.id, { delta: -3, reason: 'bán tại chợ' }, null);
            return { id, product, a, b };
          }),
        );
        const [kept, moved, republished] = made;
        const before = await Promise.all(made.map(({ id }) => sync.listing(id)));
        sync.fakes[marketplace].script(
          connectionId,
          'pushStock',
          answers.meanwhile(async (call) => {
            // one call carries all three
            expect(call.op === 'pushStock' && call.items.map((item) => item.quantity)).toEqual([6, 6, 6]);
            // ahead of the shop's queued order reads in the call gate
            expect(call.op === 'pushStock' && call.lane).toBe('ahead');
            // an imported order: the marketplace moved its own held stock of this listing's SKU a
            await sync.dataSource.transaction((m) =>
              sync.versions.forgetHeldStock(m, connectionId, [moved.product.productId], [moved.a.code]),
            );
            // the marketplace lost this listing and it is to be published again
            await sync.dataSource.query(`UPDATE listings SET external_id = NULL WHERE id = $1`, [
              republished.id,
            ]);
          }),
        );

        await sync.run(connectionId);
        const [keptAfter, movedAfter, republishedAfter] = await Promise.all(
          made.map(({ id }) => sync.listing(id)),
        );

        expect(sync.fakes[marketplace].callsOf(connectionId).map((c) => c.op)).toEqual(['pushStock']);
        // recorded: the figure pushed merged into the record, synced at the version read
        expect(keptAfter).toMatchObject({
          status: 'synced',
          synced_stock: { [kept.a.code]: 6, [kept.b.code]: 4 },
          synced_version: before[0].desired_version,
          synced_stock_version: before[0].synced_stock_version + 1,
          lagging: false,
        });
        // written meanwhile: the SKU pushed is forgotten, not recorded, and the listing lags
        expect(movedAfter.synced_stock).toEqual({ [moved.b.code]: 4 });
        expect(movedAfter.lagging).toBe(true);
        // pushed to a marketplace listing it no longer has: nothing recorded, the id stays gone
        expect(republishedAfter).toMatchObject({
          external_id: null,
          synced_stock: before[2].synced_stock,
          synced_version: before[2].synced_version,
          synced_stock_version: before[2].synced_stock_version,
        });
      },
    );
  });

  describe('stock records of SKU codes with commas, braces, quotes and spaces', () => {
    it('records the figures of a push, forgets them where the record moved, and waits for a held listing', async () => {
      const connectionId = await sync.connect('voso');
      const hostile = ['Hộp 100g, "đặc biệt"', '{A,B}', 'NULL', ' x\\y '];
      const state = sync.module.get(ListingSyncState);
      const listed = await Promise.all(
        ['ghi', 'quên', 'chờ'].map(async (name) => {
          const product = await sync.newProduct([{ onHand: 5 }], `Chè ${name}`);
          const id = await sync.listSynced(
            product.productId,
            connectionId,
            Object.fromEntries(hostile.map((code) => [code, 1])),
          );
          return { id, product };
        }),
      );
      const pushed = Object.fromEntries(hostile.map((code, i) => [code, 10 + i]));
      const [recorded, forgotten, waited] = await Promise.all(
        listed.map(({ id }) => sync.stockPush(id, pushed, hostile.slice(0, 2))),
      );
      // the second listing's record moves after the run read it
      await sync.dataSource.query(
        `UPDATE listings SET synced_stock_version = synced_stock_version + 1 WHERE id = $1`,
        [forgotten.listing.id],
      );
      // an import holds the third listing while the run records
      const importing = sync.dataSource.createQueryRunner();
      await importing.connect();
      await importing.startTransaction();
      try {
        await sync.versions.bumpProducts(importing.manager, [listed[2].product.productId], 'stock');
        const recording = state.markStockSynced([recorded, forgotten, waited]);
        await eventually(
          async () => (await sync.listing(recorded.listing.id)).synced_stock['{A,B}'] === 11,
          1000,
        );
        await importing.commitTransaction();
        await recording;
      } finally {
        if (importing.isTransactionActive) await importing.rollbackTransaction();
        await importing.release();
      }

      expect((await sync.listing(recorded.listing.id)).synced_stock).toEqual(
        Object.fromEntries(hostile.map((code, i) => [code, 10 + i])),
      );
      // only the SKUs pushed are forgotten, by their exact codes
      expect((await sync.listing(forgotten.listing.id)).synced_stock).toEqual({ NULL: 1, ' x\\y ': 1 });
      expect((await sync.listing(waited.listing.id)).synced_stock).toEqual(
        Object.fromEntries(hostile.map((code, i) => [code, 10 + i])),
      );
    });
  });

  describe('a batch that moved several products’ stock', () => {
    it('bumps every listing of each, on every connection, in one call, and leaves other products alone', async () => {
      const [voso, sendo] = [await sync.connect('voso'), await sync.connect('sendo')];
      const listed = await Promise.all(
        ['ba', 'bốn', 'năm'].map(async (name) => {
          const product = await sync.newProduct([{ onHand: 5 }], `Chè ${name}`);
          const stock = { [product.skus[0].code]: 5 };
          const ids = [
            await sync.listSynced(product.productId, voso, stock),
            await sync.listSynced(product.productId, sendo, stock),
          ];
          return { product, ids };
        }),
      );
      const before = await Promise.all(listed.flatMap(({ ids }) => ids.map((id) => sync.listing(id))));
      await sync.dataSource.transaction((manager) =>
        sync.versions.bumpProducts(
          manager,
          listed.slice(0, 2).map(({ product }) => product.productId),
          'stock',
        ),
      );
      const after = await Promise.all(listed.flatMap(({ ids }) => ids.map((id) => sync.listing(id))));
      expect(after.map((row, index) => row.desired_version - before[index].desired_version)).toEqual([
        1, 1, 1, 1, 0, 0,
      ]);
      expect(after.map((row) => row.lagging)).toEqual([true, true, true, true, false, false]);
    });
  });

  describe('recording a push while an import bumps the same listings', () => {
    it('a row an import holds keeps no other from being recorded (those are recorded at once, it after the import), and nothing deadlocks', async () => {
      const connectionId = await sync.connect('voso');
      const [first, second] = await Promise.all(
        ['một', 'hai'].map(async (name) => {
          const product = await sync.newProduct([{ onHand: 5 }], `Chè ${name}`);
          const id = await sync.listSynced(product.productId, connectionId, { [product.skus[0].code]: 5 });
          return { id, product, code: product.skus[0].code };
        }),
      );
      const pushes = await Promise.all(
        [first, second].map(({ id, code }) => sync.stockPush(id, { [code]: 4 }, [code])),
      );
      // an import's transaction: it has bumped the second product's listings and goes on
      const importing = sync.dataSource.createQueryRunner();
      await importing.connect();
      await importing.startTransaction();
      try {
        await sync.versions.bumpProducts(importing.manager, [second.product.productId], 'stock');
        const recording = sync.module.get(ListingSyncState).markStockSynced(pushes);
        // the first listing's record does not wait for the second's lock
        const firstRecorded = await eventually(
          async () => (await sync.listing(first.id)).synced_stock[first.code] === 4,
          1000,
        ).catch(() => false);
        expect(firstRecorded).toBe(true);
        // the import then bumps the first product too: a record holding that row until the second's
        // lock came free would deadlock here, and PostgreSQL would fail one of the two
        await sync.versions.bumpProducts(importing.manager, [first.product.productId], 'stock');
        await importing.commitTransaction();
        await recording;
      } finally {
        if (importing.isTransactionActive) await importing.rollbackTransaction();
        await importing.release();
      }
      expect((await sync.listing(second.id)).synced_stock).toEqual({ [second.code]: 4 });
    });
  });

  describe('a publish refused because the SKU already belongs to a product', () => {
    it.each([
      // the product named holds our SKU: the answer of an earlier publish was lost, so adopt it
      { names: 'our first SKU', marketplace: 'sendo', adopts: true },
      { names: 'our second SKU', marketplace: 'voso', adopts: true },
      { names: 'our first SKU', marketplace: 'postmart', adopts: true },
      // a SKU code that is not this listing's: a real refusal, not an adoption
      { names: 'another SKU', marketplace: 'sendo', adopts: false },
      { names: 'another SKU', marketplace: 'postmart', adopts: false },
    ] as const)('$marketplace: names $names → adopts: $adopts', async ({ names, marketplace, adopts }) => {
      const connectionId = await sync.connect(marketplace);
      const product = await sync.newProduct([{ onHand: 3 }, { onHand: 6 }]);
      const [a, b] = product.skus;
      const listingId = await sync.listNew(product.productId, connectionId);
      const sku = names === 'our first SKU' ? a.code : names === 'our second SKU' ? b.code : 'TN-NOT-OURS';
      const message = `SKU ${sku} already belongs to product P-77.`;
      sync.fakes[marketplace].script(connectionId, 'publish', answers.permanent(message));

      const end = await sync.run(connectionId);
      const calls = sync.fakes[marketplace].callsOf(connectionId);
      const after = await sync.listing(listingId);

      expect(end.ended).toBe('returned');
      if (adopts) {
        // the marketplace's product is brought to our content: one listing, now ours
        expect(calls.map((c) => [c.op, 'externalId' in c ? c.externalId : null])).toEqual([
          ['publish', null],
          ['update', 'P-77'],
        ]);
        expect(after).toMatchObject({ status: 'synced', external_id: 'P-77', last_error: null });
        expect(after.synced_stock).toEqual({ [a.code]: 3, [b.code]: 6 });
        expect(after.lagging).toBe(false);
      } else {
        expect(calls.map((c) => c.op)).toEqual(['publish']);
        expect(after).toMatchObject({ status: 'error', external_id: null, last_error: message });
      }
    });

    it('an adoption whose update fails is the update’s failure (retryable: retried, nothing recorded)', async () => {
      const connectionId = await sync.connect('voso');
      const product = await sync.newProduct([{ onHand: 3 }]);
      const listingId = await sync.listNew(product.productId, connectionId);
      sync.fakes.voso.script(
        connectionId,
        'publish',
        answers.permanent(`SKU ${product.skus[0].code} already belongs to product P-9`),
      );
      sync.fakes.voso.script(connectionId, 'update', answers.retryable('gateway timeout', 2_500));
      const end = await sync.run(connectionId);
      expect(end).toMatchObject({ ended: 'retry', retryAfterMs: 2_500 });
      const after = await sync.listing(listingId);
      expect(after).toMatchObject({ external_id: null, last_error: 'retrying: gateway timeout' });
      expect(after.publish_claimed_until).toBeNull();
    });
  });

  describe('stock pushes of many listings', () => {
    /** How much the stock of the `i`th listing's SKUs is lowered: 1 to 9, so 10 on hand never runs out. */
    const drop = (i: number) => (i % 9) + 1;
    /** `count` listings of `skusEach` SKUs, synced at 10, then each SKU's stock lowered by drop(index). */
    async function stockChanges(marketplace: Marketplace, count: number, skusEach = 1) {
      const connectionId = await sync.connect(marketplace);
      const listings: { listingId: string; codes: string[] }[] = [];
      for (let i = 0; i < count; i += 1) {
        const product = await sync.newProduct(Array.from({ length: skusEach }, () => ({ onHand: 10 })));
        const recorded = Object.fromEntries(product.skus.map((s) => [s.code, 10]));
        const listingId = await sync.listSynced(product.productId, connectionId, recorded);
        for (const sku of product.skus)
          await sync.products.adjustStock(EVERYTHING, sku.id, { delta: -drop(i), reason: 'bán' }, null);
        listings.push({ listingId, codes: product.skus.map((s) => s.code) });
      }
      return { connectionId, listings };
    }

    it.each([
      { marketplace: 'sendo', count: 1 },
      { marketplace: 'voso', count: 5 },
      { marketplace: 'postmart', count: 12 },
    ] as const)(
      '$marketplace: $count stock-only changes go out in one pushStock call',
      async ({ marketplace, count }) => {
        const { connectionId, listings } = await stockChanges(marketplace, count);
        const end = await sync.run(connectionId);
        const calls = sync.fakes[marketplace].callsOf(connectionId);
        expect(calls.map((c) => c.op)).toEqual(['pushStock']);
        expect(pushed(calls)).toEqual(listings.map(({ codes }, i) => [codes[0], 10 - drop(i)]));
        expect(end).toEqual({ ended: 'returned', result: `synced ${count}` });
        for (const [i, { listingId, codes }] of listings.entries()) {
          const after = await sync.listing(listingId);
          expect(after).toMatchObject({
            status: 'synced',
            lagging: false,
            synced_stock: { [codes[0]]: 10 - drop(i) },
          });
        }
      },
    );

    it.each([
      // ADR 4: while changes keep arriving (the newest younger than the settle window), only full
      // batches go; the partial rest waits until the connection is quiet, then goes too
      { what: 'a fresh burst', unit: 'sku', batch: 3, count: 7, skusEach: 1, quiet: false, calls: [6, 1] },
      { what: 'a fresh burst', unit: 'sku', batch: 4, count: 4, skusEach: 1, quiet: false, calls: [4] },
      { what: 'a fresh burst', unit: 'sku', batch: 4, count: 3, skusEach: 2, quiet: false, calls: [4, 2] },
      {
        what: 'a fresh burst',
        unit: 'product',
        batch: 2,
        count: 5,
        skusEach: 2,
        quiet: false,
        calls: [8, 2],
      },
      // a change that has settled is pushed at once, partial batch and all
      { what: 'settled changes', unit: 'sku', batch: 3, count: 7, skusEach: 1, quiet: true, calls: [7] },
      { what: 'settled changes', unit: 'product', batch: 2, count: 5, skusEach: 2, quiet: true, calls: [10] },
    ] as const)(
      '$what: $count listings × $skusEach SKU(s), batch of $batch $unit(s) → calls of $calls items',
      async ({ unit, batch, count, skusEach, quiet, calls }) => {
        const marketplace: Marketplace = unit === 'product' ? 'sendo' : 'voso';
        const { connectionId, listings } = await stockChanges(marketplace, count, skusEach);
        sync.fakes[marketplace].setBatch(connectionId, batch, unit);
        // the settle window of this processor is 600 ms: wide, so a busy machine cannot make a fresh burst look settled
        if (quiet) await new Promise((resolve) => setTimeout(resolve, 700));
        const end = await sync.run(connectionId, { settle: true });
        const made = sync.fakes[marketplace].callsOf(connectionId);
        expect(made.map((c) => (c.op === 'pushStock' ? c.items.length : c.op))).toEqual(calls);
        expect(end.ended).toBe('returned');
        for (const { listingId } of listings) expect((await sync.listing(listingId)).lagging).toBe(false);
      },
    );

    it('items refused one by one: each listing gets its own item’s outcome', async () => {
      const { connectionId, listings } = await stockChanges('postmart', 4);
      const [rejected, throttled, ok, alsoOk] = listings;
      sync.fakes.postmart.script(connectionId, 'pushStock', async (call) =>
        (call as Extract<Call, { op: 'pushStock' }>).items.map((item): StockPushResult =>
          item.skuCode === rejected.codes[0]
            ? { ...item, ok: false, error: new MarketplaceError('permanent', 'quantity exceeds warehouse') }
            : item.skuCode === throttled.codes[0]
              ? {
                  ...item,
                  ok: false,
                  error: new MarketplaceError('retryable', 'rate limited', { retryAfterMs: 4_000 }),
                }
              : { ...item, ok: true },
        ),
      );
      const end = await sync.run(connectionId);
      // progress was made (two synced), so no stall; the retryable item's Retry-After is honoured
      expect(end).toMatchObject({ ended: 'retry', retryAfterMs: 4_000, stalls: 0 });
      expect(await sync.listing(rejected.listingId)).toMatchObject({
        status: 'error',
        last_error: 'quantity exceeds warehouse',
        synced_stock: { [rejected.codes[0]]: 10 },
      });
      const retried = await sync.listing(throttled.listingId);
      expect(retried).toMatchObject({
        status: 'synced',
        lagging: true,
        synced_stock: { [throttled.codes[0]]: 10 },
      });
      expect(await sync.listing(ok.listingId)).toMatchObject({
        lagging: false,
        synced_stock: { [ok.codes[0]]: 7 },
      });
      expect(await sync.listing(alsoOk.listingId)).toMatchObject({
        lagging: false,
        synced_stock: { [alsoOk.codes[0]]: 6 },
      });
      // the next run retries the throttled listing alone; the refused one waits for a change
      await sync.run(connectionId);
      const calls = sync.fakes.postmart.callsOf(connectionId);
      expect(pushed(calls.slice(1))).toEqual([[throttled.codes[0], 8]]);
      expect((await sync.listing(throttled.listingId)).lagging).toBe(false);
    });

    it.each([
      { marketplace: 'sendo', change: 'a SKU pushed that nothing changed', expectItems: 0 },
      { marketplace: 'voso', change: 'a forgotten SKU record', expectItems: 1 },
      { marketplace: 'postmart', change: 'a 20% stock buffer', expectItems: 1 },
    ] as const)(
      '$marketplace: $change → $expectItems stock item(s)',
      async ({ marketplace, change, expectItems }) => {
        const connectionId = await sync.connect(marketplace, change === 'a 20% stock buffer' ? 20 : 0);
        const product = await sync.newProduct([{ onHand: 10 }, { onHand: 5 }]);
        const [a, b] = product.skus;
        const offered = (n: number) => (change === 'a 20% stock buffer' ? Math.floor(n * 0.8) : n);
        const listingId = await sync.listSynced(product.productId, connectionId, {
          [a.code]: offered(10),
          [b.code]: offered(5),
        });
        if (change === 'a SKU pushed that nothing changed') {
          // a change and its undoing: the listing lags, but the marketplace already shows the figure
          await sync.products.adjustStock(EVERYTHING, a.id, { delta: -2, reason: 'x' }, null);
          await sync.products.adjustStock(EVERYTHING, a.id, { delta: 2, reason: 'x' }, null);
        }
        if (change === 'a forgotten SKU record')
          await sync.dataSource.transaction((m) =>
            sync.versions.forgetHeldStock(m, connectionId, [product.productId], [b.code]),
          );
        if (change === 'a 20% stock buffer')
          await sync.products.adjustStock(EVERYTHING, a.id, { delta: -5, reason: 'x' }, null);
        await sync.run(connectionId);
        const items = pushed(sync.fakes[marketplace].callsOf(connectionId));
        expect(items).toHaveLength(expectItems);
        if (change === 'a forgotten SKU record') expect(items).toEqual([[b.code, 5]]);
        // available 5, 20% held back: 4 offered
        if (change === 'a 20% stock buffer') expect(items).toEqual([[a.code, 4]]);
        const after = await sync.listing(listingId);
        expect(after.lagging).toBe(false);
        expect(after.synced_stock).toEqual({
          [a.code]: change === 'a 20% stock buffer' ? 4 : offered(10),
          [b.code]: offered(5),
        });
      },
    );

    it('a SKU added since publishing is a full update, not a stock push', async () => {
      const connectionId = await sync.connect('sendo');
      const product = await sync.newProduct([{ onHand: 10 }]);
      const [a] = product.skus;
      const listingId = await sync.listSynced(product.productId, connectionId, { [a.code]: 10 });
      const added = await sync.products.addSku(
        EVERYTHING,
        product.productId,
        { code: `${a.code}-B`, name: 'Hộp 500g', priceVnd: 400_000, weightGrams: 500, onHand: 3 },
        null,
      );
      await sync.run(connectionId);
      const calls = sync.fakes.sendo.callsOf(connectionId);
      expect(calls.map((c) => c.op)).toEqual(['update']);
      const after = await sync.listing(listingId);
      expect(after.synced_stock).toEqual({ [a.code]: 10, [added.code]: 3 });
      expect(after.variant_ids).toHaveProperty(added.code);
    });
  });

  describe('refused credentials stop the connection’s pushes', () => {
    it.each([
      { marketplace: 'sendo', newListings: 6, stockListings: 2 },
      { marketplace: 'voso', newListings: 2, stockListings: 3 },
      { marketplace: 'postmart', newListings: 9, stockListings: 0 },
    ] as const)(
      '$marketplace: $newListings to publish, $stockListings stock pushes, the credentials refused',
      async ({ marketplace, newListings, stockListings }) => {
        const connectionId = await sync.connect(marketplace);
        const ids: string[] = [];
        for (let i = 0; i < newListings; i += 1) {
          const product = await sync.newProduct([{ onHand: 2 }]);
          ids.push(await sync.listNew(product.productId, connectionId));
        }
        for (let i = 0; i < stockListings; i += 1) {
          const product = await sync.newProduct([{ onHand: 9 }]);
          ids.push(await sync.listSynced(product.productId, connectionId, { [product.skus[0].code]: 9 }));
          await sync.products.adjustStock(EVERYTHING, product.skus[0].id, { delta: -1, reason: 'x' }, null);
        }
        // every publish refused: the four of a slice are called at once, in no set order
        sync.fakes[marketplace].script(
          connectionId,
          'publish',
          ...ids.slice(0, newListings).map(() => answers.auth('401 invalid signature')),
        );

        const end = await sync.run(connectionId);
        const calls = sync.fakes[marketplace].callsOf(connectionId);

        expect(end).toEqual({ ended: 'returned', result: 'stopped: credentials refused' });
        expect(await sync.connection(connectionId)).toMatchObject({ status: 'auth_failed' });
        // publishes go 4 at a time: the refused one's companions were already on their way; nothing after
        expect(calls.filter((c) => c.op === 'publish').length).toBeLessThanOrEqual(Math.min(4, newListings));
        // and the refused publish itself was made
        expect(calls.filter((c) => c.op === 'publish').length).toBeGreaterThanOrEqual(1);
        expect(calls.filter((c) => c.op === 'pushStock')).toEqual([]);
        const refused = await sync.listing(ids[0]);
        expect(refused).toMatchObject({
          status: 'pending',
          last_error: null,
          external_id: null,
          lagging: true,
        });
        expect(refused.publish_claimed_until).toBeNull();
        for (const id of ids.slice(newListings)) expect((await sync.listing(id)).lagging).toBe(true);

        const callsSoFar = calls.length;
        expect(await sync.run(connectionId)).toEqual({ ended: 'returned', result: 'connection not active' });
        expect(sync.fakes[marketplace].callsOf(connectionId)).toHaveLength(callsSoFar);
      },
    );
  });

  describe('an origin no longer in MARKETPLACE_ORIGINS', () => {
    it.each(MARKETPLACES)('%s: the run calls nothing and the connection says why', async (marketplace) => {
      const connectionId = await sync.connect(marketplace);
      const product = await sync.newProduct([{ onHand: 2 }]);
      const listingId = await sync.listNew(product.productId, connectionId);
      // the connection's origin was allowed when it was made; the allowed list no longer holds it
      await sync.dataSource.query(
        `UPDATE connections SET base_url = 'https://gone.example.invalid' WHERE id = $1`,
        [connectionId],
      );
      const end = await sync.run(connectionId);
      expect(end).toEqual({ ended: 'returned', result: 'stopped: origin not allowed' });
      expect(sync.fakes[marketplace].callsOf(connectionId)).toEqual([]);
      const connection = await sync.connection(connectionId);
      expect(connection.status).toBe('auth_failed');
      expect(connection.status_reason).toContain('MARKETPLACE_ORIGINS');
      expect(await sync.listing(listingId)).toMatchObject({ status: 'pending', lagging: true });
      // and it stays stopped: not retried until an administrator acts
      expect(await sync.run(connectionId)).toEqual({ ended: 'returned', result: 'connection not active' });
    });

    it('a paused connection is left alone: still paused, nothing called, its listing waiting', async () => {
      const connectionId = await sync.connect('voso');
      const product = await sync.newProduct([{ onHand: 2 }]);
      const listingId = await sync.listNew(product.productId, connectionId);
      await sync.dataSource.query(
        `UPDATE connections SET base_url = 'https://gone.example.invalid', status = 'paused' WHERE id = $1`,
        [connectionId],
      );
      expect(await sync.run(connectionId)).toEqual({ ended: 'returned', result: 'connection not active' });
      expect(sync.fakes.voso.callsOf(connectionId)).toEqual([]);
      expect((await sync.connection(connectionId)).status).toBe('paused');
      expect(await sync.listing(listingId)).toMatchObject({ status: 'pending', lagging: true });
    });
  });

  describe('stalls: the runs in a row that made no progress', () => {
    it.each([
      // all failing: one more stall; the queue backs off longer each time
      { before: 0, outcome: 'all retry', stalls: 1 },
      { before: 3, outcome: 'all retry', stalls: 4 },
      { before: 9, outcome: 'all retry', stalls: 10 },
      // one synced: progress, the count starts again
      { before: 3, outcome: 'one synced, one retry', stalls: 0 },
      { before: 9, outcome: 'one synced, one retry', stalls: 0 },
    ] as const)('$before stall(s) before, $outcome → $stalls', async ({ before, outcome, stalls }) => {
      const connectionId = await sync.connect('voso');
      const first = await sync.newProduct([{ onHand: 2 }]);
      const second = await sync.newProduct([{ onHand: 2 }]);
      await sync.listNew(first.productId, connectionId);
      await sync.listNew(second.productId, connectionId);
      sync.fakes.voso.script(
        connectionId,
        'publish',
        answers.retryable('503'),
        outcome === 'all retry' ? answers.retryable('503') : answers.slow(0),
      );
      const end = await sync.run(connectionId, { stalls: before });
      expect(end).toMatchObject({ ended: 'retry', stalls });
    });
  });

  describe('a listing in error', () => {
    it.each([
      { change: 'none', calls: [] },
      { change: 'price', calls: ['update'] },
      // the refused price never reached the marketplace, so the content still lags: a full update
      { change: 'stock', calls: ['update'] },
      { change: 'resync', calls: ['update'] },
    ] as const)('after $change → $calls', async ({ change, calls }) => {
      const connectionId = await sync.connect('postmart');
      const product = await sync.newProduct([{ onHand: 8 }]);
      const [a] = product.skus;
      const listingId = await sync.listSynced(product.productId, connectionId, { [a.code]: 8 });
      await sync.products.updateSku(EVERYTHING, a.id, { priceVnd: 1 }, null);
      sync.fakes.postmart.script(connectionId, 'update', answers.permanent('price below the floor'));
      await sync.run(connectionId);
      expect(await sync.listing(listingId)).toMatchObject({
        status: 'error',
        last_error: 'price below the floor',
      });

      if (change === 'price') await sync.products.updateSku(EVERYTHING, a.id, { priceVnd: 90_000 }, null);
      if (change === 'stock')
        await sync.products.adjustStock(EVERYTHING, a.id, { delta: -1, reason: 'x' }, null);
      if (change === 'resync') await sync.listings.resync(EVERYTHING, listingId);
      await sync.run(connectionId);
      expect(
        sync.fakes.postmart
          .callsOf(connectionId)
          .slice(1)
          .map((c) => c.op),
      ).toEqual(calls);
    });
  });
});
