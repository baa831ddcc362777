import type { OrderChange } from '@ocop/marketplaces';
import { readChange, storeChange } from './stored-change';

describe('stored order changes', () => {
  it('come back from JSON as they went in, instants included', () => {
    const change: OrderChange = {
      externalOrderId: 'VOSO0000000042',
      status: 'confirmed',
      updatedAt: new Date('2026-11-28T03:04:05.678Z'),
      order: {
        externalOrderId: 'VOSO0000000042',
        status: 'confirmed',
        marketplaceStatus: 'DA_DUYET',
        placedAt: new Date('2026-11-27T23:00:00.000Z'),
        updatedAt: new Date('2026-11-28T03:04:05.678Z'),
        totalVnd: 360000,
        lines: [{ skuCode: 'HD-TOM-100', variantId: null, quantity: 2, unitPriceVnd: 180000 }],
      },
    };
    expect(readChange(JSON.parse(JSON.stringify(storeChange(change))))).toEqual(change);
  });

  it('keep a thin change thin (Sendo pushes no lines)', () => {
    const thin: OrderChange = {
      externalOrderId: '2600000001',
      status: 'pending',
      updatedAt: new Date('2026-11-28T03:00:00.000Z'),
    };
    expect(readChange(JSON.parse(JSON.stringify(storeChange(thin))))).toEqual(thin);
  });
});
