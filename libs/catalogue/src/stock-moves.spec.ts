import { planStockMoves, type SkuFigures } from './stock-moves';

const figures = (entries: Record<string, SkuFigures>) => new Map(Object.entries(entries));

describe('planStockMoves', () => {
  it('gives the last units to the moves in the order given, and the rest nothing', () => {
    const plan = planStockMoves(figures({ tea: { onHand: 5, reserved: 2 } }), [
      { skuId: 'tea', change: { reserveUpTo: 2 } },
      { skuId: 'tea', change: { reserveUpTo: 2 } },
      { skuId: 'tea', change: { reserveUpTo: 2 } },
    ]);
    expect(plan.outcomes).toEqual([2, 1, 0]);
    expect(plan.movements.map((m) => [m.move, m.reservedDelta, m.reservedAfter])).toEqual([
      [0, 2, 4],
      [1, 1, 5],
    ]);
    expect(plan.after.get('tea')).toEqual({ onHand: 5, reserved: 5 });
  });

  it('applies fixed moves only while on-hand ≥ reserved ≥ 0 holds', () => {
    const plan = planStockMoves(figures({ rice: { onHand: 3, reserved: 2 } }), [
      { skuId: 'rice', change: { onHandDelta: -2, reservedDelta: -2 } },
      { skuId: 'rice', change: { onHandDelta: 0, reservedDelta: -1 } },
      { skuId: 'rice', change: { onHandDelta: 0, reservedDelta: -1 } },
      { skuId: 'rice', change: { onHandDelta: -2, reservedDelta: 0 } },
      { skuId: 'rice', change: { onHandDelta: 4, reservedDelta: 0 } },
    ]);
    expect(plan.outcomes).toEqual([0, null, null, null, 0]);
    expect(plan.movements.map((m) => [m.onHandAfter, m.reservedAfter])).toEqual([
      [1, 0],
      [5, 0],
    ]);
  });

  it('moves each SKU on its own figures and leaves unknown SKUs alone', () => {
    const plan = planStockMoves(figures({ a: { onHand: 1, reserved: 0 }, b: { onHand: 4, reserved: 4 } }), [
      { skuId: 'b', change: { reserveUpTo: 1 } },
      { skuId: 'a', change: { reserveUpTo: 3 } },
      { skuId: 'gone', change: { reserveUpTo: 1 } },
      { skuId: 'gone', change: { onHandDelta: 1, reservedDelta: 0 } },
      { skuId: 'a', change: { reserveUpTo: 0 } },
    ]);
    expect(plan.outcomes).toEqual([0, 1, 0, null, 0]);
    expect([...plan.after.keys()]).toEqual(['a']);
    expect(plan.movements).toHaveLength(1);
  });
});
