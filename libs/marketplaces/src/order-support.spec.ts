import {
  earliestHint,
  isoField,
  moveOrder,
  ordersMetInSearch,
  readWebhookBody,
  sameDigest,
  searchError,
  statusFrom,
  unixSecondsField,
  UnreadableOrder,
} from './order-support';
import { MalformedWebhookError, MarketplaceError, MarketplaceOrder, OrderChange, WebhookEvent } from './port';

const delivery = (text: string) => ({ rawBody: Buffer.from(text), headers: {} });
const event: WebhookEvent = {
  shopId: 's',
  eventId: 'e',
  change: { externalOrderId: 'o', status: 'pending', updatedAt: new Date(0) },
};

describe('readWebhookBody', () => {
  it('hands the parsed object to the reader', () => {
    expect(
      readWebhookBody(delivery('{"a":1}'), 'voso', (body) => ({ ...event, shopId: String(body.a) })),
    ).toEqual({ ...event, shopId: '1' });
  });

  it('refuses malformed JSON, JSON that is not an object, and bodies the reader cannot read', () => {
    const read = () => event;
    expect(() => readWebhookBody(delivery('{"a":'), 'sendo', read)).toThrow(MalformedWebhookError);
    expect(() => readWebhookBody(delivery(''), 'sendo', read)).toThrow(MalformedWebhookError);
    expect(() => readWebhookBody(delivery('[1,2]'), 'sendo', read)).toThrow(MalformedWebhookError);
    expect(() => readWebhookBody(delivery('null'), 'sendo', read)).toThrow(MalformedWebhookError);
    expect(() =>
      readWebhookBody(delivery('{}'), 'sendo', () => {
        throw new UnreadableOrder('unknown order status 99', 'unknown_status');
      }),
    ).toThrow(new MalformedWebhookError('sendo: unknown order status 99'));
  });
});

describe('searchError', () => {
  it('makes an unreadable row a permanent error with its code, and leaves other errors alone', () => {
    expect(
      searchError(new UnreadableOrder('unknown order status X', 'unknown_status'), 'voso'),
    ).toMatchObject({
      kind: 'permanent',
      options: { code: 'unknown_status', marketplace: 'voso' },
    });
    const other = new MarketplaceError('retryable', 'timeout');
    expect(searchError(other, 'voso')).toBe(other);
  });
});

describe('sameDigest', () => {
  it('answers false instead of throwing for digests of other lengths', () => {
    expect(sameDigest(Buffer.from('abcd'), Buffer.from('abcd'))).toBe(true);
    expect(sameDigest(Buffer.from('abcd'), Buffer.from('abce'))).toBe(false);
    expect(sameDigest(Buffer.from('abcd'), Buffer.from('abc'))).toBe(false);
    expect(sameDigest(Buffer.from('abcd'), Buffer.alloc(0))).toBe(false);
  });
});

describe('field readers', () => {
  it("statusFrom knows only the table's own codes, not what every object inherits", () => {
    const table = { 2: 'pending', DA_DUYET: 'confirmed' } as const;
    expect(statusFrom(table, 2)).toBe('pending');
    expect(statusFrom(table, '2')).toBe('pending');
    expect(statusFrom(table, 'DA_DUYET')).toBe('confirmed');
    for (const code of [99, 'toString', '__proto__', null, undefined, {}]) {
      expect(() => statusFrom(table, code)).toThrow(UnreadableOrder);
    }
  });

  it('isoField converts a zoned instant to UTC and refuses one without a zone', () => {
    expect(isoField({ at: '2026-11-28T08:56:13.123+07:00' }, 'at').toISOString()).toBe(
      '2026-11-28T01:56:13.123Z',
    );
    expect(() => isoField({ at: '2026-11-28T08:56:13' }, 'at')).toThrow(UnreadableOrder);
    expect(() => isoField({ at: 1_700_000_000 }, 'at')).toThrow(UnreadableOrder);
  });

  it('unixSecondsField reads seconds, as a number or digits', () => {
    expect(unixSecondsField({ t: 1_793_000_000 }, 't').toISOString()).toBe('2026-10-26T07:33:20.000Z');
    expect(unixSecondsField({ t: '1793000000' }, 't').getTime()).toBe(1_793_000_000_000);
    expect(() => unixSecondsField({ t: '2026-10-27' }, 't')).toThrow(UnreadableOrder);
    expect(() => unixSecondsField({ t: 1.5 }, 't')).toThrow(UnreadableOrder);
  });
});

