import { BadRequest } from './errors';
import { decodeCursor, encodeCursor, toPage } from './pagination';

describe('cursors', () => {
  it('round-trips a key', () => {
    const key: [string, string] = ['2026-11-28T01:02:03.456Z', '3f1e4a52-1b0a-4a8e-9d7e-0a1b2c3d4e5f'];
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
  });

  it.each([
    '',
    'garbage',
    Buffer.from('[1,2]').toString('base64url'),
    Buffer.from('["x","y"]').toString('base64url'),
  ])('refuses %p with bad_request', (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(BadRequest);
  });

  it('pages with limit + 1 rows', () => {
    const rows = [1, 2, 3].map((n) => ({
      at: `2026-01-0${n}T00:00:00.000Z`,
      id: `00000000-0000-4000-8000-00000000000${n}`,
    }));
    const page = toPage(
      rows,
      2,
      (r) => [r.at, r.id],
      (r) => r.id,
    );
    expect(page.items).toHaveLength(2);
    expect(decodeCursor(page.nextCursor ?? undefined)).toEqual([rows[1].at, rows[1].id]);
    expect(
      toPage(
        rows,
        3,
        (r) => [r.at, r.id],
        (r) => r.id,
      ).nextCursor,
    ).toBeNull();
  });
});
