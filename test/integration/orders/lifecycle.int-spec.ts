import type { Marketplace, OrderStatus } from '@ocop/marketplaces';
import type { ImportSource, OrderSource } from '@ocop/orders';
import { type Services, startServices } from '../../support/services';
import {
  MARKETPLACE_WORDS,
  marketplaceOrder,
  minute,
  newOrderId,
  readers,
  STATUSES,
  type Step,
} from './support';

/**
 * The order lifecycle OrderImport implements, case by case, on the real database. The expected
 * figures are worked out by hand from the documented rules, not read off the code:
 * - docs/api.md, "Orders": stock moves once per transition, as ledger rows with the order as
 *   cause — new or confirmed → reserve; cancelled before shipping → release; shipped or delivered
 *   → fulfil (on-hand and reserved drop); returned → back on hand; a cancellation after shipping
 *   moves no stock;
 * - docs/architecture.md, invariant "One idempotent order import": an older state never replaces a
 *   newer one — the newest marketplace `updatedAt` wins, a tie goes to the later lifecycle step
 *   (the order docs/api.md lists the statuses in) — and each transition's effect is applied once.
 * Every case has a SKU of its own with 10 on hand and orders 3 of it.
 */
const ON_HAND = 10;
const QUANTITY = 3;

interface Holding {
  onHand: number;
  reserved: number;
  stockStatus: 'reserved' | 'fulfilled' | 'released' | 'oversold';
}
/** the order holds its 3 units */
const HELD: Holding = { onHand: 10, reserved: 3, stockStatus: 'reserved' };
/** its 3 units left the warehouse */
const OUT: Holding = { onHand: 7, reserved: 0, stockStatus: 'fulfilled' };
/** it holds nothing, and nothing of it is out */
const NOTHING: Holding = { onHand: 10, reserved: 0, stockStatus: 'released' };

/** An order seen for the first time in each status: where the stock ends and the steps it took. */
const FIRST_SEEN: Record<OrderStatus, Holding & { steps: Step[] }> = {
  pending: { ...HELD, steps: ['reserve'] },
  confirmed: { ...HELD, steps: ['reserve'] },
  // a reservation cannot drop unless it was made: the units are held, then taken out
  shipped: { ...OUT, steps: ['reserve', 'fulfil'] },
  delivered: { ...OUT, steps: ['reserve', 'fulfil'] },
  // placed and cancelled (or returned) before the connector saw it: the two net out, nothing moves
  cancelled: { ...NOTHING, steps: [] },
  returned: { ...NOTHING, steps: [] },
};

/** Every move along the lifecycle (to a later step), from a stored status: the stock after it. */
const FORWARD: [OrderStatus, OrderStatus, Holding, Step[]][] = [
  ['pending', 'confirmed', HELD, []],
  ['pending', 'shipped', OUT, ['fulfil']],
  ['pending', 'delivered', OUT, ['fulfil']],
  ['pending', 'cancelled', NOTHING, ['release']],
  // returned before the connector saw it shipped: the units went and came back, the hold ends
  ['pending', 'returned', NOTHING, ['release']],
  ['confirmed', 'shipped', OUT, ['fulfil']],
  ['confirmed', 'delivered', OUT, ['fulfil']],
  ['confirmed', 'cancelled', NOTHING, ['release']],
  ['confirmed', 'returned', NOTHING, ['release']],
  ['shipped', 'delivered', OUT, []],
  // a cancellation after shipping moves no stock: the goods are out until they come back
  ['shipped', 'cancelled', OUT, []],
  ['shipped', 'returned', NOTHING, ['restock']],
  ['delivered', 'cancelled', OUT, []],
  ['delivered', 'returned', NOTHING, ['restock']],
  ['cancelled', 'returned', NOTHING, []],
];

const rank = (status: OrderStatus) => STATUSES.indexOf(status);
const pairs = STATUSES.flatMap((a) => STATUSES.filter((b) => b !== a).map((b) => [a, b] as const));

const sorted = (steps: Step[]) => [...steps].sort();

