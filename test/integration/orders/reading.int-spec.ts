import { EVERYTHING, ValidationFailed } from '@ocop/common';
import type { Marketplace } from '@ocop/marketplaces';
import type { OrderSource } from '@ocop/orders';
import { type Services, startServices } from '../../support/services';
import { marketplaceOrder, minute, newOrderId } from './support';

/**
 * What the orders page reads besides the list (issue 14): the summary counts exactly what the
 * list's filters select, the detail carries each status the order reached, and every line names
 * its product and pack.
 */
describe('orders: summary, status history and line names', () => {
  let services: Services;
  let cooperativeId: string;
  let other: string;
  const sources = {} as Record<Marketplace, OrderSource>;
  let code: string;
  let skuId: string;

  beforeAll(async () => {
    services = await startServices();
    cooperativeId = await services.newCooperative();
    other = await services.newCooperative();
    for (const marketplace of ['sendo', 'voso'] as const) {
      const connection = await services.connect(cooperativeId, marketplace);
      sources[marketplace] = { connectionId: connection.id, cooperativeId, marketplace };
    }
    const { skus } = await services.newProduct(cooperativeId, [{ onHand: 2 }]);
    code = skus[0].code;
    skuId = skus[0].id;
  });
  afterAll(async () => {
    await services?.close();
  });

  const place = (marketplace: Marketplace, quantity: number, placedAt = minute(0)) => {
    const id = newOrderId(marketplace);
    return services.imports
      .import(
        sources[marketplace],
        marketplaceOrder(marketplace, id, 'pending', placedAt, [{ code, quantity, unitPriceVnd: 100_000 }], {
          placedAt,
        }),
        'webhook',
      )
      .then((result) => ({ ...result, externalOrderId: id }));
  };

  it('counts and adds up exactly the orders each filter lists, in the caller’s scope', async () => {
    await place('sendo', 1);
    await place('voso', 1);
    // 2 on hand: this one is short of stock (oversold); placed a day later, Vietnam time
    await place('voso', 3, new Date('2026-03-11T01:00:00.000Z'));
    const own = { cooperativeId };
    const filters = [
      {},
      { marketplace: 'voso' as const },
      { stockStatus: 'oversold' as const },
      { status: 'pending' as const, from: '2026-03-11' },
      { status: 'confirmed' as const },
    ];
    const expected = [
      { count: 3, totalVnd: 500_000 },
      { count: 2, totalVnd: 400_000 },
      { count: 1, totalVnd: 300_000 },
      { count: 1, totalVnd: 300_000 },
      { count: 0, totalVnd: 0 },
    ];
    for (const [index, filter] of filters.entries()) {
      const listed = await services.orders.list(EVERYTHING, { ...own, ...filter, limit: 200 });
      const summary = await services.orders.summary(EVERYTHING, { ...own, ...filter });
      expect(summary).toEqual(expected[index]);
      expect(summary.count).toBe(listed.items.length);
      expect(summary.totalVnd).toBe(listed.items.reduce((sum, order) => sum + order.totalVnd, 0));
    }
    // a picking list's orders, by id: exactly those, still within the filters
    const some = (await services.orders.list(EVERYTHING, { ...own, limit: 200 })).items.slice(0, 2);
    const ids = some.map((order) => order.id).join(',');
    const byId = await services.orders.list(EVERYTHING, { ids, limit: 200 });
    expect(byId.items.map((order) => order.id).sort()).toEqual(some.map((order) => order.id).sort());
    expect(await services.orders.summary({ cooperativeId: other }, { ids })).toEqual({
      count: 0,
      totalVnd: 0,
    });
    // another cooperative's scope sees none of them, even when it names this cooperative
    expect(await services.orders.summary({ cooperativeId: other }, own)).toEqual({ count: 0, totalVnd: 0 });
    await expect(
      services.orders.summary(EVERYTHING, { from: '2026-03-12', to: '2026-03-11' }),
    ).rejects.toThrow(ValidationFailed);
  });

  it('keeps each status the order reached, oldest first, and names the lines’ products', async () => {
    const placed = await place('sendo', 1);
    const send = (status: 'confirmed' | 'shipped', at: Date) =>
      services.imports.import(
        sources.sendo,
        marketplaceOrder('sendo', placed.externalOrderId, status, at, [
          { code, quantity: 1, unitPriceVnd: 100_000 },
        ]),
        'poll',
      );
    await send('confirmed', minute(5));
    // the same event again, and an older one arriving late: neither is a step of the history
    await send('confirmed', minute(5));
    await services.imports.import(
      sources.sendo,
      marketplaceOrder('sendo', placed.externalOrderId, 'pending', minute(1), [
        { code, quantity: 1, unitPriceVnd: 100_000 },
      ]),
      'webhook',
    );
    await send('shipped', minute(9));
    const detail = await services.orders.get(EVERYTHING, placed.order.id);
    expect(detail.history.map((change) => [change.status, change.marketplaceStatus, change.at])).toEqual([
      ['pending', '2', minute(0).toISOString()],
      ['confirmed', '3', minute(5).toISOString()],
      ['shipped', '6', minute(9).toISOString()],
    ]);
    expect(detail.lines).toEqual([
      expect.objectContaining({
        skuId,
        skuCode: code,
        productName: 'Chè móc câu Tân Cương',
        skuName: 'Hộp 100g',
      }),
    ]);
    const listed = await services.orders.list(EVERYTHING, { cooperativeId, limit: 200 });
    expect(listed.items.find((order) => order.id === placed.order.id)?.lines[0]).toMatchObject({
      productName: 'Chè móc câu Tân Cương',
      skuName: 'Hộp 100g',
    });
  });

  it('leaves the names of a line of an unknown SKU empty', async () => {
    const id = newOrderId('voso');
    const result = await services.imports.import(
      sources.voso,
      marketplaceOrder('voso', id, 'pending', minute(0), [{ code: 'NO-SUCH-SKU', quantity: 1 }]),
      'webhook',
    );
    const detail = await services.orders.get(EVERYTHING, result.order.id);
    expect(detail.lines).toEqual([
      expect.objectContaining({ skuId: null, unknownSku: true, productName: null, skuName: null }),
    ]);
    expect(detail.history.map((change) => change.status)).toEqual(['pending']);
  });
  it('names who asked on the status their request brought: a change in the same status keeps the request, a move spends it', async () => {
    const asker = { kind: 'key', id: '00000000-0000-4000-8000-0000000000a1', name: 'Chị Hoa (kho HTX)' };
    const [first, second] = [await place('voso', 1), await place('voso', 1)];
    for (const { order } of [first, second]) {
      // as OrderStore.requestAction records a person's confirm
      await services.dataSource.query(
        `UPDATE orders SET requested_action = 'confirm', requested_status = 'confirmed',
                requested_by_kind = $2, requested_by_id = $3, requested_by_name = $4 WHERE id = $1`,
        [order.id, asker.kind, asker.id, asker.name],
      );
    }
    const state = (externalOrderId: string, status: 'pending' | 'confirmed' | 'shipped', at: Date) =>
      marketplaceOrder('voso', externalOrderId, status, at, [{ code, quantity: 1, unitPriceVnd: 100_000 }], {
        totalVnd: 95_000,
      });
    // one batch: the first moves to the status asked for, the second only changes its total
    const results = await services.imports.importMany(
      sources.voso,
      [
        state(first.externalOrderId, 'confirmed', minute(3)),
        state(second.externalOrderId, 'pending', minute(3)),
      ],
      'poll',
    );
    expect(results.map((result) => result.outcome)).toEqual(['updated', 'updated']);
    await services.imports.import(sources.voso, state(first.externalOrderId, 'shipped', minute(6)), 'poll');
    const requests = async (orderId: string) =>
      (
        await services.dataSource.query(
          `SELECT requested_status, requested_by_name FROM orders WHERE id = $1`,
          [orderId],
        )
      )[0];
    expect(await requests(first.order.id)).toEqual({ requested_status: null, requested_by_name: null });
    expect(await requests(second.order.id)).toEqual({
      requested_status: 'confirmed',
      requested_by_name: asker.name,
    });
    const firstDetail = await services.orders.get(EVERYTHING, first.order.id);
    expect(firstDetail.history.map((change) => [change.status, change.actor])).toEqual([
      ['pending', null],
      ['confirmed', asker],
      ['shipped', null],
    ]);
    expect(firstDetail.totalVnd).toBe(95_000);
    const secondDetail = await services.orders.get(EVERYTHING, second.order.id);
    expect(secondDetail.history.map((change) => [change.status, change.actor])).toEqual([['pending', null]]);
    expect(secondDetail.totalVnd).toBe(95_000);
  });
});
