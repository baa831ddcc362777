import { BadRequest } from './errors';
import { decodeCursor, encodeCursor } from './pagination';

describe('cursors', () => {
  it('round-trips a key', () => {
    const key: [string, string] = ['2026-11-28T01:02:03.456Z', '3f1e4a52-1b0a-4a8e-9d7e-0a1b2c3d4e5f'];
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
  });

  it('round-trips a calendar-day key (lists ordered by a date)', () => {
    const key: [string, string] = ['2025-07-06', '3f1e4a52-1b0a-4a8e-9d7e-0a1b2c3d4e5f'];
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
  });

  const id = '3f1e4a52-1b0a-4a8e-9d7e-0a1b2c3d4e5f';
  const forged = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
  it.each([
    '',
    'garbage',
    '1',
    '2020-02-30',
    Buffer.from('[1,2]').toString('base64url'),
    Buffer.from('["x","y"]').toString('base64url'),
    forged(['1', id]),
    forged(['2020-02-30', id]),
    forged(['2020-02-30T00:00:00.000Z', id]),
    forged(['2026-01-01T24:00:00.000Z', id]),
    forged(['2026-01-01T00:00:00Z', id]),
    forged(['2026-01-01 00:00:00', id]),
    forged(['0000-01-01T00:00:00.000Z', id]),
    forged(['0000-01-01', id]),
    forged(['+275760-09-13T00:00:00.000Z', id]),
    forged(['Tue, 01 Jan 2026 00:00:00 GMT', id]),
    forged(['2026-01-01T00:00:00.000Z', '-'.repeat(36)]),
    forged(['2026-01-01T00:00:00.000Z', '--------0000-0000-0000-000000000000']),
    forged(['2026-01-01T00:00:00.000Z', `${id.slice(0, 35)}\u0000`]),
    forged(['2026-01-01T00:00:00.000Z', id, 'x']),
    forged({ at: '2026-01-01T00:00:00.000Z', id }),
    forged(null),
  ])('refuses %p with bad_request', (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(BadRequest);
  });
});
