import { BadRequest } from './errors';
import { decodeCursor, encodeCursor } from './pagination';

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
});
