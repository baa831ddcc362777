import { planListings } from '../../apps/web/src/pages/listing-plan';

describe('what the listings page asks of the API for the selected products', () => {
  // products a, b, c; a is live on shop S1, b on S2
  const live: Record<string, string> = { 'a:S1': 'L-a1', 'b:S2': 'L-b2' };
  const liveListing = (product: string, shop: string) => live[`${product}:${shop}`];

  it('lists a product only on the shops it is not live on, one bulk call per shop', () => {
    const plan = planListings('list', ['a', 'b', 'c'], ['S1', 'S2'], liveListing, 200);
    expect(plan.list).toEqual([
      { shopId: 'S1', products: ['b', 'c'] },
      { shopId: 'S2', products: ['a', 'c'] },
    ]);
    expect(plan.delist).toEqual([]);
    expect(plan.skipped).toBe(2);
  });

  it('takes down only live listings, one call each', () => {
    const plan = planListings('delist', ['a', 'b', 'c'], ['S1', 'S2'], liveListing, 200);
    expect(plan.delist).toEqual([
      { shopId: 'S1', product: 'a', listing: 'L-a1' },
      { shopId: 'S2', product: 'b', listing: 'L-b2' },
    ]);
    expect(plan.list).toEqual([]);
    expect(plan.skipped).toBe(4);
  });

  it('splits a shop’s products into calls the bulk route takes', () => {
    const many = Array.from({ length: 450 }, (_, i) => `p${i}`);
    const plan = planListings('list', many, ['S9'], () => undefined, 200);
    expect(plan.list.map((call) => call.products.length)).toEqual([200, 200, 50]);
    expect(plan.list.flatMap((call) => call.products)).toEqual(many);
  });

  it('asks nothing when nothing is selected or no shop is chosen', () => {
    expect(planListings('list', [], ['S1'], liveListing, 200)).toEqual({ list: [], delist: [], skipped: 0 });
    expect(planListings('list', ['a'], [], liveListing, 200)).toEqual({ list: [], delist: [], skipped: 0 });
  });
});
