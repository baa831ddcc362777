import { inboxRetryDelayMs } from './dead-webhooks';

describe('inboxRetryDelayMs', () => {
  it('waits the base after the first failure and twice as long after each next one', () => {
    expect([1, 2, 3, 4].map((n) => inboxRetryDelayMs(n, 7000))).toEqual([7000, 14_000, 28_000, 56_000]);
  });

  it('spreads the default ten attempts over about an hour', () => {
    const waited = Array.from({ length: 9 }, (_, i) => inboxRetryDelayMs(i + 1, 7000)).reduce(
      (a, b) => a + b,
    );
    expect(waited / 60_000).toBeGreaterThan(55);
    expect(waited / 60_000).toBeLessThan(65);
  });

  it('never waits longer than an hour between two attempts', () => {
    expect(inboxRetryDelayMs(40, 7000)).toBe(3_600_000);
  });
});
