import { offeredQuantity } from './listing-content';

describe('offeredQuantity', () => {
  it.each([
    [10, 0, 10],
    [10, 20, 8],
    [9, 50, 4],
    [1, 10, 0],
    [0, 0, 0],
    [-3, 0, 0],
    [100, 100, 0],
  ])('available %p with a %p%% buffer → %p', (available, buffer, offered) => {
    expect(offeredQuantity(available, buffer)).toBe(offered);
  });
});
