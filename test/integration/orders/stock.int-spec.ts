import { register } from 'prom-client';
import { EVERYTHING } from '@ocop/common';
import type { Marketplace, OrderStatus } from '@ocop/marketplaces';
import type { OrderSource } from '@ocop/orders';
import { type Services, startServices, STOREKEEPER } from '../../support/services';
import { type LineInput, marketplaceOrder, minute, newOrderId, readers, type Step } from './support';

/**
 * What the order import does to the stock ledger when units run short, when one order holds
 * several lines, and what each ledger row says of its cause. Expected figures are worked out from
 * docs/api.md ("Stock", "Orders": reservation takes as many units as on-hand allows in one locked
 * statement, the rest of the order is `oversold` and tries again at its next step; every stock
 * movement lists its cause) and ADR 9 (stock is a ledger decided by the locked row).
 */
/** docs/api.md: an order's `stockStatus`, also a filter of the order list */
const STOCK_STATUSES = ['reserved', 'released', 'fulfilled', 'oversold'] as const;

describe('order import: the stock ledger, on the real database', () => {
  let services: Services;
  let read: ReturnType<typeof readers>;
  let cooperativeId: string;
  const sources = {} as Record<Marketplace, OrderSource>;

  beforeAll(async () => {
    services = await startServices();
    read = readers(services);
    cooperativeId = await services.newCooperative();
    for (const marketplace of ['sendo', 'voso', 'postmart'] as const) {
      const connection = await services.connect(cooperativeId, marketplace);
      sources[marketplace] = { connectionId: connection.id, cooperativeId, marketplace };
    }
  });
  afterAll(async () => {
    await services?.close();
  });

  const importOrder = (
    marketplace: Marketplace,
    externalOrderId: string,
    status: OrderStatus,
    at: Date,
    lines: LineInput[],
  ) =>
    services.imports.import(
      sources[marketplace],
      marketplaceOrder(marketplace, externalOrderId, status, at, lines),
      'webhook',
    );

  async function oneSku(onHand: number, safetyStock = 0) {
    const { skus } = await services.newProduct(cooperativeId, [{ onHand, safetyStock }]);
    return skus[0];
  }

  const view = (orderId: string) => services.orders.get(EVERYTHING, orderId);
  const steps = async (orderId: string) => (await read.ledgerOf(orderId)).map((row) => row.step).sort();

  describe('an order for more than is left', () => {
    const cases: {
      name: string;
      onHand: number;
      safetyStock?: number;
      /** units another order holds first */
      heldByAnother?: number;
      status?: OrderStatus;
      expect: {
        line: { reservedQuantity: number; fulfilledQuantity: number };
        sku: { onHand: number; reserved: number };
        stockStatus: string;
        steps: Step[];
      };
    }[] = [
      {
        name: 'enough on hand: all 3 held',
        onHand: 10,
        expect: {
          line: { reservedQuantity: 3, fulfilledQuantity: 0 },
          sku: { onHand: 10, reserved: 3 },
          stockStatus: 'reserved',
          steps: ['reserve'],
        },
      },
      {
        name: 'exactly the last 3: all held, not oversold',
        onHand: 3,
        expect: {
          line: { reservedQuantity: 3, fulfilledQuantity: 0 },
          sku: { onHand: 3, reserved: 3 },
          stockStatus: 'reserved',
          steps: ['reserve'],
        },
      },
      {
        name: 'one unit short: the 2 left are held, the order is oversold',
        onHand: 2,
        expect: {
          line: { reservedQuantity: 2, fulfilledQuantity: 0 },
          sku: { onHand: 2, reserved: 2 },
          stockStatus: 'oversold',
          steps: ['reserve'],
        },
      },
      {
        name: 'nothing on hand: nothing held, oversold, and no ledger row (nothing moved)',
        onHand: 0,
        expect: {
          line: { reservedQuantity: 0, fulfilledQuantity: 0 },
          sku: { onHand: 0, reserved: 0 },
          stockStatus: 'oversold',
          steps: [],
        },
      },
      {
        name: 'another order holds 4 of 5: the 1 left is held, oversold',
        onHand: 5,
        heldByAnother: 4,
        expect: {
          line: { reservedQuantity: 1, fulfilledQuantity: 0 },
          sku: { onHand: 5, reserved: 5 },
          stockStatus: 'oversold',
          steps: ['reserve'],
        },
      },
      {
        // available keeps the safety stock off the marketplaces; a sale that came in takes on-hand
        name: 'within the safety stock: held all the same (on-hand decides, not available)',
        onHand: 5,
        safetyStock: 3,
        expect: {
          line: { reservedQuantity: 3, fulfilledQuantity: 0 },
          sku: { onHand: 5, reserved: 3 },
          stockStatus: 'reserved',
          steps: ['reserve'],
        },
      },
      {
        name: 'confirmed when first seen, one unit short: as for a new one',
        onHand: 2,
        status: 'confirmed',
        expect: {
          line: { reservedQuantity: 2, fulfilledQuantity: 0 },
          sku: { onHand: 2, reserved: 2 },
          stockStatus: 'oversold',
          steps: ['reserve'],
        },
      },
      {
        name: 'shipped when first seen, one unit short: the 2 the ledger had go out',
        onHand: 2,
        status: 'shipped',
        expect: {
          line: { reservedQuantity: 0, fulfilledQuantity: 2 },
          sku: { onHand: 0, reserved: 0 },
          stockStatus: 'fulfilled',
          steps: ['fulfil', 'reserve'],
        },
      },
    ];
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const sku = await oneSku(c.onHand, c.safetyStock);
      if (c.heldByAnother) {
        await importOrder('sendo', newOrderId('sendo'), 'pending', minute(0), [
          { code: sku.code, quantity: c.heldByAnother },
        ]);
      }
      const { order } = await importOrder('voso', newOrderId('voso'), c.status ?? 'pending', minute(1), [
        { code: sku.code, quantity: 3 },
      ]);
      const shown = await view(order.id);
      expect(shown.stockStatus).toBe(c.expect.stockStatus);
      // the Orders API's `stockStatus` filter finds it under that status only (the newest order)
      for (const stockStatus of STOCK_STATUSES) {
        const { items } = await services.orders.list(EVERYTHING, { cooperativeId, stockStatus, limit: 1 });
        expect({ stockStatus, found: items.some((item) => item.id === order.id) }).toEqual({
          stockStatus,
          found: stockStatus === c.expect.stockStatus,
        });
      }
      expect(shown.flags).toEqual(c.expect.stockStatus === 'oversold' ? ['oversold'] : []);
      expect(shown.lines).toEqual([expect.objectContaining({ quantity: 3, ...c.expect.line })]);
      expect(await read.stockOf(sku.id)).toEqual(c.expect.sku);
      expect(await steps(order.id)).toEqual(c.expect.steps);
    });
  });

  describe('a short order tries again at its next step', () => {
    // 2 on hand, an order of 3 holds 2; then `added` units arrive and the order moves on
    const cases: {
      name: string;
      added: number;
      next: OrderStatus[];
      expect: {
        status: OrderStatus;
        stockStatus: string;
        line: { reservedQuantity: number; fulfilledQuantity: number };
        sku: { onHand: number; reserved: number };
        steps: Step[];
      };
    }[] = [
      {
        name: '5 arrive, then confirmed: the third unit is held',
        added: 5,
        next: ['confirmed'],
        expect: {
          status: 'confirmed',
          stockStatus: 'reserved',
          line: { reservedQuantity: 3, fulfilledQuantity: 0 },
          sku: { onHand: 7, reserved: 3 },
          steps: ['reserve', 'reserve'],
        },
      },
      {
        name: 'none arrive, then confirmed: still 2 held, still oversold',
        added: 0,
        next: ['confirmed'],
        expect: {
          status: 'confirmed',
          stockStatus: 'oversold',
          line: { reservedQuantity: 2, fulfilledQuantity: 0 },
          sku: { onHand: 2, reserved: 2 },
          steps: ['reserve'],
        },
      },
      {
        name: '5 arrive, then shipped: all 3 held and sent out',
        added: 5,
        next: ['shipped'],
        expect: {
          status: 'shipped',
          stockStatus: 'fulfilled',
          line: { reservedQuantity: 0, fulfilledQuantity: 3 },
          sku: { onHand: 4, reserved: 0 },
          steps: ['fulfil', 'reserve', 'reserve'],
        },
      },
      {
        name: 'none arrive, then shipped: the 2 held go out',
        added: 0,
        next: ['shipped'],
        expect: {
          status: 'shipped',
          stockStatus: 'fulfilled',
          line: { reservedQuantity: 0, fulfilledQuantity: 2 },
          sku: { onHand: 0, reserved: 0 },
          steps: ['fulfil', 'reserve'],
        },
      },
      {
        name: '5 arrive, then cancelled: the 2 held are given back, nothing more is taken',
        added: 5,
        next: ['cancelled'],
        expect: {
          status: 'cancelled',
          stockStatus: 'released',
          line: { reservedQuantity: 0, fulfilledQuantity: 0 },
          sku: { onHand: 7, reserved: 0 },
          steps: ['release', 'reserve'],
        },
      },
      {
        name: 'none arrive, delivered, then returned: the 2 that went out come back, not 3',
        added: 0,
        next: ['delivered', 'returned'],
        expect: {
          status: 'returned',
          stockStatus: 'released',
          line: { reservedQuantity: 0, fulfilledQuantity: 0 },
          sku: { onHand: 2, reserved: 0 },
          steps: ['fulfil', 'reserve', 'restock'],
        },
      },
    ];
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const sku = await oneSku(2);
      const externalOrderId = newOrderId('postmart');
      const lines = [{ code: sku.code, quantity: 3 }];
      const { order } = await importOrder('postmart', externalOrderId, 'pending', minute(1), lines);
      expect((await view(order.id)).stockStatus).toBe('oversold');
      if (c.added > 0) {
        await services.addStock(sku.id, c.added);
      }
      for (const [index, status] of c.next.entries()) {
        await importOrder('postmart', externalOrderId, status, minute(2 + index), lines);
      }
      const shown = await view(order.id);
      expect(shown).toMatchObject({ status: c.expect.status, stockStatus: c.expect.stockStatus });
      expect(shown.lines).toEqual([expect.objectContaining(c.expect.line)]);
      expect(await read.stockOf(sku.id)).toEqual(c.expect.sku);
      expect(await steps(order.id)).toEqual(c.expect.steps);
    });
  });

  describe('orders_oversold_total counts each order that ran short, once', () => {
    async function oversoldCount(marketplace: Marketplace): Promise<number> {
      const metric = register.getSingleMetric('orders_oversold_total');
      if (!metric) return 0;
      const { values } = await metric.get();
      return values.find((value) => value.labels.marketplace === marketplace)?.value ?? 0;
    }
    const cases: [string, number, OrderStatus[], number][] = [
      ['a new order one unit short', 2, ['pending'], 1],
      ['a new order with enough', 3, ['pending'], 0],
      ['a short order seen again, still short', 2, ['pending', 'confirmed', 'confirmed'], 1],
      ['a short order first seen shipped', 1, ['shipped'], 1],
      ['a short order cancelled', 2, ['pending', 'cancelled'], 1],
    ];
    it.each(cases)('%s', async (_name, onHand, statuses, counted) => {
      const sku = await oneSku(onHand);
      const externalOrderId = newOrderId('sendo');
      const before = await oversoldCount('sendo');
      for (const [index, status] of statuses.entries()) {
        await importOrder('sendo', externalOrderId, status, minute(index + 1), [
          { code: sku.code, quantity: 3 },
        ]);
      }
      expect((await oversoldCount('sendo')) - before).toBe(counted);
    });
  });

  describe('the last units sold at once on several marketplaces: the locked row decides', () => {
    it.each([
      ['three shops order 2 each of the last 3', 3, 2, ['sendo', 'voso', 'postmart'] as Marketplace[]],
      ['ten orders of 1 on one shop for the last 5', 5, 1, Array<Marketplace>(10).fill('voso')],
      ['three shops order 4 each of the last 12', 12, 4, ['sendo', 'voso', 'postmart'] as Marketplace[]],
    ])('%s', async (_name, onHand, quantity, marketplaces) => {
      const sku = await oneSku(onHand);
      const results = await Promise.all(
        marketplaces.map((marketplace) =>
          importOrder(marketplace, newOrderId(marketplace), 'pending', minute(1), [
            { code: sku.code, quantity },
          ]),
        ),
      );
      const shown = await Promise.all(results.map((result) => view(result.order.id)));
      const held = shown.map((order) => order.lines[0].reservedQuantity);
      // each took what was left when its turn came: as much as it asked, part of it, or nothing
      let left = onHand;
      const expected = held.map(() => {
        const taken = Math.min(quantity, left);
        left -= taken;
        return taken;
      });
      expect([...held].sort()).toEqual([...expected].sort());
      for (const order of shown) {
        expect(order.stockStatus).toBe(order.lines[0].reservedQuantity < quantity ? 'oversold' : 'reserved');
      }
      expect(await read.stockOf(sku.id)).toEqual({
        onHand,
        reserved: Math.min(onHand, quantity * marketplaces.length),
      });
    });
  });

  describe('an order of several lines', () => {
    it('two SKUs, one short: that line holds what is left, the order is oversold, a cancellation gives back both', async () => {
      const plenty = await oneSku(10);
      const scarce = await oneSku(1);
      const externalOrderId = newOrderId('voso');
      const lines = [
        { code: plenty.code, quantity: 2 },
        { code: scarce.code, quantity: 3 },
      ];
      const { order } = await importOrder('voso', externalOrderId, 'pending', minute(1), lines);
      const shown = await view(order.id);
      expect(shown).toMatchObject({ stockStatus: 'oversold', flags: ['oversold'] });
      expect(shown.lines.map((line) => [line.skuId, line.reservedQuantity])).toEqual([
        [plenty.id, 2],
        [scarce.id, 1],
      ]);
      await importOrder('voso', externalOrderId, 'cancelled', minute(2), lines);
      expect(await read.stockOf(plenty.id)).toEqual({ onHand: 10, reserved: 0 });
      expect(await read.stockOf(scarce.id)).toEqual({ onHand: 1, reserved: 0 });
      expect((await view(order.id)).stockStatus).toBe('released');
    });

    it.each([
      ['enough for both', 10, [2, 3], { onHand: 10, reserved: 5 }, 'reserved'],
      ['enough for the first only', 4, [2, 3], { onHand: 4, reserved: 4 }, 'oversold'],
    ] as const)(
      'one SKU on two lines, %s: each line holds its part, shipping and returning move the sum',
      async (_name, onHand, quantities, held, stockStatus) => {
        const sku = await oneSku(onHand);
        const externalOrderId = newOrderId('sendo');
        const lines = quantities.map((quantity) => ({ code: sku.code, quantity }));
        const { order } = await importOrder('sendo', externalOrderId, 'pending', minute(1), lines);
        expect((await view(order.id)).stockStatus).toBe(stockStatus);
        expect(await read.stockOf(sku.id)).toEqual(held);
        await importOrder('sendo', externalOrderId, 'shipped', minute(2), lines);
        expect(await read.stockOf(sku.id)).toEqual({ onHand: onHand - held.reserved, reserved: 0 });
        await importOrder('sendo', externalOrderId, 'returned', minute(3), lines);
        expect(await read.stockOf(sku.id)).toEqual({ onHand, reserved: 0 });
        const ledger = await read.ledgerOf(order.id);
        expect(ledger.reduce((sum, row) => sum + row.onHandDelta, 0)).toBe(0);
        expect(ledger.reduce((sum, row) => sum + row.reservedDelta, 0)).toBe(0);
      },
    );
  });

  describe('the marketplace changes the units of an order it already sent', () => {
    // docs/architecture.md: the import upserts the order and imports the marketplace's version.
    // Found by this tier and reported, not fixed: a later state with other lines changes the
    // order's total but not its lines, its hold or its sales (the lines are read only when the
    // order is created). `failing` keeps the documented expectation: once the import follows the
    // lines these cases pass, jest reports them, and `.failing` goes.
    it.failing.each([
      ['fewer', 3, 1],
      ['more', 1, 3],
    ])(
      '%s units while pending: the order and its hold follow the marketplace',
      async (_name, first, then) => {
        const sku = await oneSku(10);
        const externalOrderId = newOrderId('postmart');
        const { order } = await importOrder('postmart', externalOrderId, 'pending', minute(1), [
          { code: sku.code, quantity: first, unitPriceVnd: 100_000 },
        ]);
        await importOrder('postmart', externalOrderId, 'pending', minute(2), [
          { code: sku.code, quantity: then, unitPriceVnd: 100_000 },
        ]);
        const shown = await view(order.id);
        expect(shown.totalVnd).toBe(then * 100_000);
        expect(shown.lines).toEqual([expect.objectContaining({ quantity: then, reservedQuantity: then })]);
        expect(await read.stockOf(sku.id)).toEqual({ onHand: 10, reserved: then });
      },
    );
  });

  describe('each ledger row names its cause', () => {
    const journeys: [Marketplace, OrderStatus[], Step[]][] = [
      ['sendo', ['pending', 'shipped', 'returned'], ['reserve', 'fulfil', 'restock']],
      ['voso', ['confirmed', 'cancelled'], ['reserve', 'release']],
      ['postmart', ['pending', 'delivered'], ['reserve', 'fulfil']],
    ];
    it.each(journeys)('%s: %j', async (marketplace, statuses, expectedSteps) => {
      const sku = await oneSku(10);
      const externalOrderId = newOrderId(marketplace);
      const lines = [{ code: sku.code, quantity: 3 }];
      let orderId = '';
      for (const [index, status] of statuses.entries()) {
        orderId = (await importOrder(marketplace, externalOrderId, status, minute(index + 1), lines)).order
          .id;
      }
      const ledger = await read.ledgerOf(orderId);
      expect(ledger.map((row) => row.step)).toEqual(expectedSteps);
      let figures = { onHand: 10, reserved: 0 };
      for (const row of ledger) {
        // who: the order (and its producer), made by the connector itself, no person or key
        // (docs/api.md, "Stock"); why: the marketplace, its order number and the step
        expect(row).toMatchObject({ kind: 'order', orderId, skuId: sku.id, cooperativeId, actor: null });
        expect(row.reason).toContain(marketplace);
        expect(row.reason).toContain(externalOrderId);
        expect(row.reason).toContain(row.step);
        // and the figures after it, one row after another
        figures = {
          onHand: figures.onHand + row.onHandDelta,
          reserved: figures.reserved + row.reservedDelta,
        };
        expect({ onHand: row.onHandAfter, reserved: row.reservedAfter }).toEqual(figures);
      }
      expect(await read.stockOf(sku.id)).toEqual(figures);
      // the SKU's ledger holds the opening stock and this order's rows, nothing else
      // (the opening stock made by whoever created the product)
      expect((await read.movementsOfSku(sku.id)).map((m) => [m.kind, m.orderId, m.actorName]).sort()).toEqual(
        [['initial', null, STOREKEEPER.name], ...ledger.map(() => ['order', orderId, null])].sort(),
      );
    });
  });
});