describe('order import: the lifecycle, on the real database', () => {
  let services: Services;
  let read: ReturnType<typeof readers>;
  let cooperativeId: string;
  const sources = {} as Record<Marketplace, OrderSource>;
  const marketplaces: Marketplace[] = ['sendo', 'voso', 'postmart'];
  let cases = 0;

  beforeAll(async () => {
    services = await startServices();
    read = readers(services);
    cooperativeId = await services.newCooperative();
    for (const marketplace of marketplaces) {
      const connection = await services.connect(cooperativeId, marketplace);
      sources[marketplace] = { connectionId: connection.id, cooperativeId, marketplace };
    }
  });
  afterAll(async () => {
    await services?.close();
  });

  /**
   * A SKU of its own with 10 on hand, an order id, and a way to hand the import that order in a
   * status at a time; the marketplace changes from case to case.
   */
  async function anOrder() {
    const marketplace = marketplaces[cases++ % marketplaces.length];
    const source = sources[marketplace];
    const { skus } = await services.newProduct(cooperativeId, [{ onHand: ON_HAND }]);
    const sku = skus[0];
    const externalOrderId = newOrderId(marketplace);
    const send = (status: OrderStatus, at: Date, via: ImportSource = 'webhook') =>
      services.imports.import(
        source,
        marketplaceOrder(marketplace, externalOrderId, status, at, [
          { code: sku.code, quantity: QUANTITY, unitPriceVnd: 150_000 },
        ]),
        via,
      );
    const view = async () => {
      const found = await read.orderOf(source.connectionId, externalOrderId);
      if (!found) throw new Error(`order ${externalOrderId} was not imported`);
      return found;
    };
    return { marketplace, sku, externalOrderId, send, view };
  }

  async function expectHolding(
    order: Awaited<ReturnType<typeof anOrder>>,
    status: OrderStatus,
    holding: Holding,
  ): Promise<void> {
    const view = await order.view();
    expect(view).toMatchObject({
      status,
      marketplaceStatus: MARKETPLACE_WORDS[order.marketplace][status],
      stockStatus: holding.stockStatus,
      totalVnd: QUANTITY * 150_000,
      flags: [],
    });
    expect(view.lines).toEqual([
      expect.objectContaining({
        skuId: order.sku.id,
        quantity: QUANTITY,
        reservedQuantity: holding.reserved,
        fulfilledQuantity: holding.onHand === ON_HAND ? 0 : ON_HAND - holding.onHand,
      }),
    ]);
    expect(await read.stockOf(order.sku.id)).toEqual({ onHand: holding.onHand, reserved: holding.reserved });
  }

  describe('a new order, first seen in each status', () => {
    it.each(STATUSES)('%s', async (status) => {
      const order = await anOrder();
      const result = await order.send(status, minute(1));
      expect(result.outcome).toBe('created');
      await expectHolding(order, status, FIRST_SEEN[status]);
      const ledger = await read.ledgerOf(result.order.id);
      expect(sorted(ledger.map((row) => row.step))).toEqual(sorted(FIRST_SEEN[status].steps));
    });
  });

  describe('a move along the lifecycle is taken, and moves the stock once', () => {
    const cases = FORWARD.flatMap(([from, to, holding, steps]) => [
      [from, to, 'a later time', holding, steps] as const,
      // a tie in the marketplace's time goes to the later lifecycle step
      [from, to, 'the same time', holding, steps] as const,
    ]);
    it.each(cases)('%s → %s at %s', async (from, to, timing, holding, steps) => {
      const order = await anOrder();
      const first = await order.send(from, minute(1), 'poll');
      const before = (await read.ledgerOf(first.order.id)).length;
      const result = await order.send(to, timing === 'a later time' ? minute(2) : minute(1));
      expect(result.outcome).toBe('updated');
      await expectHolding(order, to, holding);
      const added = (await read.ledgerOf(first.order.id)).slice(before);
      expect(sorted(added.map((row) => row.step))).toEqual(sorted(steps));
    });
  });

  describe('a state that is not newer is refused: nothing changes', () => {
    type Refused = [stored: OrderStatus, incoming: OrderStatus, why: string, at: Date];
    const refused = pairs.flatMap(([stored, incoming]): Refused[] =>
      rank(incoming) < rank(stored)
        ? [
            [stored, incoming, 'going backwards, older', minute(1)],
            [stored, incoming, 'going backwards, the same time', minute(2)],
          ]
        : // a later step that the marketplace stamped before the stored one: delivered out of order
          [[stored, incoming, 'a later step but older', minute(1)]],
    );
    const duplicates = STATUSES.map((status): Refused => [status, status, 'the same event again', minute(2)]);
    it.each([...refused, ...duplicates])('stored %s, then %s (%s)', async (stored, incoming, _why, at) => {
      const order = await anOrder();
      const first = await order.send(stored, minute(2));
      const ledger = await read.ledgerOf(first.order.id);
      const result = await order.send(incoming, at);
      expect(result.outcome).toBe('unchanged');
      await expectHolding(order, stored, FIRST_SEEN[stored]);
      expect((await order.view()).marketplaceUpdatedAt).toBe(minute(2).toISOString());
      expect(await read.ledgerOf(first.order.id)).toEqual(ledger);
    });
  });

  describe('the same status at a later time is taken, and moves nothing', () => {
    it.each(STATUSES)('%s', async (status) => {
      const order = await anOrder();
      const first = await order.send(status, minute(1));
      const result = await order.send(status, minute(2), 'poll');
      expect(result.outcome).toBe('updated');
      await expectHolding(order, status, FIRST_SEEN[status]);
      expect((await order.view()).marketplaceUpdatedAt).toBe(minute(2).toISOString());
      expect(sorted((await read.ledgerOf(first.order.id)).map((row) => row.step))).toEqual(
        sorted(FIRST_SEEN[status].steps),
      );
    });
  });

  /** Whole lives of an order, each event a minute after the one before, and where they end. */
  const JOURNEYS: { name: string; statuses: OrderStatus[]; end: Holding; steps: Step[] }[] = [
    {
      name: 'delivered',
      statuses: ['pending', 'confirmed', 'shipped', 'delivered'],
      end: OUT,
      steps: ['reserve', 'fulfil'],
    },
    {
      name: 'cancelled before shipping',
      statuses: ['pending', 'confirmed', 'cancelled'],
      end: NOTHING,
      steps: ['reserve', 'release'],
    },
    {
      name: 'returned',
      statuses: ['pending', 'shipped', 'delivered', 'returned'],
      end: NOTHING,
      steps: ['reserve', 'fulfil', 'restock'],
    },
    {
      name: 'cancelled after shipping, then returned',
      statuses: ['confirmed', 'shipped', 'cancelled', 'returned'],
      end: NOTHING,
      steps: ['reserve', 'fulfil', 'restock'],
    },
  ];

  /** The ledger of a journey's order: it explains the stock, and no step happened twice. */
  async function expectLedgerExplains(orderId: string, end: Holding): Promise<void> {
    const ledger = await read.ledgerOf(orderId);
    expect(ledger.reduce((sum, row) => sum + row.onHandDelta, 0)).toBe(end.onHand - ON_HAND);
    expect(ledger.reduce((sum, row) => sum + row.reservedDelta, 0)).toBe(end.reserved);
    const steps = ledger.map((row) => row.step);
    expect(new Set(steps).size).toBe(steps.length);
  }

  describe('a journey delivered in order, once, twice over, and every event twice', () => {
    const cases = JOURNEYS.flatMap((journey) =>
      (['once', 'replayed after it ended', 'every event twice'] as const).map(
        (delivery) => [journey.name, delivery, journey] as const,
      ),
    );
    it.each(cases)('%s, %s', async (_name, delivery, journey) => {
      const order = await anOrder();
      const events = journey.statuses.map((status, index) => ({ status, at: minute(index + 1) }));
      const sequence =
        delivery === 'once'
          ? events
          : delivery === 'replayed after it ended'
            ? [...events, ...events]
            : events.flatMap((event) => [event, event]);
      const outcomes: string[] = [];
      for (const event of sequence) outcomes.push((await order.send(event.status, event.at)).outcome);
      expect(outcomes.filter((outcome) => outcome !== 'unchanged')).toHaveLength(events.length);
      await expectHolding(order, journey.statuses[journey.statuses.length - 1], journey.end);
      const { id } = await order.view();
      expect(sorted((await read.ledgerOf(id)).map((row) => row.step))).toEqual(sorted(journey.steps));
    });
  });

  function permutations<T>(items: T[]): T[][] {
    if (items.length <= 1) return [items];
    return items.flatMap((item, index) =>
      permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]),
    );
  }

  describe('a journey delivered in every order: the newest state wins, each step at most once', () => {
    const cases = JOURNEYS.flatMap((journey) => {
      const events = journey.statuses.map((status, index) => ({ status, at: minute(index + 1) }));
      return permutations(events).map(
        (shuffled) =>
          [journey.name, shuffled.map((event) => event.status).join(' → '), journey, shuffled] as const,
      );
    });
    it.each(cases)('%s: %s', async (_name, _order, journey, shuffled) => {
      const order = await anOrder();
      for (const event of shuffled) await order.send(event.status, event.at);
      await expectHolding(order, journey.statuses[journey.statuses.length - 1], journey.end);
      const view = await order.view();
      expect(view.marketplaceUpdatedAt).toBe(minute(journey.statuses.length).toISOString());
      await expectLedgerExplains(view.id, journey.end);
    });
  });

  describe('concurrent deliveries', () => {
    it.each(STATUSES)(
      'the same %s event five times at once makes one order and one set of steps',
      async (status) => {
        const order = await anOrder();
        const results = await Promise.all(Array.from({ length: 5 }, () => order.send(status, minute(1))));
        expect(results.map((result) => result.outcome).sort()).toEqual([
          'created',
          'unchanged',
          'unchanged',
          'unchanged',
          'unchanged',
        ]);
        expect(new Set(results.map((result) => result.order.id)).size).toBe(1);
        expect(await read.ordersNamed(order.externalOrderId)).toHaveLength(1);
        await expectHolding(order, status, FIRST_SEEN[status]);
        expect(sorted((await read.ledgerOf(results[0].order.id)).map((row) => row.step))).toEqual(
          sorted(FIRST_SEEN[status].steps),
        );
      },
    );

    it.each(JOURNEYS.map((journey) => [journey.name, journey] as const))(
      'every event of a journey at once (%s): the newest wins',
      async (_name, journey) => {
        const order = await anOrder();
        await Promise.all(journey.statuses.map((status, index) => order.send(status, minute(index + 1))));
        await expectHolding(order, journey.statuses[journey.statuses.length - 1], journey.end);
        await expectLedgerExplains((await order.view()).id, journey.end);
      },
    );
  });
});
