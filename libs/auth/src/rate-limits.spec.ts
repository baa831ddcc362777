import { webhookPointsAhead } from './rate-limits';

describe('webhookPointsAhead', () => {
  it.each([
    [1, 1],
    [3, 1],
    [199, 1],
    [200, 2],
    [300, 3],
    [9_999, 99],
    [60_000, 100],
    [100_000_000, 100],
  ])('a limit of %d a minute is taken %d point(s) at a time', (limit, ahead) => {
    expect(webhookPointsAhead(limit)).toBe(ahead);
  });
});
