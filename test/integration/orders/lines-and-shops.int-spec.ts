import { randomUUID } from 'node:crypto';
import { EVERYTHING } from '@ocop/common';
import type { Marketplace } from '@ocop/marketplaces';
import type { OrderSource } from '@ocop/orders';
import { type Services, startServices } from '../../support/services';
import { type LineInput, marketplaceOrder, minute, newOrderId, readers } from './support';

/**
 * Which SKU an order line is, which order an event is, and what the order's total is. From
 * docs/api.md ("Orders"): lines map to SKUs through the listing's variant ids, then SKU codes, and
 * a line that maps to nothing keeps the order, flagged `unknown_sku`; an order is one per
 * connection and marketplace order id (docs/architecture.md, "One idempotent order import"), a
 * cooperative sees only its own (tenancy); `totalVnd` is the marketplace's.
 */
describe('order import: lines, shops and totals, on the real database', () => {
  let services: Services;
  let read: ReturnType<typeof readers>;

  beforeAll(async () => {
    services = await startServices();
    read = readers(services);
  });
  afterAll(async () => {
    await services?.close();
  });

  const view = (orderId: string) => services.orders.get(EVERYTHING, orderId);

  /**
   * A cooperative with one SKU (10 on hand) listed on its Voso and Postmart shops, each listing
   * holding that marketplace's own variant id for it; and another cooperative with a SKU of its own.
   */
  async function seller() {
    const cooperativeId = await services.newCooperative();
    const { productId, skus } = await services.newProduct(cooperativeId, [{ onHand: 10 }]);
    const sku = skus[0];
    const shops = {} as Record<'voso' | 'postmart', OrderSource & { variantId: string }>;
    for (const marketplace of ['voso', 'postmart'] as const) {
      const connection = await services.connect(cooperativeId, marketplace);
      const variantId = `${marketplace}-variant-${randomUUID()}`;
      await services.listPublished(productId, connection.id, {
        variantIds: { [sku.code]: variantId },
        syncedStock: { [sku.code]: 10 },
      });
      shops[marketplace] = { connectionId: connection.id, cooperativeId, marketplace, variantId };
    }
    const otherCooperative = await services.newCooperative();
    const other = (await services.newProduct(otherCooperative, [{ onHand: 10 }])).skus[0];
    return { cooperativeId, sku, shops, other };
  }

  describe('which SKU a line is', () => {
    type Seller = Awaited<ReturnType<typeof seller>>;
    const cases: [string, (s: Seller) => Omit<LineInput, 'quantity'>, boolean][] = [
      ['our SKU code', (s) => ({ code: s.sku.code }), true],
      ["the listing's variant id, no code", (s) => ({ variantId: s.shops.voso.variantId }), true],
      [
        "the listing's variant id with a mistyped code: the variant id wins",
        (s) => ({ variantId: s.shops.voso.variantId, code: `${s.sku.code}-X` }),
        true,
      ],
      [
        'a variant id the listing does not have, with our code: the code',
        (s) => ({ variantId: 'not-ours', code: s.sku.code }),
        true,
      ],
      ['a code we do not have', () => ({ code: 'KHONG-CO-MA-NAY' }), false],
      ['no code and no variant id', () => ({}), false],
      ["another cooperative's SKU code", (s) => ({ code: s.other.code }), false],
      [
        "the variant id of our listing on another marketplace's shop, no code",
        (s) => ({ variantId: s.shops.postmart.variantId }),
        false,
      ],
    ];
    it.each(cases)('%s', async (_name, line, known) => {
      const s = await seller();
      const given = line(s);
      const { order } = await services.imports.import(
        s.shops.voso,
        marketplaceOrder('voso', newOrderId('voso'), 'pending', minute(1), [
          { ...given, quantity: 3, unitPriceVnd: 90_000 },
        ]),
        'webhook',
      );
      const shown = await view(order.id);
      // the Orders API's `flagged` filter finds exactly the orders that need a person
      for (const flagged of ['true', 'false'] as const) {
        const { items } = await services.orders.list(EVERYTHING, { cooperativeId: s.cooperativeId, flagged });
        expect({ flagged, found: items.map((item) => item.id) }).toEqual({
          flagged,
          found: (flagged === 'true') === !known ? [order.id] : [],
        });
      }
      if (known) {
        expect(shown).toMatchObject({ flags: [], stockStatus: 'reserved', totalVnd: 270_000 });
        expect(shown.lines).toEqual([
          expect.objectContaining({
            skuId: s.sku.id,
            skuCode: s.sku.code,
            unknownSku: false,
            reservedQuantity: 3,
          }),
        ]);
        expect(await read.stockOf(s.sku.id)).toEqual({ onHand: 10, reserved: 3 });
      } else {
        // kept, flagged, with what the marketplace called it; no stock of anyone's moves
        expect(shown).toMatchObject({ flags: ['unknown_sku'], totalVnd: 270_000 });
        expect(shown.lines).toEqual([
          expect.objectContaining({
            skuId: null,
            skuCode: given.code ?? null,
            unknownSku: true,
            quantity: 3,
            reservedQuantity: 0,
          }),
        ]);
        expect(await read.stockOf(s.sku.id)).toEqual({ onHand: 10, reserved: 0 });
        expect(await read.stockOf(s.other.id)).toEqual({ onHand: 10, reserved: 0 });
        expect(await read.ledgerOf(order.id)).toEqual([]);
      }
    });
  });

  describe('an order with lines the connector does not know', () => {
    it.each([
      ['one known line, one unknown: the known one is held', [3, null], { onHand: 10, reserved: 3 }],
      ['only unknown lines: nothing is held, nothing is oversold', [null, null], { onHand: 10, reserved: 0 }],
    ] as const)('%s, and a cancellation gives back exactly that', async (_name, quantities, held) => {
      const s = await seller();
      const externalOrderId = newOrderId('voso');
      const lines: LineInput[] = quantities.map((quantity) =>
        quantity === null ? { code: `LA-${randomUUID()}`, quantity: 2 } : { code: s.sku.code, quantity },
      );
      const send = (status: 'pending' | 'cancelled', at: Date) =>
        services.imports.import(
          s.shops.voso,
          marketplaceOrder('voso', externalOrderId, status, at, lines),
          'webhook',
        );
      const { order } = await send('pending', minute(1));
      const shown = await view(order.id);
      expect(shown.flags).toEqual(['unknown_sku']);
      expect(shown.stockStatus).not.toBe('oversold');
      expect(shown.lines.map((line) => line.unknownSku)).toEqual(quantities.map((q) => q === null));
      expect(await read.stockOf(s.sku.id)).toEqual(held);
      await send('cancelled', minute(2));
      expect(await read.stockOf(s.sku.id)).toEqual({ onHand: 10, reserved: 0 });
      expect((await view(order.id)).stockStatus).toBe('released');
      const ledger = await read.ledgerOf(order.id);
      expect(ledger.every((row) => row.skuId === s.sku.id)).toBe(true);
      expect(ledger.reduce((sum, row) => sum + row.reservedDelta, 0)).toBe(0);
    });
  });

  describe('the same marketplace order id on two shops is two orders', () => {
    const pairs: [string, Marketplace, Marketplace, boolean][] = [
      ['Sendo and Voso shops of one cooperative', 'sendo', 'voso', true],
      ['Voso and Postmart shops of one cooperative', 'voso', 'postmart', true],
      ['two Voso shops of one cooperative', 'voso', 'voso', true],
      ["two cooperatives' Postmart shops", 'postmart', 'postmart', false],
    ];
    it.each(pairs)(
      '%s: each holds its units; cancelling one leaves the other',
      async (_name, a, b, oneCooperative) => {
        const first = await services.newCooperative();
        const second = oneCooperative ? first : await services.newCooperative();
        const firstSku = (await services.newProduct(first, [{ onHand: 10 }])).skus[0];
        const secondSku = oneCooperative
          ? firstSku
          : (await services.newProduct(second, [{ onHand: 10 }])).skus[0];
        const shopA = await services.connect(first, a);
        const shopB = await services.connect(second, b);
        const sourceA = { connectionId: shopA.id, cooperativeId: first, marketplace: a };
        const sourceB = { connectionId: shopB.id, cooperativeId: second, marketplace: b };
        const externalOrderId = `DH-${randomUUID()}`;
        const send = (source: OrderSource, code: string, status: 'pending' | 'cancelled', at: Date) =>
          services.imports.import(
            source,
            marketplaceOrder(source.marketplace, externalOrderId, status, at, [{ code, quantity: 3 }]),
            'webhook',
          );

        const inA = await send(sourceA, firstSku.code, 'pending', minute(1));
        const inB = await send(sourceB, secondSku.code, 'pending', minute(1));
        expect([inA.outcome, inB.outcome]).toEqual(['created', 'created']);
        expect(inA.order.id).not.toBe(inB.order.id);
        expect((await read.ordersNamed(externalOrderId)).map((o) => o.connectionId).sort()).toEqual(
          [shopA.id, shopB.id].sort(),
        );
        expect((await view(inA.order.id)).cooperativeId).toBe(first);
        expect((await view(inB.order.id)).cooperativeId).toBe(second);
        // the other cooperative does not see it (tenancy in the one Scope every service takes)
        if (!oneCooperative) {
          await expect(services.orders.get({ cooperativeId: first }, inB.order.id)).rejects.toThrow(
            'No such order',
          );
        }
        const holds = () =>
          Promise.all([read.stockOf(firstSku.id), read.stockOf(secondSku.id)]).then(([x, y]) =>
            oneCooperative ? [x] : [x, y],
          );
        expect(await holds()).toEqual(
          oneCooperative
            ? [{ onHand: 10, reserved: 6 }]
            : [
                { onHand: 10, reserved: 3 },
                { onHand: 10, reserved: 3 },
              ],
        );

        // the first shop's event again, and its cancellation, touch only the first shop's order
        expect((await send(sourceA, firstSku.code, 'pending', minute(1))).outcome).toBe('unchanged');
        await send(sourceA, firstSku.code, 'cancelled', minute(2));
        expect((await view(inA.order.id)).status).toBe('cancelled');
        expect(await view(inB.order.id)).toMatchObject({ status: 'pending', stockStatus: 'reserved' });
        expect(await holds()).toEqual(
          oneCooperative
            ? [{ onHand: 10, reserved: 3 }]
            : [
                { onHand: 10, reserved: 0 },
                { onHand: 10, reserved: 3 },
              ],
        );
      },
    );
  });

  describe("the order's total is the marketplace's", () => {
    // 3 × 150,000 in the lines; what the buyer pays may differ (shipping, vouchers)
    const cases: [string, [status: 'pending' | 'confirmed', minute: number, totalVnd: number][], number][] = [
      ['as stated, shipping included', [['pending', 1, 465_000]], 465_000],
      ['as stated, below the lines after a voucher', [['pending', 1, 400_000]], 400_000],
      ['nothing to pay', [['pending', 1, 0]], 0],
      [
        'a newer state brings a new total',
        [
          ['pending', 1, 450_000],
          ['confirmed', 2, 430_000],
        ],
        430_000,
      ],
      [
        'an older state does not bring back the old one',
        [
          ['confirmed', 2, 430_000],
          ['pending', 1, 450_000],
        ],
        430_000,
      ],
      [
        'the same state again with another figure is the same event',
        [
          ['pending', 1, 450_000],
          ['pending', 1, 999_000],
        ],
        450_000,
      ],
    ];
    it.each(cases)('%s', async (_name, states, total) => {
      const s = await seller();
      const externalOrderId = newOrderId('postmart');
      let orderId = '';
      for (const [status, at, totalVnd] of states) {
        const { order } = await services.imports.import(
          s.shops.postmart,
          marketplaceOrder(
            'postmart',
            externalOrderId,
            status,
            minute(at),
            [{ code: s.sku.code, quantity: 3, unitPriceVnd: 150_000 }],
            { totalVnd },
          ),
          'poll',
        );
        orderId = order.id;
      }
      const shown = await view(orderId);
      expect(shown.totalVnd).toBe(total);
      expect(shown.lines).toEqual([expect.objectContaining({ quantity: 3, unitPriceVnd: 150_000 })]);
    });
  });
});