describe('moveOrder', () => {
  const refused = new MarketplaceError('permanent', 'order is in status 3 and cannot move to 3');

  it('passes when the call succeeds, without reading the order', async () => {
    const current = jest.fn(async () => 'pending' as const);
    await moveOrder('confirmed', async () => undefined, current);
    expect(current).not.toHaveBeenCalled();
  });

  it('treats a refusal as done when the order already stands where it was sent', async () => {
    await expect(
      moveOrder(
        'confirmed',
        async () => Promise.reject(refused),
        async () => 'confirmed',
      ),
    ).resolves.toBeUndefined();
  });

  it('passes the refusal on when the order stands elsewhere, or cannot be read', async () => {
    await expect(
      moveOrder(
        'cancelled',
        async () => Promise.reject(refused),
        async () => 'shipped',
      ),
    ).rejects.toBe(refused);
    await expect(
      moveOrder(
        'cancelled',
        async () => Promise.reject(refused),
        async () => Promise.reject(new Error('down')),
      ),
    ).rejects.toBe(refused);
  });

  it('does not look again after a retryable failure or an unknown order', async () => {
    const current = jest.fn(async () => 'confirmed' as const);
    const busy = new MarketplaceError('retryable', '502');
    const unknown = new MarketplaceError('permanent', 'no order', { code: 'order_not_found' });
    await expect(moveOrder('confirmed', async () => Promise.reject(busy), current)).rejects.toBe(busy);
    await expect(moveOrder('confirmed', async () => Promise.reject(unknown), current)).rejects.toBe(unknown);
    expect(current).not.toHaveBeenCalled();
  });
});

describe('reading pushed orders back from a search', () => {
  const order = (id: string, updatedAt: string, totalVnd = 100): MarketplaceOrder => ({
    externalOrderId: id,
    status: 'pending',
    marketplaceStatus: 'pending',
    placedAt: new Date(updatedAt),
    updatedAt: new Date(updatedAt),
    totalVnd,
    lines: [],
  });
  const change = (o: MarketplaceOrder): OrderChange => ({
    externalOrderId: o.externalOrderId,
    status: o.status,
    updatedAt: o.updatedAt,
    order: o,
  });
  /** A search answering `pages`, counting how many it was asked for. */
  function search(pages: MarketplaceOrder[][]) {
    const read = { pages: 0 };
    async function* walk() {
      for (const page of pages) {
        read.pages += 1;
        yield page.map(change);
      }
    }
    return { walk: walk(), read };
  }
  const hint = (id: string, at = '2026-11-30T01:00:00Z') => ({
    externalOrderId: id,
    updatedAt: new Date(at),
  });

  it('starts from the earliest hint', () => {
    expect(earliestHint([hint('a', '2026-11-30T02:00:00Z'), hint('b', '2026-11-29T02:00:00Z')])).toEqual(
      new Date('2026-11-29T02:00:00Z'),
    );
  });

  it('answers the marketplace’s order, not the push’s, and stops reading once every one is met', async () => {
    const { walk, read } = search([
      [order('x', '2026-11-30T01:00:00Z'), order('a', '2026-11-30T01:00:00Z', 360_000)],
      [order('b', '2026-11-30T01:05:00Z', 540_000)],
      [order('never-read', '2026-11-30T02:00:00Z')],
    ]);
    const found = await ordersMetInSearch(walk, [hint('a'), hint('b')]);
    expect([...found.keys()].sort()).toEqual(['a', 'b']);
    expect(found.get('a')?.totalVnd).toBe(360_000);
    expect(read.pages).toBe(2);
  });

  it('leaves out an order the search never meets, after reading all of it', async () => {
    const { walk, read } = search([
      [order('a', '2026-11-30T01:00:00Z')],
      [order('b', '2026-11-30T01:01:00Z')],
    ]);
    const found = await ordersMetInSearch(walk, [hint('a'), hint('ghost')]);
    expect([...found.keys()]).toEqual(['a']);
    expect(read.pages).toBe(2);
  });

  it('reads nothing for no hints', async () => {
    const { walk, read } = search([[order('a', '2026-11-30T01:00:00Z')]]);
    expect((await ordersMetInSearch(walk, [])).size).toBe(0);
    expect(read.pages).toBe(0);
  });
});
