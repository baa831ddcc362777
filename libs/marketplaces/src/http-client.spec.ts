import { parseRetryAfter, requestUrl } from './http-client';

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('20')).toBe(20_000);
    expect(parseRetryAfter(' 1 ')).toBe(1000);
  });

  it('reads an HTTP date relative to now', () => {
    const now = Date.parse('2026-11-28T03:00:00Z');
    expect(parseRetryAfter('Sat, 28 Nov 2026 03:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sat, 28 Nov 2026 02:59:00 GMT', now)).toBe(0);
  });

  it('gives undefined when absent or unreadable', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('requestUrl', () => {
  it('joins base and path and encodes the query', () => {
    expect(requestUrl('http://h:1/', { path: '/a', query: { b: 'x y', a: '1' } })).toBe(
      'http://h:1/a?b=x+y&a=1',
    );
    expect(requestUrl('http://h:1', { path: '/a' })).toBe('http://h:1/a');
  });
});
