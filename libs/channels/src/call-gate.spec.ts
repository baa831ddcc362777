import { limitAfterThrottle } from './call-gate';

describe('limitAfterThrottle', () => {
  it('cuts a fifth off and never goes below one call a second', () => {
    expect(limitAfterThrottle(40)).toBe(32);
    expect(limitAfterThrottle(20)).toBe(16);
    expect(limitAfterThrottle(1)).toBe(1);
  });
});
