import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('grows exponentially under a ceiling, with jitter', () => {
    expect(backoffDelay(1, 0, () => 1)).toBe(500);
    expect(backoffDelay(3, 0, () => 1)).toBe(2000);
    expect(backoffDelay(20, 0, () => 1)).toBe(60_000);
    expect(backoffDelay(3, 0, () => 0.5)).toBe(1000);
    expect(backoffDelay(3, 0, () => 0)).toBe(0);
  });

  it('never waits less than the marketplace asked', () => {
    expect(backoffDelay(1, 20_000, () => 1)).toBe(20_000);
  });
});
