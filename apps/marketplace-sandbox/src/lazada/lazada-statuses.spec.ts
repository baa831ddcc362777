import {
  LAZADA_CODE_FOR,
  LAZADA_CONNECTOR_STATUS,
  LAZADA_ITEM_STATUSES,
  orderStatusOf,
} from './lazada-statuses';

describe('Lazada-style statuses (sandbox side)', () => {
  it('maps every item status to a connector status, and back to one of them', () => {
    for (const status of LAZADA_ITEM_STATUSES) expect(LAZADA_CONNECTOR_STATUS[status]).toBeDefined();
    for (const [connector, word] of Object.entries(LAZADA_CODE_FOR)) {
      expect(LAZADA_CONNECTOR_STATUS[word]).toBe(connector);
    }
  });

  it('gives an order its lowest live item, or its lowest dead one when none lives', () => {
    expect(orderStatusOf(['ready_to_ship', 'packed', 'pending'])).toBe('pending');
    expect(orderStatusOf(['canceled', 'ready_to_ship', 'packed'])).toBe('packed');
    expect(orderStatusOf(['delivered', 'returned', 'canceled'])).toBe('delivered');
    expect(orderStatusOf(['shipped_back_success', 'lost_by_3pl'])).toBe('shipped_back_success');
    expect(orderStatusOf(['package_scrapped', 'canceled'])).toBe('canceled');
  });
});
