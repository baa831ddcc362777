import { countsAsSale, NO_PRODUCT, salesByProduct } from './sales-rollups';

describe('an order’s sales per product', () => {
  const order = (lines: { productId: string | null; quantity: number; unitPriceVnd: number }[]) => ({
    orderId: 'o',
    cooperativeId: 'c',
    marketplace: 'voso' as const,
    placedAt: new Date('2026-05-31T23:30:00Z'),
    status: 'pending' as const,
    lines,
  });

  it('sums the lines of one product and keeps unknown SKUs under no product', () => {
    expect(
      salesByProduct(
        order([
          { productId: 'b', quantity: 2, unitPriceVnd: 50_000 },
          { productId: 'a', quantity: 1, unitPriceVnd: 180_000 },
          { productId: 'b', quantity: 1, unitPriceVnd: 45_000 },
          { productId: null, quantity: 3, unitPriceVnd: 10_000 },
        ]),
      ),
    ).toEqual([
      { productKey: NO_PRODUCT, revenueVnd: 30_000, units: 3 },
      { productKey: 'a', revenueVnd: 180_000, units: 1 },
      { productKey: 'b', revenueVnd: 145_000, units: 3 },
    ]);
  });

  it('counts every status but cancelled and returned as a sale', () => {
    expect(['pending', 'confirmed', 'shipped', 'delivered'].every((s) => countsAsSale(s as never))).toBe(
      true,
    );
    expect(countsAsSale('cancelled')).toBe(false);
    expect(countsAsSale('returned')).toBe(false);
  });
});
