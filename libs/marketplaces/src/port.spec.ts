import { MarketplaceError, productHoldingSku } from './port';

describe('productHoldingSku', () => {
  const refused = (message: string, kind: 'permanent' | 'retryable' = 'permanent') =>
    new MarketplaceError(kind, message);

  it('names the product that holds one of our SKUs', () => {
    expect(
      productHoldingSku(refused('variants.0: SKU HD-100 already belongs to product 4711'), ['HD-100']),
    ).toBe('4711');
    expect(productHoldingSku(refused('SKU A-1 already belongs to product 3f1e-uuid.'), ['A-1', 'A-2'])).toBe(
      '3f1e-uuid',
    );
  });

  it('ignores other SKUs, other refusals and retryable errors', () => {
    expect(productHoldingSku(refused('SKU X-9 already belongs to product 1'), ['HD-100'])).toBeUndefined();
    expect(productHoldingSku(refused('name: too short'), ['HD-100'])).toBeUndefined();
    expect(
      productHoldingSku(refused('SKU HD-100 already belongs to product 1', 'retryable'), ['HD-100']),
    ).toBeUndefined();
    expect(
      productHoldingSku(new Error('SKU HD-100 already belongs to product 1'), ['HD-100']),
    ).toBeUndefined();
  });
});
